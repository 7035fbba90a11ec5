"""Credit from elsewhere: an import slot takes a bounded amount from the catalogue's other qualifications."""

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

# Own units: three of 4 credits. Elsewhere: X1 (level 3, 4 credits, the cheapest), X2 (level 2: not taken),
# X3 (level 3 but 8 credits: more than the slot's 4). By hand, the valid unit sets (at least 12 credits, at most
# 4 of them imported) are A1 A2 A3, A1 A2 A3 X1, and any two of A1 A2 A3 with X1: five.
SPEC = """\
units:
  - {code: A1, title: Own one, level: 3, credits: 4, glh: 30}
  - {code: A2, title: Own two, level: 3, credits: 4, glh: 40}
  - {code: A3, title: Own three, level: 3, credits: 4, glh: 50}
  - {code: X1, title: Elsewhere one, level: 3, credits: 4, glh: 10}
  - {code: X2, title: Elsewhere two, level: 2, credits: 4, glh: 5}
  - {code: X3, title: Elsewhere three, level: 3, credits: 8, glh: 20}
qualifications:
  - id: core
    accreditation: 000/0000/1
    title: Core award
    level: 3
    awarding_body: Test
    groups:
      - {id: A, name: Group A, units: [A1, A2, A3]}
    rules:
      - {id: total, kind: sum, min: 12}
      - id: elsewhere
        kind: import
        sum: credits
        max: 4
        where: {min_level: 3}
        note: Up to 4 credits may come from other qualifications at level 3 or above.
  - id: other
    accreditation: 000/0000/2
    title: Other award
    level: 3
    awarding_body: Test
    groups:
      - {id: X, name: Group X, units: [X1, X2, X3]}
    rules:
      - {kind: sum, min: 4}
"""


