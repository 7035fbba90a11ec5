"""Units offered graded or ungraded: a unit offered both ways is claimed in one mode only, and selectors count
the mode it is claimed in."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli.entry import app
from solver.engine.counting import count_pathways
from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.enumeration import enumerate_pathways
from solver.queries.recommendation import recommend
from solver.request.formulation import formulate

# Exactly 9 credits (three units of 3), at least 6 graded and at least 3 ungraded. D1 may be taken either way.
# By hand, of the four sets of three units: G1 G2 U1; G1 G2 with D1 ungraded; G1 or G2, U1 and D1 graded: four
# pathways. The cheapest: G1 + U1 + D1 graded, 10 + 5 + 8 = 23 GLH.
SPEC = """\
units:
  - {code: G1, title: Graded one, level: 3, credits: 3, glh: 10, modes: [graded]}
  - {code: G2, title: Graded two, level: 3, credits: 3, glh: 12, modes: [graded]}
  - {code: U1, title: Ungraded one, level: 3, credits: 3, glh: 5, modes: [ungraded]}
  - {code: D1, title: Either way, level: 3, credits: 3, glh: 8, modes: [graded, ungraded]}
qualifications:
  - id: access
    accreditation: 000/0000/9
    title: Access diploma
    level: 3
    awarding_body: Test
    groups:
      - {id: A, name: Units, units: [G1, G2, U1, D1]}
    rules:
      - {id: total, kind: sum, min: 9, max: 9}
      - {id: graded, kind: sum, where: {mode: graded}, min: 6, note: At least 6 credits from graded units.}
      - {id: ungraded, kind: sum, where: {mode: ungraded}, min: 3}
