"""Every example catalogue through every page and every endpoint: no 500, no "None", no Python repr.

The bundled catalogue and catalogue/examples/ (one construct of real specifications each: named pathways,
readings, units in modes, unpublished values, import slots, open groups, closed registrations, rule versions).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1] / "catalogue"
CATALOGUES = [ROOT, ROOT / "examples"]
# What must never reach a reader: Python's None, an object's repr, an enum's repr, a dict's repr.
LEAKS = ("None", "<solver.", "Status.", "Objective.", "{'", "Traceback")
VIEWS = ("", "/builder", "/learner", "/plan", "/explore", "/whatif")


def strings(data) -> Iterator[str]:
    """Every string in a JSON answer, keys and values."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)
    elif isinstance(data, str):
        yield data


def leaks(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


def assert_clean(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.text[:500])
    if response.headers.get("content-type", "").startswith("application/json"):
        found = [s for s in strings(response.json()) if leaks(s)]
        assert not found, (what, found[:3])
    else:
        assert not leaks(response.text), (what, leaks(response.text))


def shapes(summary: dict) -> list[dict]:
    """Each way a request may read the qualification: every named pathway (or none), every reading."""
    pathways = [p["id"] for p in summary["pathways"]] or [None]
    readings = [None, *summary["reading_names"][1:]]  # the stated reading is the default
    return [{"pathway": p, "reading": r} for p in pathways for r in readings]


def walk(client: TestClient, qualification: dict) -> None:
    ref = qualification["id"]
    for view in VIEWS:
        assert_clean(client.get(f"/q/{ref}{view}"), f"page /q/{ref}{view}")
    summary = client.get(f"/api/qualifications/{ref}")
    assert_clean(summary, f"summary {ref}")
    assert_clean(client.get("/api/audit", params={"qualification": ref}), f"audit {ref}")
    for shape in shapes(summary.json()):
        body = {"qualification": ref, **{k: v for k, v in shape.items() if v is not None}}
        what = f"{ref} {shape}"
        recommended = client.post("/api/recommend", json={**body, "alternatives": 1})
        assert_clean(recommended, f"recommend {what}")
        for objective in ("best-fit", "min-units", "max-reuse"):
            assert_clean(client.post("/api/recommend", json={**body, "objective": objective,
                                                             "goals": {"support": 2}}), f"{objective} {what}")
        assert_clean(client.post("/api/explain", json={**body, "max_glh": 1}), f"explain {what}")
        units = recommended.json().get("units", [])
        for chosen in (units, units[:1], []):
            assert_clean(client.post("/api/check", json={**body, "units": chosen}), f"check {what}")
        assert_clean(client.post("/api/check", json={**body, "units": units[:1], "registered": "2019-01-01"}),
                     f"check 2019 {what}")
        assert_clean(client.post("/api/count", json={**body, "shares": True}), f"count {what}")
        assert_clean(client.post("/api/enumerate", json={**body, "order": "glh", "limit": 3}), f"enumerate {what}")
        for fill in (True, False):  # import slots filled by the solver, or kept to the units named
            assert_clean(client.post("/api/recommend", json={**body, "fill_imports": fill}), f"fill {fill} {what}")
            assert_clean(client.post("/api/check", json={**body, "units": units[:1], "fill_imports": fill}),
                         f"check fill {fill} {what}")
        for registered in (None, *(v["date"] for v in summary.json()["versions"])):  # each rule version
            planned = client.post("/api/plan", json={**body, "start": "2027-01", "glh_per_period": 40,
                                                     "registered": registered})
            assert_clean(planned, f"plan {registered} {what}")
            assert planned.status_code == 200, (what, planned.text)
            assert planned.json()["status"] in ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")
        assert_clean(client.post("/api/plan", json={**body, "start": "2027-01", "glh_per_period": 10,
                                                    "periods": "term", "finish_by": "2027-04"}), f"plan late {what}")
        for edit in edits(summary.json()):
            answer = client.post("/api/whatif", json={**body, "edits": [edit]})
            assert_clean(answer, f"whatif {what} {edit}")
        csv = "learner,registered,achieved\nAl,,\nBo,2019-01-01,\n"
        assert_clean(client.post("/api/cohort", data={k: v for k, v in body.items() if isinstance(v, str)},
                                 files={"file": ("c.csv", csv.encode(), "text/csv")}), f"cohort {what}")
    # On a qualification with named pathways, a what-if, a cohort and a plan ask for one (a 422, not a guess).
    if summary.json()["pathways"]:
        empty = {"file": ("c.csv", b"learner,registered,achieved\n", "text/csv")}
        for path, sent in (("/api/whatif", {"json": {"qualification": ref, "edits": edits(summary.json())[:1]}}),
                           ("/api/plan", {"json": {"qualification": ref, "start": "2027-01"}}),
                           ("/api/cohort", {"data": {"qualification": ref}, "files": empty})):
            refused = client.post(path, **sent)
            assert refused.status_code == 422 and refused.json()["problems"][0]["path"] == "pathway", path


def edits(summary: dict) -> list[dict]:
    """An edit of each kind the what-if view offers that the qualification has: withdraw a unit, set a sum rule's
    bound, move a replacement's cut-off or a rule version's start (its own rules and its named pathways')."""
    rules = [*summary["rules"], *(r for p in summary["pathways"] for r in p["rules"])]
    out: list[dict] = [{"kind": "withdraw-unit", "unit": summary["groups"][0]["units"][0]["code"]}]
    out += [{"kind": "set-bound", "rule": r["id"], "min": 0} for r in rules if r["kind"] == "sum"][:1]
    out += [{"kind": "move-date", "rule": r["id"], "from": "2030-01-01"} for r in rules
            if r["kind"] == "replacement" or r.get("registered_from")][:2]
    return out


@pytest.mark.parametrize("directory", CATALOGUES, ids=lambda d: d.name)
def test_every_page_and_endpoint_on_every_example(directory: Path):
    with TestClient(create_app(directory)) as client:
        for page in ("/", "/import", "/docs", "/api/qualifications", "/api/audit"):
            assert_clean(client.get(page), page) if page != "/docs" else None
        rows = client.get("/api/qualifications").json()
        assert rows
        for qualification in rows:
            walk(client, qualification)


def test_bad_requests_say_no_repr_either():
    with TestClient(create_app(ROOT / "examples")) as client:
        for body in ('{"qualification": "adult-care-l3", "pathway": 3}', '{"qualification": "cet-l4", "reading": [1]}',
                     '{"qualification": "access-health", "units": ["AHS-SKL1@sung"]}', "{", "[]", "null",
                     json.dumps({"qualification": "adult-care-l3", "objective": "fastest"})):
            for path in ("/api/check", "/api/recommend", "/api/count"):
                response = client.post(path, content=body, headers={"Content-Type": "application/json"})
                assert 400 <= response.status_code < 500, (path, body, response.text)
                assert_clean(response, f"{path} {body}")
