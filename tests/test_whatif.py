"""What-if files: expected blocks hold, numbers agree with independent counts, bad edits are located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from solver.engine.counting import count_formulation, count_pathways
from solver.errors import ScenarioError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.whatif import WhatIf, apply_edits, compare, load_whatif, run_whatif
from solver.request.formulation import formulate
from solver.rules import Linear

REPO = Path(__file__).resolve().parents[1]
FILES = sorted((REPO / "scenarios").glob("whatif-*.yaml"))


@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


def test_there_are_whatif_files():
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_whatif_expected_block_holds(path, bundled):
    scenario, _, _ = load_whatif(path, bundled)
    assert scenario.expected is not None
    assert run_whatif(path, bundled).mismatches() == []


def test_mismatches_catch_a_wrong_answer(bundled):
    scenario, catalogue, q = load_whatif(REPO / "scenarios/whatif-cert-group2-cap.yaml", bundled)
    wrong = scenario.model_copy(update={"expected": scenario.expected.model_copy(
        update={"after": scenario.expected.after.model_copy(update={"lowest_glh": 30}), "changed": ("Cara",)})})
    problems = compare(wrong, catalogue, q).mismatches()
    assert problems == ["after.lowest_glh: expected 30, got 33", "changed: expected ['Cara'], got ['Dev']"]


def _polynomial(credits: list[int], cap: int | None = None) -> list[int]:
    poly = [1]
    for c in credits:
        nxt = poly + [0] * c
        for k, x in enumerate(poly):
            nxt[k + c] += x
        poly = nxt
    return [x if cap is None or k <= cap else 0 for k, x in enumerate(poly)]


def _certificate_count(bundled, cap: int, drop: str | None = None) -> int:
    """Pathways of the Certificate for a learner after the cut-off, by generating function."""
    q = bundled.qualification("600/5962/X")
    g1 = [bundled.units[c].credits for c in q.groups[0].units if c != drop]
    g2 = [bundled.units[c].credits for c in q.groups[1].units if c not in ("8000-339", "8000-340", drop)]
    g = _polynomial(g1)
    h = _polynomial(g2, cap)
    return sum(g[i] * h[j] for i in range(len(g)) for j in range(len(h)) if 13 <= i + j <= 36)


def test_whatif_counts_agree_with_generating_functions(bundled):
    cap = run_whatif(REPO / "scenarios/whatif-cert-group2-cap.yaml", bundled)
    assert cap.before.counts.count == _certificate_count(bundled, 6)
    assert cap.after.counts.count == _certificate_count(bundled, 8)
    withdrawn = run_whatif(REPO / "scenarios/whatif-withdraw-8000-280.yaml", bundled)
    assert withdrawn.after.counts.count == _certificate_count(bundled, 6, drop="8000-280")
    moved = run_whatif(REPO / "scenarios/whatif-cert-move-replacement-date.yaml", bundled)
    before_cutoff = count_pathways(bundled, "600/5962/X", Learner(registered=dt.date(2019, 1, 1)))
    assert (moved.after.counts.count, moved.after.counts.minimal) == (before_cutoff.count, before_cutoff.minimal)


def _scenario(**edits) -> WhatIf:
    return WhatIf.model_validate({"name": "t", "qualification": "600/5962/X", **edits})


def test_added_barred_rule_removes_exactly_the_pathways_with_both(bundled):
    q = bundled.qualification("600/5962/X")
    scenario = _scenario(edits=[{"kind": "add-rule", "rule": {"kind": "barred", "units": ["8000-280", "8000-270"]}}])
    result = compare(scenario, bundled, q)
    both = count_formulation(formulate(bundled, q), [Linear((("8000-280", 1), ("8000-270", 1)), 2, None)])
    assert result.after.counts.count == result.before.counts.count - both.count


def test_added_unit_and_removed_rule(bundled):
    q = bundled.qualification("600/5962/X")
    scenario = _scenario(edits=[
        {"kind": "add-unit", "group": "G2", "unit": {"code": "9999-001", "title": "Coaching Basics", "level": 3,
                                                      "credits": 1, "glh": 2}},
        {"kind": "remove-rule", "rule": "coaching-359-not-339"}])
    edited, after = apply_edits(bundled, q, scenario.edits)
    assert "9999-001" in after.groups[1].units and "9999-001" in edited.units
    assert "coaching-359-not-339" not in [r.id for r in after.rules]
    result = compare(scenario, bundled, q)
    assert result.after.lowest_glh_route and result.after.counts.count > result.before.counts.count
    assert "8000-339" not in result.after.dead  # no longer replaced: claimable again
    assert bundled.qualification("600/5962/X") == q  # the original is untouched


def test_withdrawal_from_a_date_keeps_the_unit_for_earlier_learners(bundled):
    q = bundled.qualification("600/5962/X")
    edits = [{"kind": "withdraw-unit", "unit": "8000-280", "from": "2024-01-01"}]
    early = compare(_scenario(edits=edits, registered="2023-06-01"), bundled, q)
    late = compare(_scenario(edits=edits, registered="2024-02-01"), bundled, q)
    assert early.after.counts.count == early.before.counts.count
    assert late.after.dead == ["8000-280", "8000-339", "8000-340"]


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "whatif.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_edits_are_located(tmp_path, bundled):
    path = _write(tmp_path, """name: bad
qualification: 600/5962/X
edits:
  - {kind: set-bound, rule: group-9-cap, max: 8}
  - {kind: set-bound, rule: coaching-359-not-339, max: 8}
  - {kind: add-unit, group: G7, unit: 8000-250}
""")
    with pytest.raises(ScenarioError) as err:
        load_whatif(path, bundled)
    text = str(err.value)
    assert f"{path}:4:29: edits[0].rule: no rule 'group-9-cap' in 600/5962/X" in text
    assert (f"{path}:5:29: edits[1].rule: rule 'coaching-359-not-339' is a replacement rule; expected a rule "
            f"with bounds (sum, import or groups)") in text
    assert f"{path}:6:29: edits[2].group: no group 'G7' in 600/5962/X" in text


def test_malformed_file_is_located(tmp_path, bundled):
    path = _write(tmp_path, """name: bad
qualification: 600/5962/X
edits:
  - {kind: raise-cap, rule: group-2-cap}
""")
    with pytest.raises(ScenarioError, match=r"whatif.yaml:4:5: edits\[0\]: expected 'kind' to be one of"):
        load_whatif(path, bundled)
    unknown = _write(tmp_path, "name: x\nqualification: 600/0000/0\nedits: [{kind: remove-rule, rule: a}]\n")
    with pytest.raises(ScenarioError, match=r"whatif.yaml:2:16: qualification: no qualification '600/0000/0'"):
        load_whatif(unknown, bundled)


def test_result_views(bundled):
    result = run_whatif(REPO / "scenarios/whatif-withdraw-8000-280.yaml", bundled)
    frame = result.to_frame()
    assert list(frame["measure"]) == ["count", "minimal", "lowest_glh", "credits", "glh", "dead", "forced"]
    row = frame.set_index("measure").loc["lowest_glh"]
    assert (row["before"], row["after"]) == (33, 36)
    data = result.to_dict()
    assert data["changed"] == ["Asha", "Eli", "Cara"]
    eli = next(c for c in data["cohort"] if c["learner"] == "Eli")
    assert (eli["before_new_glh"], eli["after_new_glh"]) == (18, 27)
