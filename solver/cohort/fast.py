"""The cohort's fast path: profiles whose request is sums with non-negative weights answered by the exact DP.

Decided per request by inspecting its formulation: every constraint must be a sum the DP carries
(solver/cohort/dp.py), no value may be unpublished (those answers carry bounds and notes CP-SAT's search works out),
the objective must need no Booleans beyond the units and the learner may set no budget of their own (OWN_SUMS).
Anything else, and every request the DP finds infeasible (whose explanation CP-SAT works out), is left to the
caller's CP-SAT path: nothing is approximated.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from solver.cohort.dp import Kind, Shape, compile_shape, solve_batch, split_linears, weighted_cost
from solver.cohort.rows import Profile, RowError
from solver.engine.status import Status
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.goals import parse_goal
from solver.model.learner import Learner
from solver.request.formulation import Formulation, formulate, open_imports
from solver.request.objectives import Objective, request
from solver.request.requirements import Ask, new_glh_terms, unpublished
from solver.rules.base import unit_of
from solver.rules.linear import Linear, is_auxiliary, total

# A learner's own budget (new GLH, units) is a sum particular to that learner: its DP states would be compiled for
# one learner, which costs more (10-30 ms measured on the seed Certificate) than CP-SAT's solve (2-3 ms).
OWN_SUMS = (Ask.BUDGET, Ask.UNIT_LIMIT)
ENTRY_LIMIT = 20_000  # requests kept per process; a miss only costs a (deterministic) re-formulation
Answer = tuple[Status, str, int, int, int, str]  # an Outcome's fields (solver/cohort/solving.py)


def cut_dates(catalogue: Catalogue, q: Qualification) -> list[dt.date]:
    """Every registration date at which the qualification treats learners differently: its rules' cut-offs and
    versions (as `pathways audit` splits regimes) and the availability dates of every unit it can claim."""
    cuts = {d for r in (*q.rules, *(x for p in q.pathways for x in p.rules)) for d in r.cutoffs()}
    for code in catalogue.context(q).units:
        unit = catalogue.units.get(unit_of(code))
        if unit is None:
            continue
        if unit.available_from is not None:
            cuts.add(unit.available_from)
        if unit.available_until is not None:
            cuts.add(unit.available_until + dt.timedelta(days=1))
    return sorted(cuts)


@dataclass
class Entry:
    """One request the DP may answer: its formulation, its shape's key and each variable's cost and fixings."""

    formulation: Formulation
    shape_key: tuple[object, ...]
    cost: np.ndarray
    may_skip: np.ndarray
    may_take: np.ndarray
    notes: str
    answer: Answer | None = None
    solved: bool = False


class FastPath:
    """Answers cohort profiles of one qualification with the DP where it applies; `answer_all` gives None for a
    profile the caller must solve with CP-SAT (not covered, infeasible, or a row that cannot be read)."""

    def __init__(self, catalogue: Catalogue, qualification: Qualification):
        self.catalogue = catalogue
        self.qualification = qualification
        self.cuts = cut_dates(catalogue, qualification)
        self._entries: dict[tuple[object, ...], Entry | None] = {}
        self._shapes: dict[tuple[object, ...], Shape | None] = {}
        self._kinds: dict[Linear, Kind] = {}  # what each constraint is to the DP (rules are shared by most requests)
        self._index: dict[tuple[str, ...], dict[str, int]] = {}
        self.by_dp = 0  # profiles answered here
        self.passed_on = 0  # profiles left to CP-SAT

    def regime(self, day: dt.date | None) -> int | None:
        """Which side of every cut-off a registration date is on; None (a new learner) is a regime of its own."""
        return None if day is None else bisect.bisect_right(self.cuts, day)

    def answer_all(self, profiles: Sequence[Profile]) -> list[Answer | None]:
        entries = [self._entry(p) for p in profiles]
        pending: dict[tuple[object, ...], list[Entry]] = {}
        queued: set[int] = set()  # entries by identity: learners sharing a request share its entry
        for entry in entries:
            if entry is not None and not entry.solved and id(entry) not in queued:
                queued.add(id(entry))
                pending.setdefault(entry.shape_key, []).append(entry)
        for key, batch in pending.items():
            self._solve(self._shapes[key], batch)  # type: ignore[arg-type]
        answers = [None if e is None else e.answer for e in entries]
        done = sum(a is not None for a in answers)
        self.by_dp += done
        self.passed_on += len(answers) - done
        return answers

    def _entry(self, profile: Profile) -> Entry | None:
        # The request depends on the registration date only through its regime (the rules and availability on
        # that side of every cut-off), so the first profile of a regime stands for the others. Only the DP's
        # answers, which carry no date, are shared; every other profile is solved with its own date by CP-SAT.
        key = (self.regime(profile.registered), *profile[1:])
        if key in self._entries:
            return self._entries[key]
        if len(self._entries) >= ENTRY_LIMIT:
            del self._entries[next(iter(self._entries))]
        entry = self._entries[key] = self._build(profile)
        return entry

    def _build(self, profile: Profile) -> Entry | None:
        try:
            learner = Learner(registered=profile.registered, achieved=profile.achieved, include=profile.include,
                              exclude=profile.exclude, max_glh=profile.max_glh, exempt=profile.exempt,
                              goals=[parse_goal(g) for g in profile.goals], offer=profile.offer)
            f = formulate(self.catalogue, self.qualification, learner)
        except (LookupFailure, ValidationError, RowError, ValueError):
            return None  # the CP-SAT path reports it as the row's error
        return self.entry_of(f, profile.objective)

    def entry_of(self, f: Formulation, objective: Objective) -> Entry | None:
        """The DP's view of a formulated request, or None when the DP does not cover it."""
        if f.context.derived("unpublished", lambda: unpublished(f.context)):  # learner-free: once per qualification
            return None
        req = request(open_imports(f), objective)  # as Planner.search builds it
        spec = req.spec
        if spec.auxiliary:
            return None
        if any(r.kind in OWN_SUMS for r in req.formulation.requirements):
            return None
        linears = [lin for r in req.formulation.requirements for lin in r.linears]
        variables = (*f.variables, *sorted({v for lin in linears for v, _ in lin.terms
                                            if v not in f.context.units and is_auxiliary(v)}))
        if len(self._kinds) > ENTRY_LIMIT:
            self._kinds.clear()
        split = split_linears(variables, linears, self._kinds)
        if split is None:
            return None
        sums, allowed, broken = split
        if broken:
            return None
        shape_key = (variables, tuple(sums))
        if shape_key not in self._shapes:
            self._shapes[shape_key] = compile_shape(variables, sums)
        if self._shapes[shape_key] is None:
            return None
        index = self._index.get(variables)
        if index is None:
            index = self._index[variables] = {v: i for i, v in enumerate(variables)}
        cost = weighted_cost(variables, spec.minimised, index)
        if cost is None:
            return None
        may_skip = np.array([allowed.get(v, (True, True))[0] for v in variables])
        may_take = np.array([allowed.get(v, (True, True))[1] for v in variables])
        notes = "; ".join(f"goal '{g}' matches no unit: left out" for g in spec.unmatched)
        return Entry(f, shape_key, cost, may_skip, may_take, notes)

    def _solve(self, shape: Shape, batch: list[Entry]) -> None:
        found = solve_batch(shape, np.stack([e.cost for e in batch]), np.stack([e.may_skip for e in batch]),
                            np.stack([e.may_take for e in batch]))
        for entry, best in zip(batch, found):
            entry.solved = True
            if best is None:
                continue  # infeasible: CP-SAT says so, with the explanation
            f = entry.formulation
            chosen = frozenset(v for v in best[1] if not is_auxiliary(v))
            f.verify(chosen)  # the independent plain-Python check
            units = f.context.units
            codes = [c for c in units if c in chosen]
            entry.answer = (Status.OPTIMAL, " ".join(codes), sum(units[c].credits or 0 for c in codes),
                            sum(units[c].glh or 0 for c in codes), total(new_glh_terms(f.context), chosen),
                            entry.notes)

