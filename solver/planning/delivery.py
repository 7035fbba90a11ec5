"""A provider's delivery plan (PLAN.yaml): qualifications sharing units, each unit taught once; solved and checked."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from solver.budget import Budget
from solver.engine.neighbourhood import deliver_lns
from solver.engine.schedule import Delivery, DeliveryPlan, deliver, ideal
from solver.errors import InputError, PathwayInvalid, Problem
from solver.model.located_yaml import read_yaml
from solver.model.validation import validate
from solver.planning.benchmarks import read_benchmark
from solver.rules import Count

Code = Annotated[str, Field(strict=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TaughtUnit(Strict):
    code: Code
    load: Count  # GLH or credits, as the plan counts load


class Cohort(Strict):
    """One qualification (with its cohort) taught from the shared units, with its limits per period."""

    id: Code
    units: tuple[Code, ...]
    min_units: Count = 0
    max_units: Count | None = None
    min_load: Count | None = None
    max_load: Count | None = None


class Unavailable(Strict):
    unit: Code
    period: Annotated[int, Field(strict=True, ge=1)]  # 1-based, as written


class PlanFile(Strict):
    """PLAN.yaml: either `benchmark` (a BACP/GBACP data file, relative to the plan) or the problem inline."""

    benchmark: str | None = None
    periods: Annotated[int, Field(strict=True, ge=1, le=520)] | None = None
    units: tuple[TaughtUnit, ...] = ()
    qualifications: tuple[Cohort, ...] = ()
    precedes: tuple[tuple[Code, Code], ...] = ()  # [a, b]: a taught in an earlier period than b
    unavailable: tuple[Unavailable, ...] = ()  # a tutor cannot (hard) or would rather not (soft) teach then
    hard: bool = False
    objective: Literal["max-load", "squares"] = "max-load"
    undesirable_weight: Count = 1
    work_limit: Annotated[float, Field(gt=0, le=3600)] = 10.0


def _problem(path: Path, message: str) -> InputError:
    return InputError([Problem(str(path), 1, 1, "", message)])


def load_plan(path: Path) -> tuple[Delivery, float]:
    """The delivery problem of a PLAN.yaml, validated with located errors; and its deterministic work limit."""
    doc, problems = read_yaml(path)
    plan = None
    if doc is not None and not problems:
        plan, problems = validate(PlanFile, doc)
    if plan is None:
        raise InputError(problems)
    if plan.benchmark is not None:
        return read_benchmark(path.resolve().parent / plan.benchmark), plan.work_limit
    if plan.periods is None or not plan.units or not plan.qualifications:
        raise _problem(path, "expected `benchmark`, or `periods`, `units` and `qualifications`")
    index = {u.code: i for i, u in enumerate(plan.units)}
    named = [c for q in plan.qualifications for c in q.units] + [c for pair in plan.precedes for c in pair]
    unknown = sorted({c for c in [*named, *(u.unit for u in plan.unavailable)] if c not in index})
    if unknown:
        raise _problem(path, f"units not listed under `units`: {', '.join(unknown)}")
    big = [u.period for u in plan.unavailable if u.period > plan.periods]
    if big:
        raise _problem(path, f"unavailable periods beyond the {plan.periods} periods: {big}")
    qs = plan.qualifications
    bounded = all(q.min_load is not None for q in qs) or all(q.max_load is not None for q in qs)
    delivery = Delivery(
        name=path.stem, n_periods=plan.periods, load=tuple(u.load for u in plan.units),
        names=tuple(u.code for u in plan.units), curricula=tuple(tuple(index[c] for c in q.units) for q in qs),
        min_courses=tuple(q.min_units for q in qs), max_courses=tuple(q.max_units or len(q.units) for q in qs),
        min_load=tuple(q.min_load or 0 for q in qs) if bounded else (),
        max_load=tuple(q.max_load if q.max_load is not None else 10**6 for q in qs) if bounded else (),
        precedes=tuple((index[a], index[b]) for a, b in plan.precedes),
        undesirable=tuple((index[u.unit], u.period - 1) for u in plan.unavailable), hard_undesirable=plan.hard,
        objective=plan.objective, w2=plan.undesirable_weight)
    return delivery, plan.work_limit


def loads(d: Delivery, period: tuple[int, ...]) -> list[list[int]]:
    """Each curriculum's load in each period."""
    return [[sum(d.load[c] for c in courses if period[c] == p) for p in range(d.n_periods)] for courses in d.curricula]


def cost(d: Delivery, period: tuple[int, ...]) -> int:
    """The plan's objective, computed in plain Python from the placements alone."""
    bad = sum(1 for c, p in d.undesirable if period[c] == p)
    if d.objective == "squares":
        total = 0
        for courses, row in zip(d.curricula, loads(d, period), strict=True):
            low, high = ideal(sum(d.load[c] for c in courses), d.n_periods)
            total += sum(max(load - high, low - load, 0) ** 2 for load in row)
        return d.w1 * total + d.w2 * bad
    return max(max(row) for row in loads(d, period)) * (len(set(d.undesirable)) + 1) + bad


def split(d: Delivery, objective: int) -> tuple[int, int]:
    """A max-load objective as its two tiers: the largest load, and the undesirable placements."""
    weight = len(set(d.undesirable)) + 1
    return objective // weight, objective % weight


def violations(d: Delivery, period: tuple[int, ...]) -> list[str]:
    """Every constraint of the problem re-checked in plain Python: the list of those broken (empty: a valid plan)."""
    out = [f"course {d.names[c]} in period {p + 1}, outside 1..{d.n_periods}" for c, p in enumerate(period)
           if not 0 <= p < d.n_periods]
    out += [f"{d.names[a]} not before {d.names[b]}" for a, b in d.precedes if period[a] >= period[b]]
    if d.hard_undesirable:
        out += [f"{d.names[c]} in period {p + 1}, which its tutor cannot teach" for c, p in d.undesirable
                if period[c] == p]
    for k, (courses, row) in enumerate(zip(d.curricula, loads(d, period), strict=True)):
        for p in range(d.n_periods):
            n = sum(1 for c in courses if period[c] == p)
            if not d.min_courses[k] <= n <= d.max_courses[k]:
                out.append(f"curriculum {k + 1}, period {p + 1}: {n} courses outside "
                           f"[{d.min_courses[k]}, {d.max_courses[k]}]")
            if d.min_load and not d.min_load[k] <= row[p] <= d.max_load[k]:
                out.append(f"curriculum {k + 1}, period {p + 1}: load {row[p]} outside "
                           f"[{d.min_load[k]}, {d.max_load[k]}]")
    return out


def solve_plan(d: Delivery, work_limit: float | None = 10.0, budget: Budget | None = None) -> DeliveryPlan:
    """Solve and re-check: a plan the plain-Python check rejects, or whose cost differs, is a bug (PathwayInvalid)."""
    # Large-neighbourhood search over the whole model (solver/engine/neighbourhood.py): on the large GBACP instances
    # much better plans within the same work than the whole model alone; small problems are proven in its first step.
    plan = deliver_lns(d, work_limit, budget=budget) if work_limit is not None else deliver(d, None, budget=budget)
    if plan.status.found:
        broken = violations(d, plan.period)
        if broken or cost(d, plan.period) != plan.objective:
            raise PathwayInvalid(f"delivery plan for {d.name} fails: {'; '.join(broken) or 'objective differs'}")
    return plan
