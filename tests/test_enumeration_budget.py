"""Enumeration under a budget: the k lowest by repeated optimisation, and listings a work limit stops, which say
how far they got (deterministic: the work limit stops at the same point on every run)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.synthetic import Shape, write_synthetic
from solver.budget import Budget, Limit
from solver.cli.entry import app
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.enumeration import (
    Filters,
    Lister,
    ListingEnd,
    Order,
    OrderMethod,
    enumerate_pathways,
    lowest_first,
    ordered,
)
from solver.request.formulation import formulate

CERT = "600/5962/X"
AFTER = dt.date(2021, 1, 1)


@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """400 units in 20 groups: the exact counter refuses (its state outgrows its limit), as at 5,000 units."""
    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, Shape(units=400))
    return folder


def _measures(p, order: Order) -> tuple[int, int, int]:
    return (p.glh, p.credits, len(p.units)) if order is Order.GLH else (p.credits, p.glh, len(p.units))


@pytest.mark.parametrize("order", [Order.GLH, Order.CREDITS])
def test_lowest_first_are_the_lowest_of_the_exact_order(bundled, order):
    """Each optimal solve proves the next lowest: the measures of the first 40 are those of the exact order."""
    f = formulate(bundled, bundled.qualification(CERT), Learner(registered=AFTER))
    lister = Lister(f, Filters())
    end = ListingEnd()
    best = list(itertools.islice(lowest_first(lister, order, Budget(), end), 40))
    exact = list(itertools.islice(ordered(lister, order), 40))
    assert [_measures(p, order) for p in best] == [_measures(p, order) for p in exact]
    assert len({p.units for p in best}) == 40 and all(f.valid(frozenset(p.units)) for p in best)
    assert end.proven == 40 and end.stopped is None


def test_lowest_first_at_the_work_limit_keeps_what_is_proven(bundled):
    f = formulate(bundled, bundled.qualification(CERT), Learner(registered=AFTER))
    lister = Lister(f, Filters())
    whole = list(itertools.islice(lowest_first(lister, Order.GLH), 8))
    runs = []
    for _ in range(2):
        end = ListingEnd()
        budget = Budget(work=0.0012)
        found = list(itertools.islice(lowest_first(lister, Order.GLH, budget, end), 8))
        runs.append(([p.units for p in found], end.proven, end.bound))
        assert end.stopped is Limit.WORK and end.proven < 8 and len(found) <= end.proven + 1
        # The proven ones are the lowest; the bound holds for everything after them.
        assert [p.glh for p in found[:end.proven]] == [p.glh for p in whole[:end.proven]]
        assert end.bound is None or end.bound <= whole[end.proven].glh
    assert runs[0] == runs[1]  # deterministic: the same stop on every run


def test_a_dense_listing_stops_at_the_work_limit_with_valid_rows(bundled):
    counts = []
    for _ in range(2):
        listing = enumerate_pathways(bundled, "600/5928/X", budget=Budget(work=0.5))
        found = list(listing)
        counts.append(len(found))
        assert listing.end.stopped is Limit.WORK and not listing.end.exhausted
    assert counts[0] == counts[1] and 0 < counts[0] < listing.total


def test_an_ordered_listing_without_a_count_is_had_by_optimisation(synthetic):
    cat = load_catalogue(synthetic)
    listing = enumerate_pathways(cat, "synthetic", order="glh", limit=5, budget=Budget(work=30))
    found = list(listing)
    assert listing.total is None and listing.end.method is OrderMethod.OPTIMISATION
    assert len(found) == 5 and listing.end.proven == 5 and listing.end.stopped is None
    assert [p.glh for p in found] == sorted(p.glh for p in found)


def test_enumerate_cli_on_a_large_synthetic_qualification(synthetic):
    """Before: no answer (ordered slices cannot be counted) and no --work-limit. Now the 5 lowest, proven."""
    runner = CliRunner()
    result = runner.invoke(app, ["enumerate", "synthetic", "--catalogue", str(synthetic), "--order", "glh",
                                 "--limit", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["listed"] == 5 and data["proven_in_order"] == 5 and data["order_method"] == "optimisation"
    assert data["stopped"] is None
    # No total is known and --limit cut the list: it is not known to be complete (it said so before).
    assert data["total"] is None and data["complete"] is False
    table = runner.invoke(app, ["enumerate", "synthetic", "--catalogue", str(synthetic), "--order", "glh",
                                "--limit", "5"]).stdout
    assert "These are the 5 lowest-GLH pathways, each proven" in " ".join(table.split())


def test_enumerate_cli_stopped_by_the_work_limit_says_partial(synthetic):
    runner = CliRunner()
    args = ["enumerate", "synthetic", "--catalogue", str(synthetic), "--order", "glh", "--limit", "5",
            "--work-limit", "0.01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "(partial: work limit)" in text and "Partial:" in text
    assert "Stopped at the work limit (0.01 units" in text
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["stopped"] == "work limit" and data["complete"] is False and data["listed"] < 5
