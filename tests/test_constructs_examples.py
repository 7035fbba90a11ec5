"""Constructs of real specifications (units without codes, cut titles, other frameworks' levels, unit TQT,
conditional group minimums, published unit counts, derived values, registration windows): the example
catalogues answer as worked out by hand, and bad input is a located error."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from solver.engine.counting import count_pathways
from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.auditing import audit
from solver.queries.checking import check
from solver.queries.recommendation import recommend

EXAMPLES = Path(__file__).resolve().parent.parent / "catalogue" / "examples"
ACTION = "work-skills-e3/action-learning"
PLANNING = "work-skills-e3/planning-a-small-event-for-the-local-com"  # the title slug, cut at 40 characters
COMPUTER = "work-skills-e3/using-a-computer-safely"


@pytest.fixture(scope="module")
def examples():
    return load_catalogue(EXAMPLES)


def kinds(catalogue, qualification: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in audit(catalogue, qualification).findings:
        out.setdefault(f.kind, []).append(f.sentence)
    return out


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- units printed without a code, cut-off titles, levels on other frameworks -----------------------------------

def test_units_without_a_code_are_named_by_stable_labels(examples):
    """TW-01 (3 credits, 24 GLH) plus options of at least 3 credits from action learning (2 cr, 16 GLH),
    planning (3, 24) and computer (1, 8): {P}, {A,C}, {A,P}, {P,C}, {A,P,C} = 5 pathways; the fewest hours,
    24, by {P} or {A,C}; one unit breaks the tie: TW-01 + planning, 48 GLH."""
    q = examples.qualification("work-skills-e3")
    assert q.unit_codes() == ["TW-01", ACTION, PLANNING, COMPUTER]
    assert all(examples.units[c].labelled for c in (ACTION, PLANNING, COMPUTER))
    assert not examples.units["TW-01"].labelled
    assert count_pathways(examples, q).count == 5
    best = recommend(examples, q)
    assert (sorted(best.codes), best.new_glh) == (sorted(["TW-01", PLANNING]), 48)
    assert check(examples, q, ["TW-01", ACTION, COMPUTER]).valid
    assert examples.source("unit", ACTION) == "titles-only-award.yaml:22:13"
    assert load_catalogue(EXAMPLES).qualification("work-skills-e3").unit_codes() == q.unit_codes()  # stable
    found = kinds(examples, "work-skills-e3")
    assert f"{ACTION} (Action learning)" in found["labelled-units"][0]


def test_cut_titles_and_framework_levels_are_held_and_shown(examples):
    assert examples.units[PLANNING].shown_title == "Planning a small event for the local commun\u2026"
    assert examples.units["TW-01"].shown_title == "Working with others"
    assert examples.qualification("work-skills-e3").level == "Entry 3"
    assert examples.qualification("stewarding-award").level is None
    found = kinds(examples, "work-skills-e3")
    assert "Entry 3" in found["framework-level"][0] and PLANNING in found["title-cut"][0]
    assert "publishes no level" in kinds(examples, "stewarding-award")["no-level"][0]


def test_labels_that_clash_get_the_first_free_suffix(tmp_path):
    catalogue = load_catalogue(write(tmp_path, """\
        units:
          - {code: q/intro, title: Taken already, level: 1, credits: 1, glh: 1}
        qualifications:
          - id: Q
            accreditation: null
            title: Q
            level: null
            awarding_body: null
            groups:
              - id: g
                name: G
                units: [q/intro]
                without_code:
                  - {title: Intro, level: 1, credits: 1, glh: 1}
                  - {title: "Intro!", level: 1, credits: 2, glh: 2}
    """))
    assert catalogue.qualification("Q").unit_codes() == ["q/intro", "q/intro-2", "q/intro-3"]
    assert catalogue.units["q/intro-3"].credits == 2


def test_a_written_labelled_key_and_a_code_under_without_code_are_refused(tmp_path):
    with pytest.raises(CatalogueError) as err:
        load_catalogue(write(tmp_path, """\
            units:
              - {code: U1, title: One, level: 1, credits: 1, glh: 1, labelled: true}
            qualifications:
              - id: Q
                accreditation: null
                title: Q
                level: 2
                awarding_body: null
                groups:
                  - {id: g, name: G, units: [U1], without_code: [{code: U2, title: Two, level: 1, credits: 1, glh: 1}]}
        """))
    lines = str(err.value).splitlines()[1:]
    assert any("cat.yaml:2:58: units[0].labelled: unknown key 'labelled'" in line for line in lines)
    assert any("groups[0].without_code[0].code: expected nothing" in line or
               "groups[0].without_code[0].code" in line for line in lines)


# --- unit TQT, rules over it, derived values, published unit counts ----------------------------------------------

def test_tqt_rules_and_derived_values(examples):
    """Optional TQT of at least 620 from 300, 250, 350, 120: {201,203} and every set of three or four = 6; the
    fewest hours, 260 optional GLH, by {201,203}: 140 + 260 = 400 GLH."""
    q = examples.qualification("garden-design-l4")
    assert count_pathways(examples, q).count == 6
    best = recommend(examples, q)
    assert (sorted(best.codes), best.new_glh) == (["GD-101", "GD-102", "GD-201", "GD-203"], 400)
    short = check(examples, q, ["GD-101", "GD-102", "GD-202", "GD-203"])  # 600 TQT
    assert not short.valid and "add at least 20 TQT from Optional units" in short.fixes
    unit = examples.units["GD-203"]
    assert (unit.provenance_of("credits"), unit.provenance_of("glh"), unit.shown("credits")) == \
        ("derived", "published", "35 (derived)")
    assert examples.units["GD-101"].provenance_of("tqt") == "published"
    assert examples.units["TW-01"].provenance_of("tqt") == "unknown"


def test_the_audit_holds_tqt_counts_and_derived_values(examples):
    found = kinds(examples, "garden-design-l4")
    assert found["unit-count-mismatch"] == ["Mandatory units says it has 3 units but lists 2 (610/0001/4)."]
    assert "GD-204 TQT 120, 10 credits" in found["unit-tqt-mismatch"][0]
    assert "GD-203 (credits)" in found["derived-values"][0]
    assert "tqt-units-mismatch" not in found  # 1000 TQT is within the pathways' 1000 to 1370
    assert any("unit_count" in w.path and "lists 2" in w.message for w in examples.warnings)


def test_a_published_tqt_outside_the_units_tqt_is_a_finding(tmp_path):
    catalogue = load_catalogue(write(tmp_path, """\
        units:
          - {code: U1, title: One, level: 1, credits: 2, glh: 10, tqt: 20}
          - {code: U2, title: Two, level: 1, credits: 3, glh: 10, tqt: 30}
        qualifications:
          - id: Q
            accreditation: null
            title: Q
            level: 1
            awarding_body: null
            groups: [{id: g, name: G, units: [U1, U2]}]
            rules: [{kind: sum, sum: tqt, min: 20}]
            figures: {tqt: 60}
    """))
    found = [f for f in audit(catalogue, "Q").findings if f.kind == "tqt-units-mismatch"]
    assert [f.numbers for f in found] == [{"published": 60, "units": [20, 50]}]


def test_a_unit_count_that_agrees_or_an_open_group_below_it_is_not_a_mismatch(tmp_path):
    catalogue = load_catalogue(write(tmp_path, """\
        units:
          - {code: U1, title: One, level: 1, credits: 2, glh: 10}
        qualifications:
          - id: Q
            accreditation: null
            title: Q
            level: 1
            awarding_body: null
            groups:
              - {id: a, name: A, units: [U1], unit_count: 1}
              - {id: b, name: B, units: [], complete: false, unit_count: 4}
    """))
    assert not catalogue.warnings
    assert not [f for f in audit(catalogue, "Q").findings if f.kind == "unit-count-mismatch"]


# --- conditional group minimums ------------------------------------------------------------------------------------

def test_a_group_minimum_applies_only_to_the_group_used(examples):
    """Totals 40-50 with DM-01 (10): B2 is unused (B1 gives at most 25: too few), or 25 ({21,22}) with B1 of
    10 or 15, or 30 (all) with B1 of 0 or 10: 4 pathways; the fewest hours: DM-01 + all of B2, 160 GLH."""
    q = examples.qualification("digital-media-l3")
    counted = count_pathways(examples, q)
    assert (counted.count, counted.minimal) == (4, None)  # minimality is not judged over the rule's own variable
    assert any("minimal count not computed" in n for n in counted.notes)
    best = recommend(examples, q)
    assert (sorted(best.codes), best.new_glh) == (["DM-01", "DM-21", "DM-22", "DM-23"], 160)
    used = check(examples, q, ["DM-01", "DM-11", "DM-12", "DM-21"])  # 45 in total, but B2 only 10
    assert used.fixes == ["add at least 15 credits from Group B2"]
    unused = check(examples, q, ["DM-01", "DM-11", "DM-12"])  # B2 unused: only the total fails
    bound = next(v for v in unused.verdicts if v.id == "when-used-3")
    assert bound.holds and "does not apply" in bound.sentence


def test_a_conditional_minimum_no_unit_can_reach_is_a_warning_not_an_error(tmp_path):
    catalogue = load_catalogue(write(tmp_path, """\
        units:
          - {code: U1, title: One, level: 1, credits: 2, glh: 10}
          - {code: U2, title: Two, level: 1, credits: 3, glh: 10}
        qualifications:
          - id: Q
            accreditation: null
            title: Q
            level: 1
            awarding_body: null
            groups: [{id: a, name: A, units: [U1]}, {id: b, name: B, units: [U2]}]
            rules: [{kind: when-used, where: {groups: [b]}, min: 9}]
    """))
    assert [w.message for w in catalogue.warnings] == [
        "the selected units give only 3 toward min 9: no pathway can claim any of them"]
    assert count_pathways(catalogue, "Q").count == 2  # {} and {U1}: U2 can never be claimed


# --- registration windows ------------------------------------------------------------------------------------------

def test_a_closed_qualification_takes_no_learner_registered_after_it_closed(examples):
    q = examples.qualification("stewarding-award")
    before, after = Learner(registered=dt.date(2025, 7, 31)), Learner(registered=dt.date(2025, 8, 1))
    assert [count_pathways(examples, q, who).count for who in (before, after, Learner())] == [3, 0, 0]
    assert recommend(examples, q, before).status == "OPTIMAL"
    assert recommend(examples, q, after).status == "INFEASIBLE"
    late = check(examples, q, ["ES-1", "ES-2"], after)
    assert late.verdict == "invalid"
    assert [v.sentence for v in late.verdicts if not v.holds] == [
        "Registrations closed on 2025-07-31: a learner registered on 2025-08-01 cannot start "
        "(certification ends on 2026-07-31)"]
    assert check(examples, q, ["ES-1", "ES-2"], before).valid
    found = kinds(examples, "stewarding-award")
    assert "no-pathway" not in found
    assert "registrations closed on 2025-07-31" in found["registration-closed"][0]
    assert "certification ends on 2026-07-31" in found["registration-window"][0]


# --- located errors ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("rule", "unit", "expected"), [
    ("{kind: window}", "", "rules[0]: expected 'registrations_close' or 'certification_end' (or both)"),
    ("{kind: window, registrations_close: 2025-07-31, certification_end: 2025-01-01}", "",
     "rules[0].certification_end: expected a date on or after registrations_close (2025-07-31), got 2025-01-01"),
    ("{kind: when-used, where: {groups: [g]}, min: 5, max: 2}", "", "rules[0].min: expected min <= max"),
    ("{kind: when-used, where: {groups: [h]}, min: 1}", "", "rules[0].where.groups[0]: group 'h' is not part"),
    ("{kind: sum, sum: tqt, min: 1}", ", provenance: {credits: derived}, credits: null",
     "units[0].provenance.credits: credits is derived but its value is null"),
    ("{kind: sum, sum: tqt, min: 1}", ", provenance: {glh: unknown}",
     "units[0].provenance.glh: glh is 1, not unknown"),
    ("{kind: sum, sum: tqt, min: 1}", ", provenance: {colour: derived}", "units[0].provenance.colour"),
    ("{kind: sum, sum: tqt, min: 1}", ", tqt: -1", "units[0].tqt: expected a number >= 0, got -1"),
])
def test_constructs_are_validated_with_located_errors(tmp_path, rule, unit, expected):
    base = "{code: U1, title: One, level: 1, glh: 1" + ("" if "tqt" in unit else ", tqt: 10")
    unit_text = base + (unit if "credits" in unit else ", credits: 1" + unit) + "}"
    with pytest.raises(CatalogueError) as err:
        load_catalogue(write(tmp_path, f"""\
            units:
              - {unit_text}
            qualifications:
              - id: Q
                accreditation: null
                title: Q
                level: 1
                awarding_body: null
                groups: [{{id: g, name: G, units: [U1]}}]
                rules: [{rule}]
        """))
    assert expected in str(err.value)


# --- shown wherever the value is shown --------------------------------------------------------------------------

def run(*args: str):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    return CliRunner().invoke(app, [*args, "--catalogue", str(EXAMPLES)], env={"COLUMNS": "200"})


def test_labels_cut_titles_and_derived_values_are_shown_by_catalogue_show_and_recommend(examples):
    shown = run("catalogue", "show", "work-skills-e3")
    assert shown.exit_code == 0
    assert f"{ACTION} (label)" in shown.stdout and "Planning a small event for the local commun\u2026" in shown.stdout
    assert "level Entry 3" in shown.stdout
    garden = run("catalogue", "show", "garden-design-l4")
    assert "35 (derived)" in garden.stdout and "2 units, 3 units as published" in garden.stdout
    assert "level not published" in run("catalogue", "show", "stewarding-award").stdout
    best = run("recommend", "garden-design-l4")
    assert best.exit_code == 0 and "35 (derived)" in best.stdout
    detail = recommend(examples, "garden-design-l4").pathway.to_dict()["detail"]
    assert [u.get("derived") for u in detail] == [None, None, None, ["credits"]]
    labelled = run("recommend", "work-skills-e3")
    assert PLANNING in labelled.stdout


def test_units_frame_shows_tqt_derived_values_and_labels(examples):
    from solver.queries.reports import units_frame

    frame = units_frame(examples).set_index("code")
    assert frame.loc["GD-203", "derived"] == "credits" and frame.loc["GD-203", "tqt"] == 350
    assert bool(frame.loc[ACTION, "labelled"]) and not bool(frame.loc["TW-01", "labelled"])
    assert frame.loc[PLANNING, "title"].endswith("\u2026")


def test_count_says_the_minimal_pathways_of_a_when_used_rule_are_not_counted():
    counted = run("count", "digital-media-l3")
    assert counted.exit_code == 0
    assert "4 valid pathways (exact, by dynamic programming); the minimal ones not counted." in counted.stdout
    assert "minimal count not computed: rules with their own variables" in counted.stdout
