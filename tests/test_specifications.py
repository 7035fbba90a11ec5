"""Real specifications' constructs, each as inline YAML beside its hand-derived answer: rule versions by
registration date, alternative readings of ambiguous wording, and named pathways (endorsed titles)."""

from __future__ import annotations

import datetime as dt
import textwrap
from itertools import combinations
from pathlib import Path

import pytest

from solver.engine.counting import count_pathways
from solver.errors import CatalogueError, LookupFailure
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.model.readings import ambiguous, read_as
from solver.model.specialisations import following
from solver.queries.by_pathway import check_pathways, count_by_pathway, recommend_pathway
from solver.queries.checking import check
from solver.queries.each_reading import each_reading
from solver.queries.recommendation import recommend
from solver.queries.reports import qualification_summary


def load(tmp_path: Path, text: str):
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(path)


VERSIONS = """\
units:
  - {code: U1, title: One, level: 3, credits: 4, glh: 10}
  - {code: U2, title: Two, level: 3, credits: 4, glh: 12}
  - {code: U3, title: Three, level: 3, credits: 4, glh: 14}
  - {code: U4, title: Four, level: 3, credits: 4, glh: 16}
qualifications:
  - id: cert
    accreditation: 601/0000/1
    title: Certificate
    level: 3
    awarding_body: Example
    groups:
      - {id: A, name: Group A, units: [U1, U2, U3, U4]}
    rules:
      - {id: total-2012, kind: sum, min: 8, registered_until: 2024-07-31,
         note: "Learners must achieve a minimum of 8 credits."}
      - {id: total-2024, kind: sum, min: 12, registered_from: 2024-08-01,
         note: "From 1 August 2024 learners must achieve a minimum of 12 credits."}
"""


def test_the_registration_date_selects_the_rule_version(tmp_path):
    catalogue = load(tmp_path, VERSIONS)
    # Before: 8 credits, the two cheapest units (10 + 12 GLH). From 2024-08-01 (and for a new learner):
    # 12 credits, the three cheapest (10 + 12 + 14).
    assert recommend(catalogue, "cert", Learner(registered=dt.date(2024, 7, 31))).new_glh == 22
    assert recommend(catalogue, "cert", Learner(registered=dt.date(2024, 8, 1))).new_glh == 36
    assert recommend(catalogue, "cert").new_glh == 36
    # Counts: 8+ credits is any 2, 3 or 4 of the units (6 + 4 + 1 = 11); 12+ is any 3 or 4 (4 + 1 = 5).
    assert count_pathways(catalogue, "cert", Learner(registered=dt.date(2020, 1, 1))).count == 11
    assert count_pathways(catalogue, "cert").count == 5
    verdicts = check(catalogue, "cert", ["U1", "U2"], Learner(registered=dt.date(2020, 1, 1))).verdicts
    assert [v.id for v in verdicts] == ["total-2012"]  # the version not in force is not judged


def test_versions_and_notes_are_described(tmp_path):
    catalogue = load(tmp_path, VERSIONS)
    rules = qualification_summary(catalogue, catalogue.qualification("cert"))["rules"]
    assert [r["description"] for r in rules] == [
        "At least 8 credits in total, for learners registered until 2024-07-31",
        "At least 12 credits in total, for learners registered from 2024-08-01"]
    assert rules[1]["note"] == "From 1 August 2024 learners must achieve a minimum of 12 credits."
    q = catalogue.qualification("cert")
    assert sorted({d for r in q.rules for d in r.cutoffs()}) == [dt.date(2024, 8, 1)]


def test_a_version_that_ends_before_it_starts_is_refused(tmp_path):
    text = VERSIONS.replace("registered_until: 2024-07-31", "registered_from: 2024-08-01, registered_until: 2024-07-31")
    with pytest.raises(CatalogueError, match="registered_until: expected a date on or after registered_from"):
        load(tmp_path, text)