def catalogue(tmp_path: Path, text: str = SPEC):
    (tmp_path / "spec.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_catalogue(tmp_path)


def test_candidates_are_the_other_units_the_slot_selects(tmp_path):
    cat = catalogue(tmp_path)
    assert cat.imports(cat.qualification("core")) == {"elsewhere": ("X1", "X3")}
    f = formulate(cat, cat.qualification("core"))
    assert f.rules[1].describe(f.context) == ("At most 4 credits from other qualifications (at level 3 or above) "
                                              "(import slot)")


def test_check_fills_the_slot_with_a_real_unit(tmp_path):
    cat = catalogue(tmp_path)
    assert check(cat, "core", ["A1", "A2", "X1"]).valid
    too_much = check(cat, "core", ["A1", "X3"])
    slot = next(v for v in too_much.verdicts if v.id == "elsewhere")
    assert not slot.holds and slot.actual == "8"
    assert slot.fix == "remove at least 4 credits from other qualifications (at level 3 or above)"
    below_level = check(cat, "core", ["A1", "A2", "X2"])
    assert not below_level.valid
    assert "X2 is not a unit of 000/0000/1 and no import slot of it takes it" in [v.sentence for v in
                                                                                  below_level.verdicts]


def test_count_and_enumerate_count_the_slot_as_declared(tmp_path):
    cat = catalogue(tmp_path)
    counted = count_pathways(cat, "core")
    assert counted.count == 5
    assert "counted over 2 units of other qualifications that import slots may take as well: 4 of these " \
           "pathways import" in counted.notes
    listed = {frozenset(p.units) for p in enumerate_pathways(cat, "core")}
    assert listed == {frozenset(s) for s in (["A1", "A2", "A3"], ["A1", "A2", "A3", "X1"], ["A1", "A2", "X1"],
                                             ["A1", "A3", "X1"], ["A2", "A3", "X1"])}


def test_recommend_leaves_the_slot_open_and_says_so(tmp_path):
    cat = catalogue(tmp_path)
    result = recommend(cat, "core")
    assert result.status == "OPTIMAL"
    assert result.codes == {"A1", "A2", "A3"}
    assert result.open_imports == ("At most 4 credits from other qualifications (at level 3 or above) (import "
                                   "slot): left open; 2 candidate units in the catalogue",)
    assert result.to_dict()["open_imports"] == list(result.open_imports)


def test_recommend_fills_the_slot_when_asked_or_with_an_achieved_unit(tmp_path):
    cat = catalogue(tmp_path)
    filled = recommend(cat, "core", Learner(fill_imports=True))
    assert filled.codes == {"A1", "A2", "X1"} and filled.new_glh == 80 and not filled.open_imports
    assert [u.group for u in filled.pathway.units] == ["Group A", "Group A", "imported"]
    transferred = recommend(cat, "core", Learner(achieved=("X1",)))
    assert transferred.codes == {"A1", "A2", "X1"} and transferred.new_glh == 70
    assert transferred.open_imports == ()


def test_open_slot_that_is_needed_explains_itself(tmp_path):
    cat = catalogue(tmp_path, SPEC.replace("{id: total, kind: sum, min: 12}", "{id: total, kind: sum, min: 16}"))
    result = recommend(cat, "core")
    assert result.status == "INFEASIBLE"
    assert "imports-open" in {r.id for r in result.explanation.conflict}
    assert recommend(cat, "core", Learner(fill_imports=True)).codes == {"A1", "A2", "A3", "X1"}


def test_slot_named_sources_and_errors(tmp_path):
    cat = catalogue(tmp_path, SPEC.replace("where: {min_level: 3}", "from: [other]"))
    assert cat.imports(cat.qualification("core")) == {"elsewhere": ("X1", "X2", "X3")}
    with pytest.raises(CatalogueError) as err:
        catalogue(tmp_path, SPEC.replace("where: {min_level: 3}", "from: [nowhere]"))
    assert "qualifications[0].rules[1].from[0]: qualification 'nowhere' is not in the catalogue" in str(err.value)
    with pytest.raises(CatalogueError) as err:
        catalogue(tmp_path, SPEC.replace("        max: 4\n", ""))
    assert "expected 'max': an import slot says how much may come from elsewhere" in str(err.value)


def test_cli_recommend_and_check(tmp_path):
    catalogue(tmp_path)
    runner = CliRunner()
    shown = runner.invoke(app, ["recommend", "core", "--catalogue", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert "left open; 2 candidate units in the catalogue" in " ".join(shown.output.split())
    filled = runner.invoke(app, ["recommend", "core", "--fill-imports", "--json", "--catalogue", str(tmp_path)])
    assert json.loads(filled.output)["units"] == ["A1", "A2", "X1"]
    checked = runner.invoke(app, ["check", "core", "A1,A2,X1", "--catalogue", str(tmp_path)])
    assert checked.exit_code == 0, checked.output
    shown = runner.invoke(app, ["catalogue", "show", "core", "--catalogue", str(tmp_path)])
    assert "from other qualifications (at level 3 or above) (import slot)" in " ".join(shown.output.split())
    assert "elsewhere may take, from other qualifications of the catalogue: X1, X3" in shown.output


def test_audit_names_imports_that_never_fit_apart_from_dead_units(tmp_path):
    from solver.queries.auditing import audit

    cat = catalogue(tmp_path)
    findings = {f.kind: f for f in audit(cat, "core").findings}
    assert findings["unusable-imports"].numbers == {"units": ["X3"]}
    assert "dead-units" not in findings


def test_what_if_widens_the_slot(tmp_path):
    """With up to 8 imported credits X3 (8) fits too: all of A (1 set) with nothing, X1 or X3 (3); two of A
    with X1 or X3 (6); one of A with X3 (3): 12 in all, from 5."""
    from solver.queries.whatif import WhatIf, compare

    cat = catalogue(tmp_path)
    scenario = WhatIf.model_validate({"name": "wider", "qualification": "core",
                                      "edits": [{"kind": "set-bound", "rule": "elsewhere", "max": 8}]})
    result = compare(scenario, cat, cat.qualification("core"))
    assert (result.before.counts.count, result.after.counts.count) == (5, 12)
    assert "X3" not in result.after.dead


def test_cohort_rows_transfer_credit_into_the_slot(tmp_path):
    import pandas as pd

    from solver.cohort.recommend import recommend_cohort

    rows = pd.DataFrame([{"learner": "new", "registered": "", "achieved": ""},
                         {"learner": "transfer", "registered": "", "achieved": "X1"}])
    out = recommend_cohort(catalogue(tmp_path), "core", rows)
    assert list(out["units"]) == ["A1 A2 A3", "A1 A2 X1"]
    assert list(out["new_glh"]) == [120, 70]


def test_a_candidate_offered_in_two_modes_is_taken_in_one(tmp_path):
    """X1 offered graded or ungraded: the slot takes either claim; the five pathways above double where X1 is (in
    each of two modes in the four that import it): nine."""
    cat = catalogue(tmp_path, SPEC.replace("{code: X1, title: Elsewhere one, level: 3, credits: 4, glh: 10}",
                                           "{code: X1, title: Elsewhere one, level: 3, credits: 4, glh: 10, "
                                           "modes: [graded, ungraded]}"))
    assert cat.imports(cat.qualification("core")) == {"elsewhere": ("X1", "X3")}
    assert count_pathways(cat, "core").count == 9
    filled = recommend(cat, "core", Learner(fill_imports=True)).codes
    assert filled in ({"A1", "A2", "X1@graded"}, {"A1", "A2", "X1@ungraded"})  # the modes tie
    assert {"X1@graded", "X1@ungraded"} & recommend(cat, "core", Learner(achieved=("X1",))).codes
    assert check(cat, "core", ["A1", "A2", "X1"]).modes == {"X1": "graded"}
