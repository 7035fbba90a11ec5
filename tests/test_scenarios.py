"""Every learner scenario file's `expected:` block holds (what-if files are tested with the what-if)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.errors import ScenarioError
from solver.queries.scenario import load_scenario, mismatches, plan_scenario, run_scenario, scenario_catalogue

# Learner scenarios: what-if files and delivery plans live beside them and are tested on their own.
SCENARIOS = sorted(p for p in (Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml")
                   if not p.name.startswith(("whatif", "delivery")))


def test_there_are_enough_scenarios():
    assert len(SCENARIOS) >= 10


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_expected_block_holds(path, catalogue):
    scenario, base = load_scenario(path)
    assert scenario.expected is not None, "every scenario states its expected answer"
    run = plan_scenario if scenario.plan is not None else run_scenario  # a plan: the units and their periods
    result = run(scenario, scenario_catalogue(scenario, base, catalogue))
    assert mismatches(scenario.expected, result) == []


def test_mismatches_catch_a_wrong_answer(catalogue):
    scenario, base = load_scenario(SCENARIOS[0])
    result = run_scenario(scenario, scenario_catalogue(scenario, base, catalogue))
    wrong = scenario.expected.model_copy(update={"new_glh": (result.new_glh or 0) + 1, "status": "INFEASIBLE"})
    assert len(mismatches(wrong, result)) == 2


def test_bad_scenario_is_located(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ntargets: [600/5962/X]\nlearner:\n  registered: soon\n  hobbies: [golf]\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:4:15: learner.registered: expected a date (YYYY-MM-DD), got text 'soon'",
        f"{path}:5:3: learner.hobbies: unknown key 'hobbies'; expected one of: name, registered, achieved, "
        "exempt, include, exclude, max_glh, goals, offer, prefer, preferred_level, max_units, max_new_units, "
        "known_only, fill_imports",
    ]


def test_recommend_on_a_scenario_fails_when_its_expected_block_does_not_match(tmp_path):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    source = Path(__file__).resolve().parents[1] / "scenarios" / "cert-2019-with-achievements.yaml"
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(source.read_text(encoding="utf-8").replace("new_glh: 15", "new_glh: 16"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["recommend", str(wrong)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-2:] == ["The scenario's expected answer: 1 mismatch:",
                                               "  new_glh: expected 16, got 15"]
    data = json.loads(runner.invoke(app, ["recommend", str(wrong), "--json"]).output)
    assert data["mismatches"] == ["new_glh: expected 16, got 15"]
    assert runner.invoke(app, ["recommend", str(source)]).exit_code == 0


PLAN = Path(__file__).resolve().parents[1] / "scenarios" / "plan-cert-2021-monthly.yaml"


def test_a_plan_scenario_fails_when_its_finish_or_periods_do_not_match(tmp_path):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(PLAN.read_text(encoding="utf-8").replace("finish: March 2027", "finish: February 2027")
                     .replace("January 2027: [8000-307, 8000-343]", "January 2027: [8000-307]"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["plan", str(wrong)])
    assert result.exit_code == 1
    assert "  finish: expected February 2027, got March 2027" in result.output
    data = json.loads(runner.invoke(app, ["plan", str(wrong), "--json"]).output)
    assert len(data["mismatches"]) == 2 and data["mismatches"][1].startswith("periods: expected {'January 2027': "
                                                                              "['8000-307'], ")
    assert runner.invoke(app, ["plan", str(PLAN)]).exit_code == 0
    assert runner.invoke(app, ["plan", str(PLAN), "--start", "2027-02"]).exit_code == 2  # the file states it all
    # recommend does not silently drop the plan: it says how to run it
    assert isinstance(runner.invoke(app, ["recommend", str(PLAN)]).exception, ScenarioError)


def test_a_bad_plan_scenario_is_located(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ntargets: [600/5962/X, 600/5963/1]\nplan:\n  start: 2027-01\n  periods:\n"
                    "    - {name: A, start: 2027-01-01, end: 2027-03-31}\n"
                    "    - {name: B, start: 2027-03-01, end: 2027-06-30}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:3:1: plan: expected one target for a plan, got 2",
        f"{path}:7:24: plan.periods[1].start: expected periods in order, not overlapping: 'B' starts 2027-03-01, "
        "on or before 'A' ends 2027-03-31",
    ]
