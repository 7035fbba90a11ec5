"""Ctrl-C and SIGTERM during `pathways cohort` in a real process: the rows solved by then are written under a
name that says the file is partial (the rest marked not solved), exit 130, no temporary file, no traceback.
The signal is sent once a progress line (PATHWAYS_PROGRESS=1) shows a chunk done, so the test is not timing-fragile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_cohort import CERT, cohort_rows

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_cohort_writes_what_is_solved_as_partial(catalogue, tmp_path, sig):
    """Before: Ctrl-C printed nothing and wrote nothing."""
    rows = cohort_rows(catalogue, 3000)
    pd.DataFrame(rows).to_csv(tmp_path / "in.csv", index=False)
    env = {**os.environ, "PATHWAYS_PROGRESS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "solver.cli", "cohort", "in.csv", "-q", CERT, "-o", "out.csv",
                             "--workers", "1", "--method", "cp-sat"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("learners: ") and not line.startswith("learners: 0/"):
                break
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = "".join(seen) + err
    assert proc.returncode == 130, err
    assert "Interrupted: wrote 3000 rows to out.partial.csv (out.csv not written" in " ".join(err.split())
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.partial.csv"]  # no temporary file
    result = pd.read_csv(tmp_path / "out.partial.csv", dtype=str, keep_default_na=False)
    assert list(result["learner"]) == [r["learner"] for r in rows]  # one row per input row, in order
    unsolved = result["message"].str.startswith("not solved: the run was interrupted")
    assert 0 < unsolved.sum() < len(rows) and set(result.loc[unsolved, "status"]) == {"UNKNOWN"}
    assert (result.loc[~unsolved, "status"] != "UNKNOWN").all()
