"""Rules of combination as publishers write them, read by the phrase grammar into clauses and then into rules.

Every sentence here is our own, written in the shape of a real publisher's wording (ProQual NVQ overviews, LRN
specifications, an OTHM structure page, Australian training-package flyers); the expected answers are read by hand.
"""

from __future__ import annotations

import pytest
import yaml

import solver
from solver.importing import combination
from solver.importing.figures import Fact
from solver.importing.phrases import Clause, parse_sentence
from solver.model.catalogue import load_catalogue

SUM, MANDATORY, OPTIONAL = "sum", ("MANDATORY",), ("OPTIONAL",)
EITHER = (("exactly", (("max", 2),)),)  # "from two groups": at least two, or exactly two


@pytest.mark.parametrize(("sentence", "expected"), [
    # ProQual: ALL of the Mandatory units, plus a minimum of N Optional units (numbers as capitals words)
    ("To gain the qualification candidates, complete ALL of the Mandatory units, plus a minimum of THREE "
     "Optional units.", [Clause("mandatory", groups=MANDATORY), Clause(SUM, "units", min=3, groups=OPTIONAL)]),
    ("In order to achieve this qualification, candidates must complete all the Mandatory Units",
     [Clause("mandatory", groups=MANDATORY)]),
    # ProQual: mandatory units of one group plus units from two of the sub-groups of another
    ("To achieve the qualification candidates must complete 5 Mandatory units in Group A plus a minimum of "
     "seven units from two optional groups from Group C.",
     [Clause("mandatory", groups=("A",), count=5), Clause(SUM, "units", min=7, groups=("C",)),
      Clause("groups", "units", min=2, groups=("C",), reading="at-least", alternatives=EITHER)]),
    # LRN: N mandatory units plus M optional units; blocks of units; a credit size
    ("Learners must complete the 3 mandatory units plus 5 optional units.",
     [Clause("mandatory", groups=MANDATORY, count=3), Clause(SUM, "units", min=5, max=5, groups=OPTIONAL)]),
    ("Learners must achieve: All 6 Mandatory Units plus 6 optional units.",
     [Clause("mandatory", groups=MANDATORY, count=6), Clause(SUM, "units", min=6, max=6, groups=OPTIONAL)]),
    ("Candidates must complete 6 optional units i.e. 3 blocks of 2 units",
     [Clause(SUM, "units", min=6, max=6, groups=OPTIONAL), Clause("groups", "units", 3, 3, OPTIONAL, block=2)]),
    ("The Example Level 4 Diploma in Trade and Commerce is a 90 credit qualification.",
     [Clause(SUM, "credits", min=90)]),
    # OTHM: consists of N mandatory units for a combined total of ... (figures beside the rule are not rules)
    ("The Example Level 5 Diploma in Site Safety consists of 6 mandatory units for a combined total of 72 "
     "credits, 720 hours Total Qualification Time (TQT) and 300 Guided Learning Hours (GLH) for the completed "
     "qualification.", [Clause("mandatory", groups=MANDATORY, count=6), Clause(SUM, "credits", min=72)]),
    # Australian training package: a total of N units (C core and E electives)
    ("A total of 22 Units (15 Core and 7 electives) must be completed and deemed competent to achieve the "
     "qualification ABC30120 Certificate III in Joinery.",
     [Clause(SUM, "units", min=22, max=22), Clause("mandatory", groups=("CORE",), count=15),
      Clause(SUM, "units", min=7, max=7, groups=("ELECTIVE",))]),
    # A total followed by a list of group amounts
    ("Learners must achieve a minimum of 15 credits: 4 credits from group A, 8 credits from group B and 3 "
     "credits from group C.",
     [Clause(SUM, "credits", min=15), Clause(SUM, "credits", min=4, groups=("A",)),
      Clause(SUM, "credits", min=8, groups=("B",)), Clause(SUM, "credits", min=3, groups=("C",))]),
    # N credits: M from the Mandatory units, plus K from one of the pathways
    ("To achieve this qualification, learners must complete 150 credits: 70 credits from the Mandatory units, "
     "plus a minimum of 80 credits from one of the pathways.",
     [Clause(SUM, "credits", min=150), Clause(SUM, "credits", min=70, groups=MANDATORY),
      Clause("pathways", "credits", min=80)]),
    ("Learners must take units from at least two of the optional groups.",
     [Clause("groups", "units", min=2, groups=OPTIONAL)]),
    ("All units are mandatory.", [Clause("mandatory", groups=("ALL",))]),
])
def test_publishers_wordings(sentence, expected):
    assert parse_sentence(sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("To be awarded the Level 3 Diploma, learners must achieve a minimum of 50 credits: 20 credits from the "
     "mandatory units in Group A and a minimum of 30 credits from the optional units in Group B.",
     [Clause(SUM, "credits", min=50), Clause(SUM, "credits", min=20, groups=("A",)),
      Clause(SUM, "credits", min=30, groups=("B",))]),
    ("Learners must achieve all units in Group A (mandatory) and at least 6 credits from Group B.",
     [Clause("mandatory", groups=("A",)), Clause(SUM, "credits", min=6, groups=("B",))]),
    ("The minimum credit value required to achieve this qualification is 30.", [Clause(SUM, "credits", min=30)]),
    ("The maximum credit value of the qualification is 40.", [Clause(SUM, "credits", max=40)]),
    ("Candidates must achieve all mandatory units (18 credits) plus 12 credits from optional units.",
     [Clause("mandatory", groups=MANDATORY), Clause(SUM, "credits", min=18, groups=MANDATORY),
      Clause(SUM, "credits", min=12, groups=OPTIONAL)]),
    ("Of these, a minimum of 15 credits must come from Group B.", [Clause(SUM, "credits", min=15, groups=("B",))]),
    # a minimum and a maximum, the place printed once for both
    ("Learners must take a minimum of 2 units and a maximum of 4 units from Group C.",
     [Clause(SUM, "units", min=2, max=4, groups=("C",))]),
    ("Learners must achieve a total of 37 credits, of which 15 credits must come from the mandatory units.",
     [Clause(SUM, "credits", min=37), Clause(SUM, "credits", min=15, groups=MANDATORY)]),
    ("Learners must achieve at least 13 credits, with a minimum of 7 credits from Group A.",
     [Clause(SUM, "credits", min=13), Clause(SUM, "credits", min=7, groups=("A",))]),
    ("No more than 6 credits can be achieved from units at level 2.", [Clause(SUM, "credits", max=6, level=2)]),
    ("To achieve the Award, learners must complete all units in Group A.", [Clause("mandatory", groups=("A",))]),
    ("Learners must achieve a minimum of 60 credits; at least 40 credits must be at level 4 or above.",
     [Clause(SUM, "credits", min=60), Clause(SUM, "credits", min=40, min_level=4)]),
    ("Candidates need to achieve a pass on each of the four units.", [Clause("mandatory", groups=("ALL",), count=4)]),
    ("The Example Level 2 Certificate in Retail is a five-unit qualification.", [Clause(SUM, "units", min=5, max=5)]),
    ("Total number of units = 12", [Clause(SUM, "units", min=12, max=12)]),
    ("9 core units plus 3 elective units", [Clause("mandatory", groups=("CORE",), count=9),
                                            Clause(SUM, "units", min=3, max=3, groups=("ELECTIVE",))]),
    ("The minimum number of credits that must be achieved at level 3 or above is 25.",
     [Clause(SUM, "credits", min=25, min_level=3)]),
    ("A minimum of 40 credits must be achieved through the completion of units at Level 4 or above.",
     [Clause(SUM, "credits", min=40, min_level=4)]),
    ("Learners must complete 6 modules.", [Clause(SUM, "units", min=6, max=6)]),
    # group headings printed with their rule, read as sentences
    ("Optional Units – a minimum of FIVE units must be completed", [Clause(SUM, "units", min=5, groups=OPTIONAL)]),
    ("Mandatory Units (Complete All)", [Clause("mandatory", groups=MANDATORY)]),
    ("Elective Units (Candidates must complete 3 elective units)",
     [Clause(SUM, "units", min=3, max=3, groups=("ELECTIVE",))]),
    ("Group C Optional Units (a minimum of 2 units)", [Clause(SUM, "units", min=2, groups=("C",))]),
    ("Learners must achieve all units in Mandatory Group A plus 2 unit(s) from Optional Group B.",
     [Clause("mandatory", groups=("A",)), Clause(SUM, "units", min=2, max=2, groups=("B",))]),
    ("Group D Optional Units: a minimum of 2 units from two optional groups from Group D.",
     [Clause(SUM, "units", min=2, groups=("D",)),
      Clause("groups", "units", min=2, groups=("D",), reading="at-least", alternatives=EITHER)]),
])
def test_other_wordings(sentence, expected):
    assert parse_sentence(sentence) == expected


