"""Defects found at the seams between layers, each held by a test that failed before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from solver.cohort.recommend import recommend_cohort
from solver.engine.compile import SOLVE_PARAMS, CompiledModel
from solver.errors import CatalogueError, ScenarioError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.recommendation import recommend
from solver.queries.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def pathways(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("option", [("--registered", "2021-01-01"), ("--objective", "min-units"),
                                    ("--max-glh", "20"), ("--achieved", "8000-250")])
def test_recommend_refuses_options_beside_a_scenario_file(option):
    out = pathways("recommend", "scenarios/cert-2019-with-achievements.yaml", *option)
    assert out.returncode == 2
    assert f"{option[0]} cannot be combined with a scenario file" in " ".join(out.stderr.split())
    assert "Traceback" not in out.stderr


def test_a_number_is_not_a_registration_date_in_scenario_files(tmp_path):
    path = write(tmp_path, "s.yaml", """\
        name: numbers
        targets: [600/5962/X]
        learner:
          registered: 0
        """)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).splitlines()[1].strip() == (
        f"{path}:4:15: learner.registered: expected a date (YYYY-MM-DD), got a whole number 0")


def test_a_number_is_not_a_registration_date_in_whatif_files(tmp_path):
    from solver.queries.whatif import load_whatif

    path = write(tmp_path, "w.yaml", """\
        name: numbers
        qualification: 600/5962/X
        registered: 20210101
        edits:
          - {kind: set-bound, rule: group-2-cap, max: 8}
        """)
    with pytest.raises(ScenarioError) as err:
        load_whatif(path)
    assert "registered: expected a date (YYYY-MM-DD), got a whole number 20210101" in str(err.value)


def test_one_date_message_for_cli_and_cohort_rows(catalogue):
    out = pathways("check", "600/5962/X", "8000-250", "--registered", "1/7/2020")
    assert out.returncode == 2 and "expected a date (YYYY-MM-DD), got '1/7/2020'" in out.stderr
    rows = pd.DataFrame([{"learner": "a", "registered": "1/7/2020", "achieved": ""}])
    row = recommend_cohort(catalogue, "600/5962/X", rows).iloc[0]
    assert (row["status"], row["message"]) == ("ERROR", "registered: expected a date (YYYY-MM-DD), got '1/7/2020'")


WINDOW = """\
units:
  - {code: A1, title: Alpha, level: 2, credits: 3, glh: 10}
  - {code: A2, title: Beta, level: 2, credits: 3, glh: 10}
  - {code: A3, title: Gamma, level: 2, credits: 3, glh: 10}
qualifications:
  - id: q
    accreditation: 100/0000/9
    title: Window
    level: 2
    awarding_body: X
    groups:
      - {id: A, name: Group A, units: [A1, A2, A3]}
    rules:
      - {id: window, kind: sum, min: 4, max: 5}
"""


def test_a_window_is_relaxed_on_either_bound(tmp_path):
    """Units of 3 credits cannot make 4 or 5: one unit gives 3, two give 6. Either lower the minimum to 3
    (one unit, within the maximum) or raise the maximum to 6 (two units, meeting the minimum)."""
    catalogue = load_catalogue(write(tmp_path, "c.yaml", WINDOW))
    result = recommend(catalogue, "q")
    assert result.status == "INFEASIBLE"
    relaxations = [(r.side, r.value) for r in result.explanation.relaxations]
    assert relaxations == [("min", 3), ("max", 6)]
    assert "raising the maximum from 5 to 6" in result.explanation.relaxations[1].sentence


def test_when_only_the_maximum_stands_in_the_way_only_it_is_relaxed(tmp_path):
    """With two units required, 6 credits is the least possible: lowering the minimum cannot help (the old
    explanation proposed lowering it to the highest total, 9), raising the maximum to 6 does."""
    text = WINDOW + "      - {id: two-units, kind: sum, sum: units, min: 2}\n"
    catalogue = load_catalogue(write(tmp_path, "c.yaml", text))
    result = recommend(catalogue, "q")
    assert [(r.id, r.side, r.value) for r in result.explanation.relaxations] == [("rule:window", "max", 6)]


def test_rule_sentences_read_as_english(tmp_path):
    text = WINDOW.replace("      - {id: window, kind: sum, min: 4, max: 5}\n", """\
      - {id: levels, kind: sum, where: {min_level: 2, max_level: 3}, min: 3}
      - {id: one, kind: mandatory, units: [A1]}
      - {id: single, kind: sum, sum: units, where: {groups: [A]}, min: 1}
