"""Answers over unknowns: INFEASIBLE only when no values of the unpublished credits (within their group's
published total) make a pathway; figures that rest on them are bounds; audit states nothing as fact over them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from typer.testing import CliRunner

from solver.cli.entry import app
from solver.model.catalogue import load_catalogue
from solver.queries.auditing import audit
from solver.queries.checking import check
from solver.queries.recommendation import recommend

# Four mandatory units of unpublished credits; Group A publishes 28 credits, so together they carry 28.
DIPLOMA = """\
units:
  - {code: M1, title: Mandatory one, level: 3, credits: null, glh: 40}
  - {code: M2, title: Mandatory two, level: 3, credits: null, glh: 40}
  - {code: M3, title: Mandatory three, level: 3, credits: null, glh: 30}
  - {code: M4, title: Mandatory four, level: 3, credits: null, glh: 30}
  - {code: O1, title: Option one, level: 3, credits: 5, glh: 35}
  - {code: O2, title: Option two, level: 3, credits: 4, glh: 30}
  - {code: O3, title: Option three, level: 2, credits: 3, glh: 20}
qualifications:
  - id: dip
    accreditation: 600/0000/1
    title: Diploma with unpublished mandatory credits
    level: 3
    awarding_body: Example
    groups:
      - {id: A, name: Group A, units: [M1, M2, M3, M4], credits: 28%s}
      - {id: B, name: Group B, units: [O1, O2, O3]}
    rules:
      - {id: mandatory, kind: mandatory, groups: [A]}
      - {id: total, kind: sum, min: 37, max: 40}
      - {id: optional, kind: sum, where: {groups: [B]}, min: 9}
"""


def _catalogue(tmp_path: Path, text: str):
    (tmp_path / "q.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(tmp_path)


def test_a_diploma_with_unpublished_mandatory_credits_and_a_group_total_gets_a_pathway(tmp_path):
    """Before: INFEASIBLE ('the highest credits possible is 9'), the unknown credits counted as 0. The 28 credits
    of Group A make M1-M4 + O1 + O2 exactly 37: within 37-40 whatever each value is, so a pathway, credits exact."""
    catalogue = _catalogue(tmp_path, DIPLOMA % "")
    answer = recommend(catalogue, "dip")
    assert answer.status == "OPTIMAL" and sorted(answer.codes or ()) == ["M1", "M2", "M3", "M4", "O1", "O2"]
    data = answer.to_dict()
    assert data["credits"] == 37 and "valid_if_unpublished_credits_allow" not in data  # the total settles it
    checked = check(catalogue, "dip", ["M1", "M2", "M3", "M4", "O1", "O2"])
    assert checked.verdict == "valid" and checked.to_dict()["credits"] == 37
    out = CliRunner().invoke(app, ["check", "dip", "M1", "M2", "M3", "M4", "O1", "O2", "--catalogue", str(tmp_path)])
    assert out.exit_code == 0 and "6 units, 37 credits" in out.stdout
    # With O3 too: 28 + 12 = 40, still within the maximum whatever each of M1-M4 carries.
    assert check(catalogue, "dip", ["M1", "M2", "M3", "M4", "O1", "O2", "O3"]).verdict == "valid"


def test_without_a_group_total_the_credits_are_a_bound(tmp_path):
    catalogue = _catalogue(tmp_path, DIPLOMA.replace(", credits: 28%s", ""))
    data = recommend(catalogue, "dip").to_dict()
    assert data["status"] == "FEASIBLE" and data["credits"] is None
    assert (data["credits_at_least"], data["credits_at_most"]) == (9, None)
    assert data["valid_if_unpublished_credits_allow"] == ["M1", "M2", "M3", "M4"]
    assert check(catalogue, "dip", ["M1", "M2", "M3", "M4", "O1", "O2"]).verdict == "undetermined"
    out = CliRunner().invoke(app, ["recommend", "dip", "--catalogue", str(tmp_path)])
    assert out.exit_code == 0 and "at least 9" in out.stdout and "unpublished credits of" in out.stdout


def test_infeasible_only_when_no_values_make_a_pathway(tmp_path):
    """Group A's 28 credits with the options' 12 at most reach 40; a minimum of 41 is met by no values."""
    catalogue = _catalogue(tmp_path, (DIPLOMA % "").replace("min: 37, max: 40", "min: 41, max: 45"))
    assert recommend(catalogue, "dip").status == "INFEASIBLE"


def test_an_open_group_total_is_a_maximum_for_its_unknown_units(tmp_path):
    """Group A lists only some units: the listed unknown ones carry at most 28; 37 still within reach."""
    catalogue = _catalogue(tmp_path, DIPLOMA % ", complete: false")
    data = recommend(catalogue, "dip").to_dict()
    assert data["status"] == "FEASIBLE" and (data["credits_at_least"], data["credits_at_most"]) == (9, 37)


# An Access to HE diploma published as rules only: its one group lists no units yet (open), graded and ungraded
# credit rules, and a rule version from 2024-08-01.
RULES_ONLY = """\
units: []
qualifications:
  - id: access
    accreditation: EX/ACC/002
    title: Access to HE Diploma (rules only)
    level: 3
    awarding_body: Example
    figures:
      credits: {min: 60, max: 60}
    groups:
      - {id: S, name: Subject units, units: [], complete: false}
    rules:
      - {id: total, kind: sum, min: 60, max: 60}
      - {id: graded, kind: sum, where: {mode: graded}, min: 45, registered_from: 2024-08-01}
      - {id: ungraded, kind: sum, where: {mode: ungraded}, min: 15, max: 15, registered_from: 2024-08-01}
      - {id: graded-old, kind: sum, where: {mode: graded}, min: 36, registered_until: 2024-07-31}