"""


def catalogue(tmp_path: Path, text: str = SPEC):
    (tmp_path / "spec.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(tmp_path)


def test_a_unit_offered_both_ways_is_two_claims(tmp_path):
    cat = catalogue(tmp_path)
    f = formulate(cat, cat.qualification("access"))
    assert f.variables == ("G1", "G2", "U1", "D1@graded", "D1@ungraded")
    assert f.rules[1].describe(f.context) == "At least 6 credits claimed graded"


def test_count_and_enumerate_count_each_mode(tmp_path):
    cat = catalogue(tmp_path)
    counted = count_pathways(cat, "access")
    assert counted.count == 4
    assert counted.notes == ("D1 is offered in several modes: a pathway claims each in one, and each mode claimed "
                             "counts as a pathway of its own",)
    pathways = list(enumerate_pathways(cat, "access"))
    assert {p.group_credits for p in pathways} == {(("A", 9),)}  # a claim counts in its unit's group
    listed = {frozenset(p.units) for p in pathways}
    assert listed == {frozenset(s) for s in (["G1", "G2", "U1"], ["G1", "G2", "D1@ungraded"],
                                             ["G1", "U1", "D1@graded"], ["G2", "U1", "D1@graded"])}
    mandatory = catalogue(tmp_path, SPEC + "      - {id: core, kind: mandatory, units: [D1]}\n")
    assert count_pathways(mandatory, "access").count == 3  # either claim of D1 meets it


def test_recommend_claims_the_cheaper_mode(tmp_path):
    result = recommend(catalogue(tmp_path), "access")
    assert (result.status, sorted(result.codes), result.new_glh) == ("OPTIMAL", ["D1@graded", "G1", "U1"], 23)
    assert [u.group for u in result.pathway.units] == ["Units"] * 3


def test_check_claims_a_unit_named_without_its_mode_in_one_that_works(tmp_path):
    cat = catalogue(tmp_path)
    graded = check(cat, "access", ["G1", "U1", "D1"])
    assert graded.valid and graded.modes == {"D1": "graded"} and graded.credits == 9
    ungraded = check(cat, "access", ["G1", "G2", "D1"])
    assert ungraded.valid and ungraded.modes == {"D1": "ungraded"}
    assert ungraded.to_dict()["modes"] == {"D1": "ungraded"}
    wrong = check(cat, "access", ["G1", "U1", "D1@ungraded"])
    verdict = next(v for v in wrong.verdicts if v.id == "graded")
    assert not verdict.holds and verdict.actual == "3"
    both = check(cat, "access", ["G1", "D1@graded", "D1@ungraded"])
    assert not both.valid and "modes" in {v.id for v in both.verdicts if not v.holds}


def test_achieved_in_any_mode_and_asked_for_in_one(tmp_path):
    cat = catalogue(tmp_path)
    achieved = recommend(cat, "access", Learner(achieved=("D1",)))
    assert achieved.new_glh == 15 and "D1@graded" in achieved.codes  # G1 + U1 + D1 (no new hours)
    asked = recommend(cat, "access", Learner(include=("D1@ungraded",)))
    assert sorted(asked.codes) == ["D1@ungraded", "G1", "G2"] and asked.new_glh == 30


def test_modes_are_validated(tmp_path):
    with pytest.raises(CatalogueError, match=r"units\[3\]\.modes: expected each mode once"):
        catalogue(tmp_path, SPEC.replace("modes: [graded, ungraded]", "modes: [graded, graded]"))


def test_cli(tmp_path):
    catalogue(tmp_path)
    runner = CliRunner()
    out = runner.invoke(app, ["recommend", "access", "--json", "--catalogue", str(tmp_path)])
    assert out.exit_code == 0 and json.loads(out.output)["units"] == ["G1", "U1", "D1@graded"]
    checked = runner.invoke(app, ["check", "access", "G1,G2,D1", "--catalogue", str(tmp_path)])
    assert checked.exit_code == 0 and "D1 claimed ungraded" in " ".join(checked.output.split())
    shown = runner.invoke(app, ["catalogue", "show", "access", "--catalogue", str(tmp_path)])
    assert "graded or ungraded" in shown.output and "At least 6 credits claimed graded" in shown.output


def test_what_if_and_cohort_over_modes(tmp_path):
    """Dropping the ungraded minimum admits every three units in either mode that give 6 graded credits: the
    four pathways above plus G1 G2 D1 graded (5 in all). A cohort row that achieved D1 ungraded claims it
    (G1 G2 D1 ungraded: 22 new GLH, against 23 for G1 U1 D1 graded)."""
    import pandas as pd

    from solver.cohort.recommend import recommend_cohort
    from solver.queries.whatif import WhatIf, compare

    cat = catalogue(tmp_path)
    scenario = WhatIf.model_validate({"name": "no-ungraded", "qualification": "access",
                                      "edits": [{"kind": "remove-rule", "rule": "ungraded"}]})
    assert compare(scenario, cat, cat.qualification("access")).after.counts.count == 5
    rows = pd.DataFrame([{"learner": "a", "registered": "", "achieved": "D1@ungraded"}])
    assert recommend_cohort(cat, "access", rows).loc[0, "units"] == "G1 G2 D1@ungraded"


def test_a_unit_named_in_its_only_mode_is_the_unit_and_a_mode_not_offered_is_refused(tmp_path):
    from solver.errors import LookupFailure

    cat = catalogue(tmp_path)
    assert recommend(cat, "access", Learner(include=("G2@graded",))).codes == {"G2", "U1", "D1@graded"}  # 25 GLH
    assert recommend(cat, "access", Learner(achieved=("U1@ungraded",))).new_glh == 18  # G1 + D1 graded
    assert check(cat, "access", ["G1@graded", "U1", "D1"]).valid
    with pytest.raises(LookupFailure, match="unit 'G1' is not offered ungraded"):
        recommend(cat, "access", Learner(include=("G1@ungraded",)))


def test_a_progression_plan_studies_a_unit_once_whatever_its_mode(tmp_path):
    """Two targets with the same rules: G1 + U1 + D1 (graded in both) is the cheapest for each, studied once:
    23 new GLH; asked to include D1 graded, the plan studies D1."""
    from solver.queries.progression import plan_progression

    second = SPEC.split("qualifications:\n")[1].replace("id: access", "id: access2").replace("000/0000/9",
                                                                                          "000/0000/8")
    cat = catalogue(tmp_path, SPEC + second)
    plan = plan_progression(cat, ["access", "access2"], Learner(include=("D1@graded",)))
    assert (plan.status, plan.new_glh) == ("OPTIMAL", 23)
    assert [t.units for t in plan.targets] == [("G1", "U1", "D1@graded")] * 2


def test_an_equivalence_credits_from_a_unit_achieved_in_one_of_its_modes(tmp_path):
    """X9, of another qualification, counts as U1 (3 credits ungraded, 5 GLH): achieved graded, it still
    credits U1, so G1 + U1 + D1 graded needs only G1 and D1's 18 new GLH."""
    units = "  - {code: X9, title: Elsewhere, level: 3, credits: 3, glh: 7, modes: [graded, ungraded]}\n"
    other = """  - id: other
    accreditation: 000/0000/7
    title: Other
    level: 3
    awarding_body: Test
    groups:
      - {id: X, name: X, units: [X9]}
"""
    text = SPEC.replace("qualifications:\n", units + "qualifications:\n" + other)
    text += "      - {id: x9-u1, kind: equivalence, unit: X9, counts_as: U1}\n"
    cat = catalogue(tmp_path, text)
    result = recommend(cat, "access", Learner(achieved=("X9@graded",)))
    assert (sorted(result.codes), result.new_glh) == (["D1@graded", "G1", "U1"], 18)
