"""--time-limit is wall-clock seconds, --work-limit deterministic work; the default is deterministic; every answer
says which limit (if any) ended it, in the table and the JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from solver.budget import Budget, Limit
from solver.cli.entry import app
from solver.engine import compile as compiled
from solver.engine.compile import SOLVE_PARAMS, CompiledModel
from solver.engine.status import Status
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.recommendation import DEFAULT_WORK, Planner, query_budget, recommend
from solver.request.requirements import Origin, Requirement
from solver.rules.linear import Linear

CERT = "600/5962/X"
RULES = [Requirement("two", Origin.RULE, "at least two units", (Linear((("a", 1), ("b", 1), ("c", 1)), 2, None),))]


def test_time_limit_is_wall_clock_and_work_limit_deterministic() -> None:
    solver = CompiledModel._solver(SOLVE_PARAMS, 3.0, None)
    assert solver.parameters.max_time_in_seconds == 3.0
    assert solver.parameters.max_deterministic_time > 1e9  # left unlimited
    solver = CompiledModel._solver(SOLVE_PARAMS, None, 2.0)
    assert solver.parameters.max_deterministic_time == 2.0
    assert solver.parameters.max_time_in_seconds > 1e9


def test_query_budget_defaults_to_deterministic_work() -> None:
    default = query_budget()
    assert (default.work, default.time) == (DEFAULT_WORK, None)
    wall = query_budget(time_limit=5.0)
    assert (wall.work, wall.time) == (None, 5.0)  # a wall-clock limit alone: no deterministic one beside it
    both = query_budget(time_limit=5.0, work_limit=2.0)
    assert (both.work, both.time) == (2.0, 5.0)
    shared = Budget(work=1.0)
    assert query_budget(3.0, 4.0, shared) is shared


def test_a_solve_passes_its_limits_to_cp_sat_for_all_tiers_together(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[float, float]] = []
    real = compiled.run

    def spy(solver, model, budget, callback=None):  # type: ignore[no-untyped-def]
        seen.append((solver.parameters.max_time_in_seconds, solver.parameters.max_deterministic_time))
        return real(solver, model, budget, callback)

    monkeypatch.setattr(compiled, "run", spy)
    tiers = [(("a", 3), ("b", 2), ("c", 1)), (("a", 1), ("b", 1), ("c", 1))]
    solution = CompiledModel(["a", "b", "c"], RULES).solve(tiers, time_limit=30.0, work_limit=20.0)
    assert solution.status is Status.OPTIMAL and solution.pathway == frozenset({"b", "c"})
    assert len(seen) == 2
    assert all(0 < wall <= 30.0 and 0 < work <= 20.0 for wall, work in seen)
    assert seen[1][1] <= seen[0][1]  # the second tier gets what the first left of the work


def test_limit_stopped_answer_names_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compiled.run

    def stopped(solver, model, budget, callback=None):  # type: ignore[no-untyped-def]
        status, _ = real(solver, model, budget, callback)
        return (Status.FEASIBLE, Limit.TIME) if status.found else (status, None)

    monkeypatch.setattr(compiled, "run", stopped)
    result = recommend(load_catalogue(), CERT, time_limit=60.0)
    assert result.status is Status.FEASIBLE and result.stopped is Limit.TIME
    data = result.to_dict()
    assert data["stopped"] == "time limit" and data["proven_tiers"] == []
    out = CliRunner().invoke(app, ["recommend", CERT, "--time-limit", "60"])
    assert "FEASIBLE (a limit was reached" in out.output.replace("\n", " ")
    assert "Stopped at the time limit (60 s of wall clock" in " ".join(out.output.split())


def test_deterministic_answers_are_byte_identical_and_say_nothing_stopped_them() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["recommend", CERT, "--json", "--work-limit", "50"])
    second = runner.invoke(app, ["recommend", CERT, "--json", "--work-limit", "50"])
    assert first.exit_code == 0 and first.output == second.output
    assert json.loads(first.output)["stopped"] is None


def test_planner_limits_are_per_recommendation() -> None:
    cat = load_catalogue()
    planner = Planner(cat, cat.qualification(CERT), time_limit=120.0)
    answers = [planner.recommend(Learner(achieved=(code,))) for code in ("8000-250", "8000-252")]
    assert all(a.status is Status.OPTIMAL and a.stopped is None for a in answers)  # each with its own 120 s


def test_tradeoff_takes_the_same_options() -> None:
    out = CliRunner().invoke(app, ["tradeoff", CERT, "--goal", "coaching", "--work-limit", "50", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["stopped"] is None