"""


def test_a_rules_only_qualification_gets_no_finding_that_its_rules_contradict(tmp_path):
    """Before: '[no-pathway] ... the rules contradict each other' for both regimes. Nothing is listed yet: the
    honest finding says what the open list would have to carry."""
    report = audit(_catalogue(tmp_path, RULES_ONLY), "access")
    kinds = [f.kind for f in report.findings]
    assert "no-pathway" not in kinds and kinds.count("no-pathway-over-listed-units") == 2
    sentence = next(f.sentence for f in report.findings if f.regime == "registered from 2024-08-01"
                    and f.kind == "no-pathway-over-listed-units")
    assert "at least 60 more credits are needed toward 'Exactly 60 credits in total'" in sentence
    assert "Subject units, whose list is open" in sentence and "contradict" not in sentence
    for args in (["audit"], ["count", "access", "--registered", "2024-01-01"], ["count", "access"]):
        out = CliRunner().invoke(app, [*args, "--catalogue", str(tmp_path)])
        assert out.exception is None or isinstance(out.exception, SystemExit), out.exception


def test_the_audit_says_a_group_total_settles_the_pathways(tmp_path):
    report = audit(_catalogue(tmp_path, DIPLOMA % ""), "dip")
    assert not {"no-pathway", "no-sure-pathway"} & {f.kind for f in report.findings}
    assert report.qualifications[0].regimes[0].counts.count == 2  # M1-M4 + O1 + O2, and with O3 too
    no_total = audit(_catalogue(tmp_path, DIPLOMA.replace(", credits: 28%s", "")), "dip")
    finding = next(f for f in no_total.findings if f.kind == "no-sure-pathway")
    assert "M1 M2 M3 M4 O1 O2" in finding.sentence


def test_enumerate_states_credits_settled_by_a_group_total_and_labels_bounds(tmp_path):
    """Before: 'credits 9, credits_A 0' for M1-M4 + O1 + O2; Group A's 28 settles them at 37 and 28."""
    _catalogue(tmp_path, DIPLOMA % "")
    out = CliRunner().invoke(app, ["enumerate", "dip", "--catalogue", str(tmp_path), "--json"])
    first = __import__("json").loads(out.stdout)["pathways"][0]
    assert (first["credits"], first["group_credits"], first["glh"]) == (37, {"A": 28, "B": 9}, 205)
    gaps = tmp_path / "gaps"
    gaps.mkdir()
    _catalogue(gaps, DIPLOMA.replace(", credits: 28%s", "").replace("glh: 35}", "glh: null}")
               .replace("min: 37, max: 40", "min: 9"))
    out = CliRunner().invoke(app, ["enumerate", "dip", "--catalogue", str(gaps), "--order", "glh"])
    assert out.exit_code == 0 and "at least" in out.stdout and "the order by glh is by that bound" in out.stdout


def test_count_and_enumerate_say_they_cover_only_the_listed_units_of_an_open_group(tmp_path):
    _catalogue(tmp_path, DIPLOMA % ", complete: false")
    for args in (["count", "dip"], ["enumerate", "dip"]):
        out = CliRunner().invoke(app, [*args, "--catalogue", str(tmp_path)])
        assert "over the listed units only" in out.stdout.lower() and "Group A" in out.stdout, args
    data = __import__("json").loads(CliRunner().invoke(app, ["enumerate", "dip", "--catalogue", str(tmp_path),
                                                             "--json"]).stdout)
    assert data["over_listed_units_only"] == ["Group A"]