@pytest.mark.parametrize(("words", "bounds"), [
    ("at least", (4, None)), ("a minimum of", (4, None)), ("minimum of", (4, None)), ("no fewer than", (4, None)),
    ("not less than", (4, None)), ("at most", (None, 4)), ("a maximum of", (None, 4)), ("no more than", (None, 4)),
    ("up to", (None, 4)), ("exactly", (4, 4)),
])
@pytest.mark.parametrize("number", ["4", "four", "FOUR", "Four"])
def test_bounds_and_numbers_in_any_case(words, bounds, number):
    sentence = f"Learners must take {words.upper() if number == 'FOUR' else words} {number} units from Group B."
    assert parse_sentence(sentence) == [Clause(SUM, "units", *bounds, groups=("B",))]


def test_numbers_past_twenty_and_a_heading_of_its_own_group():
    assert parse_sentence("A minimum of thirty-six credits.") == [Clause(SUM, "credits", min=36)]
    assert parse_sentence("a minimum of THREE units must be completed", scope=("Optional",)) == [
        Clause(SUM, "units", min=3, groups=("Optional",))]
    assert parse_sentence("Candidates must complete 8 optional units i.e. 2 blocks of 4 units", scope=("O",)) == [
        Clause(SUM, "units", 8, 8, OPTIONAL), Clause("groups", "units", 2, 2, OPTIONAL, block=4)]
    assert parse_sentence("2 blocks of 4 units", scope=("O",)) == [Clause("groups", "units", 2, 2, ("O",), block=4)]


