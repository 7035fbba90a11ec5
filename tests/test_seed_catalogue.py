"""The bundled catalogue holds the seed specifications exactly: unit rows, groups, rules and figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from seed_text import SEEDS, seed_rows, unit_rows

from solver.rules import MandatoryRule, ReplacementRule, SumRule

L3, AWARD, CERT = "600/5788/9", "600/5928/X", "600/5962/X"
SEED_OF = {L3: "000_9520fe2c4e7c693c.txt", AWARD: "004_0499eb7c67826ca5.txt", CERT: "004_0499eb7c67826ca5.txt"}


def seed_groups(name: str) -> dict[str, list[str]]:
    """Unit codes under each "Group N" heading of a seed's unit tables, in table order."""
    groups: dict[str, list[str]] = {}
    current = None
    for line in (SEEDS / name).read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"\s*Group (\d+)\s*", line):
            current = f"Group {heading.group(1)}"
        elif current and (code := re.fullmatch(r"\s*(\d{4}-\d{3})\s*\^?\s*", line)):
            groups.setdefault(current, []).append(code.group(1))
    return groups


def seed_details(name: str) -> dict[str, dict[str, str]]:
    """Each qualification's "Label:" / value pairs from a seed's structure tables, by accreditation number."""
    lines = [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for label, value in zip(lines, lines[1:]):
        if label == "Qualification Accreditation No:":
            current = out.setdefault(value, {})
        elif label.endswith(":") and current is not None:
            current.setdefault(label[:-1], value)
    return out


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def test_seed_text_is_present_and_parsed() -> None:
    rows = seed_rows()
    assert sorted(rows) == sorted(set(SEED_OF.values()))
    assert [len(rows[n]) for n in sorted(rows)] == [3, 48]


def test_every_unit_row_matches_the_seed_text(catalogue) -> None:
    """Code, title, level, credit value and GLH of every row, as printed (footnote marks and spaces aside)."""
    for rows in seed_rows().values():
        for code, title, level, credits, glh in rows:
            unit = catalogue.units[code]
            assert (unit.code, unit.title, unit.level, unit.credits, unit.glh) == (code, title, level, credits, glh)


def test_catalogue_has_no_unit_the_seeds_lack(catalogue) -> None:
    printed = {row[0] for rows in seed_rows().values() for row in rows}
    assert set(catalogue.units) == printed
    assert len(catalogue.units) == 51


def test_unit_codes_are_clean(catalogue) -> None:
    for code in catalogue.units:
        assert re.fullmatch(r"\d{4}-\d{3}", code), code


@pytest.mark.parametrize("accreditation", [L3, AWARD, CERT])
def test_groups_match_the_seed_tables(catalogue, accreditation: str) -> None:
    q = catalogue.qualification(accreditation)
    printed = seed_groups(SEED_OF[accreditation])
    if accreditation == AWARD:  # "All units must be taken from Group 1"
        printed = {"Group 1": printed["Group 1"]}
    assert {g.name: list(g.units) for g in q.groups} == printed


def test_certificate_has_48_units_in_two_groups(catalogue) -> None:
    q = catalogue.qualification(CERT)
    assert [(g.id, g.name, len(g.units)) for g in q.groups] == [("G1", "Group 1", 30), ("G2", "Group 2", 18)]
    assert len(q.unit_codes()) == 48


def test_award_has_the_30_units_of_group_1(catalogue) -> None:
    q = catalogue.qualification(AWARD)
    assert [(g.name, len(g.units)) for g in q.groups] == [("Group 1", 30)]
    assert q.groups[0].units == catalogue.qualification(CERT).groups[0].units


def test_level_3_certificate_has_3_mandatory_units_and_14_credits(catalogue) -> None:
    q = catalogue.qualification(L3)
    assert q.unit_codes() == ["8603-300", "8603-301", "8603-302"]
    assert sum(catalogue.units[c].credits for c in q.unit_codes()) == 14
    kinds = {type(r) for r in q.rules}
    assert kinds == {SumRule, MandatoryRule}
    total = next(r for r in q.rules if isinstance(r, SumRule))
    assert (total.sum, total.where.groups, total.min) == ("credits", (), 14)
    mandatory = next(r for r in q.rules if isinstance(r, MandatoryRule))
    assert mandatory.codes(catalogue.context(q)) == q.unit_codes()


def test_award_and_certificate_rules(catalogue) -> None:
    award = catalogue.qualification(AWARD)
    assert [(type(r), r.sum, r.where.groups, r.min, r.max) for r in award.rules] == [(SumRule, "credits", (), 3, 12)]
    cert = catalogue.qualification(CERT)
    sums = [(r.sum, r.where.groups, r.min, r.max) for r in cert.rules if isinstance(r, SumRule)]
    assert sums == [("credits", (), 13, 36), ("credits", ("G2",), None, 6)]


def test_replacements_of_339_and_340(catalogue) -> None:
    q = catalogue.qualification(CERT)
    replacements = [(r.old, r.new, r.from_date) for r in q.rules if isinstance(r, ReplacementRule)]
    cutoff = dt.date(2020, 7, 1)
    assert replacements == [("8000-339", "8000-359", cutoff), ("8000-340", "8000-360", cutoff)]


@pytest.mark.parametrize("registered, achieved, pathway, holds", [
    (dt.date(2020, 6, 30), set(), {"8000-339"}, True),  # registered before the cut-off: either unit
    (dt.date(2020, 6, 30), set(), {"8000-359"}, True),
    (dt.date(2020, 6, 30), set(), {"8000-339", "8000-359"}, False),  # never both
    (dt.date(2020, 7, 1), set(), {"8000-339"}, False),  # from the cut-off: the new unit only
    (dt.date(2020, 7, 1), set(), {"8000-359"}, True),
    (dt.date(2020, 7, 1), {"8000-339"}, {"8000-339"}, True),  # unless the old unit is already achieved
    (None, set(), {"8000-339"}, False),  # a new learner registers after every cut-off
])
def test_replacement_semantics(catalogue, registered, achieved, pathway, holds) -> None:
    q = catalogue.qualification(CERT)
    ctx = catalogue.context(q, registered=registered, achieved=frozenset(achieved))
    rule = next(r for r in q.rules if isinstance(r, ReplacementRule) and r.old == "8000-339")
    assert rule.evaluate(frozenset(pathway), ctx).holds is holds


# The published figures, as printed in the seed specifications.
FIGURES = {
    AWARD: dict(credits=(3, 12), glh=6, average_glh=13.5, tqt=30, induction_hours=1, tutorial_hours=2,
                duration=None),
    CERT: dict(credits=(13, 36), glh=28, average_glh=42.5, tqt=130, induction_hours=1, tutorial_hours=2,
               duration=None),
    L3: dict(credits=(14, 14), glh=None, average_glh=None, tqt=None, induction_hours=2, tutorial_hours=4,
             duration="3 years"),
}


@pytest.mark.parametrize("accreditation", [L3, AWARD, CERT])
def test_published_figures(catalogue, accreditation: str) -> None:
    f = catalogue.qualification(accreditation).figures
    got = dict(credits=(f.credits.min, f.credits.max), glh=f.glh, average_glh=f.average_glh, tqt=f.tqt,
               induction_hours=f.induction_hours, tutorial_hours=f.tutorial_hours, duration=f.duration)
    assert got == FIGURES[accreditation]
    assert f.operational_start == dt.date(2012, 9, 1)


@pytest.mark.parametrize("accreditation", [L3, AWARD, CERT])
def test_published_figures_agree_with_the_seed_text(accreditation: str) -> None:
    """The expected figures above are themselves read off the seed text, not typed from memory."""
    printed = seed_details(SEED_OF[accreditation])[accreditation]
    want = FIGURES[accreditation]
    low, high = want["credits"]
    assert numbers(printed["Credit Value"]) == ([low] if low == high else [low, high])
    assert numbers(printed["Induction"]) == [want["induction_hours"]]
    assert numbers(printed["Tutorial Support"]) == [want["tutorial_hours"]]
    assert numbers(printed["Guided Learning Hours (GLH)"]) == ([want["glh"]] if want["glh"] is not None else [])
    assert numbers(printed.get("Average Guided Learning Hours", "")) == (
        [want["average_glh"]] if want["average_glh"] is not None else [])
    assert numbers(printed.get("Total Qualification Time (TQT)", "")) == ([want["tqt"]] if want["tqt"] else [])
    assert printed["Planned Operational Start Date"] == "01/09/2012"
    if want["duration"]:
        assert printed["Duration"].endswith(want["duration"])


def test_qualification_identity(catalogue) -> None:
    got = {q.accreditation: (q.title, q.level, q.awarding_body) for q in catalogue.qualifications}
    assert got == {
        L3: ("Level 3 Certificate in Leadership", 3, "ILM"),
        AWARD: ("Level 2 Award in Leadership and Team Skills", 2, "ILM"),
        CERT: ("Level 2 Certificate in Leadership and Team Skills", 2, "ILM"),
    }
    for accreditation in got:
        assert accreditation in (SEEDS / SEED_OF[accreditation]).read_text(encoding="utf-8")


def test_every_unit_has_a_tag(catalogue) -> None:
    untagged = [code for code, unit in catalogue.units.items() if not unit.tags]
    assert untagged == []


def test_seed_parser_reads_footnoted_rows() -> None:
    """The rows with a `^` marker and a stray space ("3 ") are read too, as their clean values."""
    rows = unit_rows("8000-340 ^\nUndertaking Coaching in the Workplace\n3 \n4\n6\n")
    assert rows == [("8000-340", "Undertaking Coaching in the Workplace", 3, 4, 6)]
