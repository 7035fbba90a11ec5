"""The cohort benchmark: the DP fast path, the CP-SAT path and a plain recommend() loop on the same learners with the
same processes, interleaved run by run, on a Zipf cohort and on one where no two learners share a request."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from benchmarks.harness import Result, ratio
from benchmarks.learners import distinct_learners, synthetic_learners
from solver.model.catalogue import Catalogue
from solver.model.learner import Learner

CERT = "600/5962/X"
_LOOP: tuple[Catalogue, str] | None = None  # a loop worker's catalogue and qualification


def _start_loop(catalogue: Catalogue, qualification: str) -> None:
    global _LOOP
    _LOOP = (catalogue, qualification)


def _loop_chunk(rows: list[dict[str, str]]) -> list[int | None]:
    """A plain loop of recommend() (a fresh model per learner), as a script without the cohort code would run."""
    from solver.queries.recommendation import recommend

    assert _LOOP is not None
    catalogue, qualification = _LOOP
    return [recommend(catalogue, qualification, Learner(registered=dt.date.fromisoformat(r["registered"]),
                                                        achieved=tuple(r["achieved"].split()))).new_glh
            for r in rows]


def _loop(catalogue: Catalogue, rows: list[dict[str, str]], workers: int) -> list[int | None]:
    """The loop over the same learners in the same number of processes (contiguous shares, one per process)."""
    if workers <= 1:
        _start_loop(catalogue, CERT)
        return _loop_chunk(rows)
    size = -(-len(rows) // workers)
    with ProcessPoolExecutor(workers, initializer=_start_loop, initargs=(catalogue, CERT)) as pool:
        parts = pool.map(_loop_chunk, [rows[i:i + size] for i in range(0, len(rows), size)])
        return [x for part in parts for x in part]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (worker pools are joined when a run ends)."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _cohort(catalogue: Catalogue, name: str, rows: list[dict[str, str]], workers: int, repeats: int,
            note: str) -> list[Result]:
    from solver.cohort.recommend import recommend_cohort

    frame = pd.DataFrame(rows)
    n = len(rows)
    wall: dict[str, list[float]] = {"dp": [], "cp-sat": [], "loop": []}
    cpu: dict[str, list[float]] = {"dp": [], "cp-sat": [], "loop": []}
    outputs: dict[str, set[str]] = {"dp": set(), "cp-sat": set()}
    answers: dict[str, list[int | None]] = {}

    def timed(variant: str, run: Callable[[], object]) -> object:
        before_cpu, started = cpu_seconds(), time.perf_counter()
        out = run()
        wall[variant].append(time.perf_counter() - started)
        cpu[variant].append((cpu_seconds() - before_cpu) / n * 1e6)
        return out

    for _ in range(repeats):  # interleaved, so that a busy spell on the shared machine falls on every variant
        for variant, method in (("dp", "auto"), ("cp-sat", "cp-sat")):
            out = timed(variant, lambda m=method: recommend_cohort(catalogue, CERT, frame, workers=workers,
                                                                   method=m))
            assert isinstance(out, pd.DataFrame)
            outputs[variant].add(out.to_csv(index=False))
            answers[variant] = [None if pd.isna(x) else int(x) for x in out["new_glh"]]
        answers["loop"] = timed("loop", lambda: _loop(catalogue, rows, workers))  # type: ignore[assignment]
    assert len(outputs["dp"]) == 1 and len(outputs["cp-sat"]) == 1, "a path's output differs between runs"
    assert answers["dp"] == answers["cp-sat"] == answers["loop"], "the paths disagree on a learner's new GLH"

    def result(variant: str, label: str, target: tuple[str, float] | None = None) -> Result:
        per_learner = statistics.median(cpu[variant])
        return Result(name, f"{label}, {workers} processes", "learners/s", [n / x for x in wall[variant]], target,
                      f"CPU {per_learner:,.0f} µs per learner (all processes, median)",
                      {"cpu_us_per_learner": cpu[variant]})

    dp = result("dp", "Pathways: recommend_cohort, DP fast path", (">=", 5000.0))
    cp = result("cp-sat", "Pathways: recommend_cohort, CP-SAT path")
    loop = result("loop", "baseline: loop of recommend(), model rebuilt per learner")
    dp.note += f"; {note}"
    return [dp, cp, loop,
            ratio(name, "DP fast path over the CP-SAT path", dp, cp, None, "same learners, same processes"),
            ratio(name, "DP fast path over the recommend() loop", dp, loop, None, "same learners, same processes")]


def cohort(catalogue: Catalogue, learners: int, workers: int, repeats: int) -> list[Result]:
    """Both cohorts of `learners` learners on the seed Certificate, every variant with `workers` processes."""
    from solver.cohort.recommend import CohortPlan
    from solver.request.objectives import Objective

    zipf = synthetic_learners(catalogue, CERT, learners)
    distinct = distinct_learners(catalogue, CERT, learners)
    profiles = len(CohortPlan.of(pd.DataFrame(distinct), Objective.MIN_GLH).profiles)
    assert profiles == learners == len({r["achieved"] for r in distinct}), "the all-distinct cohort repeats a request"
    zipf_profiles = len(CohortPlan.of(pd.DataFrame(zipf), Objective.MIN_GLH).profiles)
    zipf_sets = len({r["achieved"] for r in zipf})
    return [*_cohort(catalogue, f"cohort: {learners:,} learners, Zipf (seed Certificate)", zipf, workers, repeats,
                     f"{zipf_profiles:,} distinct profiles, {zipf_sets:,} distinct achieved sets"),
            *_cohort(catalogue, f"cohort: {learners:,} learners, all distinct (seed Certificate)", distinct, workers,
                     repeats, f"{learners:,} distinct profiles and achieved sets: no request shared")]
