"""`pathways check` and `pathways recommend` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from solver.model.learner import Learner
from solver.queries.recommendation import recommend


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True)


def test_recommend_2019_learner_reuses_achievements_and_old_coaching_unit():
    out = run("recommend", "600/5962/X", "--achieved", "8000-250,8000-252,8000-308", "--registered", "2019-09-01",
              "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["status"], data["credits"], data["new_glh"]) == ("OPTIMAL", 13, 15)
    assert {"8000-250", "8000-252", "8000-308", "8000-340"} <= set(data["units"])
    assert set(data) >= {"status", "units", "credits", "glh", "new_glh", "alternatives"}


def test_recommend_2021_learner_avoids_339_and_340():
    out = run("recommend", "600/5962/X", "--achieved", "8000-250,8000-252,8000-308", "--registered", "2021-01-01")
    assert out.returncode == 0, out.stderr
    assert "8000-339" not in out.stdout and "8000-340" not in out.stdout
    assert "already achieved" in out.stdout and "OPTIMAL" in out.stdout


def test_budget_too_small_is_explained_in_two_sentences():
    out = run("recommend", "600/5962/X", "--max-glh", "20")
    assert out.returncode == 1
    assert "INFEASIBLE" in out.stdout
    text = " ".join(out.stdout.split())
    assert "at least 13 and at most 36 credits in total; your budget is at most 20 new GLH" in text
    assert "The lowest new GLH that meets every other requirement is 33 (13 credits); your budget is 20." in text


def test_budget_json_has_conflict_and_relaxations():
    data = json.loads(run("recommend", "600/5962/X", "--max-glh", "20", "--json").stdout)
    assert data["status"] == "INFEASIBLE"
    assert [c["id"] for c in data["conflict"]] == ["rule:total-credits", "max-glh"]
    assert [r["value"] for r in data["relaxations"]] == [33]


def test_alternatives_are_distinct_and_ordered():
    data = json.loads(run("recommend", "600/5928/X", "--alternatives", "3", "--json").stdout)
    pathways = [data["units"]] + [a["units"] for a in data["alternatives"]]
    assert len({tuple(p) for p in pathways}) == 4
    costs = [data["new_glh"]] + [a["new_glh"] for a in data["alternatives"]]
    assert costs == sorted(costs)


def test_same_input_same_output_byte_for_byte():
    args = ("recommend", "600/5962/X", "--goal", "coaching=3", "--goal", "customers", "--objective", "best-fit",
            "--alternatives", "2", "--json")
    assert run(*args).stdout == run(*args).stdout


def test_recommend_scenario_file_and_progression():
    out = run("recommend", "scenarios/progression-award-then-certificate.yaml", "--json")
    data = json.loads(out.stdout)
    assert data["status"] == "OPTIMAL" and len(data["targets"]) == 2
    two = json.loads(run("recommend", "600/5928/X", "600/5962/X", "--registered", "2021-01-01", "--json").stdout)
    assert two["new_glh"] == data["new_glh"]


def test_check_valid_and_invalid_exit_codes():
    ok = run("check", "600/5788/9", "8603-300", "8603-301", "8603-302", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["valid"] is True
    bad = run("check", "600/5962/X", "8000-339", "8000-250", "--registered", "2021-01-01", "--json")
    data = json.loads(bad.stdout)
    assert bad.returncode == 1 and data["valid"] is False
    assert all({"id", "holds", "description"} <= set(r) for r in data["rules"])
    assert "8000-339 is not claimable for learners registered from 2020-07-01: use 8000-359" in data["fixes"]


@pytest.mark.parametrize("args, message", [
    (("recommend", "600/9999/X"), "no qualification '600/9999/X'"),
    (("recommend", "600/5962/X", "--achieved", "1234-567"), "achieved unit '1234-567' is not in the catalogue"),
    (("recommend", "600/5962/X", "--objective", "fastest"), "expected one of min-glh"),
    (("check", "600/5962/X", "8000-250", "--registered", "2021-02-30"), "expected a date (YYYY-MM-DD)"),
])
def test_bad_requests_exit_2_without_traceback(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in " ".join(out.stderr.split())
    assert "Traceback" not in out.stderr


def test_every_returned_pathway_passes_the_evaluator(catalogue):
    result = recommend(catalogue, "600/5962/X", Learner(goals={"data": 2}), "best-fit", alternatives=3)
    from solver.queries.checking import check

    for pathway in [result.pathway, *result.alternatives]:
        assert check(catalogue, "600/5962/X", sorted(pathway.codes)).valid


def test_titles_with_brackets_are_printed_not_parsed_as_markup(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "units:\n  - {code: A1, title: 'Coaching [advanced]', level: 2, credits: 2, glh: 5}\n"
        "qualifications:\n  - {id: q, accreditation: Q/1, title: T, level: 2, awarding_body: B,\n"
        "     groups: [{id: G, name: 'Group [core]', units: [A1]}],\n"
        "     rules: [{id: total, kind: sum, sum: credits, min: 2}]}\n")
    out = run("recommend", "q", "--catalogue", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "Coaching [advanced]" in out.stdout and "Group [core]" in out.stdout
    checked = run("check", "q", "A1", "--catalogue", str(tmp_path))
    assert checked.returncode == 0 and "Valid." in checked.stdout
