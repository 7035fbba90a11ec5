"""Exact counting held against brute force on random catalogues and against generating functions on the seeds."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from explore_strategies import catalogue_specs, minimal_subsets, valid_subsets, write_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver.engine.dense as dense
import solver.engine.frontier as frontier
from solver.engine.counting import (
    DP,
    ENUMERATION,
    Unsupported,
    count_formulation,
    count_pathways,
    frontier_count,
    problem_of,
    unit_shares,
)
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.request.formulation import formulate
from solver.rules import Linear

BEFORE, AFTER = dt.date(2019, 1, 1), dt.date(2021, 1, 1)


@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


def poly_mul(a: list[int], b: list[int]) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def credit_polynomial(credits: list[int]) -> list[int]:
    """Coefficient k: the number of subsets of these units worth k credits."""
    poly = [1]
    for c in credits:
        poly = poly_mul(poly, [1] + [0] * (c - 1) + [1])
    return poly


def test_award_count_matches_generating_function(bundled):
    q = bundled.qualification("600/5928/X")
    poly = credit_polynomial([bundled.units[c].credits for c in q.unit_codes()])
    result = count_pathways(bundled, q)
    assert result.method == DP
    assert result.count == sum(poly[3:13])
    assert result.count > 17_000_000
    assert result.by_credits == {k: poly[k] for k in range(3, 13) if poly[k]}


@pytest.mark.parametrize("registered", [None, BEFORE])
def test_certificate_count_matches_generating_function(bundled, registered):
    q = bundled.qualification("600/5962/X")
    g1, g2 = q.groups
    pairs = [("8000-339", "8000-359"), ("8000-340", "8000-360")]
    in_pairs = {c for p in pairs for c in p}
    group2 = credit_polynomial([bundled.units[c].credits for c in g2.units if c not in in_pairs])
    for old, new in pairs:  # neither, the new unit, or (registered before the cut-off) the old one
        choice = [1] + [0] * 8
        choice[bundled.units[new].credits] += 1
        if registered is not None:
            choice[bundled.units[old].credits] += 1
        group2 = poly_mul(group2, choice)
    group2 = [x if k <= 6 else 0 for k, x in enumerate(group2)]
    total = poly_mul(credit_polynomial([bundled.units[c].credits for c in g1.units]), group2)
    result = count_pathways(bundled, q, Learner(registered=registered))
    assert result.count == sum(total[13:37])
    assert result.count > 10**12
    assert result.by_credits == {k: total[k] for k in range(13, 37) if total[k]}
    assert sum(result.by_glh.values()) == result.count


def test_level3_certificate_has_exactly_one_pathway(bundled):
    result = count_pathways(bundled, "600/5788/9")
    assert (result.count, result.minimal) == (1, 1)
    assert result.by_credits == {14: 1} and result.by_glh == {43: 1}


def test_count_result_to_dict_is_json_ready(bundled):
    data = count_pathways(bundled, "600/5928/X").to_dict()
    assert data["count"] == sum(data["by_credits"].values()) == sum(data["by_glh"].values())
    assert isinstance(data["count"], int) and data["method"] == DP and data["complete"] is True
    assert all(isinstance(k, str) for k in data["by_glh"])


def test_filters_narrow_the_count(bundled):
    q = bundled.qualification("600/5928/X")
    f = formulate(bundled, q)
    glh = tuple((c, u.glh) for c, u in f.context.units.items())
    full = count_formulation(f)
    low = count_formulation(f, [Linear(glh, None, 10)])
    assert low.count == sum(v for k, v in full.by_glh.items() if k <= 10)
    assert low.by_glh == {k: v for k, v in full.by_glh.items() if k <= 10}


def test_negative_weights_fall_back_to_enumeration_and_say_so(bundled):
    q = bundled.qualification("600/5788/9")
    f = formulate(bundled, q)
    weird = Linear((("8603-300", 1), ("8603-301", -1)), 0, 0)
    result = count_formulation(f, [weird])
    assert result.method == ENUMERATION and result.count == 1 and result.complete
    with pytest.raises(Unsupported):
        frontier_count(problem_of(f, [weird]))


def _random_learner(draw, codes: list[str]) -> Learner:
    return Learner(registered=draw(st.sampled_from([None, BEFORE])),
                   achieved=tuple(draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))),
                   exclude=tuple(draw(st.lists(st.sampled_from(codes), max_size=1))),
                   max_glh=draw(st.one_of(st.none(), st.integers(0, 40))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=10), data=st.data())
def test_counts_match_brute_force(spec, data):
    step = data.draw(st.sampled_from([1, 5]), label="GLH step")  # 5: GLH tracked in steps of 5 or more
    for unit in spec["units"]:
        unit["glh"] *= step
    # Count vectors are added up by numpy's reduceat, or run by run when wide: draw either way.
    saved = frontier.LOOP_WIDTH
    frontier.LOOP_WIDTH = data.draw(st.sampled_from([saved, 1]), label="loop width")
    # Small layers are counted densely (`dense`), larger ones sparsely: draw either way.
    saved_cells = dense.DENSE_CELLS
    dense.DENSE_CELLS = data.draw(st.sampled_from([saved_cells, 0]), label="dense cells")
    try:
        _check_counts(spec, data)
    finally:
        frontier.LOOP_WIDTH = saved
        dense.DENSE_CELLS = saved_cells


def _check_counts(spec, data):
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    q = cat.qualifications[0]
    learner = _random_learner(data.draw, q.unit_codes())
    f = formulate(cat, q, learner)
    valid = valid_subsets(f)
    result = count_formulation(f)
    assert result.method == DP
    assert result.count == len(valid)
    assert result.minimal == len(minimal_subsets(f, valid))
    assert result.by_credits == dict(sorted(Counter(sum(f.context.units[c].credits for c in p)
                                                    for p in valid).items()))
    new_glh = {c: 0 if c in f.context.achieved else u.glh for c, u in f.context.units.items()}
    assert result.by_glh == dict(sorted(Counter(sum(new_glh[c] for c in p) for p in valid).items()))
    shares = unit_shares(f)
    assert shares == {u: sum(1 for p in valid if u in p) for u in f.variables}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=8), data=st.data())
def test_filtered_minimal_counts_match_brute_force_and_enumeration(spec, data):
    """Filters narrow the set but do not change what minimal means; the DP agrees with CP-SAT enumeration."""
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    q = cat.qualifications[0]
    f = formulate(cat, q, Learner(registered=data.draw(st.sampled_from([None, BEFORE]))))
    credits = tuple((c, u.credits) for c, u in f.context.units.items())
    floor = data.draw(st.integers(0, 12))
    extra = [Linear(credits, floor, None)]
    valid = valid_subsets(f)
    kept = [p for p in valid if sum(f.context.units[c].credits for c in p) >= floor]
    minimal = [p for p in minimal_subsets(f, valid) if p in set(kept)]
    result = count_formulation(f, extra)
    assert (result.count, result.minimal) == (len(kept), len(minimal))
    # Force the enumeration fallback with a harmless negative-weight filter and compare.
    harmless = Linear(((f.variables[0], -1),), -1, 0)
    listed = count_formulation(f, [*extra, harmless])
    assert listed.method == ENUMERATION
    assert (listed.count, listed.minimal, listed.by_credits, listed.by_glh) == (
        result.count, result.minimal, result.by_credits, result.by_glh)


def test_minimal_count_survives_a_state_too_large_for_its_slack_axes(tmp_path):
    """Found by hypothesis: five lower/upper bounds over every unit overflow the minimality DP; the exact
    count must not be given up for it (here no pathway is valid, so none is minimal)."""
    import datetime as dt

    units = [(1, 1, 3), (1, 6, 3), (1, 12, 3), (1, 1, 2), (1, 1, 3), (1, 8, 3), (1, 11, 3), (1, 2, 3), (3, 3, 3)]
    spec = {"units": [{"code": f"U0{i}", "title": f"Unit {i}", "level": lv, "credits": c, "glh": g}
                      for i, (c, g, lv) in enumerate(units)],
            "qualifications": [{"id": "q", "accreditation": "000/0000/0", "title": "R", "level": 2,
                                "awarding_body": "T",
                                "groups": [{"id": "G1", "name": "Group 1", "units": [f"U0{i}" for i in range(9)]}],
                                "rules": [{"id": "a", "kind": "sum", "sum": "units", "max": 1},
                                          {"id": "b", "kind": "sum", "sum": "glh", "where": {"level": 3}, "max": 43},
                                          {"id": "c", "kind": "sum", "sum": "credits", "min": 4},
                                          {"id": "d", "kind": "sum", "sum": "glh", "min": 7},
                                          {"id": "e", "kind": "mandatory", "units": ["U00"]},
                                          {"id": "r", "kind": "replacement", "old": "U00", "new": "U01",
                                           "from": dt.date(2020, 7, 1)}]}]}
    cat = write_catalogue(spec, tmp_path)
    f = formulate(cat, cat.qualifications[0], Learner(registered=dt.date(2019, 1, 1), achieved=("U01",),
                                                        max_glh=4))
    result = count_formulation(f)
    assert (result.method, result.count, result.minimal) == (DP, 0, 0)
    relaxed = formulate(cat, cat.qualifications[0], Learner(registered=dt.date(2019, 1, 1)))
    assert count_formulation(relaxed).method == DP


@pytest.mark.parametrize("qualification", ["600/5928/X", "600/5962/X"])
def test_every_form_of_a_tracked_count_gives_the_same_distribution(monkeypatch, qualification):
    """The programme tracks a total as (state, total) pairs, as a count vector per state, or from both ends
    met in the middle, whichever the measured policy picks; forced down each route in turn, the
    distributions must not differ."""
    import solver.engine.counting as counting

    catalogue = load_catalogue()
    f = formulate(catalogue, catalogue.qualification(qualification))
    problem = counting.problem_of(f)
    passes = counting.passes_of(problem)[1]

    def spread() -> list[int]:
        return counting.frontier_count(problem, track=problem.glh, passes=passes).tolist()

    dense_counts = spread()  # the seeds' GLH: few enough cells for one dense array
    monkeypatch.setattr(dense, "DENSE_CELLS", 0)
    vectors = spread()  # then few enough cells for vectors straight away
    monkeypatch.setattr(counting, "SMALL_CELLS", 0)
    monkeypatch.setattr(counting, "MEETING_ADVANTAGE", 10**-9)
    met = spread()  # any meeting is cheap enough
    monkeypatch.setattr(counting, "MEETING_ADVANTAGE", float("inf"))
    monkeypatch.setattr(counting, "SPARSE_COST", 1)
    pairs = spread()  # no meeting; pairs first, within as many pairs as vector cells: enough here
    monkeypatch.setattr(counting, "SPARSE_COST", 10**9)
    refused_then_vectors = spread()  # a budget of no pairs: refused, then vectors
    assert dense_counts == vectors == met == pairs == refused_then_vectors
    assert sum(vectors) == count_pathways(catalogue, qualification).count
