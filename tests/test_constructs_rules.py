"""The rule kinds of real specifications' constructs (TQT sums, when-used minimums, registration windows), each
written as inline YAML beside the verdict and sentence it must give, and posted to CP-SAT alike."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from solver.engine.counting import count_pathways
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.recommendation import recommend

UNITS = textwrap.dedent("""
    units:
      - {code: A1, title: Alpha, level: 2, credits: 2, glh: 6, tqt: 20}
      - {code: A2, title: Beta, level: 3, credits: 3, glh: 9, tqt: 30}
      - {code: B1, title: Delta, level: 4, credits: 5, glh: 20, tqt: 60}
      - {code: B2, title: Epsilon, level: 2, credits: 1, glh: 2, tqt: null}
    qualifications:
      - id: q
        accreditation: Q/1
        title: Test
        level: 3
        awarding_body: Test
        groups:
          - {id: A, name: Group A, units: [A1, A2]}
          - {id: B, name: Group B, units: [B1, B2]}
        rules:
""")
REGISTERED = Learner(registered=dt.date(2021, 1, 1))

CASES = [
    ("- {id: r, kind: sum, sum: tqt, where: {groups: [A]}, min: 40}", ["A1"], False,
     "At least 40 TQT from Group A; these units have 20", "add at least 20 TQT from Group A"),
    ("- {id: r, kind: sum, sum: tqt, max: 100}", ["A1", "B1"], True, "At most 100 TQT in total; these units have 80",
     None),
    ("- {id: r, kind: when-used, where: {groups: [B]}, min: 6}", ["A1", "A2"], True,
     "If any unit from Group B is claimed: at least 6 credits from Group B; no such unit is claimed, so the bound "
     "does not apply", None),
    ("- {id: r, kind: when-used, where: {groups: [B]}, min: 6}", ["A1", "B1"], False,
     "If any unit from Group B is claimed: at least 6 credits from Group B; these units have 5",
     "add at least 1 credit from Group B"),
    ("- {id: r, kind: when-used, where: {groups: [B]}, min: 6}", ["B1", "B2"], True,
     "If any unit from Group B is claimed: at least 6 credits from Group B; these units have 6", None),
    ("- {id: r, kind: window, registrations_close: 2020-12-31}", ["A1"], False,
     "Registrations closed on 2020-12-31: a learner registered on 2021-01-01 cannot start", None),
    ("- {id: r, kind: window, registrations_close: 2021-01-01, certification_end: 2022-07-31}", ["A1"], True,
     "Registrations close on 2021-01-01; certification ends on 2022-07-31", None),
]


def catalogue(tmp_path, rule: str):
    path = tmp_path / "c.yaml"
    path.write_text(UNITS + "          " + rule + "\n")
    return load_catalogue(path)


@pytest.mark.parametrize(("rule", "units", "valid", "sentence", "fix"), CASES)
def test_rule_evaluates_and_describes_itself(tmp_path, rule, units, valid, sentence, fix):
    result = check(catalogue(tmp_path, rule), "Q/1", units, REGISTERED)
    (verdict,) = result.verdicts
    assert (verdict.holds, verdict.sentence, verdict.fix) == (valid, sentence, fix)
    assert result.valid is valid


def test_a_tqt_sum_over_a_unit_of_unknown_tqt_is_undetermined_not_guessed(tmp_path):
    result = check(catalogue(tmp_path, "- {id: r, kind: sum, sum: tqt, where: {groups: [B]}, min: 70}"), "Q/1",
                   ["B1", "B2"], REGISTERED)
    assert result.verdict == "undetermined" and result.verdicts[0].unknown == ("B2",)


def test_when_used_counts_and_recommends_over_unit_sets(tmp_path):
    """Group B unused, or B of 6+ credits (both B units): of the 16 unit sets, the 4 without B and the 4 with
    both B units; the fewest hours: the empty set."""
    cat = catalogue(tmp_path, "- {id: r, kind: when-used, where: {groups: [B]}, min: 6}")
    assert count_pathways(cat, "q", REGISTERED).count == 8
    with_b = recommend(cat, "q", Learner(registered=dt.date(2021, 1, 1), include=("B2",)))
    assert sorted(with_b.codes) == ["B1", "B2"]


def test_a_window_closes_every_query_after_its_date(tmp_path):
    cat = catalogue(tmp_path, "- {id: r, kind: window, registrations_close: 2020-12-31}")
    assert count_pathways(cat, "q", REGISTERED).count == 0
    assert count_pathways(cat, "q", Learner(registered=dt.date(2020, 12, 31))).count == 16
    late = recommend(cat, "q", REGISTERED)
    assert late.status == "INFEASIBLE"
    assert "registrations close on 2020-12-31" in " ".join(r.sentence for r in late.explanation.relaxations)
