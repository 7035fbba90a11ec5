"""Optional Dask backend for cohorts: the same profile chunks solved on a dask.distributed cluster."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from solver.cohort.rows import Profile
from solver.cohort.solving import Method, Outcome, ProfileSolver
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification

# Solvers built on this worker, by (run token, thread): each run builds its solver once per worker thread.
_SOLVERS: dict[tuple[str, int], ProfileSolver] = {}
_KEEP = 8  # solvers of this many recent runs stay cached on a long-lived worker


def solve_chunk(setup: tuple[str, Catalogue, Qualification, float | None, Method], profiles: list[Profile]
                ) -> list[Outcome]:
    """Runs on a Dask worker: solve a chunk with this worker thread's solver for the run."""
    token, catalogue, qualification, time_limit, method = setup
    key = (token, threading.get_ident())
    solver = _SOLVERS.get(key)
    if solver is None:
        while len(_SOLVERS) >= _KEEP:
            _SOLVERS.pop(next(iter(_SOLVERS)))
        solver = _SOLVERS[key] = ProfileSolver(catalogue, qualification, time_limit, method)
    return solver.solve_all(profiles)


def _client(address: str) -> tuple[Any, Any]:  # (dask Client, LocalCluster or None)
    from dask.distributed import Client, LocalCluster

    if address == "local":
        # No dashboard, and the scheduler's HTTP endpoint on a free port (not 8787, which may be taken).
        cluster = LocalCluster(threads_per_worker=1, processes=True, dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR)
        return Client(cluster), cluster
    try:
        return Client(address, timeout=10), None
    except (OSError, TimeoutError, ValueError) as err:
        raise LookupFailure(f"cannot reach the Dask scheduler at {address!r}: {err}") from None


def solve_on_dask(profiles: Sequence[Profile], chunking: Callable[[int], list[list[int]]], catalogue: Catalogue,
                  qualification: Qualification, address: str, time_limit: float | None,
                  on_chunk: Callable[[list[int]], None], method: Method = "auto") -> list[Outcome]:
    """Solve `profiles` on a cluster (`address`, or "local" for a LocalCluster on this machine), in the chunks
    `chunking(threads)` gives, calling `on_chunk` as each chunk finishes."""
    from dask.distributed import as_completed

    client, cluster = _client(address)
    try:
        threads = max(1, sum(client.nthreads().values()))
        [setup] = client.scatter([(uuid.uuid4().hex, catalogue, qualification, time_limit, method)], broadcast=True)
        outcomes: list[Outcome | None] = [None] * len(profiles)
        futures = {}
        for chunk in chunking(threads):
            future = client.submit(solve_chunk, setup, [profiles[i] for i in chunk], pure=False)
            futures[future] = chunk
        try:
            for future in as_completed(futures):
                chunk = futures[future]
                for i, outcome in zip(chunk, future.result()):
                    outcomes[i] = outcome
                on_chunk(chunk)
        except BaseException:
            client.cancel(list(futures))
            raise
        return outcomes  # type: ignore[return-value]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
