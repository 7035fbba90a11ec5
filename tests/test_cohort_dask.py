"""The Dask backend gives the local run's output byte for byte, on a LocalCluster."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from test_cohort import BROKEN, CERT, cohort_rows  # noqa: E402

from solver.cohort.recommend import recommend_cohort  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    import logging

    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR) as running:
        yield running


def test_cluster_output_is_byte_identical_to_local(catalogue, cluster):
    frame = pd.DataFrame(cohort_rows(catalogue, 120, seed=11) + BROKEN)
    local = recommend_cohort(catalogue, CERT, frame).to_csv(index=False)
    seen: list[int] = []
    remote = recommend_cohort(catalogue, CERT, frame, dask_address=cluster.scheduler_address,
                              progress=lambda done, total: seen.append(done))
    assert remote.to_csv(index=False) == local
    assert seen[-1] == len(frame)


def test_second_run_on_the_same_cluster_with_another_qualification(catalogue, cluster):
    frame = pd.DataFrame([{"learner": "a", "registered": "", "achieved": "8000-250"},
                          {"learner": "b", "registered": "", "achieved": "8000-999"}])
    local = recommend_cohort(catalogue, "600/5928/X", frame).to_csv(index=False)
    remote = recommend_cohort(catalogue, "600/5928/X", frame, dask_address=cluster.scheduler_address)
    assert remote.to_csv(index=False) == local
    assert list(remote["status"]) == ["OPTIMAL", "ERROR"]


def test_local_address_starts_its_own_cluster(catalogue):
    frame = pd.DataFrame(cohort_rows(catalogue, 20, seed=3))
    local = recommend_cohort(catalogue, CERT, frame).to_csv(index=False)
    assert recommend_cohort(catalogue, CERT, frame, dask_address="local").to_csv(index=False) == local


def _session(sid: int) -> list[str]:
    """The live processes of session `sid` (zombies, already ended and waiting to be reaped, are not counted)."""
    import os

    live = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                live.append(open(f"/proc/{pid}/cmdline").read().replace("\0", " ").strip())
        except (OSError, ValueError, IndexError):
            continue  # ended while read
    return live


def _ends_alone(sid: int, seconds: float = 30.0) -> list[str]:
    import time

    deadline = time.monotonic() + seconds
    while (left := _session(sid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="reads the process table in /proc")
@pytest.mark.parametrize("ending", ["exit", "sigkill"])
def test_dask_local_leaves_no_process_behind(tmp_path, ending):
    """`pathways cohort --dask local` in a session of its own: once it ends (normally, or killed with SIGKILL,
    when no clean-up of its own runs) none of the processes it started (cluster workers, nannies, multiprocessing
    helpers) is still running."""
    import os
    import shutil
    import signal
    import subprocess
    import time

    from test_cohort import CERT as CERTIFICATE

    command = shutil.which("pathways")
    if command is None:
        pytest.skip("the pathways command is not installed")
    source = tmp_path / "learners.csv"
    source.write_text("learner,registered,achieved\n" + "".join(f"L{i},2021-01-0{1 + i % 9},8000-250\n"
                                                                 for i in range(40)))
    run = subprocess.Popen([command, "cohort", str(source), "-q", CERTIFICATE, "-o", str(tmp_path / "out.csv"),
                            "--dask", "local"], start_new_session=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        if ending == "sigkill":
            deadline = time.monotonic() + 120
            while len(_session(run.pid)) < 3 and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)  # until the cluster's workers are up
            assert run.poll() is None, "the run ended before its cluster was seen"
            run.send_signal(signal.SIGKILL)
        run.communicate(timeout=300)
        assert run.returncode == (0 if ending == "exit" else -signal.SIGKILL)
        assert _ends_alone(run.pid) == []
    finally:  # whatever failed, this test leaves nothing running either: its process group is the session's
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
