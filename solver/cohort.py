"""`recommend_cohort`: one recommendation per learner row, identical profiles solved once, across processes."""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from solver.catalogue import Catalogue
from solver.compile import SOLVE_PARAMS
from solver.documents import Qualification
from solver.errors import LookupFailure
from solver.explain import explain
from solver.formulation import formulate
from solver.goals import parse_goal
from solver.learner import OBJECTIVES, Learner, new_glh_terms
from solver.objectives import Request, request
from solver.recommendation import Planner, compile_formulation

if TYPE_CHECKING:
    import pandas as pd

REQUIRED_COLUMNS = ("learner", "registered", "achieved")
OPTIONAL_COLUMNS = ("objective", "max_glh", "include", "exclude", "goals")
OUTPUT_COLUMNS = ("learner", "status", "units", "credits", "glh", "new_glh", "message")
ERROR = "ERROR"  # the status of a row that could not be read; its message says why

# Measured on seed-sized models (benchmarks/run.py): presolve, probing and symmetry detection cost more than
# they save on a few dozen Booleans, while the LP relaxation (linearization_level=2) keeps the worst cases
# tame; about 5x faster per solve than the compile layer's SOLVE_PARAMS on the seed Certificate. One worker
# and a fixed seed keep results deterministic; a deterministic time limit (not a wall clock) keeps even a
# limit-stopped answer the same on every run, so the output is byte-identical whatever the process count.
# catch_sigint_signal off: otherwise CP-SAT resets Ctrl-C to the OS default after each solve, so an interrupt
# would kill the process outright instead of raising KeyboardInterrupt.
CACHE_LIMIT = 20_000  # solved formulations kept per process (profiles arrive grouped, so recent ones matter)

# registered, achieved, include, exclude, max_glh, objective, goals (as written), the cohort's offer
Profile = tuple[str | None, tuple[str, ...], tuple[str, ...], tuple[str, ...], int | None, str, tuple[str, ...],
                tuple[str, ...] | None]
Outcome = tuple[str, str, int | None, int | None, int | None, str]  # status, units, credits, glh, new_glh, message
Progress = Callable[[int, int], None]  # (rows done, rows in total)


class RowError(ValueError):
    """A cohort row that cannot be read: reported on its own row, never stopping the run."""


# --- reading rows -----------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A cell as text: missing cells (None, NaN, NA) read as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a core dependency
        pass
    return str(value).strip()


def _codes(value: Any) -> tuple[str, ...]:
    """Unit codes separated by spaces (commas are accepted too), sorted and without repeats."""
    return tuple(sorted(set(_text(value).replace(",", " ").split())))


