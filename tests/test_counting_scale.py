"""Counting, audit and ordered enumeration at real scale, and the honest fallback forced on small catalogues."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from explore_strategies import catalogue_specs, minimal_subsets, valid_subsets, write_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import solver.engine.counting as counting
import solver.engine.frontier as frontier
import solver.engine.listing as listing
from benchmarks.scale import exact_total_spec, heavy_glh_spec, write_spec
from solver.cli.entry import app
from solver.engine.counting import DP, ENUMERATION, count_formulation, unit_shares
from solver.model.catalogue import load_catalogue
from solver.queries.auditing import audit
from solver.queries.enumeration import Filters, Lister, enumerate_formulation, sort_key
from solver.request.formulation import formulate


def _load(spec: dict, folder: Path):
    write_spec(spec, folder)
    return load_catalogue(folder)


def _invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _reference(units: list[dict], step, start: tuple, accept) -> int:
    """An independent count: a plain dict of states, one unit at a time (`step` returns the next state or
    None when a maximum breaks; `accept` judges the final state)."""
    states: Counter = Counter({start: 1})
    for u in units:
        nxt: Counter = Counter()
        for state, n in states.items():
            nxt[state] += n
            taken = step(state, u)
            if taken is not None:
                nxt[taken] += n
        states = nxt
    return sum(n for s, n in states.items() if accept(s))


@pytest.fixture(scope="module")
def exact60(tmp_path_factory):
    return _load(exact_total_spec(), tmp_path_factory.mktemp("exact60"))


@pytest.fixture(scope="module")
def heavy40(tmp_path_factory):
    return _load(heavy_glh_spec(), tmp_path_factory.mktemp("heavy40"))


def test_sixty_units_with_an_exact_total_are_counted_exactly(exact60):
    spec = exact_total_spec()
    graded = set(spec["qualifications"][0]["groups"][0]["units"])

    def step(s, u):  # (total, graded, ungraded capped at 15, level 3 capped at 25, units)
        total, g, ug, l3, n = s
        c = u["credits"]
        if total + c > 60 or (u["code"] in graded and g + c > 40) or n + 1 > 10:
            return None
        inside = u["code"] in graded
        return (total + c, g + c * inside, min(15, ug + c * (not inside)), min(25, l3 + c * (u["level"] == 3)), n + 1)

    expected = _reference(spec["units"], step, (0, 0, 0, 0, 0),
                          lambda s: s[0] == 60 and 20 <= s[1] <= 40 and s[2] >= 15 and s[3] >= 25)
    f = formulate(exact60, exact60.qualifications[0])
    result = count_formulation(f)
    assert expected > 10**8
    assert (result.method, result.count, result.complete, result.notes) == (DP, expected, True, ())
    assert result.minimal == expected  # an exact total: no unit of a valid pathway can be dropped
    assert result.by_credits == {60: expected} and sum(result.by_glh.values()) == expected
    assert count_formulation(f) == result  # deterministic: the same figures every run


def test_forty_units_near_150_glh_count_exactly_and_audit_and_order(heavy40, tmp_path):
    spec = heavy_glh_spec()
    group_a = set(spec["qualifications"][0]["groups"][0]["units"])
    core = spec["units"][0]["code"]

    def step(s, u):  # (total, group A, group B capped at 30, core taken)
        total, a, b, k = s
        c = u["credits"]
        if total + c > 180 or (u["code"] in group_a and a + c > 120):
            return None
        inside = u["code"] in group_a
        return (total + c, a + c * inside, min(30, b + c * (not inside)), k or u["code"] == core)

    expected = _reference(spec["units"], step, (0, 0, 0, False),
                          lambda s: 120 <= s[0] and 40 <= s[1] and s[2] >= 30 and s[3])
    f = formulate(heavy40, heavy40.qualifications[0])
    result = count_formulation(f)
    assert result.count == expected and result.method == DP
    assert result.minimal is not None or result.minimal_at_least is not None
    assert result.by_glh or any("glh distribution not computed" in n for n in result.notes)
    shares = unit_shares(f)
    assert shares[core] == expected  # mandatory: in every pathway
    report = audit(heavy40)
    regime = report.qualifications[0].regimes[0]
    assert regime.counts.count == expected and core in regime.forced
    assert all(n <= expected for n in regime.shares.values())
    folder = str(tmp_path)
    write_spec(spec, tmp_path)
    _invoke("audit", "--catalogue", folder)
    data = json.loads(_invoke("enumerate", "HVY/40/150", "--order", "glh", "--limit", "5", "--json",
                              "--catalogue", folder).output)
    glh = [p["glh"] for p in data["pathways"]]
    assert len(glh) == 5 and glh == sorted(glh) and glh[0] == regime.min_glh
    assert data["total"] == expected


def _tiny_spec(tmp: Path):
    spec = {"units": [{"code": f"U{i}", "title": f"Unit [{i}]", "level": 2 + i % 2, "credits": 1 + i % 3,
                       "glh": 10 + 7 * i} for i in range(8)],
            "qualifications": [{"id": "q", "accreditation": "TNY/0/0", "title": "Tiny [draft]", "level": 2,
                                "awarding_body": "T", "groups": [{"id": "G", "name": "G",
                                                                  "units": [f"U{i}" for i in range(8)]}],
                                "rules": [{"id": "total", "kind": "sum", "sum": "credits", "min": 4, "max": 9},
                                          {"id": "core", "kind": "mandatory", "units": ["U0"]}]}]}
    write_spec(spec, tmp)
    return load_catalogue(tmp), spec


def test_forced_fallback_lists_exactly_or_gives_a_labelled_lower_bound(tmp_path, monkeypatch):
    cat, _ = _tiny_spec(tmp_path)
    f = formulate(cat, cat.qualifications[0])
    valid = valid_subsets(f)
    exact = count_formulation(f)
    monkeypatch.setattr(frontier, "MAX_STATES", 1)  # the programme now refuses everything
    listed = count_formulation(f)
    assert listed.method == ENUMERATION and listed.count == len(valid) == exact.count
    assert (listed.minimal, listed.by_credits, listed.by_glh) == (exact.minimal, exact.by_credits, exact.by_glh)
    monkeypatch.setattr(listing, "LISTING_CAP", 5)
    bounded = count_formulation(f)
    assert (bounded.count, bounded.complete, bounded.count_at_least) == (None, False, 5)
    assert bounded.notes and "lower bound" in bounded.notes[0]
    assert bounded.count_at_most is not None and bounded.count_at_most >= exact.count  # a proven interval
    assert count_formulation(f) == bounded  # the same stop every run
    out = _invoke("count", "TNY/0/0", "--catalogue", str(tmp_path)).output
    assert f"at least 5 and at most {bounded.count_at_most:,} valid pathways" in out
    text = _invoke("audit", "TNY/0/0", "--catalogue", str(tmp_path)).output
    assert "at least 5" in text and "not computed" in text and "Tiny [draft]" in text
    data = json.loads(_invoke("audit", "TNY/0/0", "--catalogue", str(tmp_path), "--json").output)
    regime = data["qualifications"][0]["regimes"][0]
    # The count is cut short, but forced units are now found by their own searches: U0 is mandatory.
    assert regime["count"] is None and regime["count_at_least"] == 5 and regime["forced"] == ["U0"]
    key = sort_key(Lister(f, Filters()), "glh")
    ordered = list(enumerate_formulation(f, order="glh", limit=7))
    assert [p.units for p in ordered] == [p.units for p in sorted(enumerate_formulation(f), key=key)[:7]]


def test_an_uncountable_count_is_a_proven_interval_tightened_both_ways(exact60, monkeypatch):
    """Past the state bound (forced), the count is an interval: below, the exact count of the pathways that
    agree with a listed one on the middle of the order; above, the exact count with a few rules dropped."""
    f = formulate(exact60, exact60.qualifications[0])
    truth = count_formulation(f).count
    monkeypatch.setattr(frontier, "MAX_STATES", 200)
    monkeypatch.setattr(listing, "LISTING_CAP", 5)
    bounded = count_formulation(f)
    assert bounded.count is None and bounded.method == ENUMERATION
    assert 5 < bounded.count_at_least <= truth <= bounded.count_at_most
    assert any(n.startswith(f"at least {bounded.count_at_least:,} valid pathways: the exact count of those "
                            f"that agree with one listed pathway") for n in bounded.notes)
    assert any("(an upper bound)" in n for n in bounded.notes)
    assert count_formulation(f) == bounded  # deterministic


def test_audit_keeps_finding_labels_and_counts_forced_mandatory_units(tmp_path):
    cat, _ = _tiny_spec(tmp_path)
    text = _invoke("audit", "TNY/0/0", "--catalogue", str(tmp_path)).output
    assert "[glh-not-published]" in text  # rich would swallow an unescaped [label]
    assert "no published credits" in text and "---" not in text
    regime = audit(cat).qualifications[0].regimes[0]
    assert regime.forced == ["U0"]  # mandatory, and in every pathway


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=8), data=st.data())
def test_cp_sat_slices_order_like_brute_force(spec, data):
    """With the counter refused, ordered enumeration takes objective-bounded CP-SAT slices: still exact."""
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    f = formulate(cat, cat.qualifications[0])
    valid = valid_subsets(f)
    order = data.draw(st.sampled_from(["glh", "credits", "units"]))
    minimal = data.draw(st.booleans())
    expected_sets = minimal_subsets(f, valid) if minimal else valid
    lister = Lister(f, Filters(minimal=minimal))
    key = sort_key(lister, order)
    original = frontier.MAX_STATES
    frontier.MAX_STATES = 0
    try:
        got = list(enumerate_formulation(f, Filters(minimal=minimal), order=order))
    finally:
        frontier.MAX_STATES = original
    assert [key(p) for p in got] == sorted(key(p) for p in got)
    assert sorted(p.units for p in got) == sorted(tuple(c for c in f.variables if c in s) for s in expected_sets)


def test_unit_shares_of_a_wide_catalogue_match_forced_counts(exact60):
    f = formulate(exact60, exact60.qualifications[0])
    shares = unit_shares(f)
    problem = counting.problem_of(f)
    for unit in itertools.islice(f.variables, 0, 60, 7):
        forced = int(counting.frontier_count(problem, fixed={unit: True}).sum())
        assert shares[unit] == forced


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=9), data=st.data())
def test_meeting_in_the_middle_matches_brute_force(spec, data):
    """Forward and backward runs joined at any cut give the count, the minimal count, the credits and GLH
    distributions and the unit shares of every valid pathway, as brute force finds them."""
    from solver.engine.meeting import meet, shares

    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    f = formulate(cat, cat.qualifications[0])
    problem = counting.problem_of(f)
    valid = valid_subsets(f)
    for minimal, pathways in ((False, valid), (True, minimal_subsets(f, valid))):
        programme = frontier.Programme(problem.variables, problem.constraints, minimal)
        cut = data.draw(st.integers(0, len(programme.order)), label="cut")
        assert int(meet(programme, cut).sum()) == len(pathways)
        if not minimal:
            assert shares(programme, cut) == {u: sum(1 for p in pathways if u in p) for u in problem.variables}
        for weights in (problem.credits, problem.glh):
            track = {v: weights.get(v, 0) for v in problem.variables}
            ceiling = counting._track_ceiling(problem, track)
            expected = Counter(sum(track[u] for u in p) for p in pathways)
            got = meet(programme, cut, track, None, ceiling).tolist()
            assert {k: v for k, v in enumerate(got) if v} == dict(expected)


def test_a_count_too_wide_one_way_is_counted_the_other_way_or_met(exact60, monkeypatch):
    """With a state bound the greedy order passes only backwards, or only from both ends, the figures are
    those of a single pass."""
    f = formulate(exact60, exact60.qualifications[0])
    expected = count_formulation(f)
    problem = counting.problem_of(f)
    forward = frontier.Programme(problem.variables, problem.constraints).run().sizes
    backward = frontier.Programme(problem.variables, problem.constraints).variant(reverse=True).run().sizes
    assert max(forward) != max(backward)
    monkeypatch.setattr(frontier, "MAX_STATES", min(max(forward), max(backward)))
    one_way = count_formulation(f)
    assert (one_way.count, one_way.by_credits, one_way.by_glh) == (expected.count, expected.by_credits,
                                                                   expected.by_glh)
    # A bound below both peaks, but above the layers either end reaches before some cut: only a meeting.
    n = len(forward)
    bound = min(max(max(forward[:cut]), max(backward[:n - cut])) for cut in range(1, n))
    assert bound < min(max(forward), max(backward))
    shares = unit_shares(f)
    monkeypatch.setattr(frontier, "MAX_STATES", bound)
    met = count_formulation(f)
    assert (met.count, met.method) == (expected.count, DP)
    assert unit_shares(f) == shares  # from the two recorded halves


def test_one_pathway_is_singular_in_count_and_enumerate():
    out = _invoke("count", "600/5788/9").output
    assert "1 valid pathway, 1 of them minimal" in out and "pathways," not in out
    table = _invoke("enumerate", "600/5788/9").output
    assert "1 of 1 valid pathway" in table and "1 valid pathways" not in table


class _NoMinimal(frontier.Programme):
    """The programme, refusing minimal counting: forces the CP-SAT listing of minimal pathways."""

    def run(self, *args, **kwargs):
        if self.minimal:
            raise frontier.Unsupported("forced by the test")
        return super().run(*args, **kwargs)


_dense_count = counting.dense_count


def _dense_but_not_minimal(programme, *args, **kwargs):
    """The dense pass, refusing minimal counting as _NoMinimal does (None: the sparse pass is asked)."""
    return None if programme.minimal else _dense_count(programme, *args, **kwargs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=8))
def test_fallbacks_match_brute_force(spec):
    """Both fallbacks, forced: minimal pathways listed by CP-SAT, and everything listed by CP-SAT."""
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    f = formulate(cat, cat.qualifications[0])
    valid = valid_subsets(f)
    minimal = len(minimal_subsets(f, valid))
    original = counting.Programme
    counting.Programme = _NoMinimal
    counting.dense_count = _dense_but_not_minimal
    try:
        listed_minimal = count_formulation(f)
    finally:
        counting.Programme = original
        counting.dense_count = _dense_count
    assert (listed_minimal.count, listed_minimal.minimal, listed_minimal.method) == (len(valid), minimal, DP)
    saved = frontier.MAX_STATES
    frontier.MAX_STATES = 0
    try:
        listed = count_formulation(f)
        shares = unit_shares(f)
    finally:
        frontier.MAX_STATES = saved
    credits = Counter(sum(f.context.units[c].credits for c in p) for p in valid)
    assert (listed.count, listed.minimal) == (len(valid), minimal)
    # With no state allowed the programme cannot count, so CP-SAT lists; unless the rules contradict each
    # other outright, which the programme sees before it holds any state (an exact 0 either way).
    assert listed.method == ENUMERATION or (not valid and listed.method == DP)
    assert listed.by_credits == dict(sorted(credits.items()))
    assert shares == {u: sum(1 for p in valid if u in p) for u in f.variables}


def test_count_says_exact_of_the_count_alone_when_the_minimal_count_is_a_bound(tmp_path, monkeypatch):
    _tiny_spec(tmp_path)
    monkeypatch.setattr(counting, "Programme", _NoMinimal)
    monkeypatch.setattr(counting, "dense_count", _dense_but_not_minimal)
    monkeypatch.setattr(listing, "LISTING_CAP", 2)
    out = " ".join(_invoke("count", "TNY/0/0", "--catalogue", str(tmp_path)).output.split())
    assert "valid pathways (exact, by dynamic programming), at least 2 of them minimal (a lower bound)." in out
    assert "minimal count not computed: forced by the test" in out
