"""Solving cohort profiles for one qualification: one Planner per process and a cache of solved requests."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from typing import Final, Literal, NamedTuple

from pydantic import ValidationError

from solver.cohort.fast import FastPath
from solver.cohort.rows import Profile, RowError
from solver.engine.explain import explain
from solver.engine.status import Status
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.goals import parse_goal
from solver.model.learner import Learner
from solver.queries.recommendation import Planner, Search, compile_formulation
from solver.request.formulation import formulate
from solver.request.requirements import new_glh_terms
from solver.rules.linear import total

Method = Literal["auto", "cp-sat"]  # how profiles are solved: the DP where it applies, or CP-SAT for all
METHODS: tuple[Method, ...] = ("auto", "cp-sat")
ERROR: Final = "ERROR"  # the status of a row that could not be read; its message says why
CACHE_LIMIT = 20_000  # solved requests kept per process (profiles arrive grouped, so recent ones matter)


class Outcome(NamedTuple):
    """One output row but the learner's name."""

    status: Status | Literal["ERROR"]
    units: str
    credits: int | None
    glh: int | None
    new_glh: int | None
    message: str


def failed(message: str) -> Outcome:
    return Outcome(ERROR, "", None, None, None, message)


class ProfileSolver:
    """Solves cohort profiles for one qualification with one Planner (one model per rule regime), caching by
    the formulation, so requests that differ only in ways the rules ignore (a registration date on the same
    side of every cut-off, achieved units of other qualifications) are solved once.

    `time_limit` is CP-SAT's deterministic time per solve, so even a limit-stopped answer is the same on
    every run and for any number of processes.
    """

    def __init__(self, catalogue: Catalogue, qualification: Qualification, time_limit: float | None = 10.0,
                 method: Method = "auto"):
        self.catalogue = catalogue
        self.planner = Planner(catalogue, qualification, work_limit=time_limit)  # deterministic: same on every run
        # "auto": the exact DP wherever a request's shape allows it (solver/cohort/fast.py), CP-SAT for the rest.
        self.fast = FastPath(catalogue, qualification) if method == "auto" else None
        self._solved: dict[tuple[object, ...], tuple[Status, frozenset[str] | None, str]] = {}

    def solve(self, profile: Profile) -> Outcome:
        try:
            return self._solve(profile)
        except (LookupFailure, ValidationError, RowError) as err:
            return failed(" ".join(str(err).split()))

    def _solve(self, profile: Profile) -> Outcome:
        learner = Learner(registered=profile.registered, achieved=profile.achieved, include=profile.include,
                          exclude=profile.exclude, max_glh=profile.max_glh, exempt=profile.exempt,
                          goals=[parse_goal(g) for g in profile.goals], offer=profile.offer)
        f = formulate(self.catalogue, self.planner.qualification, learner)
        new_glh = new_glh_terms(f.context)
        key = (f.requirements, profile.objective, new_glh, learner.goals, learner.offer)
        if key not in self._solved:
            if len(self._solved) >= CACHE_LIMIT:  # oldest first; a miss only costs a (deterministic) re-solve
                del self._solved[next(iter(self._solved))]
            self._solved[key] = self._answer(self.planner.search(f, profile.objective))
        status, chosen, message = self._solved[key]
        if chosen is None:
            return Outcome(status, "", None, None, None, message)
        f.verify(chosen)  # the independent plain-Python check, for every learner
        units = f.context.units
        codes = [c for c in units if c in chosen]
        return Outcome(status, " ".join(codes), sum(units[c].credits or 0 for c in codes),
                       sum(units[c].glh or 0 for c in codes), total(new_glh, chosen), message)

    @staticmethod
    def _answer(found: Search) -> tuple[Status, frozenset[str] | None, str]:
        """Status, units and message of a solved request, as every learner of that request gets them."""
        f = found.request.formulation
        notes = [f"goal '{g}' matches no unit: left out" for g in found.request.spec.unmatched]
        if found.pathways:
            best = found.pathways[0]  # verified, for every learner it is given to, by _solve
            if found.unpublished_glh:
                notes.insert(0, f"new GLH is a lower bound: {', '.join(found.unpublished_glh)} has unpublished GLH")
            elif found.status is not Status.OPTIMAL:
                notes.insert(0, "a limit was reached: best found, not proven optimal")
            return found.status, best, "; ".join(notes)
        if found.status is Status.INFEASIBLE:
            explanation = explain(compile_formulation(f), f.requirements)
            return found.status, None, " ".join(explanation.sentences()) if explanation else ""
        return found.status, None, "a limit was reached before any pathway was found"

    def solve_all(self, profiles: list[Profile]) -> list[Outcome]:
        if self.fast is None:
            return [self.solve(p) for p in profiles]
        answers = self.fast.answer_all(profiles)
        return [self.solve(p) if a is None else Outcome(*a) for p, a in zip(profiles, answers)]


# Worker processes build their solver once (in the pool initializer) and keep it for every chunk.
_WORKER: ProfileSolver | None = None


def start_worker(catalogue: Catalogue, qualification: Qualification, time_limit: float | None,
                 parent: int | None = None, method: Method = "auto") -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the parent stops the run; workers just finish their chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        die_with(parent)
    _WORKER = ProfileSolver(catalogue, qualification, time_limit, method)


def die_with(parent: int) -> None:
    """End this worker when `parent` (the process running the cohort) dies, even by SIGKILL, which runs no
    clean-up there. The worker's own parent is `parent` itself (forked) or the fork server, which ends with it."""
    own = os.getppid()
    if sys.platform.startswith("linux"):
        # The kernel sends SIGKILL to this process when its own parent exits (PR_SET_PDEATHSIG is option 1).
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    else:
        def watch() -> None:
            while os.getppid() == own:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    try:  # the cohort's process may have died before the request above was in place
        os.kill(parent, 0)
    except ProcessLookupError:
        os._exit(1)
    except PermissionError:
        pass  # alive, under another user


def solve_chunk(profiles: list[Profile]) -> list[Outcome]:
    if _WORKER is None:
        raise RuntimeError("solve_chunk called in a process whose worker was not started")
    return _WORKER.solve_all(profiles)
