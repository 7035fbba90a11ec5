"""`recommend_cohort`: one recommendation per learner row, identical profiles solved once, across processes."""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from solver.cohort.rows import Profile, RowError, cell_text, check_columns, read_learners, read_profile
from solver.cohort.solving import METHODS, Method, Outcome, ProfileSolver, failed, solve_chunk, start_worker
from solver.engine.status import Status
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.request.objectives import Objective, objective_named

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "OUTPUT_COLUMNS", "CohortPlan", "ProfileSolver", "read_learners", "recommend_cohort"]

OUTPUT_COLUMNS = ("learner", "status", "units", "credits", "glh", "new_glh", "message")
Progress = Callable[[int, int], None]  # (rows done, rows in total)
# A row not solved when Ctrl-C or SIGTERM stopped the run: no answer (UNKNOWN), and the message says why.
NOT_SOLVED = Outcome(Status.UNKNOWN, "", None, None, None, "not solved: the run was interrupted before this row")


class CohortInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped a cohort: `frame` has one row per input row, those not solved by then NOT_SOLVED
    (a KeyboardInterrupt still, so a caller that does not look for it stops as before)."""

    def __init__(self, frame: pd.DataFrame, solved: int):
        super().__init__()
        self.frame, self.solved = frame, solved


# --- the cohort -------------------------------------------------------------------------------------

@dataclass
class CohortPlan:
    """Rows read, and the distinct profiles to solve: `slots[i]` is row i's profile index, or its error."""

    names: list[str]
    slots: list[int | str]
    profiles: list[Profile]
    weights: list[int] = field(default_factory=list)  # rows per profile, for progress

    @classmethod
    def of(cls, learners: pd.DataFrame, default: Objective, offer: tuple[str, ...] | None = None) -> CohortPlan:
        """The rows of `learners`; `default`: the objective of a row that names none."""
        check_columns(learners)
        index: dict[Profile, int] = {}
        names: list[str] = []
        slots: list[int | str] = []
        weights: list[int] = []
        for row in learners.to_dict("records"):
            names.append(cell_text(row.get("learner")))
            try:
                profile = read_profile(row, default, offer)
            except RowError as err:
                slots.append(str(err))
                continue
            if profile not in index:
                index[profile] = len(index)
                weights.append(0)
            slots.append(index[profile])
            weights[index[profile]] += 1
        return cls(names, slots, list(index), weights)

    def chunks(self, workers: int) -> list[list[int]]:
        """Profile indices in chunks, several per worker so that a slow chunk does not hold up the end.

        Profiles that differ only in their registration date go to the same chunk where possible: they
        often share a formulation (same side of every cut-off), which a worker then solves once.
        """
        def date_last(i: int) -> tuple[object, ...]:
            p = self.profiles[i]
            return (p.achieved, p.include, p.exclude, -1 if p.max_glh is None else p.max_glh, p.objective,
                    p.goals, p.registered.isoformat() if p.registered else "")

        order = sorted(range(len(self.profiles)), key=date_last)
        size = max(1, min(200, math.ceil(len(order) / max(1, workers * 8))))
        return [order[i:i + size] for i in range(0, len(order), size)]

    def frame(self, outcomes: Sequence[Outcome]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for name, slot in zip(self.names, self.slots):
            rows.append((name, *(failed(slot) if isinstance(slot, str) else outcomes[slot])))
        out = pd.DataFrame.from_records(rows, columns=list(OUTPUT_COLUMNS))
        for column in ("credits", "glh", "new_glh"):
            out[column] = out[column].astype("Int64")
        return out


class _Tally:
    """Turns finished chunks into (rows done, rows in total) for the progress callback."""

    def __init__(self, plan: CohortPlan, progress: Progress | None):
        self.plan, self.progress = plan, progress
        self.total = len(plan.slots)
        self.done = sum(1 for s in plan.slots if isinstance(s, str))
        self.solved: list[Outcome | None] = []  # each profile's outcome once solved (locally), for a partial answer
        self.report()

    def add(self, chunk: Sequence[int]) -> None:
        self.done += sum(self.plan.weights[i] for i in chunk)
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)


