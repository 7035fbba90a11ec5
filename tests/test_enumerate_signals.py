"""Ctrl-C and SIGTERM during `pathways enumerate` in a real process: the partial answer, said to be partial,
exit 130, no traceback, no native abort, no temporary file. Each signal is sent once a progress line
(PATHWAYS_PROGRESS=1) shows the listing under way, so the tests do not hang on timing."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synthetic import Shape, write_synthetic

REPO = Path(__file__).resolve().parents[1]


def _signalled(args: list[str], progress: str, sig: signal.Signals) -> tuple[int, str, str]:
    """Run `pathways ARGS`, wait for a progress line starting with `progress`, send `sig`; (exit, out, err)."""
    env = {**os.environ, "PATHWAYS_PROGRESS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "solver.cli", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if line.startswith(progress):
                break
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out, "".join(seen) + err


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, Shape(units=400))
    return folder


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ordered_listing_interrupted_shows_what_it_found(synthetic, sig):
    """Before: '0 valid pathways (total not counted)', then the native solver aborted on SIGTERM."""
    code, out, err = _signalled(["enumerate", "synthetic", "--catalogue", str(synthetic), "--order", "glh",
                                 "--limit", "1000", "--work-limit", "10000"], "lowest-glh pathways: 3", sig)
    assert code == 130, err
    text = " ".join(out.split())
    assert "(partial: interrupted)" in text and "Partial:" in text and "Interrupted:" in text
    assert "Traceback" not in err and "terminate called" not in err
    assert "lowest-GLH" in text and "proven" in text


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_csv_listing_interrupted_is_named_partial_and_leaves_no_temporary_file(tmp_path, sig):
    """Before: SIGTERM left a hidden .tmp file beside the requested name."""
    target = tmp_path / "cert.csv"
    code, _, err = _signalled(["enumerate", "600/5962/X", "--csv", str(target), "--work-limit", "10000"],
                              "pathways listed: 1", sig)
    assert code == 130, err
    assert "interrupted; wrote" in err and "Traceback" not in err and "terminate called" not in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cert.partial.csv"]  # no temporary file survives
    rows = list(csv.reader((tmp_path / "cert.partial.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][0] == "units" and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