def test_a_sentence_read_in_two_ways_that_differ_is_not_read(monkeypatch):
    from lark.visitors import CollapseAmbiguities

    from solver.importing import grammar
    from solver.importing.phrases import normalise

    text = normalise("Learners must gain 14 credits to achieve this qualification.")
    # "gain" belongs to the learners or to the clause: two parses, one meaning, read.
    assert len(CollapseAmbiguities().transform(grammar.parser().parse(text))) > 1
    assert grammar.read(text, ()) == [Clause(SUM, "credits", min=14)]
    # Were the parses to mean different things, the sentence would be left for a person.
    meanings = iter(range(1, 100))
    monkeypatch.setattr(grammar.Reader, "transform", lambda self, tree: [Clause(SUM, "credits", min=next(meanings))])
    assert grammar.read(text, ()) is None


@pytest.mark.parametrize("sentence", [
    # the pathways are named but their units are not: nothing to write but the sentence itself
    "Candidates must complete the three Mandatory units, plus the Mandatory/Optional Units from one of the pathways.",
    "Learners must choose one pathway.",
    "A minimum of 4 units from group A from group B.",  # two places for one amount
    "Participants who achieve competency in any unit will receive a Statement of Attainment.",
    "The qualification has a credit value of 20.",
    "Learners will gain an appreciation of all the systems used at 3 levels of an organisation.",
    "Complete All",  # all of which group? (a heading's words, read without its group)
])
def test_sentences_the_grammar_does_not_read(sentence):
    assert parse_sentence(sentence) is None


# ---- Into rules, against a qualification's groups --------------------------------------------------------------

def group(gid: str, name: str, units: list[str], label: str | None = None) -> dict:
    return {"id": gid, "name": name, "label": label or gid, "units": units, "heading": name, "where": f"at {gid}"}


def read(sentences: list[str], groups: list[dict]) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """(rules, pathways, review items as (kind, text)) as the document side makes them from these sentences."""
    facts = [Fact(s, f"line {i + 1}", s) for i, s in enumerate(sentences)]
    found = combination.readings(combination.sentence_clauses(facts, groups), groups)
    found, named = combination.pathways(combination.contradictions(found))
    pathways = [p for p, _ in named]
    rules: list[dict] = []
    for r in found:  # a rule said twice (a sentence and a heading's "(Complete All)") is written once
        rule = {k: v for k, v in (r.rule or {}).items() if k != "note"}
        if rule and rule not in rules:
            rules.append(rule)
    return rules, pathways, [(r.kind, r.text) for r in found if r.rule is None]


