"""Each rule kind, written as inline YAML beside the answer it must give."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check

UNITS = textwrap.dedent("""
    units:
      - {code: A1, title: Alpha, level: 2, credits: 2, glh: 6, tags: [coaching]}
      - {code: A2, title: Beta, level: 3, credits: 3, glh: 9}
      - {code: A3, title: Gamma, level: 4, credits: 4, glh: 12}
      - {code: B1, title: Delta, level: 4, credits: 5, glh: 20}
      - {code: B2, title: Epsilon, level: 2, credits: 1, glh: 2}
    qualifications:
      - id: q
        accreditation: Q/1
        title: Test
        level: 3
        awarding_body: Test
        groups:
          - {id: A, name: Group A, units: [A1, A2, A3]}
          - {id: B, name: Group B, units: [B1, B2]}
        rules:
""")

CASES = [
    ("- {id: r, kind: sum, sum: credits, min: 7, max: 9}", ["A1", "A2"], False,
     "At least 7 and at most 9 credits in total; these units have 5", "add at least 2 credits in total"),
    ("- {id: r, kind: sum, sum: credits, where: {min_level: 4}, min: 9}", ["A3", "B2"], False,
     "At least 9 credits at level 4 or above; these units have 4", "add at least 5 credits at level 4 or above"),
    ("- {id: r, kind: sum, sum: credits, where: {groups: [A, B]}, min: 5, max: 6}", ["A3", "B1"], False,
     "At least 5 and at most 6 credits from Group A and Group B together; these units have 9",
     "remove at least 3 credits from Group A and Group B together"),
    ("- {id: r, kind: sum, sum: units, where: {groups: [A]}, min: 2}", ["A1", "A2"], True,
     "At least 2 units from Group A; these units have 2", None),
    ("- {id: r, kind: sum, sum: glh, where: {tags: [coaching]}, max: 5}", ["A1"], False,
     "At most 5 GLH from units tagged coaching; these units have 6",
     "remove at least 1 GLH from units tagged coaching"),
    ("- {id: r, kind: mandatory, groups: [B]}", ["B1"], False,
     "Mandatory: all units of Group B (2 units); missing B2", "add B2"),
    ("- {id: r, kind: barred, units: [A1, B2]}", ["A1", "B2"], False,
     "At most one of A1 and B2 may be claimed; these units have A1 and B2", "remove B2"),
    ("- {id: r, kind: replacement, old: A2, new: A3, from: 2020-07-01}", ["A2"], False,
     "A2 is not claimable for learners registered from 2020-07-01: use A3",
     "A2 is not claimable for learners registered from 2020-07-01: use A3"),
]


@pytest.mark.parametrize("rule, units, valid, sentence, fix", CASES)
def test_rule_evaluates_and_describes_itself(tmp_path, rule, units, valid, sentence, fix):
    path = tmp_path / "c.yaml"
    path.write_text(UNITS + "          " + rule + "\n")
    result = check(load_catalogue(path), "Q/1", units, Learner(registered=dt.date(2021, 1, 1)))
    (verdict,) = result.verdicts
    assert (verdict.holds, verdict.sentence, verdict.fix) == (valid, sentence, fix)
    assert result.valid is valid


def test_replacement_allows_old_unit_before_cutoff_or_when_achieved(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(UNITS + "          - {id: r, kind: replacement, old: A2, new: A3, from: 2020-07-01}\n")
    cat = load_catalogue(path)
    assert check(cat, "q", ["A2"], Learner(registered=dt.date(2020, 6, 30))).valid
    assert check(cat, "q", ["A2"], Learner(registered=dt.date(2021, 1, 1), achieved=("A2",))).valid
    both = check(cat, "q", ["A2", "A3"], Learner(registered=dt.date(2019, 1, 1)))
    assert not both.valid and both.fixes == ["remove A2 or A3"]


def test_unknown_unit_in_check_is_reported_not_raised(catalogue):
    result = check(catalogue, "600/5928/X", ["8000-280", "8603-300", "9999-999"])
    assert [v.sentence for v in result.verdicts if not v.holds] == [
        "8603-300 is not a unit of 600/5928/X",
        "9999-999 is not a unit of 600/5928/X (nor of any qualification in the catalogue)",
    ]


@pytest.mark.parametrize("rule, message", [
    ("- {id: r, kind: replacement, old: A2, new: A3, from: 0}",
     "qualifications[0].rules[0].from: expected a date (YYYY-MM-DD), got a whole number 0"),
    ("- {id: r, kind: mandatory, units: ['A1 ^']}",
     "qualifications[0].rules[0].units[0]: expected a code of letters, digits and - / . _ (single spaces inside, "
     "no footnote marks), got text 'A1 ^'"),
])
def test_rule_fields_are_strict(tmp_path, rule, message):
    from solver.errors import CatalogueError

    path = tmp_path / "c.yaml"
    path.write_text(UNITS + "          " + rule + "\n")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert [p.path + ": " + p.message for p in err.value.problems] == [message]


def test_equivalence_from_an_undefined_unit_is_a_located_error(tmp_path):
    from solver.errors import CatalogueError

    path = tmp_path / "c.yaml"
    path.write_text(UNITS + "          - {id: r, kind: equivalence, unit: Z9, counts_as: A1}\n")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert [p.path + ": " + p.message for p in err.value.problems] == [
        "qualifications[0].rules[0].unit: unit 'Z9' is not defined in the catalogue"]