def _pool_context() -> multiprocessing.context.BaseContext:
    """How to start worker processes: fork when it is safe, a fork server when it is not.

    Forking is fastest (workers inherit the loaded solver) but only safe from a single-threaded process;
    from a threaded one (a notebook kernel, a GUI) workers fork from a clean fork server instead, which
    imports the solver once for all of them. A fork server re-imports the main script, so a script read
    from stdin, which cannot be re-imported, forks directly.
    """
    methods = multiprocessing.get_all_start_methods()
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    importable = main is None or os.path.exists(main)
    if "fork" in methods and (threading.active_count() == 1 or not importable):
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["solver.cohort.recommend"])
        return ctx
    return multiprocessing.get_context("spawn")


def _solve_local(plan: CohortPlan, catalogue: Catalogue, q: Qualification, workers: int,
                 time_limit: float | None, tally: _Tally, method: Method) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(plan.profiles)
    tally.solved = outcomes
    chunks = plan.chunks(workers)
    if workers <= 1 or len(chunks) <= 1:
        solver = ProfileSolver(catalogue, q, time_limit, method)
        for chunk in chunks:
            for i, outcome in zip(chunk, solver.solve_all([plan.profiles[i] for i in chunk])):
                outcomes[i] = outcome
            tally.add(chunk)
        return outcomes  # type: ignore[return-value]
    setup = (catalogue, q, time_limit, os.getpid(), method)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_pool_context(),
                             initializer=start_worker, initargs=setup) as pool:
        pending = {pool.submit(solve_chunk, [plan.profiles[i] for i in chunk]): chunk for chunk in chunks}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = pending.pop(future)
                    for i, outcome in zip(chunk, future.result()):
                        outcomes[i] = outcome
                    tally.add(chunk)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return outcomes  # type: ignore[return-value]


def recommend_cohort(catalogue: Catalogue, qualification: str | Qualification, learners: pd.DataFrame,
                     objective: Objective | str = Objective.MIN_GLH, workers: int = 1, progress: Progress | None = None,
                     dask_address: str | None = None, time_limit: float | None = 10.0,
                     offer: tuple[str, ...] | None = None, method: Method = "auto") -> pd.DataFrame:
    """Recommend a pathway for every learner row: one output row per input row, in input order.

    `learners` has columns learner, registered (YYYY-MM-DD; empty: a new learner), achieved (unit codes
    separated by spaces) and optionally objective, max_glh, include, exclude and goals (separated by ";").
    `offer`, the units the centre delivers, restricts every row. Rows that cannot be read get
    status ERROR and the reason in `message`; an impossible request gets INFEASIBLE and the explanation.
    The result is the same, byte for byte, for any number of workers or a Dask cluster (`dask_address`,
    or "local" for a local cluster). `time_limit` is CP-SAT's deterministic time per solve.

    `method` "auto" answers each request whose rules are sums with non-negative weights (totals and caps over
    groups, mandatory units, replacements) with an exact DP, vectorised across learners, and the rest with CP-SAT;
    "cp-sat" solves every request with CP-SAT. Both give the same objective values; where several pathways are
    equally good they may pick different ones (each always the same one).
    """
    if method not in METHODS:
        raise LookupFailure(f"unknown cohort method {method!r}; expected one of {', '.join(METHODS)}")
    q = catalogue.qualification(qualification)
    plan = CohortPlan.of(learners, objective_named(objective), offer)  # the one conversion, at the public edge
    tally = _Tally(plan, progress)
    try:
        if dask_address is not None:
            from solver.cohort.distributed import solve_on_dask  # dask is an optional dependency

            outcomes = solve_on_dask(plan.profiles, plan.chunks, catalogue, q, dask_address, time_limit, tally.add,
                                     method)
        else:
            outcomes = _solve_local(plan, catalogue, q, max(1, workers), time_limit, tally, method)
    except KeyboardInterrupt:  # what is solved, in full; the rest marked as not solved
        done = [o if o is not None else NOT_SOLVED for o in tally.solved or [None] * len(plan.profiles)]
        raise CohortInterrupted(plan.frame(done), sum(o is not None for o in tally.solved)) from None
    return plan.frame(outcomes)

