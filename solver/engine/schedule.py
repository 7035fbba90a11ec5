"""Units placed in periods on CP-SAT: a learner's plan (which units and when, in one model) and a provider's
delivery plan (every unit once, balanced per qualification). The second module that imports OR-Tools."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.budget import Budget, Limit
from solver.engine.compile import CompiledModel, run, tier_weights
from solver.engine.status import Status
from solver.request.objectives import Tier
from solver.rules.linear import Linear

# One worker: the same answer on every run; the limit is CP-SAT's deterministic time, never the wall clock.
PLAN_PARAMS = {"num_workers": 1, "random_seed": 7, "catch_sigint_signal": False}
# Delivery plans: the LP relaxation kept (linearization 2) proves BACP optima ~1.4x faster over the instances
# (measured: benchmarks/plan.py), bacp12 in 0.65 s rather than 1.9 s.
DELIVER_PARAMS = {**PLAN_PARAMS, "linearization_level": 2}
MEASURES = ("glh", "credits", "units")
# Redundant cuts under each squared deviation (exact at whole numbers: dev^2 >= (2j+1) dev - j(j+1)): on UD3 the
# proven bound at the limit of 10 went from 67 to 74 (the plain model's 69); a deviation beyond 12 costs 144 or more.
TANGENTS = 13


@dataclass(frozen=True, kw_only=True)
class Timed:
    """A unit that may be placed: its load by measure, the periods it may go in, what must come before or with it."""

    code: str
    load: Mapping[str, int]  # glh, credits, units (1)
    allowed: tuple[int, ...]  # period indices it is offered in
    requires: tuple[str, ...] = ()  # placed earlier (each one a placed unit's code)
    with_: tuple[str, ...] = ()  # placed in the same period
    # "At least N credits of group G first": (credits still needed once achieved units count, the placeable units
    # of G whose credits count when placed in an earlier period).
    after_credits: tuple[tuple[int, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, kw_only=True)
class Placed:
    """A solved plan: CP-SAT's status (OPTIMAL only when every tier was proven), the units and their periods."""

    status: Status
    chosen: frozenset[str] = frozenset()
    period: Mapping[str, int] = field(default_factory=dict)
    tiers: tuple[tuple[str, int, float], ...] = ()  # name, value reached, bound proven
    seconds: float = 0.0
    stopped: Limit | None = None  # the limit that cut a tier short, if any


def _solve(model: cp_model.CpModel, work_limit: float | None, budget: Budget | None = None
           ) -> tuple[cp_model.CpSolver, Status, Limit | None]:
    """One tier's solve: `work_limit` deterministic units, and under `budget` (its wall clock and cancel)."""
    solver = cp_model.CpSolver()
    for key, value in PLAN_PARAMS.items():
        setattr(solver.parameters, key, value)
    if work_limit is not None:
        solver.parameters.max_deterministic_time = work_limit
    status, stopped = run(solver, model, budget)
    return solver, status, stopped


