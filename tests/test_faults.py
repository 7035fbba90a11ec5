"""Faults a user meets: a full disk and a terminated run leave nothing half-written and say so in one line."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from solver.cli.entry import main

ENTRY = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"


def test_a_full_disk_is_one_line_exit_1_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "schema.json"
    monkeypatch.setattr(sys, "argv", ["pathways", "schema", "-o", str(target)])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 1
    assert capsys.readouterr().err == f"error: cannot write {target}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_sigterm_unwinds_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    # The Award has 17.8 million pathways: listing them all takes far longer than the moment we wait.
    run = subprocess.Popen([sys.executable, "-c", ENTRY, "enumerate", "600/5928/X", "--csv", "all.csv"],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130 and "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _children(pid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            out.append(int(status.parent.name))
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table from /proc")
def test_cohort_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    import pandas as pd
    from test_cohort import cohort_rows

    from solver.model.catalogue import load_catalogue

    pd.DataFrame(cohort_rows(load_catalogue(), 4000)).to_csv(tmp_path / "in.csv", index=False)
    run = subprocess.Popen([sys.executable, "-c", ENTRY, "cohort", "in.csv", "-q", "600/5962/X", "-o", "out.csv",
                            "--workers", "2"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(workers := _children(run.pid)) < 2 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "the workers never started"
    run.kill()
    run.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
              for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "zombie" not in Path(f"/proc/{w}/status").read_text()]
    assert alive == []
    assert not (tmp_path / "out.csv").exists()


def test_cohort_workers_started_by_a_fork_server_run_to_the_end() -> None:
    """With another thread alive the pool starts workers from a fork server, their parent then; they must not
    take that for the death of the cohort's own process."""
    import threading

    import pandas as pd
    from test_cohort import CERT, cohort_rows

    from solver.cohort.recommend import recommend_cohort
    from solver.model.catalogue import load_catalogue

    catalogue = load_catalogue()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        out = recommend_cohort(catalogue, CERT, pd.DataFrame(cohort_rows(catalogue, 40)), workers=2)
    finally:
        stop.set()
    assert len(out) == 40 and "ERROR" not in set(out["status"])
