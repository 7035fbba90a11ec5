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