def plan_units(compiled: CompiledModel, asks: Iterable[Linear], unit_tiers: Sequence[Tier], timed: Sequence[Timed],
               forced_missing: Iterable[str], n_periods: int, limits: Mapping[str, tuple[int | None, int | None]],
               work_limit: float | None = 30.0, budget: Budget | None = None) -> Placed:
    """Choose the units under the rules and place each unplaced chosen unit in a period, lexicographically:
    `unit_tiers`, then the earliest finish, then the smallest largest GLH load.

    `forced_missing`: variables that may not be taken (a prerequisite neither achieved nor placeable)."""
    started = time.perf_counter()
    model, take = compiled._clone(asks, ())
    compiled._switch(model)
    for code in forced_missing:
        model.add(take[code] == 0)
    periods = range(n_periods)
    x = {(u.code, p): model.new_bool_var(f"at[{u.code},{p}]") for u in timed for p in u.allowed}
    when = {u.code: model.new_int_var(0, n_periods, f"when[{u.code}]") for u in timed}
    active = [model.new_bool_var(f"active[{p}]") for p in periods]
    for p in range(1, n_periods):
        model.add_implication(active[p], active[p - 1])  # the plan runs from the start without a gap in time
    for u in timed:
        cells = [x[u.code, p] for p in u.allowed]
        model.add(sum(cells) == take[u.code])
        model.add(when[u.code] == sum(p * x[u.code, p] for p in u.allowed))
        for p in u.allowed:
            model.add_implication(x[u.code, p], active[p])
        for before in u.requires:
            model.add_implication(take[u.code], take[before])
            model.add(when[before] < when[u.code]).only_enforce_if(take[u.code])
        for partner in u.with_:
            model.add_implication(take[u.code], take[partner])
            model.add(when[partner] == when[u.code]).only_enforce_if(take[u.code])
        for need, members in u.after_credits:
            if need <= 0:
                continue
            credits = {t.code: t.load["credits"] for t in timed if t.code in members}
            for p in u.allowed:
                earlier = [(credits[m], x[m, q]) for m in credits for q in range(p) if (m, q) in x]
                if not earlier:
                    model.add(x[u.code, p] == 0)
                else:
                    model.add(sum(c * v for c, v in earlier) >= need).only_enforce_if(x[u.code, p])
    loads: dict[str, list[cp_model.LinearExprT]] = {}
    for measure in MEASURES:
        loads[measure] = [sum(u.load[measure] * x[u.code, p] for u in timed if (u.code, p) in x) for p in periods]
        lo, hi = limits.get(measure, (None, None))
        for p in periods:
            if hi is not None:
                model.add(loads[measure][p] <= hi)
            if lo is not None:
                model.add(loads[measure][p] >= lo).only_enforce_if(active[p])
    finish = sum(active)
    top = model.new_int_var(0, sum(u.load["glh"] for u in timed), "largest_glh")
    for p in periods:
        model.add(top >= loads["glh"][p])
    weights = tier_weights(unit_tiers)
    first = sum(w * c * take[v] for w, tier in zip(weights, unit_tiers) for v, c in tier if c)
    steps: list[tuple[str, cp_model.LinearExprT]] = [("units", first), ("finish", finish), ("largest_glh", top)]
    reached: list[tuple[str, int, float]] = []
    status = Status.OPTIMAL
    ended: Limit | None = None  # the first limit that cut a tier short
    solver: cp_model.CpSolver | None = None
    for name, expr in steps:
        if isinstance(expr, int):
            reached.append((name, expr, float(expr)))
            continue
        model.minimize(expr)
        solver, code, stopped = _solve(model, work_limit, budget)
        ended = ended or stopped
        if not code.found:
            return Placed(status=code if not reached else Status.UNKNOWN, seconds=time.perf_counter() - started,
                          stopped=ended)
        value = round(solver.objective_value)  # a float (27.999...): int() would cut it below the optimum
        reached.append((name, value, solver.best_objective_bound))
        if code is not Status.OPTIMAL:
            status = Status.FEASIBLE  # a limit hit: never stated as proven
        model.clear_hints()
        for var in take.values():
            model.add_hint(var, solver.boolean_value(var))
        for var in x.values():
            model.add_hint(var, solver.boolean_value(var))
        model.add(expr <= value)  # the tier held at its best as the next one is optimised
    assert solver is not None
    chosen = frozenset(v for v in compiled.variables if solver.boolean_value(take[v]))
    placed = {u.code: int(solver.value(when[u.code])) for u in timed if solver.boolean_value(take[u.code])}
    return Placed(status=status, chosen=chosen, period=placed, tiers=tuple(reached),
                  seconds=time.perf_counter() - started, stopped=ended)


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """A provider's problem: every course in one period; curricula (qualifications) sharing courses."""

    name: str
    n_periods: int
    load: tuple[int, ...]  # per course
    names: tuple[str, ...]  # per course
    curricula: tuple[tuple[int, ...], ...]  # course indices of each curriculum
    min_courses: tuple[int, ...]  # per curriculum, per period
    max_courses: tuple[int, ...]
    min_load: tuple[int, ...] = ()  # per curriculum (empty: open)
    max_load: tuple[int, ...] = ()
    precedes: tuple[tuple[int, int], ...] = ()  # (a, b): a strictly before b
    undesirable: tuple[tuple[int, int], ...] = ()  # (course, period), 0-based
    hard_undesirable: bool = False
    objective: str = "max-load"  # or "squares" (GBACP: w1 * squared deviations + w2 * undesirable)
    w1: int = 1
    w2: int = 1


