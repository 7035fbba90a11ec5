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
