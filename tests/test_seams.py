"""The seams between the layers: names read once into enums at the edges, enums inside, keyword-only records."""

from __future__ import annotations

import json

import pytest

import solver
from solver.queries.enumeration import Order
from solver.queries.recommendation import Recommendation

CERT = "600/5962/X"
AWARD = "600/5928/X"


def test_an_objective_by_name_or_as_an_enum_gives_the_same_answer(catalogue):
    by_name = solver.recommend(catalogue, CERT, objective="min-units")
    by_enum = solver.recommend(catalogue, CERT, objective=solver.Objective.MIN_UNITS)
    assert by_name.objective is by_enum.objective is solver.Objective.MIN_UNITS
    assert by_name.to_dict() == by_enum.to_dict()
    alias = solver.recommend(catalogue, CERT, objective="best-fit")  # the old name of weighted-goals
    assert alias.objective is solver.Objective.WEIGHTED_GOALS


def test_an_unknown_objective_is_refused_by_name(catalogue):
    with pytest.raises(solver.LookupFailure, match="unknown objective 'cheapest'; expected one of min-glh"):
        solver.recommend(catalogue, CERT, objective="cheapest")


def test_status_is_an_enum_that_json_writes_as_before(catalogue):
    result = solver.recommend(catalogue, CERT)
    assert result.status is solver.Status.OPTIMAL and result.status.found
    text = json.dumps(result.to_dict())
    assert '"status": "OPTIMAL"' in text and '"objective": "min-glh"' in text
    impossible = solver.recommend(catalogue, CERT, solver.Learner(max_glh=1))
    assert impossible.status is solver.Status.INFEASIBLE and not impossible.status.found


def test_result_records_are_keyword_only():
    with pytest.raises(TypeError):
        Recommendation(CERT, solver.Objective.MIN_GLH, solver.Status.OPTIMAL, None)


def test_an_order_by_name_or_as_an_enum_lists_the_same_page(catalogue):
    by_name = solver.enumerate_pathways(catalogue, AWARD, order="units", offset=2, limit=3)
    by_enum = solver.enumerate_pathways(catalogue, AWARD, order=Order.UNITS, offset=2, limit=3)
    assert by_name.total == by_enum.total == solver.count_pathways(catalogue, AWARD).count
    first = next(by_name)  # the listing is an iterator, as it was before it carried its total
    assert [first, *by_name] == list(by_enum)