@dataclass(frozen=True, kw_only=True)
class DeliveryPlan:
    status: Status
    period: tuple[int, ...] = ()  # per course, 0-based
    objective: int | None = None
    bound: float | None = None
    seconds: float = 0.0
    stopped: Limit | None = None  # the limit (or interruption) that ended the search unproven, if any


def ideal(total: int, n: int) -> tuple[int, int]:
    """The ideal load per period, rounded down and up."""
    return total // n, -(-total // n)


def _depths(d: Delivery) -> tuple[list[int], list[int]]:
    """Earliest and latest periods of each course from its chains of precedence (a redundant reduction)."""
    n = len(d.load)
    before: list[list[int]] = [[] for _ in range(n)]
    after: list[list[int]] = [[] for _ in range(n)]
    for a, b in d.precedes:
        before[b].append(a)
        after[a].append(b)
    earliest, latest = [0] * n, [d.n_periods - 1] * n
    for _ in range(n):  # Bellman-Ford over a DAG: at most n rounds
        changed = False
        for a, b in d.precedes:
            if earliest[b] < earliest[a] + 1:
                earliest[b], changed = earliest[a] + 1, True
            if latest[a] > latest[b] - 1:
                latest[a], changed = latest[b] - 1, True
        if not changed:
            break
    return earliest, latest


def greedy(d: Delivery, earliest: list[int], latest: list[int]) -> list[int]:
    """A first plan to start the search from: courses in order of precedence, each into the period (after its
    predecessors) that raises its curricula's squared excess over their ideal load least. Only a hint: it may
    break a limit, and CP-SAT repairs or drops it."""
    n = len(d.load)
    of: list[list[int]] = [[] for _ in range(n)]
    for k, courses in enumerate(d.curricula):
        for c in courses:
            of[c].append(k)
    ideals = [ideal(sum(d.load[c] for c in courses), d.n_periods)[1] for courses in d.curricula]
    load = [[0] * d.n_periods for _ in d.curricula]
    count = [[0] * d.n_periods for _ in d.curricula]
    before: list[list[int]] = [[] for _ in range(n)]
    for a, b in d.precedes:
        before[b].append(a)
    period = [-1] * n
    bad = set(d.undesirable)
    for c in sorted(range(n), key=lambda c: (earliest[c], -d.load[c], c)):
        low = max([earliest[c], *(period[a] + 1 for a in before[c] if period[a] >= 0)])
        options = range(min(low, latest[c]), latest[c] + 1)

        def penalty(p: int, c: int = c) -> tuple[int, int]:
            full = sum(count[k][p] >= d.max_courses[k] for k in of[c])
            excess = sum(max(0, load[k][p] + d.load[c] - ideals[k]) ** 2 - max(0, load[k][p] - ideals[k]) ** 2
                         for k in of[c])
            return full, d.w1 * excess + d.w2 * ((c, p) in bad)

        p = min(options, key=penalty)
        period[c] = p
        for k in of[c]:
            load[k][p] += d.load[c]
            count[k][p] += 1
    return period


@dataclass(frozen=True)
class DeliveryModel:
    """A delivery problem as a CP-SAT model: each course's period (`when`) and its 0/1 placements (`x`)."""

    model: cp_model.CpModel
    when: list[cp_model.IntVar]
    x: dict[tuple[int, int], cp_model.IntVar]


