"""A learner's plan under a budget: a wall-clock limit and Ctrl-C reach its solves, and a plan cut short says
which limit cut it (never a plan called proven best, never a 'why not' that claims no plan exists)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.budget import Budget, Limit
from solver.cli.entry import app
from solver.engine.status import Status
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.model.timing import Timing
from solver.queries.planning import plan_study

CERT = "600/5962/X"
LEARNER = Learner(registered=dt.date(2021, 1, 1))
MONTHLY = Timing.model_validate({"periods": "month", "start": "2027-01", "limits": {"glh": {"max": 12}}})


def test_a_finished_plan_names_no_limit():
    plan = plan_study(load_catalogue(), CERT, LEARNER, MONTHLY, budget=Budget())
    assert plan.status is Status.OPTIMAL and plan.stopped is None and plan.finish.label == "March 2027"


def test_an_interrupted_plan_says_so_and_claims_nothing():
    budget = Budget()
    budget.cancel()  # as Ctrl-C or SIGTERM does through the CLI's handler
    plan = plan_study(load_catalogue(), CERT, LEARNER, MONTHLY, budget=budget)
    assert plan.stopped is Limit.INTERRUPTED and plan.status is not Status.OPTIMAL
    if plan.pathway is None:
        assert "interrupted" in plan.why_not and "cannot" not in plan.why_not
    assert plan.to_dict()["stopped"] == "interrupted"


def test_a_plan_cut_by_its_work_limit_is_the_same_every_run_and_says_so():
    first = plan_study(load_catalogue(), CERT, LEARNER, MONTHLY, work_limit=0.001)
    assert first.stopped is Limit.WORK and first.status is not Status.OPTIMAL
    assert first.to_dict() == plan_study(load_catalogue(), CERT, LEARNER, MONTHLY, work_limit=0.001).to_dict()


def test_the_cli_takes_a_wall_clock_limit_and_names_it():
    args = ["plan", CERT, "--registered", "2021-01-01", "--start", "2027-01", "--per-month-glh", "12"]
    result = CliRunner().invoke(app, [*args, "--time-limit", "0.001", "--json"])
    assert json.loads(result.stdout)["stopped"] == "time limit"
    text = CliRunner().invoke(app, [*args, "--time-limit", "0.001"]).stdout
    assert "Stopped at the time limit" in " ".join(text.split())
    assert json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)["stopped"] is None


BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gbac"
needs_benchmarks = pytest.mark.skipif(not (BENCH / "UD3-gbac.dzn").exists(),
                                      reason="../shared/benchmarks (the public GBACP data) is not beside the checkout")


@needs_benchmarks
def test_an_interrupted_delivery_plan_says_so_and_is_never_proven():
    from solver.planning.benchmarks import read_benchmark
    from solver.planning.delivery import solve_plan

    budget = Budget()
    budget.cancel()
    plan = solve_plan(read_benchmark(BENCH / "UD3-gbac.dzn"), 10.0, budget)
    assert plan.stopped is Limit.INTERRUPTED and plan.status is not Status.OPTIMAL


@needs_benchmarks
def test_deliver_takes_a_wall_clock_limit_and_names_it():
    result = CliRunner().invoke(app, ["deliver", str(BENCH / "UD3-gbac.dzn"), "--time-limit", "0.5", "--json"])
    data = json.loads(result.stdout)
    assert data["stopped"] == "time limit" and data["status"] != "OPTIMAL"
