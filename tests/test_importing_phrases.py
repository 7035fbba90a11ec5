"""The phrase grammar for rules-of-combination sentences: each sentence beside its hand-read clauses."""

from __future__ import annotations

import pytest

from solver.importing.figures import parse_date, parse_figure
from solver.importing.phrases import Clause, parse_sentence

SUM = "sum"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Learners must gain 14 credits to achieve this qualification.", [Clause(SUM, "credits", min=14)]),
    ("They must achieve all 3 units from group 1 (300, 301 and 302).",
     [Clause("mandatory", groups=("1",), count=3, codes=("300", "301", "302"))]),
    ("Learners are required to attain a minimum of 3 credits and a maximum of 12 credits.",
     [Clause(SUM, "credits", min=3, max=12)]),
    ("All units must be taken from Group 1", [Clause("only_from", groups=("1",))]),
    ("Learners are required to attain a minimum of 13 credits from a choice of units from Groups 1 and 2 in "
     "order to achieve this qualification.", [Clause(SUM, "credits", min=13, groups=("1", "2"))]),
    ("A maximum of 6 credits is allowed from Group 2.", [Clause(SUM, "credits", max=6, groups=("2",))]),
    ("Learners must achieve at least 21 credits at level 4 or above.", [Clause(SUM, "credits", min=21, min_level=4)]),
    ("Learners must complete all units in the Mandatory group plus a minimum of TWO optional units.",
     [Clause("mandatory", groups=("MANDATORY",)), Clause(SUM, "units", min=2, groups=("OPTIONAL",))]),
    ("A minimum of twenty-one credits from groups A, B and C.",
     [Clause(SUM, "credits", min=21, groups=("A", "B", "C"))]),
    ("A minimum of 13 credits from group 1 and a maximum of 6 credits from group 2.",
     [Clause(SUM, "credits", min=13, groups=("1",)), Clause(SUM, "credits", max=6, groups=("2",))]),
    ("No more than 8 credits may be taken at level 2.", [Clause(SUM, "credits", max=8, level=2)]),
    ("A maximum of 9 credits can be taken from Group B.", [Clause(SUM, "credits", max=9, groups=("B",))]),
    ("Units B2 and B3 are barred combinations.", [Clause("barred", codes=("b2", "b3"))]),
    ("Learners must not take both 8000-339 and 8000-359.", [Clause("barred", codes=("8000-339", "8000-359"))]),
    ("Units 339 and 359 cannot be taken together.", [Clause("barred", codes=("339", "359"))]),
])
def test_sentences_the_grammar_reads(sentence, expected):
    assert parse_sentence(sentence) == expected


def test_a_heading_speaks_of_its_own_group():
    # "Optional Units (one unit must be completed)": a bare number of units is exactly that many.
    assert parse_sentence("one unit must be completed", scope=("Optional",)) == [
        Clause(SUM, "units", min=1, max=1, groups=("Optional",))]
    assert parse_sentence("Complete All", scope=("Mandatory",)) == [Clause("mandatory", groups=("Mandatory",))]


@pytest.mark.parametrize("sentence", [
    "Learners must choose one pathway.",
    "Refer to the overview of units table.",
    "A minimum of 13 credits unless the centre agrees otherwise.",
    "Learners must not take 8000-339 unless they have 8000-359.",
    "Learners may take up to 2 units of their choice.",
    "All 3 units.",  # all of which group?
])
def test_sentences_it_does_not_pretend_to_read(sentence):
    assert parse_sentence(sentence) is None


@pytest.mark.parametrize(("figure", "text", "expected"), [
    ("credits", "14 credits", ({"min": 14, "max": 14}, None)),
    ("credits", "Minimum 13 and maximum 36 credits", ({"min": 13, "max": 36}, None)),
    ("credits", "21-30", ({"min": 21, "max": 30}, None)),
    ("induction_hours", "At least 1 hour", (1, None)),
    ("average_glh", "42.5", (42.5, None)),
    ("duration", "To be completed in 3 years", ("3 years", None)),
    ("glh", "depends on the units chosen", (None, "no figure published")),
    ("tqt", "120 or 130", (None, "several figures given, expected one")),
])
def test_figures(figure, text, expected):
    assert parse_figure(figure, text) == expected


def test_dates_are_read_day_first():
    assert [parse_date(t).isoformat() for t in ("01/09/2012", "1 July 2020", "2nd March 2021", "2019-09-01")] == [
        "2012-09-01", "2020-07-01", "2021-03-02", "2019-09-01"]
    assert parse_date("31/02/2020") is None and parse_date("soon") is None


def test_group_headings_and_awarding_bodies():
    from solver.importing.document import Line
    from solver.importing.figures import awarding_body
    from solver.importing.tables import group_of

    assert group_of(Line("Optional Group B", "")) == ("Optional Group B", "B", "")
    assert group_of(Line("Mandatory Units (Complete All)", "")) == ("Mandatory Units", "Mandatory", " (Complete All)")
    assert group_of(Line("Group 2 units are all at level 3.", "")) is None  # a sentence, not a heading
    lines = (Line("Centres offering NVQ qualifications", "line 1"), Line("see the ILM website", "line 2"))
    assert awarding_body(lines) == awarding_body(lines[1:])
    assert awarding_body(lines[1:]).value == "ILM"
    assert awarding_body(lines[:1]) is None