READINGS = """\
units:
  - {code: A1, title: Alpha, level: 2, credits: 2, glh: 5}
  - {code: B1, title: Beta one, level: 2, credits: 4, glh: 8}
  - {code: B2, title: Beta two, level: 2, credits: 3, glh: 6}
  - {code: B3, title: Beta three, level: 2, credits: 2, glh: 4}
qualifications:
  - id: award
    accreditation: 602/0000/2
    title: Award
    level: 2
    awarding_body: Example
    groups:
      - {id: A, name: Group A, units: [A1]}
      - {id: B, name: Group B, units: [B1, B2, B3]}
    rules:
      - {id: total, kind: sum, min: 8}
      - id: group-b
        kind: sum
        where: {groups: [B]}
        min: 6
        note: Learners must take 6 credits from Group B.
        reading: at-least
        readings:
          exactly: {max: 6}
"""


def test_each_reading_is_its_own_answer(tmp_path):
    """Group B subsets of 6+ credits: B1+B2 (7), B1+B3 (6), all three (9); exactly 6: B1+B3 only. With the
    8-credit total: B1+B2 needs A1; B1+B3 needs A1; all three with or without A1. So 4 pathways read as
    'at least 6', 1 read as 'exactly 6'."""
    catalogue = load(tmp_path, READINGS)
    q = catalogue.qualification("award")
    assert ambiguous(q) == {"group-b": ["at-least", "exactly"]}
    assert count_pathways(catalogue, q).count == 4
    assert count_pathways(catalogue, read_as(q, "exactly")).count == 1
    assert check(catalogue, q, ["A1", "B1", "B2"]).valid
    assert not check(catalogue, read_as(q, {"group-b": "exactly"}), ["A1", "B1", "B2"]).valid
    side_by_side = each_reading(catalogue, q, lambda c, x, learner: count_pathways(c, x, learner).count)
    assert side_by_side.readings == {"stated": 4, "exactly": 1}


def test_readings_are_described_and_unknown_ones_refused(tmp_path):
    catalogue = load(tmp_path, READINGS)
    q = catalogue.qualification("award")
    rules = qualification_summary(catalogue, q)["rules"]
    assert rules[1]["description"] == ("At least 6 credits from Group B (read as 'at-least'; other readings: "
                                       "'exactly')")
    assert read_as(q, "exactly").rules[1].summary(catalogue.context(q)).startswith("Exactly 6 credits from Group B")
    with pytest.raises(LookupFailure, match="no rule of award has a reading 'most'; readings: at-least, exactly"):
        read_as(q, "most")
    with pytest.raises(LookupFailure, match="rule 'total' of award has no alternative readings"):
        read_as(q, {"total": "exactly"})


def test_a_reading_is_validated_where_it_is_written(tmp_path):
    with pytest.raises(CatalogueError) as err:
        load(tmp_path, READINGS.replace("exactly: {max: 6}", "exactly: {max: 2}"))
    assert str(err.value.problems[0]).split(": ", 1)[1] == (
        "qualifications[0].rules[1].readings.exactly.min: reading 'exactly': expected min <= max, got min 6 > max 2")
    with pytest.raises(CatalogueError, match="a reading cannot change kind"):
        load(tmp_path, READINGS.replace("exactly: {max: 6}", "exactly: {kind: mandatory}"))


PATHWAYS = """\
units:
  - {code: C1, title: Common, level: 3, credits: 1, glh: 2}
  - {code: D1, title: Dementia awareness, level: 3, credits: 2, glh: 10}
  - {code: D2, title: Dementia care, level: 3, credits: 2, glh: 10}
  - {code: E1, title: End of life care, level: 3, credits: 3, glh: 5}
qualifications:
  - id: dip
    accreditation: 603/0000/3
    title: Diploma in Care
    level: 3
    awarding_body: Example
    groups:
      - {id: C, name: Core, units: [C1]}
      - {id: D, name: Group D, units: [D1, D2]}
      - {id: E, name: Group E, units: [E1]}
    rules:
      - {id: total, kind: sum, min: 4}
    pathways:
      - id: dementia
        title: Dementia
        note: The Dementia pathway requires all units of Group D.
        rules:
          - {kind: mandatory, groups: [D]}
      - id: end-of-life
        title: End of Life Care
        rules:
          - {kind: mandatory, units: [E1]}
"""


