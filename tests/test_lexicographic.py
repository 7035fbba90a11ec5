"""Lexicographic objectives solved tier by tier: the optimum matches brute force, and a stop part-way is honest."""

from __future__ import annotations

import itertools

import pytest

from solver.budget import Limit
from solver.engine import compile as compiled
from solver.engine.compile import CompiledModel, tier_weights
from solver.engine.status import Status
from solver.request.requirements import Origin, Requirement
from solver.rules.linear import Linear

# Five units: costs (GLH) and credits; at least 6 credits, at most 3 units, a and b barred together.
COST = {"a": 4, "b": 4, "c": 3, "d": 6, "e": 2}
CREDITS = {"a": 3, "b": 3, "c": 2, "d": 4, "e": 1}
RULES = [Requirement("credits", Origin.RULE, "at least 6 credits", (Linear(tuple(CREDITS.items()), 6, None),)),
         Requirement("size", Origin.RULE, "at most 3 units", (Linear(tuple((u, 1) for u in COST), None, 3),)),
         Requirement("barred", Origin.RULE, "not a with b", (Linear((("a", 1), ("b", 1)), None, 1),))]
TIERS = [tuple(COST.items()), tuple((u, 1) for u in COST)]  # lowest cost, then fewest units


def brute_force() -> tuple[int, int]:
    best = None
    for n in range(len(COST) + 1):
        for chosen in itertools.combinations(COST, n):
            if all(lin.admits(sum(c for v, c in lin.terms if v in chosen)) for r in RULES for lin in r.linears):
                key = (sum(COST[u] for u in chosen), len(chosen))
                best = key if best is None or key < best else best
    assert best is not None
    return best


def test_each_tier_proven_in_turn_matches_brute_force() -> None:
    solution = CompiledModel(list(COST), RULES).solve(TIERS)
    assert solution.status is Status.OPTIMAL
    # 9 GLH two ways (c + d, or a + c + e): the second tier picks the two units.
    assert solution.values == brute_force() == (9, 2)
    assert solution.pathway == frozenset({"c", "d"})
    assert solution.proven_tiers == 2 and solution.stopped is None
    weights = tier_weights(TIERS)
    assert solution.objective == sum(w * v for w, v in zip(weights, solution.values))
    assert solution.bound == solution.objective


def test_a_limit_in_the_second_tier_gives_feasible_with_the_first_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compiled.run
    calls: list[int] = []

    def second_stops(solver, model, budget, callback=None):  # type: ignore[no-untyped-def]
        status, stopped = real(solver, model, budget, callback)
        calls.append(1)
        return (Status.FEASIBLE, Limit.WORK) if len(calls) == 2 else (status, stopped)

    monkeypatch.setattr(compiled, "run", second_stops)
    solution = CompiledModel(list(COST), RULES).solve(TIERS)
    assert solution.status is Status.FEASIBLE  # never OPTIMAL unless every tier is proven
    assert solution.stopped is Limit.WORK
    assert solution.proven_tiers == 1
    assert solution.values[0] == brute_force()[0]  # the first tier held at its proven optimum
    assert solution.pathway is not None


def test_a_limit_in_the_first_tier_proves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compiled.run

    def stops(solver, model, budget, callback=None):  # type: ignore[no-untyped-def]
        real(solver, model, budget, callback)
        return Status.FEASIBLE, Limit.TIME

    monkeypatch.setattr(compiled, "run", stops)
    solution = CompiledModel(list(COST), RULES).solve(TIERS)
    assert (solution.status, solution.stopped, solution.proven_tiers) == (Status.FEASIBLE, Limit.TIME, 0)


def test_infeasible_rules_stay_infeasible() -> None:
    rules = [*RULES, Requirement("too-many", Origin.RULE, "at least 20 credits",
                                 (Linear(tuple(CREDITS.items()), 20, None),))]
    solution = CompiledModel(list(COST), rules).solve(TIERS)
    assert solution.status is Status.INFEASIBLE and solution.pathway is None