PROQUAL = [group("mandatory", "Mandatory Units", ["M1", "M2", "M3"], "Mandatory"),
           group("optional", "Optional Units", ["O1", "O2", "O3", "O4"], "Optional")]


def test_all_mandatory_plus_a_minimum_of_optional_units():
    rules, _, review = read(["To achieve the qualification candidates, complete ALL of the Mandatory units, plus "
                             "a minimum of TWO Optional units."], PROQUAL)
    assert rules == [{"kind": "mandatory", "groups": ["mandatory"]},
                     {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 2}]
    assert review == []


def test_a_heading_and_a_sentence_that_disagree_are_one_rule_with_both_readings(tmp_path):
    groups = [dict(PROQUAL[0], heading="Mandatory Units (Complete All)"),
              dict(PROQUAL[1], heading="Optional Units (one unit must be completed)")]
    sentence = "Candidates must complete all of the Mandatory units, plus a minimum of TWO Optional units."
    rules, _, review = read([sentence], groups)
    assert rules == [{"kind": "mandatory", "groups": ["mandatory"]},
                     {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 2,
                      "reading": "at-least-2", "readings": {"exactly-1": {"min": 1, "max": 1}}}]
    assert review == [("contradiction", sentence), ("contradiction", "Optional Units (one unit must be completed)")]
    # Neither reading is taken as fact: the rule loads, and each reading gives its own qualification.
    q = load_draft(tmp_path, groups, rules)
    optional = next(r for r in q.rules if r.kind == "sum")
    assert (optional.min, optional.max) == (2, None)
    read_once = next(r for r in solver.read_as(q, "exactly-1").rules if r.kind == "sum")
    assert (read_once.min, read_once.max) == (1, 1)


def test_a_heading_and_a_sentence_counting_one_group_differently():
    # Both can hold (three or more is two or more), but each says what the rule is: neither is kept as fact.
    groups = [PROQUAL[0], dict(PROQUAL[1], heading="Optional Units – a minimum of THREE units must be completed")]
    sentence = "Candidates must complete ALL of the Mandatory units, plus a minimum of TWO Optional units."
    rules, _, review = read([sentence], groups)
    assert rules[1] == {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 2,
                        "reading": "at-least-2", "readings": {"at-least-3": {"min": 3}}}
    assert [kind for kind, _ in review] == ["contradiction", "contradiction"]
    # The same count said twice is one rule; two sentences bounding the total from each side are both kept.
    same = [PROQUAL[0], dict(PROQUAL[1], heading="Optional Units – a minimum of TWO units must be completed")]
    assert read([sentence], same)[2] == []
    rules, _, review = read(["Learners must achieve a minimum of 13 credits.", "A maximum of 20 credits may be "
                             "achieved."], PROQUAL)
    assert rules[:2] == [{"kind": "sum", "sum": "credits", "min": 13}, {"kind": "sum", "sum": "credits", "max": 20}]
    assert review == []