def _brute_force(units: list[str], valid) -> int:
    return sum(1 for k in range(len(units) + 1) for s in combinations(units, k) if valid(set(s)))


def test_pathways_are_counted_each_and_as_distinct_unit_sets(tmp_path):
    catalogue = load(tmp_path, PATHWAYS)
    credits = {"C1": 1, "D1": 2, "D2": 2, "E1": 3}
    enough = lambda s: sum(credits[u] for u in s) >= 4  # noqa: E731
    dementia = lambda s: enough(s) and {"D1", "D2"} <= s  # noqa: E731
    end_of_life = lambda s: enough(s) and "E1" in s  # noqa: E731
    counts = count_by_pathway(catalogue, "dip")
    # Dementia: D1, D2 and any of C1, E1 (4); end of life: E1 and any non-empty rest (7); both: 2.
    assert {p: c.count for p, c in counts.by_pathway.items()} == {"dementia": 4, "end-of-life": 7}
    assert counts.distinct == 9 == _brute_force(list(credits), lambda s: dementia(s) or end_of_life(s))


def test_the_best_pathway_and_the_one_asked_for(tmp_path):
    catalogue = load(tmp_path, PATHWAYS)
    best = recommend_pathway(catalogue, "dip")
    # Dementia: D1 + D2 (4 credits, 20 GLH); end of life: E1 + C1 (4 credits, 7 GLH).
    assert (best.chosen, best.status, best.recommendation.new_glh) == ("end-of-life", "OPTIMAL", 7)
    assert recommend_pathway(catalogue, "dip", pathway="dementia").recommendation.new_glh == 20
    assert following(catalogue.qualification("dip"), "dementia").title == "Diploma in Care (Dementia)"
    with pytest.raises(LookupFailure, match="has no pathway 'nursing'; its pathways: dementia, end-of-life"):
        recommend_pathway(catalogue, "dip", pathway="nursing")


def test_check_says_which_pathways_a_unit_set_satisfies(tmp_path):
    catalogue = load(tmp_path, PATHWAYS)
    verdicts = check_pathways(catalogue, "dip", ["C1", "E1"])
    assert {p: r.valid for p, r in verdicts.items()} == {"dementia": False, "end-of-life": True}
    fixes = verdicts["dementia"].fixes
    assert fixes == ["add D1 and D2"]


def test_pathway_rules_are_validated_and_described(tmp_path):
    with pytest.raises(CatalogueError, match=r"pathways\[1\]\.rules\[0\]\.units\[0\]: unit 'X9' is not part"):
        load(tmp_path, PATHWAYS.replace("{kind: mandatory, units: [E1]}", "{kind: mandatory, units: [X9]}"))
    catalogue = load(tmp_path, PATHWAYS)
    pathways = qualification_summary(catalogue, catalogue.qualification("dip"))["pathways"]
    assert [(p["id"], [r["description"] for r in p["rules"]]) for p in pathways] == [
        ("dementia", ["Mandatory: all units of Group D (2 units)"]), ("end-of-life", ["Mandatory: E1 (1 unit)"])]


