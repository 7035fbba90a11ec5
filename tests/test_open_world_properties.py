"""Answers over unknowns held against brute force over the listed units and every completion of the unpublished
credits (within their groups' published totals): check's verdicts, the count of pathways valid whatever the values
are, recommend's feasibility and what it marks."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- unknown levels and GLH -------------------------------------------------------------------------------------

SELECTORS = [None, {"min_level": 3}, {"max_level": 2}, {"level": 3}]


@st.composite
def level_and_glh_documents(draw, max_units: int = 5) -> dict:
    """A qualification whose units may have an unpublished level (null) or GLH, with sums of credits and of GLH
    over level selections: every completion then matters only up to the rules' bounds, so brute force is finite."""
    n = draw(st.integers(1, max_units))
    codes = [f"U{i:02d}" for i in range(n)]
    units = [{"code": c, "title": f"Unit {c}", "level": draw(st.sampled_from([None, 2, 3, 3])),
              "credits": draw(st.integers(0, 3)), "glh": draw(st.sampled_from([None, 0, 2, 5]))} for c in codes]
    rules: list[dict] = []
    if draw(st.booleans()):
        rules.append({"id": "mandatory", "kind": "mandatory", "groups": ["M"]})
    for i in range(draw(st.integers(1, 3))):
        metric = draw(st.sampled_from(["credits", "glh"]))
        where = draw(st.sampled_from(SELECTORS))
        low = draw(st.none() | st.integers(0, 6))
        high = draw(st.none() | st.integers(0, 8))
        if low is None and high is None:
            low = 1
        if low is not None and high is not None and high < low:
            low, high = high, low
        rule: dict = {"id": f"s{i}", "kind": "sum", "sum": metric, **({"where": where} if where else {})}
        rule.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        rules.append(rule)
    mandatory = codes[: draw(st.integers(1, n))]
    qualification = {"id": "q", "accreditation": "600/0000/0", "title": "Random", "level": 3, "awarding_body": "Test",
                     "groups": [{"id": "M", "name": "Mandatory", "units": mandatory},
                                {"id": "O", "name": "Optional", "units": codes[len(mandatory):]}], "rules": rules}
    return {"units": units, "qualifications": [qualification]}


def level_glh_completions(document: dict):
    """Every assignment of the unpublished levels (0 to 8) and GLH (0 to one above the largest bound: a larger
    value breaks or meets every bound as that one does)."""
    units = document["units"]
    rules = document["qualifications"][0]["rules"]
    ceiling = 1 + max([r.get(k, 0) for r in rules for k in ("min", "max")] + [0])
    no_level = [u["code"] for u in units if u["level"] is None]
    no_glh = [u["code"] for u in units if u["glh"] is None]
    for levels in itertools.product(range(9), repeat=len(no_level)):
        for hours in itertools.product(range(ceiling + 1), repeat=len(no_glh)):
            yield dict(zip(no_level, levels)), dict(zip(no_glh, hours))


def valid_with(document: dict, levels: dict[str, int], hours: dict[str, int], pathway: frozenset[str]) -> bool:
    """The rules on one pathway with every level and GLH known, straight from the document."""
    q = document["qualifications"][0]
    facts = {u["code"]: u for u in document["units"]}
    for rule in q["rules"]:
        if rule["kind"] == "mandatory":
            if not all(c in pathway for c in q["groups"][0]["units"]):  # group M
                return False
            continue
        where = rule.get("where") or {}
        got = 0
        for c in pathway:
            level = facts[c]["level"] if facts[c]["level"] is not None else levels[c]
            if (("min_level" in where and level < where["min_level"]) or ("level" in where and level != where["level"])
                    or ("max_level" in where and level > where["max_level"])):
                continue
            if rule["sum"] == "glh":
                got += facts[c]["glh"] if facts[c]["glh"] is not None else hours[c]
            else:
                got += facts[c]["credits"]
        if ("min" in rule and got < rule["min"]) or ("max" in rule and got > rule["max"]):
            return False
    return True


@SETTINGS
@given(level_and_glh_documents())
def test_answers_over_unknown_levels_and_glh_agree_with_every_completion(document):
    """INFEASIBLE only when no levels and hours make a pathway; a recommended pathway valid for some, and for every
    one unless it says what it rests on; check's valid/invalid held for every completion."""
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = load(document, Path(tmp))
    if catalogue is None:
        return
    codes = [u["code"] for u in document["units"]]
    filled = list(level_glh_completions(document))
    truth = {p: [valid_with(document, lv, hr, p) for lv, hr in filled] for p in subsets(codes)}
    answer = recommend(catalogue, "q")
    if not any(any(v) for v in truth.values()):
        assert answer.status == "INFEASIBLE"
        return
    assert answer.status.found and answer.codes is not None, "a pathway exists for some values"
    outcomes = truth[answer.codes]
    assert any(outcomes), (sorted(answer.codes), "recommended, but no values make it valid")
    if not answer.rests_on and not answer.to_dict().get("valid_if_unpublished_credits_allow"):
        assert all(outcomes), (sorted(answer.codes), "stated valid whatever the values, but some values break it")
    for pathway, outcome in truth.items():
        verdict = check(catalogue, "q", sorted(pathway), repair=False).verdict
        if verdict == "valid":
            assert all(outcome), (sorted(pathway), "valid but some completion breaks it")
        elif verdict == "invalid":
            assert not any(outcome), (sorted(pathway), "invalid but some completion makes it valid")