def _date(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise RowError(f"registered: expected a date YYYY-MM-DD, got {text!r}") from None


def _budget(value: Any) -> int | None:
    if isinstance(value, bool):
        raise RowError(f"max_glh: expected a whole number of hours, got {value!r}")
    if isinstance(value, int):
        number = value
    else:
        text = _text(value)
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                raise RowError(f"max_glh: expected a whole number of hours, got {text!r}") from None
            if not as_float.is_integer():
                raise RowError(f"max_glh: expected a whole number of hours, got {text!r}") from None
            number = int(as_float)
    if number < 0:
        raise RowError(f"max_glh: expected 0 or more hours, got {number}")
    return number


def _objective(value: Any, default: str) -> str:
    name = _text(value) or default
    if name not in OBJECTIVES:
        raise RowError(f"objective: unknown objective {name!r}; expected one of {', '.join(OBJECTIVES)}")
    return name


def _goal_texts(value: Any) -> tuple[str, ...]:
    """Goals separated by semicolons, each TEXT[>=N [units|credits]][=WEIGHT]: "customer service; coaching=3"."""
    goals = tuple(g.strip() for g in _text(value).split(";") if g.strip())
    for goal in goals:
        try:
            doc = parse_goal(goal)
        except ValueError as err:
            raise RowError(f"goals: {err}") from None
        if doc.get("weight", 1) < 1 or doc.get("at_least", 1) < 1:
            raise RowError(f"goals: expected a weight and a minimum of at least 1, got {goal!r}")
    return goals


def read_profile(row: dict[str, Any], objective: str, offer: tuple[str, ...] | None = None) -> Profile:
    """The solver-relevant part of a row, normalised so that equal requests give equal profiles."""
    return (_date(row.get("registered")), _codes(row.get("achieved")), _codes(row.get("include")),
            _codes(row.get("exclude")), _budget(row.get("max_glh")), _objective(row.get("objective"), objective),
            _goal_texts(row.get("goals")), offer)


def read_learners(path: str | Path) -> pd.DataFrame:
    """A learner CSV as text cells (empty, never NaN); a file that cannot be read raises LookupFailure."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise LookupFailure(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise LookupFailure(f"cannot read {path}: it is a directory") from None
    except PermissionError:
        raise LookupFailure(f"cannot read {path}: permission denied") from None
    except pd.errors.EmptyDataError:
        raise LookupFailure(f"cannot read {path}: the file is empty; expected a header row "
                            f"{','.join(REQUIRED_COLUMNS)}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as err:
        raise LookupFailure(f"cannot read {path} as CSV: {' '.join(str(err).split())}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    check_columns(frame)
    return frame


def check_columns(learners: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in learners.columns]
    if missing:
        raise LookupFailure(f"the learner table has no column {', '.join(repr(c) for c in missing)}; "
                            f"expected {', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})")


# --- solving profiles -------------------------------------------------------------------------------

class ProfileSolver:
    """Solves cohort profiles for one qualification: one Planner (one model per rule regime) per process,
    and a cache keyed by the formulation, so requests that differ only in ways the rules ignore (a
    registration date on the same side of every cut-off, achieved units of other qualifications) are
    solved once."""

    def __init__(self, catalogue: Catalogue, qualification: Qualification, time_limit: float | None = 10.0):
        self.catalogue = catalogue
        self.planner = Planner(catalogue, qualification, time_limit=None)
        self.params = dict(SOLVE_PARAMS)
        if time_limit is not None:
            self.params["max_deterministic_time"] = time_limit
        self._solved: dict[tuple, tuple[str, frozenset[str] | None, str]] = {}

    def solve(self, profile: Profile) -> Outcome:
        try:
            return self._solve(profile)
        except (LookupFailure, ValidationError, RowError) as err:
            return (ERROR, "", None, None, None, _one_line(err))

    def _solve(self, profile: Profile) -> Outcome:
        registered, achieved, include, exclude, max_glh, objective, goals, offer = profile
        learner = Learner(registered=dt.date.fromisoformat(registered) if registered else None,
                          achieved=achieved, include=include, exclude=exclude, max_glh=max_glh,
                          goals=[parse_goal(g) for g in goals], offer=offer)
        req = request(formulate(self.catalogue, self.planner.qualification, learner), objective)
        f, tiers = req.formulation, req.spec.minimised
        new_glh = new_glh_terms(f.context)
        key = (f.requirements, tuple(tiers), new_glh, req.spec.links)
        if key not in self._solved:
            if len(self._solved) >= CACHE_LIMIT:  # oldest first; a miss only costs a (deterministic) re-solve
                del self._solved[next(iter(self._solved))]
            self._solved[key] = self._optimise(req, tiers)
        status, chosen, message = self._solved[key]
        if chosen is None:
            return (status, "", None, None, None, message)
        f.verify(chosen)  # the independent plain-Python check, for every learner
        units = f.context.units
        codes = [c for c in units if c in chosen]
        cost = dict(new_glh)
        return (status, " ".join(codes), sum(units[c].credits for c in codes), sum(units[c].glh for c in codes),
                sum(cost[c] for c in codes), message)

    def _optimise(self, req: Request, tiers) -> tuple[str, frozenset[str] | None, str]:
        f = req.formulation
        model = req.compile() if req.spec.auxiliary else self.planner.model_for(f)
        asks = [lin for r in f.requirements if r.origin == "learner" for lin in r.linears]
        solution = model.solve(tiers, extra=asks, params=self.params)
        if solution.pathway is not None:
            note = "" if solution.status == "OPTIMAL" else "time limit reached: best found, not proven optimal"
            if req.spec.unmatched:
                note = "; ".join([*filter(None, [note]), *(f"goal '{g}' matches no unit: left out"
                                                          for g in req.spec.unmatched)])
            return solution.status, req.spec.strip(solution.pathway), note
        if solution.status == "INFEASIBLE":
            explanation = explain(compile_formulation(f), f.requirements)
            return solution.status, None, " ".join(explanation.sentences()) if explanation else ""
        return solution.status, None, "time limit reached before any pathway was found"

    def solve_all(self, profiles: Iterable[Profile]) -> list[Outcome]:
        return [self.solve(p) for p in profiles]


def _one_line(err: Exception) -> str:
    if isinstance(err, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in err.errors())
    return " ".join(str(err).split())


# Worker processes build their solver once (in the pool initializer) and keep it for every chunk.
_WORKER: ProfileSolver | None = None


def _start_worker(catalogue: Catalogue, qualification: Qualification, time_limit: float | None) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the parent stops the run; workers just finish their chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = ProfileSolver(catalogue, qualification, time_limit)


def _solve_chunk(profiles: list[Profile]) -> list[Outcome]:
    assert _WORKER is not None, "worker not started"
    return _WORKER.solve_all(profiles)


# --- the cohort -------------------------------------------------------------------------------------

@dataclass
class CohortPlan:
    """Rows read, and the distinct profiles to solve: `slots[i]` is row i's profile index, or its error."""

    names: list[str]
    slots: list[int | str]
    profiles: list[Profile]
    weights: list[int] = field(default_factory=list)  # rows per profile, for progress

    @classmethod
    def of(cls, learners: pd.DataFrame, objective: str, offer: tuple[str, ...] | None = None) -> CohortPlan:
        check_columns(learners)
        if objective not in OBJECTIVES:
            raise LookupFailure(f"unknown objective '{objective}'; expected one of {', '.join(OBJECTIVES)}")
        index: dict[Profile, int] = {}
        names, slots, weights = [], [], []
        for row in learners.to_dict("records"):
            names.append(_text(row.get("learner")))
            try:
                profile = read_profile(row, objective, offer)
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
        def date_last(i: int) -> tuple:
            registered, achieved, include, exclude, max_glh, objective, goals, _ = self.profiles[i]
            return achieved, include, exclude, -1 if max_glh is None else max_glh, objective, goals, registered or ""

        order = sorted(range(len(self.profiles)), key=date_last)
        size = max(1, min(200, math.ceil(len(order) / max(1, workers * 8))))
        return [order[i:i + size] for i in range(0, len(order), size)]

    def frame(self, outcomes: Sequence[Outcome]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for name, slot in zip(self.names, self.slots):
            if isinstance(slot, str):
                rows.append((name, ERROR, "", None, None, None, slot))
            else:
                rows.append((name, *outcomes[slot]))
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
        self.report()

    def add(self, chunk: list[int]) -> None:
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
        ctx.set_forkserver_preload(["solver.cohort"])
        return ctx
    return multiprocessing.get_context("spawn")


def _solve_local(plan: CohortPlan, catalogue: Catalogue, q: Qualification, workers: int,
                 time_limit: float | None, tally: _Tally) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(plan.profiles)
    chunks = plan.chunks(workers)
    if workers <= 1 or len(chunks) <= 1:
        solver = ProfileSolver(catalogue, q, time_limit)
        for chunk in chunks:
            for i in chunk:
                outcomes[i] = solver.solve(plan.profiles[i])
            tally.add(chunk)
        return outcomes  # type: ignore[return-value]
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=_pool_context(),
                             initializer=_start_worker, initargs=(catalogue, q, time_limit)) as pool:
        pending = {pool.submit(_solve_chunk, [plan.profiles[i] for i in chunk]): chunk for chunk in chunks}
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
                     objective: str = "min-glh", workers: int = 1, progress: Progress | None = None,
                     dask_address: str | None = None, time_limit: float | None = 10.0,
                     offer: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Recommend a pathway for every learner row: one output row per input row, in input order.

    `learners` has columns learner, registered (YYYY-MM-DD; empty: a new learner), achieved (unit codes
    separated by spaces) and optionally objective, max_glh, include, exclude and goals (separated by ";").
    `offer`, the units the centre delivers, restricts every row. Rows that cannot be read get
    status ERROR and the reason in `message`; an impossible request gets INFEASIBLE and the explanation.
    The result is the same, byte for byte, for any number of workers or a Dask cluster (`dask_address`,
    or "local" for a local cluster). `time_limit` is CP-SAT's deterministic time per solve.
    """
    q = catalogue.qualification(qualification) if isinstance(qualification, str) else qualification
    plan = CohortPlan.of(learners, objective, offer)
    tally = _Tally(plan, progress)
    if dask_address is not None:
        from solver.cohort_dask import solve_on_dask

        outcomes = solve_on_dask(plan, catalogue, q, dask_address, time_limit, tally)
    else:
        outcomes = _solve_local(plan, catalogue, q, max(1, workers), time_limit, tally)
    return plan.frame(outcomes)