EXEMPTION = """\
units:
  - {code: M1, title: Core one, level: 3, credits: 3, glh: 20}
  - {code: M2, title: Core two, level: 3, credits: 3, glh: 20}
  - {code: O1, title: Option one, level: 3, credits: 2, glh: 6}
  - {code: O2, title: Option two, level: 3, credits: 2, glh: 8}
  - {code: O3, title: Option three, level: 3, credits: 4, glh: 30}
qualifications:
  - id: cert
    accreditation: 604/0000/4
    title: Certificate
    level: 3
    awarding_body: Example
    figures: {credits: {min: 8}}
    offered_as:
      - {accreditation: 604/9999/9, awarding_body: Other Body}
    groups:
      - {id: M, name: Mandatory, units: [M1, M2]}
      - {id: O, name: Optional, units: [O1, O2, O3]}
    rules:
      - {id: total, kind: sum, min: 8}
      - {id: core, kind: mandatory, groups: [M]}
      - {id: big-units, kind: sum, sum: units, where: {unit_credits: [4]}, max: 0, note: No 4-credit units.}
"""


def test_an_exemption_meets_the_mandatory_rule_but_gives_no_credit(tmp_path):
    """Achieved M1 is claimed and counts 3 credits: M2 (3) + the cheapest 2 credits (O1, 6 GLH) = 26 new GLH.
    Exempt from M1 instead, the learner needs all 8 credits elsewhere: M2 + O1 + O2 (3 + 2 + 2 = 7) is short,
    and O3 is barred by the 4-credit rule, so it is impossible; without that rule M2 + O1 + O3 (9 credits,
    56 GLH) is the cheapest way to 8."""
    catalogue = load(tmp_path, EXEMPTION)
    assert recommend(catalogue, "cert", Learner(achieved=("M1",))).new_glh == 26
    result = recommend(catalogue, "cert", Learner(exempt=("M1",)))
    assert result.status == "INFEASIBLE"
    assert {c.id for c in result.explanation.conflict} >= {"rule:total", "rule:big-units"}
    relaxed = load(tmp_path, EXEMPTION.replace("max: 0, note", "max: 1, note"))
    answer = recommend(relaxed, "cert", Learner(exempt=("M1",)))
    assert (sorted(answer.codes), answer.new_glh) == (["M2", "O1", "O3"], 56)
    verdicts = {v.id: v for v in check(relaxed, "cert", ["M2", "O1", "O3"], Learner(exempt=("M1",))).verdicts}
    assert verdicts["core"].holds and verdicts["core"].sentence.endswith("(M1 met by exemption)")
    claimed = check(relaxed, "cert", ["M1", "M2", "O1", "O3"], Learner(exempt=("M1",)))
    assert not claimed.valid and "exempt from M1" in " ".join(v.sentence for v in claimed.verdicts if not v.holds)


def test_exemptions_in_cohort_rows(tmp_path):
    import pandas as pd

    from solver.cohort.recommend import recommend_cohort

    catalogue = load(tmp_path, EXEMPTION.replace("max: 0, note", "max: 1, note"))
    rows = pd.DataFrame([{"learner": "a", "registered": "", "achieved": "", "exempt": "M1"}])
    assert recommend_cohort(catalogue, "cert", rows).loc[0, "units"] == "M2 O1 O3"


def test_figures_offerings_and_unit_sizes_as_published(tmp_path):
    catalogue = load(tmp_path, EXEMPTION)
    q = catalogue.qualification("604/9999/9")  # found by the number another body offers it under
    assert q.id == "cert" and q.figures.credits.max is None
    summary = qualification_summary(catalogue, q)
    assert summary["offered_as"] == [{"accreditation": "604/9999/9", "awarding_body": "Other Body"}]
    assert summary["rules"][2]["description"] == "At most 0 units from units of 4 credits"
    # O3 is the only 4-credit unit: claiming it breaks the size rule.
    assert not check(catalogue, q, ["M1", "M2", "O3"]).valid


def test_a_number_offered_twice_is_a_duplicate(tmp_path):
    text = EXEMPTION + EXEMPTION.split("qualifications:\n")[1].replace("id: cert", "id: other").replace(
        "accreditation: 604/0000/4", "accreditation: 604/0000/5")
    with pytest.raises(CatalogueError, match="duplicate qualification accreditation '604/9999/9'"):
        load(tmp_path, text)


