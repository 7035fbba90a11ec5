"""The audit of one registration regime: achievable ranges, lowest-hours route, counts, shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

from solver.budget import Budget, Limit, portion
from solver.engine.compile import CompiledModel
from solver.engine.counting import (
    CountMethod,
    CountResult,
    Stopped,
    Unsupported,
    count_formulation,
    frontier_count,
    problem_of,
    unit_shares,
)
from solver.engine.openworld import credit_extremes, possible, shortfalls, unknown_credits, unknown_values
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.queries.audit_membership import membership
from solver.queries.audit_records import (
    Regime,
    RegimeAudit,
)
from solver.queries.checking import surely_valid
from solver.request.formulation import Formulation, formulate
from solver.request.objectives import Objective, objective_tiers
from solver.request.unknowns import credit_bounds
from solver.rules import Linear

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

def optimum(model: CompiledModel, terms: tuple[tuple[str, int], ...], sign: int,
            budget: Budget | None = None, seen: list[frozenset[str]] | None = None) -> tuple[Status, int | None]:
    """The least (sign 1) or most (sign -1) of `terms` over the model's pathways; None unless proven. The
    pathway found is added to `seen` when given."""
    solution = model.solve(tiers=[tuple((c, sign * w) for c, w in terms)], budget=budget)
    if seen is not None and solution.pathway is not None:
        seen.append(solution.pathway)
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


COUNT_SHARE = 0.4  # of the work left to a regime, what the count may take (shares and the unit search follow)


def audit_regime(catalogue: Catalogue, q: Qualification, regime: Regime, budget: Budget | None = None) -> RegimeAudit:
    """The figures of one regime, each stage under `budget`: ranges and the lowest-hours route (a few solves),
    the count, the unit shares, then (when the shares are out of reach) dead and forced units by search. A stage
    a limit stops is named in `unfinished` and its figures left out, never guessed."""
    f = formulate(catalogue, q, Learner(registered=regime.registered))
    model = CompiledModel(f.variables, f.requirements)
    unfinished: list[str] = []
    task = f"auditing {q.id} ({regime.label})"
    _tell(budget, task, 0, "achievable ranges")
    # Unpublished values count 0: the ranges are then bounds, and the findings say so rather than state them.
    credits = tuple((c, u.credits or 0) for c, u in f.context.units.items())
    glh = tuple((c, u.glh or 0) for c, u in f.context.units.items())
    seen: list[frozenset[str]] = []  # valid pathways found on the way: they clear units of being dead or forced
    status, min_credits = optimum(model, credits, 1, budget, seen)
    _, max_credits = optimum(model, credits, -1, budget, seen)
    _, max_glh = optimum(model, glh, -1, budget, seen)
    route = model.solve(tiers=objective_tiers(f, Objective.MIN_GLH), budget=budget)
    if route.status not in (Status.OPTIMAL, Status.INFEASIBLE):
        unfinished.append("the lowest-hours route")
        route = replace(route, pathway=None)
    lowest = tuple(c for c in f.variables if c in route.pathway) if route.pathway is not None else None
    min_glh = sum(w for c, w in glh if c in lowest) if lowest is not None else None
    if lowest is not None and not f.valid(frozenset(lowest)):
        raise RuntimeError(f"CP-SAT's lowest-hours route fails the plain-Python check: {list(lowest)}")
    if not status.found and status is not Status.INFEASIBLE:
        unfinished.append("whether any pathway is valid")
    elif status.found and None in (min_credits, max_credits, max_glh):
        unfinished.append("the achievable ranges")
    _tell(budget, task, 1, "counting pathways")
    with portion(budget, COUNT_SHARE) as part:
        counts = count_formulation(f, budget=part)
    if counts.stopped_by is not None:
        unfinished.append(f"the pathway count ({_ended(counts.stopped_by)})")
    for spread, low, high in ((counts.by_credits, min_credits, max_credits), (counts.by_glh, min_glh, max_glh)):
        if counts.count and spread and None not in (low, high) and (min(spread), max(spread)) != (low, high):
            raise RuntimeError(f"CP-SAT and the exact count disagree on the ranges of {q.id} ({regime.label})")
    notes = list(counts.notes)
    _tell(budget, task, 2, "unit shares")
    shares: dict[str, int] = {}
    why_not = "the exact count is out of reach" if counts.count is None else ""
    if counts.count:
        try:
            with portion(budget, 0.5) as part:
                shares = unit_shares(f, budget=part)
        except Unsupported as why:
            why_not = str(why)
        except Stopped as stop:
            why_not = _ended(stop.limit)
    members = None
    if not shares and counts.count != 0 and lowest is not None:
        _tell(budget, task, 3, "dead and forced units")
        members = membership(model, f.variables, [*seen, frozenset(lowest)], budget)
        if members.complete:
            notes.append(f"unit shares not computed ({why_not}); dead and forced units found by {members.solves} "
                         f"searches instead")
        else:
            unfinished.append(f"dead and forced units ({len(members.undecided)} of {len(f.variables)} undecided)")
    readings = average_readings(f, counts) if counts.stopped_by is None else {}
    if q.figures.average_glh is not None and counts.count and not readings:
        notes.append("average GLH readings not computed: they need the exact GLH distribution")
    unknown = tuple(c for c in lowest or () if f.context.units[c].glh is None)
    maybe, sure, short = None, False, tuple[tuple[str, int], ...]()
    if lowest is None and status is Status.INFEASIBLE and (q.open_groups() or unknown_values(f)):
        maybe = possible(f)
        sure = maybe is not None and surely_valid(f, maybe)
        short = tuple((req.rule.describe(f.context) if req.rule else req.description, n)
                      for req, n in ([] if maybe else shortfalls(f)))
    exact = bounded = False
    if (lowest is not None or maybe is not None) and unknown_credits(f):
        (min_credits, max_credits), exact = open_credit_range(f, budget)
        bounded = not exact
    _tell(budget, task, 4, "done")
    return RegimeAudit(possible=maybe, sure=sure, shortfalls=short,
                       regime=regime, status=status, min_credits=min_credits, max_credits=max_credits,
                       min_glh=min_glh, max_glh=max_glh, lowest_glh_route=lowest, counts=counts, shares=shares,
                       average_glh=readings, notes=tuple(notes), unpublished_route=unknown, members=members,
                       credits_exact=exact, credits_bounded=bounded, unfinished=tuple(unfinished),
                       glh_bounded=any(u.glh is None for u in f.context.units.values()))


def _ended(limit: Limit) -> str:
    """What ended a stage, in words: 'interrupted', or 'stopped by the work limit'."""
    return "interrupted" if limit is Limit.INTERRUPTED else f"stopped by the {limit}"


def _tell(budget: Budget | None, task: str, done: int, note: str) -> None:
    if budget is not None:
        budget.tell(task, done, 4, note)


def open_credit_range(f: Formulation, budget: Budget | None) -> tuple[tuple[int | None, int | None], bool]:
    """The credit range of valid pathways over every completion of the unpublished credits (group totals used):
    the least and most any pathway valid for some values carries. Exact when each end's pathway is valid
    whatever the values are and its credits are settled (then no completion can go below or above it); else
    the least is a lower bound, and the most an upper bound, or None when no published total bounds it."""
    low, high = credit_extremes(f, budget)
    q, ctx = f.qualification, f.context
    exact = True
    most: int | None = None
    for end in (low, high):
        if end is None:
            return (None, None), False
        bounds = credit_bounds(q, ctx, end[1])
        exact = exact and bounds.exact and surely_valid(f, end[1])
    assert low is not None and high is not None
    most = high[0] if credit_bounds(q, ctx, high[1]).high is not None or exact else None
    return (low[0], most), exact