def test_units_from_two_of_the_optional_groups_and_blocks(tmp_path):
    groups = [group("A", "Group A Mandatory Units", ["A1", "A2"]), group("B1", "Group B1 Design", ["B11", "B12"]),
              group("B2", "Group B2 Procurement", ["B21", "B22"]), group("B3", "Group B3 Control", ["B31", "B32"])]
    rules, _, review = read(["To achieve the qualification candidates must complete 2 Mandatory units in Group A "
                             "plus a minimum of three units from two optional groups from Group B."], groups)
    assert rules == [{"kind": "mandatory", "groups": ["A"]},
                     {"kind": "sum", "sum": "units", "where": {"groups": ["B1", "B2", "B3"]}, "min": 3},
                     {"kind": "groups", "groups": ["B1", "B2", "B3"], "min": 2, "reading": "at-least",
                      "readings": {"exactly": {"max": 2}}}]
    assert review == []
    load_draft(tmp_path, groups, rules)
    # LRN's "2 blocks of 4 units" over optional groups that hold 4 units each; a group of 3 is a mismatch.
    blocks = [group("core", "Mandatory Units", ["C1"], "Mandatory"), group("law", "Law Units", list("ABCD"), "Law"),
              group("hrm", "HRM Units", list("EFGH"), "HRM"), group("tour", "Tourism Units", list("IJK"), "Tourism")]
    rules, _, review = read(["Candidates must complete 8 optional units i.e. 2 blocks of 4 units."], blocks)
    assert rules == [{"kind": "sum", "sum": "units", "where": {"groups": ["law", "hrm", "tour"]}, "min": 8, "max": 8},
                     {"kind": "groups", "groups": ["law", "hrm", "tour"], "min": 2, "max": 2},
                     {"kind": "mandatory", "groups": ["core"]}]  # its heading names it "Mandatory"
    assert [kind for kind, _ in review] == ["mismatch"]
    # An "Optional Units" group printed around the blocks: the blocks counted are its parts.
    around = [blocks[0], group("optional", "Optional Units", list("ABCDEFGH"), "Optional"), *blocks[1:3]]
    rules, _, review = read(["Candidates must complete 8 optional units i.e. 2 blocks of 4 units."], around)
    assert rules[:2] == [{"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 8, "max": 8},
                         {"kind": "groups", "groups": ["law", "hrm"], "min": 2, "max": 2}]
    assert review == []


def test_a_total_of_units_with_core_and_electives():
    groups = [group("core", "Core Units", [f"C{i}" for i in range(5)], "Core"),
              group("elective", "Elective Units", [f"E{i}" for i in range(6)], "Elective")]
    sentence = "A total of 8 units (5 core and 3 electives) must be completed."
    rules, _, review = read([sentence], groups)
    assert rules == [{"kind": "sum", "sum": "units", "min": 8, "max": 8}, {"kind": "mandatory", "groups": ["core"]},
                     {"kind": "sum", "sum": "units", "where": {"groups": ["elective"]}, "min": 3, "max": 3}]
    assert review == []
    # The table lists 4 core units where the sentence says 5: listed (the core units are still all taken, as
    # the group's name says).
    groups[0]["units"].pop()
    rules, _, review = read([sentence], groups)
    assert review == [("mismatch", sentence)]
    rules, _, review = read([sentence], [dict(groups[0], name="Group 1", label="1", heading="Group 1"), groups[1]])
    assert {"kind": "mandatory", "groups": ["core"]} not in rules  # no group is "core": its part is listed
    assert review == [("unparsed-rule", sentence)]


def test_credits_from_one_of_the_pathways(tmp_path):
    groups = [group("M", "Mandatory units", ["M1", "M2"]), group("P1", "Pathway 1: Dementia care", ["D1", "D2", "D3"]),
              group("P2", "Pathway 2: End of life care", ["E1", "E2", "E3"])]  # 4 credits a unit
    sentence = ("Learners must complete 20 credits: 8 credits from the Mandatory units, plus a minimum of 12 "
                "credits from one of the pathways.")
    rules, pathways, review = read([sentence], groups)
    assert rules == [{"kind": "sum", "sum": "credits", "min": 20},
                     {"kind": "sum", "sum": "credits", "where": {"groups": ["M"]}, "min": 8},
                     {"kind": "mandatory", "groups": ["M"]}]  # its heading names it "Mandatory"
    assert [(p["id"], p["title"], p["rules"]) for p in pathways] == [
        ("P1", "Pathway 1: Dementia care", [{"id": "P1-credits", "kind": "sum", "sum": "credits",
                                             "where": {"groups": ["P1"]}, "min": 12}]),
        ("P2", "Pathway 2: End of life care", [{"id": "P2-credits", "kind": "sum", "sum": "credits",
                                               "where": {"groups": ["P2"]}, "min": 12}])]
    assert review == []
    q = load_draft(tmp_path, groups, rules, pathways)
    assert [p.id for p in q.pathways] == ["P1", "P2"]
    facts = [Fact(sentence, "line 7", sentence)]  # each pathway is placed at its group's table and the sentence
    _, named = combination.pathways(combination.readings(combination.sentence_clauses(facts, groups), groups))
    assert [source for _, source in named] == ["at P1; line 7", "at P2; line 7"]
    # Without pathway groups in the table, the sentence is listed, not half-read.
    rules, pathways, review = read(["Learners must complete 20 credits: 8 credits from the Mandatory units, plus a "
                                    "minimum of 12 credits from one of the pathways."], groups[:1])
    assert pathways == [] and [kind for kind, _ in review] == ["unparsed-rule"]


def test_all_units_mandatory_said_or_assumed():
    table = [group("G1", "Units", ["U1", "U2", "U3"], "1")]
    assert read(["All units are mandatory."], table) == ([{"kind": "mandatory", "groups": ["G1"]}], [], [])
    assert read(["Candidates need to achieve a pass on each of the three units."], table)[0] == [
        {"kind": "mandatory", "groups": ["G1"]}]
    assert read(["The Example Certificate in Office Skills is a three-unit qualification."], table)[0] == [
        {"kind": "sum", "sum": "units", "min": 3, "max": 3}]
    # OTHM: "consists of 3 mandatory units" over the one table the page prints, checked against its length.
    rules, _, review = read(["The Example Diploma consists of 3 mandatory units for a combined total of 30 "
                             "credits."], table)
    assert rules == [{"kind": "mandatory", "groups": ["G1"]}, {"kind": "sum", "sum": "credits", "min": 30}]
    assert review == []
    # No sentence at all, and no group is optional: every unit is mandatory, and the draft says it assumed so.
    assert read([], table) == ([{"kind": "mandatory", "groups": ["G1"]}], [],
                               [("assumption", "Units")])
    # An optional group, or a sentence it cannot read, and nothing is assumed.
    assert read([], table + [group("O", "Optional Units", ["X"], "Optional")])[0] == []
    assert read(["Learners choose their units with their tutor."], table) == (
        [], [], [("unparsed-rule", "Learners choose their units with their tutor.")])


def test_a_sentence_not_read_says_where_the_grammar_stopped():
    facts = [Fact(s, "line 1", s) for s in ("Candidates must complete the three Mandatory units, plus the "
                                            "Mandatory/Optional Units from one of the pathways.",
                                            "Refer to the overview of units table.")]
    found = combination.readings(combination.sentence_clauses(facts, PROQUAL), PROQUAL)
    assert [(r.kind, r.problem) for r in found if r.rule is None] == [
        ("unparsed-rule", "rule not read (not understood from 'from one of the pathways'); kept verbatim"),
        ("unparsed-rule", "rule not read (no number, 'all' or pair of unit codes in it); kept verbatim")]


def test_every_sentence_becomes_a_rule_or_a_review_item():
    sentences = ["Learners must complete the 3 mandatory units plus 1 optional units.",
                 "Candidates must complete the Mandatory/Optional unit requirements in one of the Pathways.",
                 "Units M1 and O1 are barred combinations."]
    rules, _, review = read(sentences, PROQUAL)
    assert rules == [{"kind": "mandatory", "groups": ["mandatory"]},
                     {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 1, "max": 1},
                     {"kind": "barred", "units": ["M1", "O1"]}]
    assert review == [("unparsed-rule", sentences[1])]


def test_rule_ids_for_every_kind():
    assert [combination.rule_id(r) for r in (
        {"kind": "groups", "groups": ["B1", "B2"], "min": 2}, {"kind": "mandatory", "groups": ["M"]},
        {"kind": "sum", "sum": "units", "where": {"groups": ["O"]}, "min": 2}, {"kind": "sum", "sum": "credits"},
        {"kind": "barred", "units": ["A/1", "B/2"]})] == [
        "groups-b1-b2", "mandatory-m", "units-o", "credits-total", "barred-a-1-b-2"]


def load_draft(tmp_path, groups: list[dict], rules: list[dict], pathways: list[dict] | None = None):
    """The qualification as a catalogue file would hold it, loaded (and so validated) by the model."""
    units = [{"code": c, "title": c, "level": 3, "credits": 4, "glh": 10} for g in groups for c in g["units"]]
    q = {"id": "q", "accreditation": "600/0000/0", "title": "Q", "level": 3, "awarding_body": "X",
         "groups": [{k: g[k] for k in ("id", "name", "units")} for g in groups],
         "rules": [{"id": f"{combination.rule_id(r)}-{i}"} | r for i, r in enumerate(rules)]}
    if pathways:
        q["pathways"] = pathways
    (tmp_path / "q.yaml").write_text(yaml.safe_dump({"units": units, "qualifications": [q]}), encoding="utf-8")
    return load_catalogue(tmp_path).qualification("600/0000/0")