""")
    catalogue = load_catalogue(write(tmp_path, "c.yaml", text))
    sentences = [r["description"] for r in __import__("solver.queries.reports", fromlist=["x"]).qualification_summary(
        catalogue, catalogue.qualification("q"))["rules"]]
    assert sentences == ["At least 3 credits at levels 2 to 3", "Mandatory: A1 (1 unit)",
                         "At least 1 unit from Group A"]


def test_a_work_limit_is_deterministic_time_and_a_time_limit_the_wall_clock():
    """Issue 24: --work-limit is CP-SAT's deterministic time (the same stop on every run), --time-limit the
    wall clock; neither leaks into the other."""
    solver = CompiledModel._solver(SOLVE_PARAMS, None, 2.5)
    assert solver.parameters.max_deterministic_time == 2.5
    assert solver.parameters.max_time_in_seconds == float("inf")  # never the wall clock
    solver = CompiledModel._solver(SOLVE_PARAMS, 2.5)
    assert solver.parameters.max_time_in_seconds == 2.5
    assert solver.parameters.max_deterministic_time == float("inf")


def test_independent_problems_are_reported_in_one_pass(tmp_path):
    """A malformed unit no longer hides the problems of the qualification beside it."""
    write(tmp_path, "c.yaml", """\
        units:
          - {code: U1, title: One, level: 2, credits: 1.5, glh: 6}
          - {code: U2, title: Two, level: 2, credits: 3, glh: 7}
        qualifications:
          - id: q
            accreditation: 100/0000/1
            title: Q
            level: 2
            awarding_body: X
            groups:
              - {id: G1, name: Group 1, units: [U1, U2]}
            rules:
              - {id: caps, kind: sum, where: {groups: [G9]}, max: 2}
              - {id: order, kind: sum, min: 5, max: 2}
        """)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert [str(p).split(": ", 1)[1] for p in err.value.problems] == [
        "units[0].credits: expected a whole number, got a number 1.5",
        "qualifications[0].rules[0].where.groups[0]: group 'G9' is not part of qualification 'q'",
        "qualifications[0].rules[1].min: expected min <= max, got min 5 > max 2"]


def test_a_qualification_id_equal_to_its_accreditation_is_not_a_duplicate(tmp_path):
    text = WINDOW.replace("  - id: q\n", "  - id: 100/0000/9\n")
    catalogue = load_catalogue(write(tmp_path, "c.yaml", text))
    assert catalogue.qualification("100/0000/9").title == "Window"


def test_rules_and_verdicts_point_at_their_yaml_line(catalogue):
    from solver.queries.checking import check

    verdicts = {v.id: v for v in check(catalogue, "600/5962/X", ["8000-250"]).verdicts}
    assert verdicts["group-2-cap"].source == "ilm-l2-leadership-team-skills.yaml:124:9"
    text = (ROOT / "catalogue" / "ilm-l2-leadership-team-skills.yaml").read_text().splitlines()
    assert text[123].strip() == "- id: group-2-cap"
    result = recommend(catalogue, "600/5962/X", Learner(max_glh=20))
    assert result.to_dict()["conflict"][0]["source"] == "ilm-l2-leadership-team-skills.yaml:118:9"


def test_atomic_writes_reach_the_disk_before_the_rename(tmp_path, monkeypatch):
    from solver import files

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(files.os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(files.os, "replace", lambda a, b: events.append("replace") or real_replace(a, b))
    files.write_atomically(tmp_path / "out.txt", "done\n")
    assert events == ["fsync", "replace"]
    assert (tmp_path / "out.txt").read_text() == "done\n"


def test_a_rule_that_can_never_hold_is_worded_in_the_singular_too(tmp_path):
    text = WINDOW.replace("      - {id: window, kind: sum, min: 4, max: 5}\n",
                          "      - {id: pair, kind: sum, sum: units, where: {codes: [A1]}, min: 2}\n")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(write(tmp_path, "c.yaml", text))
    assert str(err.value.problems[0]).endswith(
        "rule can never hold: min 2 units but the one selected unit gives only 1")


def test_a_request_constraint_over_no_units_is_posted_like_any_other():
    """Extra constraints went to CP-SAT by a second, hand-written path that choked on a sum of no terms; they
    now take the one posting function: an empty sum is 0, so `>= 1` is impossible and `<= 0` holds."""
    from solver.rules.linear import Linear

    model = CompiledModel(["A"], [])
    assert model.solve(extra=[Linear((), 1, None)]).status == "INFEASIBLE"
    assert model.solve(extra=[Linear((), None, 0)]).status == "OPTIMAL"
