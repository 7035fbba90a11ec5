"""The audit of one registration regime: achievable ranges, lowest-hours route, counts, shares."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from solver.engine.compile import CompiledModel
from solver.engine.counting import (
    CountMethod,
    CountResult,
    Unsupported,
    count_formulation,
    frontier_count,
    problem_of,
    unit_shares,
)
from solver.engine.openworld import possible, shortfalls, unknown_credits
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.queries.checking import surely_valid
from solver.request.formulation import Formulation, formulate
from solver.request.objectives import Objective, objective_tiers
from solver.rules import Linear

if TYPE_CHECKING:
    pass

from solver.queries.audit_records import (
    Regime,
    RegimeAudit,
)

# --- regimes ----------------------------------------------------------------------------------------

def regimes(catalogue: Catalogue, q: Qualification) -> list[Regime]:
    """Registration windows split at every date a rule treats learners differently (replacement cut-offs,
    rule versions) and every unit availability date."""
    cuts: set[dt.date] = {d for r in (*q.rules, *(x for p in q.pathways for x in p.rules)) for d in r.cutoffs()}
    for code in q.unit_codes():
        unit = catalogue.units[code]
        if unit.available_from is not None:
            cuts.add(unit.available_from)
        if unit.available_until is not None:
            cuts.add(unit.available_until + dt.timedelta(days=1))
    if not cuts:
        return [Regime("registered on any date", None)]
    ordered = sorted(cuts)
    out = [Regime(f"registered before {ordered[0].isoformat()}", ordered[0] - dt.timedelta(days=1))]
    for i, day in enumerate(ordered):
        end = f" to {(ordered[i + 1] - dt.timedelta(days=1)).isoformat()}" if i + 1 < len(ordered) else ""
        out.append(Regime(f"registered from {day.isoformat()}{end}", day))
    return out


# --- per regime -------------------------------------------------------------------------------------

def optimum(model: CompiledModel, terms: tuple[tuple[str, int], ...], sign: int) -> tuple[Status, int | None]:
    solution = model.solve(tiers=[tuple((c, sign * w) for c, w in terms)])
    if solution.status is not Status.OPTIMAL or solution.objective is None:
        return solution.status, None
    return solution.status, sign * int(solution.objective)


def _mean(distribution: dict[int, int]) -> Fraction | None:
    total = sum(distribution.values())
    return Fraction(sum(k * v for k, v in distribution.items()), total) if total else None


def _glh_distribution(f: Formulation, extra: list[Linear], minimal: bool) -> dict[int, int]:
    problem = problem_of(f, extra)
    counts = frontier_count(problem, track=problem.glh, minimal=minimal)
    return {k: int(v) for k, v in enumerate(counts.tolist()) if v}


def average_readings(f: Formulation, counts: CountResult) -> dict[str, float]:
    """What a published "average GLH" could mean, each computed exactly from the rules."""
    exact = counts.method is CountMethod.DYNAMIC_PROGRAMMING
    if not counts.count or not exact or not counts.by_glh or not counts.by_credits:
        return {}
    readings: dict[str, Fraction | None] = {"mean GLH over all valid pathways": _mean(counts.by_glh)}
    try:
        minimal = _glh_distribution(f, [], True)
        low = min(counts.by_credits)
        credit_terms = tuple((c, u.credits or 0) for c, u in f.context.units.items())
        at_min = _glh_distribution(f, [Linear(credit_terms, low, low)], False)
        if not minimal or not at_min:
            raise Unsupported("no minimal or minimum-credit pathways")
    except Unsupported:
        return {k: float(v) for k, v in readings.items() if v is not None}
    readings["mean GLH over minimal pathways"] = _mean(minimal)
    readings[f"mean GLH over minimum-credit ({low}) pathways"] = _mean(at_min)
    readings[f"midpoint of lowest and highest GLH among minimum-credit ({low}) pathways"] = \
        Fraction(min(at_min) + max(at_min), 2)
    readings["midpoint of lowest and highest GLH over all pathways"] = \
        Fraction(min(counts.by_glh) + max(counts.by_glh), 2)
    return {k: round(float(v), 4) for k, v in readings.items() if v is not None}


def audit_regime(catalogue: Catalogue, q: Qualification, regime: Regime) -> RegimeAudit:
    f = formulate(catalogue, q, Learner(registered=regime.registered))
    model = CompiledModel(f.variables, f.requirements)
    # Unpublished values count 0: the ranges are then bounds, and the findings say so rather than state them.
    credits = tuple((c, u.credits or 0) for c, u in f.context.units.items())
    glh = tuple((c, u.glh or 0) for c, u in f.context.units.items())
    status, min_credits = optimum(model, credits, 1)
    _, max_credits = optimum(model, credits, -1)
    _, max_glh = optimum(model, glh, -1)
    route = model.solve(tiers=objective_tiers(f, Objective.MIN_GLH))
    if route.status not in (Status.OPTIMAL, Status.INFEASIBLE):
        raise RuntimeError(f"the lowest-hours route of {q.id} was not proven optimal: {route.status}")
    lowest = tuple(c for c in f.variables if c in route.pathway) if route.pathway is not None else None
    min_glh = sum(w for c, w in glh if c in lowest) if lowest is not None else None
    if lowest is not None and not f.valid(frozenset(lowest)):
        raise RuntimeError(f"CP-SAT's lowest-hours route fails the plain-Python check: {list(lowest)}")
    counts = count_formulation(f)
    for spread, low, high in ((counts.by_credits, min_credits, max_credits), (counts.by_glh, min_glh, max_glh)):
        if counts.count and spread and (min(spread), max(spread)) != (low, high):
            raise RuntimeError(f"CP-SAT and the exact count disagree on the ranges of {q.id} ({regime.label})")
    notes = list(counts.notes)
    shares: dict[str, int] = {}
    if counts.count is None:
        notes.append("unit shares, dead and forced units not computed: the exact count is out of reach")
    elif counts.count:
        try:
            shares = unit_shares(f)
        except Unsupported as why:
            notes.append(f"unit shares, dead and forced units not computed: {why}")
    readings = average_readings(f, counts)
    if q.figures.average_glh is not None and counts.count and not readings:
        notes.append("average GLH readings not computed: they need the exact GLH distribution")
    unknown = tuple(c for c in lowest or () if f.context.units[c].glh is None)
    maybe, sure, short = None, False, tuple[tuple[str, int], ...]()
    if lowest is None and (q.open_groups() or unknown_credits(f)):
        maybe = possible(f)
        sure = maybe is not None and surely_valid(f, maybe)
        short = tuple((req.rule.describe(f.context) if req.rule else req.description, n)
                      for req, n in ([] if maybe else shortfalls(f)))
    return RegimeAudit(possible=maybe, sure=sure, shortfalls=short,
                       regime=regime, status=status, min_credits=min_credits, max_credits=max_credits,
                       min_glh=min_glh, max_glh=max_glh, lowest_glh_route=lowest, counts=counts, shares=shares,
                       average_glh=readings, notes=tuple(notes), unpublished_route=unknown)