def test_whatif_gives_a_lowest_glh_over_unpublished_hours_as_a_bound(tmp_path):
    _catalogue(tmp_path, DIPLOMA.replace("glh: 35}", "glh: null}").replace("%s", ""))
    scenario = tmp_path.parent / f"{tmp_path.name}-whatif.yaml"
    scenario.write_text("name: lower the total\nqualification: 600/0000/1\nedits:\n"
                        "  - {kind: set-bound, rule: total, min: 36}\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["whatif", str(scenario), "--catalogue", str(tmp_path), "--json"])
    data = __import__("json").loads(out.stdout)
    assert data["before"]["lowest_glh_at_least"] and data["before"]["lowest_glh_rests_on_unpublished"] == ["O1"]
    table = CliRunner().invoke(app, ["whatif", str(scenario), "--catalogue", str(tmp_path)]).stdout
    assert "at least 170" in table


PATHWAY_READING = """\
units:
  - {code: A1, title: Core, level: 3, credits: 4, glh: 20}
  - {code: D1, title: Dementia one, level: 3, credits: 3, glh: 10}
  - {code: D2, title: Dementia two, level: 3, credits: 3, glh: 12}
  - {code: D3, title: Dementia three, level: 3, credits: 3, glh: 14}
qualifications:
  - id: dip
    accreditation: 600/0000/2
    title: Diploma with pathways
    level: 3
    awarding_body: Example
    groups:
      - {id: C, name: Core, units: [A1]}
      - {id: D, name: Dementia, units: [D1, D2, D3]}
    rules:
      - {id: core, kind: mandatory, groups: [C]}
    pathways:
      - id: dementia
        title: Dementia Care
        rules:
          - {id: dementia-credits, kind: sum, where: {groups: [D]}, min: 6, reading: at-least,
             readings: {exactly: {max: 6}}}
"""


def test_a_reading_inside_a_named_pathway_is_taken_by_reading(tmp_path):
    """Before: 'no rule of dip has a reading exactly'. A1 with 2 or 3 Dementia units: 4 pathways read
    'at-least', the 3 with exactly two read 'exactly' (by name or by rule)."""
    _catalogue(tmp_path, PATHWAY_READING)
    counts = {}
    for reading in ([], ["--reading", "exactly"], ["--reading", "dementia-credits=exactly"]):
        out = CliRunner().invoke(app, ["count", "dip", "--pathway", "dementia", *reading, "--catalogue",
                                       str(tmp_path), "--json"])
        counts[" ".join(reading)] = __import__("json").loads(out.stdout)["count"]
    assert list(counts.values()) == [4, 3, 3]
    out = CliRunner().invoke(app, ["count", "dip", "--reading", "nope", "--catalogue", str(tmp_path)])
    assert out.exit_code != 0 and "readings: at-least, exactly" in str(out.exception or out.output)


def test_whatif_edits_a_named_pathways_rule_and_judges_on_that_pathway(tmp_path):
    """Before: 'no rule dementia-credits'. Raising the Dementia minimum to 9 leaves A1 + all three: 4 -> 1."""
    _catalogue(tmp_path, PATHWAY_READING)
    scenario = tmp_path.parent / f"{tmp_path.name}-pathway-whatif.yaml"
    scenario.write_text("name: all of dementia\nqualification: 600/0000/2\npathway: dementia\nedits:\n"
                        "  - {kind: set-bound, rule: dementia-credits, min: 9}\n"
                        "  - {kind: add-rule, pathway: dementia, rule: {kind: sum, sum: units, max: 4}}\n",
                        encoding="utf-8")
    out = CliRunner().invoke(app, ["whatif", str(scenario), "--catalogue", str(tmp_path), "--json"])
    data = __import__("json").loads(out.stdout)
    assert (data["before"]["count"], data["after"]["count"]) == (4, 1)


def test_a_group_total_counts_the_published_credits_of_a_unit_offered_in_two_modes(tmp_path):
    """Subject units publish 45 credits: U2 (3, graded or ungraded) and U3 (3) leave U1 at most 39, so 45 at
    most against the 60 needed: 15 more from units not yet listed (before: 12, U2 missed as it is two claims)."""
    _catalogue(tmp_path, """\
units:
  - {code: U1, title: Biology, level: 3, credits: null, glh: 30, modes: [graded]}
  - {code: U2, title: Skills, level: 3, credits: 3, glh: 20, modes: [graded, ungraded]}
  - {code: U3, title: Writing, level: 3, credits: 3, glh: 20, modes: [ungraded]}
qualifications:
  - id: access
    accreditation: EX/ACC/003
    title: Access to HE Diploma
    level: 3
    awarding_body: Example
    groups:
      - {id: S, name: Subject units, units: [U1, U2, U3], complete: false, credits: 45}
    rules:
      - {id: total, kind: sum, min: 60, max: 60}
""")
    finding = next(f for f in audit(load_catalogue(tmp_path), "access").findings
                   if f.kind == "no-pathway-over-listed-units")
    assert "at least 15 more credits are needed toward 'Exactly 60 credits in total'" in finding.sentence
    assert recommend(load_catalogue(tmp_path), "access").status == "INFEASIBLE"


def test_the_audits_credit_range_is_exact_where_group_totals_settle_it(tmp_path):
    """Before: '9-12', labelled 'at least', the unknown credits counted as 0. Every valid pathway takes M1-M4,
    whose credits Group A's published 28 settles: 28 + 9 to 28 + 12, exact."""
    _catalogue(tmp_path, DIPLOMA % "")
    regime = audit(load_catalogue(tmp_path), "dip").to_dict()["qualifications"][0]["regimes"][0]
    assert regime["credits"] == [37, 40] and regime["credits_exact"]
    assert "credits_are_lower_bounds" not in regime and "credits_bounds" not in regime
    out = CliRunner().invoke(app, ["audit", "dip", "--catalogue", str(tmp_path)])
    assert "37-40" in out.stdout and "at least 37" not in out.stdout


def test_the_audits_credit_range_without_a_group_total_is_a_labelled_bound(tmp_path):
    """No total: the unknown credits could be anything from 0, so the least is a bound (over the open model,
    the options' 9 with M1-M4 at 0) and the most is undetermined."""
    _catalogue(tmp_path, DIPLOMA.replace(", credits: 28%s", ""))
    regime = audit(load_catalogue(tmp_path), "dip").to_dict()["qualifications"][0]["regimes"][0]
    assert not regime["credits_exact"] and regime["credits_bounds"] == {"at_least": 37, "at_most": None}
    out = CliRunner().invoke(app, ["audit", "dip", "--catalogue", str(tmp_path)])
    assert "at least 37, undetermined" in out.stdout


def test_the_audits_credit_range_with_an_open_group_total_is_bounded_both_ways(tmp_path):
    """Group A lists only some units: M1-M4 carry at most 28 together, so 9 to 40, each end a bound."""
    _catalogue(tmp_path, DIPLOMA % ", complete: false")
    regime = audit(load_catalogue(tmp_path), "dip").to_dict()["qualifications"][0]["regimes"][0]
    assert not regime["credits_exact"]
    assert regime["credits_bounds"]["at_most"] == 40


# Rules only, every rule a version from 2024-08-01: before that date no rule is in force and nothing is listed.
VERSIONED_ONLY = """\
units: []
qualifications:
  - id: access
    accreditation: EX/ACC/004
    title: Access to HE Diploma (rules only, versioned)
    level: 3
    awarding_body: Example
    groups:
      - {id: S, name: Subject units, units: [], complete: false}
    rules:
      - {id: graded, kind: sum, where: {mode: graded}, min: 45, registered_from: 2024-08-01}
      - {id: ungraded, kind: sum, where: {mode: ungraded}, min: 15, max: 15, registered_from: 2024-08-01}
"""


def test_a_rules_only_file_whose_every_rule_starts_later_is_audited_and_counted(tmp_path):
    """Before: TypeError: 'int' object is not iterable from audit and from count --registered before the date
    (the minimal count over no units had no passes: max(peak, *[]))."""
    _catalogue(tmp_path, VERSIONED_ONLY)
    for args in (["audit"], ["audit", "--json"], ["count", "access", "--registered", "2024-01-01"],
                 ["count", "access", "--registered", "2024-09-01"], ["enumerate", "access", "--registered",
                                                                       "2024-01-01"]):
        out = CliRunner().invoke(app, [*args, "--catalogue", str(tmp_path)])
        assert out.exception is None or isinstance(out.exception, SystemExit), (args, out.exception)
        assert out.exit_code == 0, (args, out.output)
    report = audit(load_catalogue(tmp_path), "access")
    assert [r.counts.count for r in report.qualifications[0].regimes] == [1, 0]  # the empty set, then none listed
    assert "no-pathway" not in {f.kind for f in report.findings}


def test_the_audits_glh_range_over_unpublished_hours_is_labelled_even_when_the_count_stops(tmp_path):
    """Before: with the count stopped by a limit its notes were missing, and the GLH range over a unit of
    unpublished GLH (counted as 0) was shown as a plain range."""
    from solver.budget import Budget

    _catalogue(tmp_path, (DIPLOMA % "").replace("{code: O1, title: Option one, level: 3, credits: 5, glh: 35}",
                                                "{code: O1, title: Option one, level: 3, credits: 5, glh: null}"))
    report = audit(load_catalogue(tmp_path), "dip", budget=Budget(work=0.001))
    regime = report.qualifications[0].regimes[0]
    assert regime.bounds("GLH") and regime.to_dict()["glh_are_lower_bounds"]
