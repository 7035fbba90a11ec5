"""Answers over unknowns held against brute force over the listed units and every completion of the unpublished
credits (within their groups' published totals): check's verdicts, the count of pathways valid whatever the values
are, recommend's feasibility and what it marks."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from solver.engine.counting import count_formulation
from solver.queries.checking import check
from solver.queries.recommendation import recommend
from solver.request.formulation import formulate
from tests.strategies import completions, load, subsets, unknown_value_documents

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def valid(document: dict, credits: dict[str, int], pathway: frozenset[str]) -> bool:
    """The rules on one pathway with every credit value known, straight from the document."""
    q = document["qualifications"][0]
    groups = {g["id"]: g["units"] for g in q["groups"]}
    for rule in q["rules"]:
        if rule["kind"] == "mandatory":
            if not all(c in pathway for g in rule["groups"] for c in groups[g]):
                return False
            continue
        where = rule.get("where")
        scope = {c for g in where["groups"] for c in groups[g]} if where else set(credits)
        got = sum(credits[c] for c in pathway if c in scope)
        if ("min" in rule and got < rule["min"]) or ("max" in rule and got > rule["max"]):
            return False
    return True


@SETTINGS
@given(unknown_value_documents())
def test_answers_over_unknowns_agree_with_every_completion(document):
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = load(document, Path(tmp))
    if catalogue is None:
        return
    codes = [u["code"] for u in document["units"]]
    filled = list(completions(document))
    truth = {p: [valid(document, credits, p) for credits in filled] for p in subsets(codes)}
    counted = count_formulation(formulate(catalogue, catalogue.qualification("q")))
    if counted.count is not None:  # the pathways valid whatever the values are, group totals used
        assert counted.count == sum(all(v) for v in truth.values())
    answer = recommend(catalogue, "q")
    if not any(any(v) for v in truth.values()):
        assert answer.status == "INFEASIBLE"  # no values make any pathway
        return
    assert answer.status.found and answer.codes is not None, "a pathway exists for some values"
    outcomes = truth[answer.codes]
    assert any(outcomes)
    if not answer.rests_on:
        assert all(outcomes), "stated valid whatever the values, but some values break it"
    for pathway, outcome in truth.items():
        verdict = check(catalogue, "q", sorted(pathway), repair=False).verdict
        if verdict == "valid":
            assert all(outcome), (sorted(pathway), "valid but some completion breaks it")
        elif verdict == "invalid":
            assert not any(outcome), (sorted(pathway), "invalid but some completion makes it valid")
        if all(outcome):
            assert verdict == "valid", (sorted(pathway), verdict, "valid for every completion")