def test_an_audit_can_say_what_each_reading_changes(tmp_path):
    from solver.queries.each_reading import reading_differences

    catalogue = load(tmp_path, READINGS)
    (difference,) = reading_differences(catalogue, "award")
    # At least 6 from B: the cheapest is B1 + B3 + A1 (8 + 4 + 5 = 17 GLH); exactly 6: the same set.
    assert difference.readings == {"at-least": (4, 17), "exactly": (1, 17)}
    assert difference.sentence() == ("Rule 'group-b' admits 2 readings: read 'at-least', 4 valid pathways and a "
                                     "lowest-hours route of 17 GLH; read 'exactly', 1 valid pathway and a "
                                     "lowest-hours route of 17 GLH.")


def test_a_what_if_moves_a_version_date(tmp_path):
    from solver.errors import ScenarioError
    from solver.queries.whatif import MoveDate, apply_edits

    catalogue = load(tmp_path, VERSIONS)
    q = catalogue.qualification("cert")
    edits = (MoveDate.model_validate({"kind": "move-date", "rule": "total-2024", "from": "2025-01-01"}),)
    edited, after = apply_edits(catalogue, q, edits)
    # Moved to 2025, the 12-credit version no longer covers a learner registered in September 2024, and the
    # 8-credit version ended in July 2024: no total applies to them, a gap the what-if makes visible.
    autumn = Learner(registered=dt.date(2024, 9, 1))
    assert recommend(catalogue, q, autumn).new_glh == 36
    assert [r.id for r in after.rules if r.applies(edited.context(after, autumn.registered))] == []
    with pytest.raises(ScenarioError, match="has no date to move"):
        apply_edits(catalogue, q, (edits[0].model_copy(update={"rule": "total-2012"}),))


def test_unknown_number_and_body_and_a_published_group_total(tmp_path):
    """The mandatory group publishes 6 credits (M1 + M2 = 3 + 3: agrees); the optional group publishes 7 but its
    units add up to 2 + 2 + 4 = 8, a warning at load and an audit finding, never a refusal."""
    from solver.queries.auditing import audit

    text = (EXEMPTION.replace("accreditation: 604/0000/4", "accreditation: null")
            .replace("awarding_body: Example", "awarding_body: null")
            .replace("units: [M1, M2]}", "units: [M1, M2], credits: 6}")
            .replace("units: [O1, O2, O3]}", "units: [O1, O2, O3], credits: 7}"))
    catalogue = load(tmp_path, text)
    assert [w.message for w in catalogue.warnings] == [
        "Optional publishes a total of 7 credits but its units' credit values add up to 8"]
    assert catalogue.warnings[0].path == "qualifications[0].groups[1].credits"
    q = catalogue.qualification("cert")
    assert q.number is None and q.awarding_body is None and q.numbers() == ["604/9999/9"]
    assert catalogue.qualification("604/9999/9") is q
    summary = qualification_summary(catalogue, q)
    assert (summary["accreditation"], summary["awarding_body"]) == (None, None)
    assert [g.get("credits") for g in summary["groups"]] == [6, 7]
    findings = [f for f in audit(catalogue, q).findings if f.kind == "group-total-mismatch"]
    assert [f.numbers for f in findings] == [{"group": "O", "published": 7}]
    assert recommend(catalogue, q).status == "OPTIMAL"  # everything else works as before


def test_a_group_total_with_unpublished_values_is_judged_only_when_exceeded(tmp_path):
    text = (EXEMPTION.replace("{code: O3, title: Option three, level: 3, credits: 4,",
                              "{code: O3, title: Option three, level: 3, credits: null,")
            .replace("units: [O1, O2, O3]}", "units: [O1, O2, O3], credits: 7}"))
    assert load(tmp_path, text).warnings == ()  # 2 + 2 + unknown may well be 7
    exceeded = load(tmp_path, text.replace("credits: 7}", "credits: 3}"))
    assert [w.message for w in exceeded.warnings] == [
        "Optional publishes a total of 3 credits but its units' credit values already add up to 4"]
