"""Enumeration held against brute force and the exact counts: every pathway valid, none missing, order exact."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from pathlib import Path

import pytest
from explore_strategies import catalogue_specs, minimal_subsets, valid_subsets, write_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.engine.counting import count_pathways, problem_of
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.enumeration import (
    Filters,
    Lister,
    block_masks,
    enumerate_formulation,
    enumerate_pathways,
    pathways_frame,
    sort_key,
)
from solver.request.formulation import formulate

AFTER = dt.date(2021, 1, 1)


@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


def test_award_stream_is_valid_distinct_and_capped(bundled):
    q = bundled.qualification("600/5928/X")
    f = formulate(bundled, q)
    found = list(enumerate_pathways(bundled, q, limit=3000))
    assert len(found) == 3000
    assert len({p.units for p in found}) == 3000
    assert all(f.valid(frozenset(p.units)) for p in found)
    assert all(3 <= p.credits <= 12 for p in found)


def test_certificate_dense_stream_spans_blocks(bundled):
    """48 units: four blocks; the stream is the vectorised search (dense), each pathway valid."""
    q = bundled.qualification("600/5962/X")
    f = formulate(bundled, q)
    found = list(enumerate_pathways(bundled, q, limit=5000))
    assert len({p.units for p in found}) == 5000
    assert all(f.valid(frozenset(p.units)) for p in found)
    assert any(set(p.units) & set(q.groups[1].units) for p in found)  # reached the last blocks


def test_stopping_early_stops_the_search(bundled):
    before = threading.active_count()
    stream = enumerate_pathways(bundled, "600/5928/X")
    first = [next(stream) for _ in range(10)]
    stream.close()
    assert len(first) == 10
    assert threading.active_count() == before


def test_lowest_glh_certificate_pathways_are_really_first(bundled):
    """The 20 lowest-GLH pathways for a 2021 learner: listed in order, and the same as sorting the whole
    lowest-GLH slice (its size known exactly from the count)."""
    q = bundled.qualification("600/5962/X")
    learner = Learner(registered=AFTER)
    top = list(enumerate_pathways(bundled, q, learner, order="glh", limit=20))
    assert len(top) == 20
    f = formulate(bundled, q, learner)
    lister = Lister(f, Filters())
    key = sort_key(lister, "glh")
    assert [key(p) for p in top] == sorted(key(p) for p in top)
    distribution = count_pathways(bundled, q, learner).by_glh
    lowest = min(distribution)
    assert top[0].glh == lowest
    cutoff = top[-1].glh
    slice_ = list(enumerate_pathways(bundled, q, learner, max_glh=cutoff))
    assert len(slice_) == sum(n for g, n in distribution.items() if g <= cutoff)
    assert [p.units for p in sorted(slice_, key=key)[:20]] == [p.units for p in top]
    assert all(f.valid(frozenset(p.units)) for p in top)
    assert all("8000-339" not in p.units and "8000-340" not in p.units for p in top)


def test_ordered_by_units_and_credits_on_the_award(bundled):
    by_units = list(enumerate_pathways(bundled, "600/5928/X", order="units", limit=50))
    assert [len(p.units) for p in by_units] == sorted(len(p.units) for p in by_units)
    assert len(by_units[0].units) == 1  # one 3-credit unit is a whole Award
    by_credits = list(enumerate_pathways(bundled, "600/5928/X", order="credits", limit=2000))
    assert [p.credits for p in by_credits] == sorted(p.credits for p in by_credits)
    assert by_credits[0].credits == 3


def test_filters_and_frame(bundled):
    q = bundled.qualification("600/5962/X")
    rows = list(enumerate_pathways(bundled, q, registered=dt.date(2019, 1, 1), include=["8000-339"],
                                   exclude=["8000-250"], max_glh=40, min_credits=14, limit=200))
    assert rows and all("8000-339" in p.units and "8000-250" not in p.units for p in rows)
    assert all(p.glh <= 40 and p.credits >= 14 for p in rows)
    frame = pathways_frame(rows)
    assert list(frame.columns) == ["units", "n_units", "credits", "credits_G1", "credits_G2", "glh"]
    assert (frame["credits_G1"] + frame["credits_G2"] == frame["credits"]).all()
    assert (frame["credits_G2"] <= 6).all()


def test_minimal_award_pathways_match_the_exact_count(bundled):
    minimal = list(enumerate_pathways(bundled, "600/5928/X", minimal=True))
    assert len(minimal) == count_pathways(bundled, "600/5928/X").minimal
    f = formulate(bundled, bundled.qualification("600/5928/X"))
    for p in minimal[:200]:
        chosen = frozenset(p.units)
        assert f.valid(chosen) and not any(f.valid(chosen - {u}) for u in chosen)


def test_a_page_is_a_slice_of_the_ordered_listing_and_carries_the_total(bundled):
    """The one entry point both front ends page through: offset N, limit M is items N..N+M of the whole order."""
    whole = enumerate_pathways(bundled, "600/5928/X", order="credits", limit=12)
    page = enumerate_pathways(bundled, "600/5928/X", order="credits", offset=5, limit=4)
    assert [p.units for p in page] == [p.units for p in whole][5:9]
    assert page.total == whole.total == count_pathways(bundled, "600/5928/X").count


def test_unknown_order_is_refused(bundled):
    with pytest.raises(ValueError, match="unknown order 'size'"):
        list(enumerate_pathways(bundled, "600/5928/X", order="size"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=12), data=st.data())
def test_enumeration_matches_brute_force(spec, data):
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    q = cat.qualifications[0]
    f = formulate(cat, q, Learner(registered=data.draw(st.sampled_from([None, dt.date(2019, 1, 1)]))))
    valid = valid_subsets(f)
    listed = list(enumerate_formulation(f))
    assert sorted(p.units for p in listed) == sorted(tuple(c for c in f.variables if c in p) for p in valid)
    minimal = [p.units for p in enumerate_formulation(f, Filters(minimal=True))]
    assert sorted(minimal) == sorted(tuple(c for c in f.variables if c in p) for p in minimal_subsets(f, valid))
    blocks = [m for masks in block_masks(problem_of(f)) for m in masks.tolist()]
    assert sorted(blocks) == sorted(sum(1 << i for i, v in enumerate(f.variables) if v in p) for p in valid)
    order = data.draw(st.sampled_from(["glh", "credits", "units"]))
    limit = data.draw(st.integers(1, 12))
    key = sort_key(Lister(f, Filters()), order)
    expected = sorted(listed, key=key)[:limit]
    assert list(enumerate_formulation(f, order=order, limit=limit)) == expected
