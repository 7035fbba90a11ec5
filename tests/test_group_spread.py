"""Units from at least k distinct groups: a rule kind with its own variables (one "group unused" per group)."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.engine.counting import count_pathways
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.enumeration import enumerate_pathways
from solver.queries.recommendation import recommend
from solver.request.formulation import formulate

SPEC = """\
units:
  - {code: A1, title: Alpha one, level: 3, credits: 1, glh: 10}
  - {code: A2, title: Alpha two, level: 3, credits: 1, glh: 10}
  - {code: B1, title: Beta one, level: 3, credits: 1, glh: 20}
  - {code: B2, title: Beta two, level: 3, credits: 1, glh: 20}
  - {code: C1, title: Gamma one, level: 3, credits: 1, glh: 30}
qualifications:
  - id: spread
    accreditation: 000/0000/1
    title: Spread test
    level: 3
    awarding_body: Test
    groups:
      - {id: A, name: Group A, units: [A1, A2]}
      - {id: B, name: Group B, units: [B1, B2]}
      - {id: C, name: Group C, units: [C1]}
    rules:
      - {id: total, kind: sum, sum: units, min: 3}
      - {id: spread, kind: groups, groups: [A, B, C], min: 2}
"""


def catalogue(tmp_path: Path, text: str = SPEC):
    (tmp_path / "spec.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(tmp_path)


def test_check_counts_distinct_groups(tmp_path):
    cat = catalogue(tmp_path)
    assert check(cat, "spread", ["A1", "A2", "B1"]).valid
    one_group = check(cat, "spread", ["A1", "A2"])
    verdict = next(v for v in one_group.verdicts if v.id == "spread")
    assert not verdict.holds and verdict.actual == "1"
    assert verdict.fix == "add a unit from 1 more of Group B or Group C"


def test_describes_itself(tmp_path):
    cat = catalogue(tmp_path)
    f = formulate(cat, cat.qualification("spread"))
    assert f.rules[1].describe(f.context) == "Units from at least 2 of Group A, Group B and Group C"


def test_recommend_spreads_over_two_groups(tmp_path):
    # Cheapest three units are A1, A2 (10 each) and then a 20-GLH Beta unit: 40 GLH, two groups.
    rec = recommend(catalogue(tmp_path), "spread")
    assert rec.status == "OPTIMAL" and rec.pathway is not None
    assert rec.pathway.glh == 40 and {u.code for u in rec.pathway.units} in ({"A1", "A2", "B1"}, {"A1", "A2", "B2"})
    # Without the Beta units the only second group is C: A1, A2, C1.
    rec = recommend(catalogue(tmp_path), "spread", Learner(exclude=("B1", "B2")))
    assert {u.code for u in rec.pathway.units} == {"A1", "A2", "C1"}


def test_count_and_enumerate_are_over_unit_sets(tmp_path):
    # Every 3-, 4- or 5-unit set spans two groups (no group has 3 units): C(5,3) + C(5,4) + 1 = 16.
    cat = catalogue(tmp_path)
    result = count_pathways(cat, "spread")
    assert result.count == 16 and result.by_glh[40] == 2
    listed = [p.units for p in enumerate_pathways(cat, "spread")]
    assert len(listed) == 16 and all(not any(":" in u for u in units) for units in listed)


def test_impossible_spread_is_explained(tmp_path):
    rec = recommend(catalogue(tmp_path), "spread", Learner(exclude=("B1", "B2", "C1")))
    assert rec.status == "INFEASIBLE" and rec.explanation is not None
    assert "rule:spread" in [r.id for r in rec.explanation.conflict]


def test_never_holding_spread_is_a_located_problem(tmp_path):
    import pytest

    from solver.errors import CatalogueError

    bad = SPEC.replace("groups: [A, B, C], min: 2", "groups: [A, B, C], min: 4")
    with pytest.raises(CatalogueError, match="min 4 groups but it names only 3"):
        catalogue(tmp_path, bad)


@st.composite
def spreads(draw):
    sizes = draw(st.lists(st.integers(0, 3), min_size=2, max_size=4))
    units, groups = [], []
    for g, n in enumerate(sizes):
        codes = [f"U{g}{i}" for i in range(n)]
        groups.append((f"G{g}", codes))
        units += [(c, draw(st.integers(1, 3)), draw(st.integers(1, 9)) * 5) for c in codes]
    k_min = draw(st.integers(1, len(sizes)))
    k_max = draw(st.one_of(st.none(), st.integers(k_min, len(sizes))))
    total = draw(st.integers(0, 6))
    return units, groups, k_min, k_max, total


def spread_yaml(units, groups, k_min, k_max, total) -> str:
    lines = ["units:"]
    lines += [f"  - {{code: {c}, title: Unit {c}, level: 3, credits: {cr}, glh: {glh}}}" for c, cr, glh in units]
    lines += ["qualifications:", "  - id: q", "    accreditation: 000/0000/2", "    title: Random spread",
              "    level: 3", "    awarding_body: Test", "    groups:"]
    lines += [f"      - {{id: {g}, name: {g}, units: [{', '.join(codes)}]}}" for g, codes in groups]
    top = "" if k_max is None else f", max: {k_max}"
    lines += ["    rules:", f"      - {{id: total, kind: sum, min: {total}}}",
              f"      - {{id: spread, kind: groups, groups: [{', '.join(g for g, _ in groups)}], min: {k_min}{top}}}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None)
@given(spreads())
def test_solver_counter_and_evaluator_agree_with_brute_force(tmp_path_factory, drawn):
    units, groups, k_min, k_max, total = drawn
    if not units:
        return
    total = min(total, sum(cr for _, cr, _ in units))  # a minimum that can never hold is refused at load
    tmp = tmp_path_factory.mktemp("spread")
    cat = catalogue(tmp, spread_yaml(units, groups, k_min, k_max, total))
    credits = {c: cr for c, cr, _ in units}
    glh = {c: h for c, _, h in units}
    valid = []
    for r in range(len(units) + 1):
        for chosen in itertools.combinations([c for c, _, _ in units], r):
            used = sum(1 for _, codes in groups if set(codes) & set(chosen))
            ok = sum(credits[c] for c in chosen) >= total and used >= k_min and (k_max is None or used <= k_max)
            valid.append(chosen) if ok else None
            assert check(cat, "q", list(chosen)).valid == ok, chosen  # the plain-Python evaluator
    assert count_pathways(cat, "q").count == len(valid)  # the exact counter
    rec = recommend(cat, "q")  # the solver
    if not valid:
        assert rec.status == "INFEASIBLE"
    else:
        assert rec.status == "OPTIMAL" and rec.pathway.glh == min(sum(glh[c] for c in v) for v in valid)
