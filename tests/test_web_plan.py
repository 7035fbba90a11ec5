"""`/api/plan` and the plan view (issue 25): a learner's units by period, the finish, each tier proven or not, and
an infeasible pace explained with the earliest finish; bad input refused in the request's own terms."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402
from solver.web.limits import Limits  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "catalogue" / "examples"
# The seed Level 2 Certificate, registered 2021 (after the 2020 replacement), from January 2027 at 12 GLH a month.
SEED = {"qualification": "l2-cert-lts", "registered": "2021-01-01", "start": "2027-01", "glh_per_period": 12}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def examples():
    with TestClient(create_app(EXAMPLES)) as c:
        yield c


def test_the_seed_certificate_at_12_glh_a_month_finishes_in_march(client):
    data = client.post("/api/plan", json=SEED).json()
    assert data["status"] == "OPTIMAL"
    # Its lowest-GLH route is 33 GLH in 6 units (4, 5, 6, 6, 6, 6 GLH): at 12 a month that takes 3 months (33 > 24),
    # so the finish is March 2027. A largest month of 11 would need three months of exactly 11: 6 + 5, then 4, 6,
    # 6, 6 cannot make two 11s. So the most balanced load is 12.
    assert data["finish"]["label"] == "March 2027" and data["finish_date"] == "2027-03-31"
    assert [(t["tier"], t["value"], t["proven"], t["words"]) for t in data["tiers"]] == [
        ("lowest new GLH", 33, True, "proven best"), ("fewest units", 6, True, "proven best"),
        ("earliest finish (periods used)", 3, True, "proven best"),
        ("most balanced load (largest period, GLH)", 12, True, "proven best")]
    assert [p["period"] for p in data["periods"]] == ["January 2027", "February 2027", "March 2027"]
    assert all(p["glh"] <= 12 for p in data["periods"]) and sum(p["glh"] for p in data["periods"]) == 33
    # Each unit in exactly one period, the one `placed` names.
    assert sorted(c for p in data["periods"] for c in p["units"]) == sorted(data["units"])
    assert all(data["placed"][c] == p["period"] for p in data["periods"] for c in p["units"])
    assert data["glh_per_period"] == 12 and data["achieved_claimed"] == []
    assert "earliest finish" in data["order"] and data["timing"]["limits"] == {"glh": {"max": 12}}


def test_a_pace_too_slow_for_the_finish_says_the_earliest_possible(client):
    data = client.post("/api/plan", json={**SEED, "finish_by": "2027-02"}).json()
    assert data["status"] == "INFEASIBLE" and data["units"] == [] and data["periods"] == []
    assert data["why_not"] == "with 12 GLH a month you cannot finish by February 2027; the earliest is March 2027"


def test_terms_and_achieved_units(client):
    # 33 GLH fit in one term at 40 a term: the spring term of 2027.
    terms = client.post("/api/plan", json={**SEED, "periods": "term", "glh_per_period": 40}).json()
    assert terms["finish"]["label"] == "Spring 2027" and len(terms["periods"]) == 1
    # With 8000-307 achieved (4 GLH, 2 credits, claimed at no cost) the remaining 29 GLH still need 3 months at 12.
    done = client.post("/api/plan", json={**SEED, "achieved": ["8000-307"]}).json()
    assert "8000-307" in done["achieved_claimed"] and "8000-307" not in done["placed"]
    assert done["new_glh"] == done["glh"] - 4


def test_named_periods(client):
    periods = [{"name": "Spring 2027", "start": "2027-01-04", "end": "2027-03-26"},
               {"name": "Summer 2027", "start": "2027-04-12", "end": "2027-07-16"}]
    # 33 GLH at 20 a period: two periods.
    data = client.post("/api/plan", json={**SEED, "named_periods": periods, "glh_per_period": 20}).json()
    assert data["finish"]["label"] == "Summer 2027" and [p["period"] for p in data["periods"]] == [
        "Spring 2027", "Summer 2027"]
    bad = [periods[1], periods[0] | {"name": "summer 2027"}]
    response = client.post("/api/plan", json={**SEED, "named_periods": bad})
    assert response.status_code == 422
    paths = {p["path"] for p in response.json()["problems"]}
    assert paths == {"named_periods[1].start", "named_periods[1].name"}
    both = client.post("/api/plan", json={**SEED, "named_periods": periods, "periods": "term"})
    assert both.status_code == 422 and "not both" in both.json()["message"]


def test_a_qualification_with_named_pathways_needs_one(examples):
    body = {"qualification": "adult-care-l3", "start": "2027-01", "glh_per_period": 40}
    unnamed = examples.post("/api/plan", json=body)
    assert unnamed.status_code == 422 and unnamed.json()["problems"][0]["path"] == "pathway"
    # Dementia Care: 137 GLH at 40 a month: 4 months.
    named = examples.post("/api/plan", json={**body, "pathway": "dementia"}).json()
    assert named["pathway_title"] == "Dementia Care" and named["new_glh"] == 137
    assert named["finish"]["label"] == "April 2027"


def test_a_rule_version_by_registration_date(examples):
    # cet-l4 registered 2020: the 2017 total, 114 GLH; a new learner: the 2024 total, 129 GLH.
    body = {"qualification": "cet-l4", "start": "2027-01", "glh_per_period": 60}
    old = examples.post("/api/plan", json={**body, "registered": "2020-01-01"}).json()
    assert old["new_glh"] == 114 and old["rule_version"]["rules"] == ["total-2017"]
    new = examples.post("/api/plan", json=body).json()
    assert new["new_glh"] == 129 and new["rule_version"]["rules"] == ["total-2024"]


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"start": "2027-13"}, "start", "a month as YYYY-MM"),
    ({"start": "01/2027"}, "start", "a month as YYYY-MM"),
    ({"finish_by": "2026-12"}, "finish_by", "on or after the start"),
    ({"periods": "year"}, "periods", "'month', 'term' or 'week'"),
    ({"glh_per_period": 0}, "glh_per_period", ">= 1"),
    ({"units_per_period": -1}, "units_per_period", ">= 1"),
    ({"objective": "fastest"}, "objective", "min-glh"),
    ({"pace": 12}, "pace", "unknown key 'pace'"),
    ({"named_periods": [{"name": "Spring", "start": "2027-01-04"}]}, "named_periods[0]", "'end'"),
])
def test_bad_plans_are_said_in_the_requests_terms(client, change, path, words):
    response = client.post("/api/plan", json={**SEED, **change})
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert problem["path"] == path and words in problem["text"], problem
    assert "<request>" not in response.json()["message"]


def test_a_missing_start(client):
    response = client.post("/api/plan", json={"qualification": "l2-cert-lts"})
    assert response.status_code == 422 and response.json()["problems"][0]["text"] == "missing required field 'start'"


def test_a_finish_too_far_away_is_over_the_limit(client):
    # Weeks from January 2027 to January 2040: 13 years, some 680 periods, over the 520 a plan may look at.
    response = client.post("/api/plan", json={**SEED, "periods": "week", "finish_by": "2040-01"})
    assert response.status_code == 413
    assert response.json()["problems"][0]["path"] == "finish_by" and "520" in response.json()["message"]


def test_the_plan_is_stopped_at_the_servers_deterministic_limit():
    # A tiny deterministic limit: an answer still comes (OPTIMAL if proven within it, else FEASIBLE or UNKNOWN,
    # never a proven tier that was not proven).
    with TestClient(create_app(limits=Limits(solve_time=0.001))) as tight:
        data = tight.post("/api/plan", json=SEED).json()
    assert data["status"] in ("OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE")
    for tier in data.get("tiers", []):
        assert tier["proven"] == (tier["bound"] is not None and tier["value"] == tier["bound"])


def test_the_plan_endpoint_has_a_json_schema(client):
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/api/plan"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"qualification", "start", "periods", "glh_per_period", "finish_by", "pathway", "reading"} <= set(
        schema["properties"])
    assert schema["required"] == ["qualification", "start"]


def test_the_plan_page(client):
    page = client.get("/q/l2-cert-lts/plan")
    assert page.status_code == 200
    for label in ("Registration date", "Start", "Pace: GLH per period at most", "Finish by", "Periods"):
        assert label in page.text
    assert 'href="/q/l2-cert-lts/plan"' in client.get("/q/l2-cert-lts").text