def delivery_model(d: Delivery, plain: bool = False) -> DeliveryModel:
    """The model of a delivery problem, its objective set; `plain`: the textbook model without the reductions
    (the benchmark's peer); otherwise with the redundant constraints and the greedy plan as a hint."""
    model = cp_model.CpModel()
    n, periods = len(d.load), range(d.n_periods)
    earliest, latest = _depths(d) if not plain else ([0] * n, [d.n_periods - 1] * n)
    bad = set(d.undesirable)
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for c in range(n):
        for p in periods:
            if plain or (earliest[c] <= p <= latest[c] and not (d.hard_undesirable and (c, p) in bad)):
                x[c, p] = model.new_bool_var(f"x[{c},{p}]")
    when = [model.new_int_var(0, d.n_periods - 1, f"when[{c}]") for c in range(n)]
    for c in range(n):
        model.add_exactly_one(x[c, p] for p in periods if (c, p) in x)
        model.add(when[c] == sum(p * x[c, p] for p in periods if (c, p) in x))
    for a, b in d.precedes:
        model.add(when[a] < when[b])
    if d.hard_undesirable and plain:
        for c, p in bad:
            model.add(x[c, p] == 0)
    deviations: list[cp_model.IntVar] = []
    tops: list[cp_model.IntVar] = []
    for k, courses in enumerate(d.curricula):
        total = sum(d.load[c] for c in courses)
        low, high = ideal(total, d.n_periods)
        top = model.new_int_var(0, total, f"top[{k}]")
        loads = []
        for p in periods:
            cells = [(c, x[c, p]) for c in courses if (c, p) in x]
            load = sum(d.load[c] * v for c, v in cells)
            loads.append(load)
            model.add(sum(v for _, v in cells) >= d.min_courses[k])
            model.add(sum(v for _, v in cells) <= d.max_courses[k])
            if d.min_load:
                model.add(load >= d.min_load[k])
            if d.max_load:
                model.add(load <= d.max_load[k])
            model.add(top >= load)
            if d.objective == "squares":
                # Exactly the deviation (not only at least it): a plan found before the optimum reports its true cost.
                dev = model.new_int_var(0, total, f"dev[{k},{p}]")
                above = model.new_int_var(-total, total, f"above[{k},{p}]")
                below = model.new_int_var(-total, total, f"below[{k},{p}]")
                model.add(above == load - high)
                model.add(below == low - load)
                model.add_max_equality(dev, [above, below, 0])
                sq = model.new_int_var(0, total * total, f"sq[{k},{p}]")
                model.add_multiplication_equality(sq, [dev, dev])
                if not plain:  # the square's tangents at 0..TANGENTS-1: the LP sees it, not only propagation
                    for j in range(min(TANGENTS, total + 1)):
                        model.add(sq >= (2 * j + 1) * dev - j * (j + 1))
                deviations.append(sq)
        if not plain:
            model.add(sum(loads) == total)  # redundant: every course of the curriculum is somewhere
            model.add(top >= high)  # the trivial bound: some period carries at least the ideal, rounded up
        tops.append(top)
    if not plain:  # a good first solution: the anytime search starts from a balanced plan, not from nothing
        for c, p in enumerate(greedy(d, earliest, latest)):
            model.add_hint(when[c], p)
    undesirable = sum(x[c, p] for c, p in bad if (c, p) in x)
    if d.objective == "squares":
        model.minimize(d.w1 * sum(deviations) + d.w2 * undesirable)
    else:
        largest = model.new_int_var(0, sum(d.load), "largest")
        model.add_max_equality(largest, tops)
        # Lexicographic in one sum: one unit more of the largest load outweighs every undesirable placement.
        model.minimize(largest * (len(bad) + 1) + undesirable)
    return DeliveryModel(model, when, x)


def solve_delivery(built: DeliveryModel | cp_model.CpModel, work_limit: float | None, params: Mapping[str, object],
                   budget: Budget | None = None) -> tuple[cp_model.CpSolver, Status]:
    """Solve a built delivery model (or a neighbourhood of it) under a deterministic work limit with these CP-SAT
    parameters, and under `budget` (a wall clock, Ctrl-C)."""
    solver = cp_model.CpSolver()
    for key, value in params.items():
        setattr(solver.parameters, key, value)
    if work_limit is not None:
        solver.parameters.max_deterministic_time = work_limit
    return solver, run(solver, built.model if isinstance(built, DeliveryModel) else built, budget)[0]


def deliver(d: Delivery, work_limit: float | None = 10.0, plain: bool = False,
            params: Mapping[str, object] | None = None, budget: Budget | None = None) -> DeliveryPlan:
    """Solve a delivery problem; `plain`: the textbook model without the reductions (the benchmark's peer)."""
    started = time.perf_counter()
    built = delivery_model(d, plain)
    solver, status = solve_delivery(built, work_limit, DELIVER_PARAMS if params is None else params, budget)
    seconds = time.perf_counter() - started
    if not status.found:
        return DeliveryPlan(status=status, seconds=seconds)
    return DeliveryPlan(status=status, period=tuple(int(solver.value(w)) for w in built.when),
                        objective=round(solver.objective_value), bound=solver.best_objective_bound, seconds=seconds)
