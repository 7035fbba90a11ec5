"""`plan_study`: a learner's plan: which units and in which period, chosen in one CP-SAT model, re-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from solver.budget import Budget, Limit
from solver.engine.compile import compile_request
from solver.engine.explain import explain
from solver.engine.schedule import Placed, Timed, plan_units
from solver.engine.status import Status
from solver.errors import InputError, PathwayInvalid, Problem
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification, Unit
from solver.model.learner import Learner
from solver.model.timing import (
    Period,
    Timing,
    check_periods,
    offered_in,
    parse_day,
    required_credits,
    required_units,
    span_until,
    timing_cycle,
    timing_span,
    timing_words,
)
from solver.queries.recommendation import Pathway, compile_formulation, describe_pathway
from solver.request.formulation import Formulation, formulate, open_imports
from solver.request.objectives import TIER_WORDS as UNIT_TIER_WORDS
from solver.request.objectives import Objective, objective_named, request
from solver.request.requirements import Origin

TIER_WORDS = {"finish": "earliest finish (periods used)", "largest_glh": "most balanced load (largest period, GLH)"}


def tier_words(name: str) -> str:
    return TIER_WORDS[name] if name in TIER_WORDS else UNIT_TIER_WORDS[name][0]


@dataclass(frozen=True, kw_only=True)
class StudyPlan:
    """A learner's plan: the pathway, each new unit's period, the tiers reached; or why there is none."""

    qualification: str
    status: Status
    timing: Timing
    pathway: Pathway | None = None
    period_of: Mapping[str, Period] = None  # type: ignore[assignment]
    periods: tuple[Period, ...] = ()
    tiers: tuple[tuple[str, int, float | None], ...] = ()  # name, value, proven bound (None: not known)
    order: str = ""
    why_not: str = ""
    stopped: Limit | None = None  # the limit that cut a tier short (the plan is then not proven best)

    @property
    def finish(self) -> Period | None:
        used = [p for p in (self.period_of or {}).values()]
        return max(used, key=lambda p: p.index) if used else None

    def rows(self) -> list[dict[str, Any]]:
        """One row per period up to the finish: its units and loads."""
        end = self.finish
        if self.pathway is None or end is None:
            return []
        out = []
        for period in self.periods[:end.index + 1]:
            units = [u for u in self.pathway.units if self.period_of.get(u.code) == period]
            out.append({"period": period.label, "first": period.first.isoformat(), "last": period.last.isoformat(),
                        "units": [u.code for u in units], "glh": sum(u.glh or 0 for u in units),
                        "credits": sum(u.credits or 0 for u in units)})
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"qualification": self.qualification, "status": self.status, "order": self.order,
                               "stopped": self.stopped,
                               "timing": self.timing.model_dump(mode="json", exclude_none=True)}
        if self.pathway is None:
            return {**out, "why_not": self.why_not, "units": [], "periods": []}
        end = self.finish
        out.update(self.pathway.to_dict())
        out["finish"] = end.to_dict() if end else None
        out["tiers"] = [{"tier": tier_words(n), "value": v, "bound": b} for n, v, b in self.tiers]
        out["placed"] = {c: p.label for c, p in self.period_of.items()}
        out["periods"] = self.rows()
        return out


def _limits(timing: Timing) -> dict[str, tuple[int | None, int | None]]:
    return {m: (lim.min, lim.max) for m, lim in timing.limits.items()}


def timed_units(f: Formulation, span: list[Period]) -> tuple[list[Timed], list[str]]:
    """The units still to study, each with its load, periods offered and order; and the units that cannot be
    taken at all (a prerequisite neither achieved nor in the qualification)."""
    ctx = f.context
    done = {ctx.base(c) for c in ctx.achieved} | set(ctx.achieved) | set(f.learner.exempt)
    by_base: dict[str, str] = {}
    for code in ctx.units:
        by_base.setdefault(ctx.base(code), code)
    credits_of = {ctx.base(v): u.credits or 0 for v, u in ctx.units.items()}
    achieved = {ctx.base(c) for c in ctx.achieved}
    timed, missing = [], []
    for code, unit in ctx.units.items():
        if code in ctx.achieved:
            continue
        doc = unit if isinstance(unit, Unit) else None  # the rules' view of a unit; timing lives on the document
        before = [r for r in required_units(doc.requires if doc else ()) if r not in done]
        partners = [w for w in (doc.with_ if doc else ()) if w not in done]
        if any(r not in by_base for r in before + partners):
            missing.append(code)
            continue
        # Credits of a group first: what is achieved counts at once; the rest must be studied in earlier periods.
        # A unit imported from another qualification may name a group this one lacks: then only achieved units.
        after = []
        for need in required_credits(doc.requires if doc else ()):
            group = set(ctx.groups.get(need.group, ()))
            have = sum(credits_of.get(c, 0) for c in group & achieved)
            members = tuple(v for v in ctx.units if ctx.base(v) in group and v not in ctx.achieved
                            and ctx.base(v) != ctx.base(code))
            after.append((need.credits - have, members))
        allowed = tuple(p.index for p in span if offered_in(doc.offered if doc else (), p))
        timed.append(Timed(code=code, load={"glh": unit.glh or 0, "credits": unit.credits or 0, "units": 1},
                           allowed=allowed, requires=tuple(by_base[r] for r in before),
                           with_=tuple(by_base[w] for w in partners), after_credits=tuple(after)))
    return timed, missing


def verify_timing(timed: list[Timed], placed: Mapping[str, int], chosen: frozenset[str],
                  limits: Mapping[str, tuple[int | None, int | None]], last: int) -> None:
    """The independent check of every timing constraint, in plain Python: PathwayInvalid (a bug) if one fails."""
    by_code = {t.code: t for t in timed}
    problems = [f"{c} chosen but not placed" for c in chosen if c in by_code and c not in placed]
    for code, p in placed.items():
        t = by_code[code]
        if p not in t.allowed:
            problems.append(f"{code} placed in period {p}, not offered then")
        problems += [f"{code} before its prerequisite {r}" for r in t.requires if placed.get(r, last + 1) >= p]
        problems += [f"{code} not with {w}" for w in t.with_ if placed.get(w) != p]
        for need, members in t.after_credits:
            earlier = sum(by_code[m].load["credits"] for m in members if placed.get(m, last + 1) < p)
            if earlier < need:
                problems.append(f"{code} after {earlier} credits of its group, needs {need} more than achieved")
    for p in range(max(placed.values(), default=-1) + 1):  # a least load holds up to the finish, not after
        for measure, (lo, hi) in limits.items():
            load = sum(by_code[c].load[measure] for c, q in placed.items() if q == p)
            if (hi is not None and load > hi) or (lo is not None and load < lo):
                problems.append(f"period {p}: {measure} {load} outside [{lo}, {hi}]")
    if problems:
        raise PathwayInvalid("solver plan fails: " + "; ".join(problems))


def _solve(f: Formulation, objective: Objective, timing: Timing, work_limit: float | None,
           budget: Budget | None = None) -> tuple[Placed, list[Period], list[Timed], Formulation]:
    start = parse_day(timing.start, "start")
    req = request(open_imports(f), objective)
    rf, spec = req.formulation, req.spec
    check_periods(timing)
    first = timing_span(timing, start, 1)
    if not first:
        last = timing.periods[-1].end.isoformat() if not isinstance(timing.periods, str) else ""
        raise InputError([Problem("start", 0, 0, "", f"expected a start on or before the last period ends "
                                                     f"({last}), got {timing.start}")])
    probe, _ = timed_units(rf, first)
    if timing.finish_by is not None:
        count = span_until(timing, start, parse_day(timing.finish_by, "finish_by"))
    else:
        count = timing.horizon or min(520, max(1, len(probe)) + timing_cycle(timing))
    span = timing_span(timing, start, count)
    count = len(span)  # an explicit list may hold fewer periods than asked
    timed, missing = timed_units(rf, span)
    asks = [lin for r in rf.requirements if r.origin is Origin.LEARNER for lin in r.linears]
    placed = plan_units(compile_request(req), asks, spec.minimised, timed, missing, count, _limits(timing),
                        work_limit, budget)
    return placed, span, timed, rf


def plan_study(catalogue: Catalogue, qualification: str | Qualification, learner: Learner, timing: Timing,
               objective: Objective | str = Objective.MIN_GLH, work_limit: float | None = 30.0,
               budget: Budget | None = None) -> StudyPlan:
    """The best plan for `learner`: the request's objective for the units, then the earliest finish, then the
    most balanced load; INFEASIBLE with the earliest finish possible (or the rules' explanation).
    `work_limit`: deterministic units per tier; `budget`: a wall clock and a cancel over the whole plan."""
    q = catalogue.qualification(qualification)
    obj = objective_named(objective) if isinstance(objective, str) else objective
    f = formulate(catalogue, q, learner)
    placed, span, timed, rf = _solve(f, obj, timing, work_limit, budget)
    spec = request(open_imports(f), obj).spec
    order = ", then ".join([spec.order() or "the units' objective", TIER_WORDS["finish"], TIER_WORDS["largest_glh"]])
    if not placed.status.found:
        stopped = placed.stopped
        return StudyPlan(qualification=q.accreditation, status=placed.status, timing=timing, order=order,
                         stopped=stopped, why_not=(_unfinished(stopped) if stopped else
                                                   why_not(f, obj, timing, timed, span, work_limit, budget)))
    chosen = spec.strip(placed.chosen)
    verify_timing(timed, placed.period, placed.chosen, _limits(timing), len(span) - 1)
    pathway = describe_pathway(rf, chosen, obj, spec)  # re-checks every rule of the pathway in plain Python
    # The units' tiers were optimised as one weighted sum: each is stated by its own value on the pathway.
    proven = placed.tiers[0][1] == placed.tiers[0][2]
    own = tuple((name, value, float(value) if proven else None) for name, value in pathway.objective.items())
    return StudyPlan(qualification=q.accreditation, status=placed.status, timing=timing, pathway=pathway,
                     period_of={c: span[p] for c, p in placed.period.items()}, periods=tuple(span),
                     tiers=own + placed.tiers[1:], order=order, stopped=placed.stopped)


def _unfinished(stopped: Limit) -> str:
    """Why a search that found no plan says nothing about whether one exists."""
    if stopped is Limit.INTERRUPTED:
        return "the search was interrupted before a plan was found; whether one exists is not known"
    return f"no plan was found before the {stopped.value}; whether one exists is not known"


def why_not(f: Formulation, objective: Objective, timing: Timing, timed: list[Timed], span: list[Period],
            work_limit: float | None, budget: Budget | None = None) -> str:
    """Why no plan exists, in the learner's terms: the earliest finish the pace allows, units that fit no
    period, or the rules' own explanation."""
    cap = timing.limits.get("glh")
    pace = f"with {cap.max} GLH {timing_words(timing)}" if cap and cap.max is not None else "at this pace"
    if timing.finish_by is not None:
        later = replace_timing(timing, finish_by=None)
        placed, later_span, _, _ = _solve(f, objective, later, work_limit, budget)
        if placed.status.found:
            end = max(placed.period.values(), default=0)
            return (f"{pace} you cannot finish by {span[-1].label}; the earliest is {later_span[end].label}")
    rules = f.without(set())
    if not compile_formulation(rules).feasible([r.id for r in rules.requirements]):
        explanation = explain(compile_formulation(rules), rules.requirements)
        return " ".join(explanation.sentences()) if explanation else "no pathway meets the rules and your asks"
    too_big = [t.code for t in timed if cap and cap.max is not None and t.load["glh"] > cap.max]
    extra = f"; units larger than a period allows: {', '.join(too_big)}" if too_big else ""
    return f"{pace} no plan within {len(span)} periods from {span[0].label} meets the rules{extra}"


def replace_timing(timing: Timing, **changes: object) -> Timing:
    return timing.model_copy(update=changes)


def finish_date(plan: StudyPlan) -> dt.date | None:
    end = plan.finish
    return end.last if end else None


