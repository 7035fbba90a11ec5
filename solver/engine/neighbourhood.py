"""Large-neighbourhood search for delivery plans: the whole model first (its plan and proven bound), then most
placements fixed from the best plan and a neighbourhood re-solved (one qualification's units, a window of
periods, or a seeded random share), then the whole model again from the best plan. Deterministic: one worker,
seeded choices, and every step's limit in CP-SAT's work measure. Imports OR-Tools (see tests/test_layers.py)."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from solver.budget import Budget, Limit
from solver.engine.schedule import DELIVER_PARAMS, Delivery, DeliveryModel, DeliveryPlan, delivery_model, solve_delivery
from solver.engine.status import Status

FIRST_SHARE = 0.1  # of the work limit: the whole model, for a first plan (and a proof of small problems)
LNS_SHARE = 0.8  # at most, for neighbourhoods; the rest (at least a tenth) for the whole model again, from the
# best plan: its proven bound, or a proof. Measured on UD3: 553 with a tenth first and 80% of neighbourhoods,
# 785 with 30% first (limit 10).
STEP_LIMIT = 0.5  # work per neighbourhood: a curriculum's ~30-50 units are re-placed optimally well within it
PATIENCE = 12  # neighbourhoods in a row without a better plan: the search has settled, the rest goes to the bound
KINDS = (0, 0, 1, 0, 0, 2)  # curriculum, curriculum, window, ...: curricula improved most (UD3: 508 against 553
# for curriculum, window, random in turn)
SEED = 7


def neighbourhood(d: Delivery, plan: Sequence[int], step: int, rng: random.Random) -> set[int]:
    """The courses set free at `step`, in turn: one curriculum's (with a second when it is small), those placed
    in a window of two or three consecutive periods, or a random fifth of all."""
    n = len(d.load)
    kind = KINDS[step % len(KINDS)]
    if kind == 0 and d.curricula:
        free = set(d.curricula[rng.randrange(len(d.curricula))])
        while len(free) < max(8, n // 10) and len(free) < n:
            free |= set(d.curricula[rng.randrange(len(d.curricula))])
        return free
    if kind == 1 and d.n_periods > 1:
        width = min(d.n_periods, 2 + rng.randrange(2))
        first = rng.randrange(d.n_periods - width + 1)
        return {c for c in range(n) if first <= plan[c] < first + width}
    return set(rng.sample(range(n), max(1, n // 5)))


def _fixed_copy(built: DeliveryModel, plan: Sequence[int], free: set[int]) -> cp_model.CpModel:
    """The model with every course outside `free` fixed in its period, hinted with the whole plan."""
    sub = built.model.clone()
    for c, var in enumerate(built.when):
        if c not in free:
            domain = sub.proto.variables[var.index].domain
            domain.clear()
            domain.extend([plan[c], plan[c]])
    sub.clear_hints()
    for c, var in enumerate(built.when):
        sub.add_hint(sub.get_int_var_from_proto_index(var.index), plan[c])
    return sub


def _work(solver: cp_model.CpSolver) -> float:
    return float(solver.response_proto.deterministic_time)


def deliver_lns(d: Delivery, work_limit: float = 10.0, params: Mapping[str, object] | None = None,
                seed: int = SEED, step_limit: float = STEP_LIMIT, budget: Budget | None = None) -> DeliveryPlan:
    """The best delivery plan found within `work_limit` (CP-SAT's deterministic work, summed over every solve)
    and the bound the whole model proved; OPTIMAL only when the plan meets the bound."""
    started = time.perf_counter()
    chosen = dict(DELIVER_PARAMS if params is None else params)
    built = delivery_model(d)
    solver, status = solve_delivery(built, work_limit * FIRST_SHARE, chosen, budget)
    used = _work(solver)
    if status is Status.UNKNOWN and not _ended(budget):  # no plan yet (the greedy hint broke a limit): the whole
        solver, status = solve_delivery(built, max(work_limit - used, 0.01), chosen, budget)  # model keeps the rest
    if not status.found or status is Status.OPTIMAL or _ended(budget):
        done = _result(solver, status, built, started)
        return replace(done, stopped=None if done.status is Status.OPTIMAL else _ended(budget))
    plan = [int(solver.value(w)) for w in built.when]
    best, bound = round(solver.objective_value), solver.best_objective_bound
    rng = random.Random(seed)
    step = idle = 0
    final = work_limit * (1 - FIRST_SHARE - LNS_SHARE)
    while (used + final < work_limit - 1e-9 and best > math.ceil(bound - 1e-9) and idle < PATIENCE
           and not _ended(budget)):
        free = neighbourhood(d, plan, step, rng)
        sub = _fixed_copy(built, plan, free)
        part, found = solve_delivery(sub, min(step_limit, work_limit - final - used),
                                     {**chosen, "random_seed": seed + step}, budget)
        used += _work(part)
        step += 1
        idle += 1
        if found.found and round(part.objective_value) < best:
            best, idle = round(part.objective_value), 0
            plan = [int(part.value(sub.get_int_var_from_proto_index(w.index))) for w in built.when]
    built.model.clear_hints()  # the whole model once more, from the best plan: its bound, perhaps a proof
    for c, var in enumerate(built.when):
        built.model.add_hint(var, plan[c])
    last, last_status = solve_delivery(built, max(work_limit - used, 0.01), chosen, budget)
    if last_status.found and round(last.objective_value) <= best:
        done = _result(last, last_status, built, started, max(bound, last.best_objective_bound))
        return replace(done, stopped=_ended(budget) if done.status is not Status.OPTIMAL else None)
    tight = max(bound, last.best_objective_bound) if last_status is not Status.UNKNOWN else bound
    proven = best <= math.ceil(tight - 1e-9)
    return DeliveryPlan(status=Status.OPTIMAL if proven else Status.FEASIBLE, period=tuple(plan), objective=best,
                        bound=tight, seconds=time.perf_counter() - started,
                        stopped=None if proven else _ended(budget))


def _ended(budget: Budget | None) -> Limit | None:
    """The wall clock or an interruption that ended the search (the work limit is this module's own count)."""
    return None if budget is None else budget.stopped()


def _result(solver: cp_model.CpSolver, status: Status, built: DeliveryModel, started: float,
            bound: float | None = None) -> DeliveryPlan:
    seconds = time.perf_counter() - started
    if not status.found:
        return DeliveryPlan(status=status, seconds=seconds)
    best = round(solver.objective_value)
    tight = solver.best_objective_bound if bound is None else bound
    proven = status is Status.OPTIMAL or best <= math.ceil(tight - 1e-9)
    return DeliveryPlan(status=Status.OPTIMAL if proven else Status.FEASIBLE,
                        period=tuple(int(solver.value(w)) for w in built.when), objective=best, bound=tight,
                        seconds=seconds)
