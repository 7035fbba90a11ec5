"""The HTTP API through FastAPI's test client: every endpoint, the error shapes and the limits.

Figures for the tiny catalogue are worked out by hand below; the seed figures are the README's.
"""

from __future__ import annotations

import hashlib
import io
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402
from solver.web.limits import Limits  # noqa: E402

CERT = "600/5962/X"
ASHA = {"qualification": CERT, "registered": "2021-01-01", "achieved": ["8000-250", "8000-252", "8000-308"]}

# Three units, 4 to 5 credits. Valid pathways, by hand: A+B (4 cr, 15 GLH), A+C (5 cr, 18 GLH), B+C (5 cr, 13 GLH);
# A+B+C has 7 credits. So 3 pathways, lowest GLH 13 (B+C), every unit in exactly 2 of them.
TINY = """\
source: Tiny test specification
units:
  - {code: T-A, title: "Alpha <script>alert(1)</script> & co", level: 2, credits: 2, glh: 10}
  - {code: T-B, title: Beta, level: 2, credits: 2, glh: 5}
  - {code: T-C, title: Gamma, level: 2, credits: 3, glh: 8}
qualifications:
  - id: tiny
    accreditation: 999/0000/1
    title: Tiny Award
    level: 2
    awarding_body: Test
    groups:
      - {id: G1, name: Group 1, units: [T-A, T-B, T-C]}
    rules:
      - {id: total, kind: sum, sum: credits, min: 4, max: 5, note: "Learners must achieve 4 to 5 credits."}
"""


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return tmp_path


@pytest.fixture
def tiny(tiny_dir: Path):
    with TestClient(create_app(tiny_dir)) as c:
        yield c


def problems(response) -> list[str]:
    body = response.json()
    assert set(body) == {"error", "message", "problems"}
    return [p["text"] for p in body["problems"]]


# --- catalogue --------------------------------------------------------------------------------------

def test_qualifications_lists_the_bundled_catalogue(client):
    rows = client.get("/api/qualifications").json()
    assert {r["accreditation"]: r["units"] for r in rows} == {"600/5928/X": 30, "600/5962/X": 48, "600/5788/9": 3}
    cert = next(r for r in rows if r["accreditation"] == CERT)
    assert cert["figures"]["credits"] == {"min": 13, "max": 36}


def test_one_qualification_has_units_by_group_and_rules_with_the_awarding_bodys_wording(tiny):
    q = tiny.get("/api/qualifications/999/0000/1").json()
    assert [u["code"] for u in q["groups"][0]["units"]] == ["T-A", "T-B", "T-C"]
    assert q["groups"][0]["credits"] == 7
    assert q["rules"] == [{"id": "total", "kind": "sum", "description": "At least 4 and at most 5 credits in total",
                           "note": "Learners must achieve 4 to 5 credits.", "source": "tiny.yaml:15:9",
                           "min": 4, "max": 5}]
    assert tiny.get("/api/qualifications/tiny").json() == q  # by short id too


def test_an_unknown_qualification_is_404_naming_the_known_ones(client):
    response = client.get("/api/qualifications/600/0000/0")
    assert response.status_code == 404
    assert "no qualification '600/0000/0'" in response.json()["message"]
    assert "l2-cert-lts (600/5962/X)" in response.json()["message"]


# --- check, recommend, explain ----------------------------------------------------------------------

def test_check_gives_every_rule_with_numbers_and_the_fix(tiny):
    body = tiny.post("/api/check", json={"qualification": "tiny", "units": ["T-A"]}).json()
    assert (body["valid"], body["credits"], body["glh"]) == (False, 2, 10)
    assert body["rules"][0]["holds"] is False and body["rules"][0]["fix"] == "add at least 2 credits in total"
    ok = tiny.post("/api/check", json={"qualification": "tiny", "units": ["T-B", "T-C"]}).json()
    assert ok["valid"] and ok["credits"] == 5 and ok["fixes"] == []


def test_check_knows_the_registration_date_and_achievements(client):
    # Registered after the 2020-07-01 cut-off, 8000-339 may not be claimed; achieved units cost no new GLH.
    body = client.post("/api/check", json={"qualification": CERT, "units": ["8000-339", "8000-250"],
                                           "registered": "2021-01-01", "achieved": ["8000-250"]}).json()
    assert body["new_glh"] == 9 and body["glh"] == 15
    assert any("8000-359" in (r["fix"] or "") for r in body["rules"])


def test_recommend_for_asha_is_18_new_glh_with_a_reason_per_unit(client):
    body = client.post("/api/recommend", json={**ASHA, "alternatives": 2}).json()
    assert body["status"] == "OPTIMAL" and body["new_glh"] == 18
    assert {"8000-250", "8000-252", "8000-308"} <= set(body["units"])
    assert all(u["reasons"] for u in body["detail"])
    assert len(body["alternatives"]) == 2
    assert all(a["new_glh"] >= 18 for a in body["alternatives"])
    assert len({tuple(body["units"]), *(tuple(a["units"]) for a in body["alternatives"])}) == 3


def test_recommend_takes_every_ask(tiny):
    # Achieved T-B costs nothing: B+C is 8 new GLH, A+B 10, A+C 18.
    body = tiny.post("/api/recommend", json={"qualification": "tiny", "achieved": ["T-B"]}).json()
    assert (body["units"], body["new_glh"]) == (["T-B", "T-C"], 8)
    body = tiny.post("/api/recommend", json={"qualification": "tiny", "achieved": ["T-B"], "exclude": ["T-C"]}).json()
    assert (body["units"], body["new_glh"]) == (["T-A", "T-B"], 10)
    body = tiny.post("/api/recommend", json={"qualification": "tiny", "include": ["T-A"], "objective": "best-fit",
                                             "goals": {"gamma": 2}}).json()
    assert body["units"] == ["T-A", "T-C"] and body["objective_values"]["goal_score"] == 2


def test_recommend_impossible_is_infeasible_with_the_explanation(client):
    body = client.post("/api/recommend", json={"qualification": CERT, "max_glh": 20}).json()
    assert body["status"] == "INFEASIBLE" and body["units"] == [] and body["new_glh"] is None
    assert {c["id"] for c in body["conflict"]} == {"rule:total-credits", "max-glh"}
    assert [r["value"] for r in body["relaxations"]] == [33]
    assert body["explanation"][0].startswith("These cannot all hold together")


def test_explain_says_whether_a_request_is_possible(tiny):
    # The lowest GLH is 13, so a budget of 12 is impossible and 13 is enough.
    no = tiny.post("/api/explain", json={"qualification": "tiny", "max_glh": 12}).json()
    assert no["possible"] is False and [r["value"] for r in no["relaxations"]] == [13]
    yes = tiny.post("/api/explain", json={"qualification": "tiny", "max_glh": 13}).json()
    assert yes["possible"] is True and yes["conflict"] == [] and yes["status"] == "OPTIMAL"


def test_a_solve_stopped_by_the_deterministic_limit_is_not_called_optimal(tiny_dir):
    with TestClient(create_app(tiny_dir, Limits(solve_time=0.0))) as c:
        body = c.post("/api/recommend", json={"qualification": "tiny"}).json()
    assert body["status"] == "UNKNOWN" and body["units"] == [] and body["explanation"] == []


# --- count, enumerate, audit ------------------------------------------------------------------------

def test_count_is_exact_with_distributions_and_shares(tiny):
    body = tiny.post("/api/count", json={"qualification": "tiny", "shares": True}).json()
    assert (body["count"], body["minimal"]) == (3, 3)
    assert body["by_credits"] == {"4": 1, "5": 2} and body["by_glh"] == {"13": 1, "15": 1, "18": 1}
    assert {s["code"]: s["pathways"] for s in body["shares"]} == {"T-A": 2, "T-B": 2, "T-C": 2}
    filtered = tiny.post("/api/count", json={"qualification": "tiny", "max_glh": 15}).json()
    assert filtered["count"] == 2 and "shares" not in filtered


def test_count_of_the_seed_certificate(client):
    body = client.post("/api/count", json={"qualification": CERT}).json()
    assert body["count"] == 1_141_305_047_728 and body["count_text"] == "1,141,305,047,728"


def test_enumerate_pages_in_order(tiny):
    first = tiny.post("/api/enumerate", json={"qualification": "tiny", "order": "glh", "limit": 2}).json()
    assert [p["units"] for p in first["pathways"]] == [["T-B", "T-C"], ["T-A", "T-B"]]
    assert (first["total"], first["listed"], first["complete"]) == (3, 2, True)
    rest = tiny.post("/api/enumerate", json={"qualification": "tiny", "order": "glh", "offset": 2, "limit": 2}).json()
    assert [(p["units"], p["glh"]) for p in rest["pathways"]] == [(["T-A", "T-C"], 18)]


def test_audit_of_one_and_of_every_qualification(client, tiny):
    one = tiny.get("/api/audit", params={"qualification": "tiny"}).json()
    regime = one["qualifications"][0]["regimes"][0]
    assert regime["credits"] == [4, 5] and regime["glh"] == [13, 18] and regime["lowest_glh_route"] == ["T-B", "T-C"]
    every = client.get("/api/audit").json()
    assert len(every["qualifications"]) == 3 and every["findings"]
    assert client.get("/api/audit", params={"qualification": "nope"}).status_code == 404


# --- what-if ----------------------------------------------------------------------------------------

def test_whatif_compares_before_and_after_and_never_changes_the_catalogue(tiny_dir):
    before = hashlib.sha256((tiny_dir / "tiny.yaml").read_bytes()).hexdigest()
    app = create_app(tiny_dir)
    with TestClient(app) as c:
        # Allowing 7 credits adds A+B+C (23 GLH): 4 pathways; the lowest GLH stays 13.
        body = c.post("/api/whatif", json={"qualification": "tiny", "edits": [
            {"kind": "set-bound", "rule": "total", "min": 4, "max": 7}]}).json()
        assert (body["before"]["count"], body["after"]["count"]) == (3, 4)
        assert (body["before"]["lowest_glh"], body["after"]["lowest_glh"]) == (13, 13)
        assert body["after"]["glh"] == [13, 23]
        again = c.post("/api/count", json={"qualification": "tiny"}).json()
    assert again["count"] == 3  # the served catalogue is as it was
    assert hashlib.sha256((tiny_dir / "tiny.yaml").read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tiny_dir.iterdir()) == ["tiny.yaml"]


def test_whatif_with_a_cohort_reports_who_changes(tiny):
    # Withdrawing T-C leaves only A+B: a learner who achieved T-B goes from 8 to 10 new GLH.
    body = tiny.post("/api/whatif", json={"qualification": "tiny", "edits": [{"kind": "withdraw-unit", "unit": "T-C"}],
                                          "cohort": [{"name": "Bo", "achieved": ["T-B"]}]}).json()
    assert body["after"]["count"] == 1 and body["changed"] == ["Bo"]
    assert (body["cohort"][0]["before_new_glh"], body["cohort"][0]["after_new_glh"]) == (8, 10)


def test_whatif_answers_as_the_python_api(client, catalogue):
    import solver.queries.whatif as whatif

    body = {"qualification": CERT, "registered": "2021-01-01", "edits": [
        {"kind": "move-date", "rule": "coaching-359-not-339", "from": "2022-01-01"}]}
    for _ in range(2):  # the second answer reuses the unedited side
        answer = client.post("/api/whatif", json=body).json()
        scenario = whatif.WhatIf(name="what-if", **body)
        assert answer == whatif.compare(scenario, catalogue, catalogue.qualification(CERT)).to_dict()
    assert answer["after"]["count"] > answer["before"]["count"]  # 339 and 340's old pair claimable again


def test_a_bad_edit_is_located(tiny):
    response = tiny.post("/api/whatif", json={"qualification": "tiny", "edits": [
        {"kind": "set-bound", "rule": "nope", "max": 3}]})
    assert response.status_code == 422
    assert len(problems(response)) == 1 and problems(response)[0].startswith("edits[0].rule: no rule 'nope'")
    response = tiny.post("/api/whatif", content='{"qualification": "tiny",\n "edits": [{"kind": "grow"}]}')
    assert response.status_code == 422
    assert all(p["line"] == 2 for p in response.json()["problems"])  # where in the body, beside the text
    assert any(p.startswith("edits[0]") and "expected 'kind' to be one of" in p for p in problems(response))


# --- cohort -----------------------------------------------------------------------------------------

def test_cohort_csv_in_csv_out(tiny):
    csv = "learner,registered,achieved\nBo,,T-B\nCy,2021-01-01,\nDi,,T-Z\n"
    response = tiny.post("/api/cohort", data={"qualification": "tiny"},
                         files={"file": ("cohort.csv", csv.encode(), "text/csv")})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "learner,status,units,credits,glh,new_glh,message"
    assert lines[1].startswith("Bo,OPTIMAL,T-B T-C,5,13,8,")
    assert lines[2].startswith("Cy,OPTIMAL,T-B T-C,5,13,13,")
    assert lines[3].startswith("Di,ERROR,")


def test_a_broken_line_in_an_uploaded_cohort_is_that_rows_error(tiny):
    csv = 'learner,registered,achieved\nBo,,T-B\nCy,"2021-01-01,\nDi,,T-B,extra\nEd,,T-B\n'
    response = tiny.post("/api/cohort", data={"qualification": "tiny"},
                         files={"file": ("cohort.csv", csv.encode(), "text/csv")})
    assert response.status_code == 200
    lines = response.text.splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["OPTIMAL", "ERROR", "ERROR", "OPTIMAL"]
    assert "line 3: cannot be read as CSV" in lines[2] and "line 4: expected at most 3 fields" in lines[3]


def test_cohort_bad_files_are_4xx(tiny_dir):
    with TestClient(create_app(tiny_dir, Limits(max_cohort_rows=2, max_cohort_bytes=200))) as c:
        def post(text: str, **form):
            return c.post("/api/cohort", data={"qualification": "tiny", **form},
                          files={"file": ("c.csv", text.encode(), "text/csv")})
        missing = post("learner,achieved\nBo,T-B\n")
        assert missing.status_code == 422 and "no column 'registered'" in missing.json()["message"]
        assert post("").status_code == 422
        assert post("learner,registered,achieved\n" + "Bo,,T-B\n" * 3).status_code == 413
        assert post("learner,registered,achieved\n" + "x" * 300).status_code == 413
        assert post("learner,registered,achieved\nBo,,T-B\n", objective="cheapest").status_code == 422
        assert post("learner,registered,achieved\nBo,,T-B\n", qualification="nope").status_code == 422


# --- error shapes and limits ------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ('{"qualification": "tiny",\n  "units": [1]}', "units[0]: expected text, got a whole number 1"),
    ('{"qualification": "tiny", "unit": []}', "unit: unknown key 'unit' (did you mean 'units'?)"),
    ('{"units": []}', "missing required field 'qualification'"),
    ('{"qualification": "tiny", "units": [', "invalid JSON: expecting value (line 1, column 37)"),
    ('["T-A"]', "expected a JSON object"),
    ('{"qualification": "tiny", "registered": "2021-13-01"}',
     "registered: expected a date (YYYY-MM-DD), got text '2021-13-01'"),
])
def test_bad_bodies_are_422_with_located_problems(tiny, body, expected):
    response = tiny.post("/api/check", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert problems(response)[0].startswith(expected)
    assert "Traceback" not in response.text


def test_numbers_too_large_for_the_solver_are_located_422s(client):
    huge = 10**30
    for path, body, where in [
            ("/api/recommend", {"qualification": CERT, "max_glh": huge}, "max_glh"),
            ("/api/recommend", {"qualification": CERT, "objective": "best-fit", "goals": {"coaching": 2**60}},
             "goals.coaching"),
            ("/api/count", {"qualification": CERT, "min_glh": huge}, "min_glh"),
            ("/api/whatif", {"qualification": CERT, "edits": [{"kind": "set-bound", "rule": "total-credits",
                                                               "max": huge}]}, "edits[0].max"),
            ("/api/whatif", {"qualification": CERT, "edits": [{"kind": "add-unit", "group": "G1", "unit": {
                "code": "N-1", "title": "New", "level": 2, "credits": 2, "glh": huge}}]}, "edits[0].unit.glh")]:
        response = client.post(path, json=body)
        assert response.status_code == 422, (path, body)
        assert response.json()["problems"][0]["path"] == where
        assert response.json()["problems"][0]["message"].startswith("expected a number <= ")


def test_a_deep_ordered_page_stops_at_its_deterministic_limit_and_says_so(tiny_dir):
    with TestClient(create_app(tiny_dir, Limits(enumerate_seconds=0.0))) as c:
        body = c.post("/api/enumerate", json={"qualification": "tiny", "order": "glh", "limit": 3}).json()
    assert body["listed"] < 3 and body["complete"] is False and body["stopped"] == "time limit"


FIELDS = ["qualification", "units", "registered", "achieved", "include", "exclude", "max_glh", "min_glh", "goals",
          "alternatives", "objective", "order", "offset", "limit", "shares", "minimal", "edits", "cohort", "name",
          "kind", "rule", "min", "max", "from", "unit", "group"]


def _json_values():
    from hypothesis import strategies as st

    scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
               | st.sampled_from(["tiny", "T-A", "T-Z", "2021-01-01", "glh", "set-bound", "total", "G1", "<b>", ""]))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5), max_leaves=12)


def test_no_request_body_makes_a_500(tiny_dir):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    app = create_app(tiny_dir)
    paths = ["/api/check", "/api/recommend", "/api/explain", "/api/count", "/api/enumerate", "/api/whatif"]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=st.sampled_from(paths), fields=st.dictionaries(st.sampled_from(FIELDS), _json_values(), max_size=6),
           known=st.booleans())
    def post(path, fields, known):
        body = {"qualification": "tiny", **fields} if known else fields
        with TestClient(app) as c:  # raises, failing the test, on any unexpected server error
            response = c.post(path, json=body)
        assert response.status_code in (200, 404, 413, 422), (path, body, response.text)

    post()


def test_a_body_may_be_json_with_tabs_or_yaml(tiny):
    json_with_tabs = '{\t"qualification":\t"tiny",\n\t"units": ["T-B", "T-C"]}'
    for text in (json_with_tabs, "qualification: tiny\nunits: [T-B, T-C]\n"):
        response = tiny.post("/api/check", content=text)
        assert response.status_code == 200 and response.json()["valid"], text
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    response = tiny.post("/api/check", content=bomb)  # aliases of aliases: refused, not expanded
    assert response.status_code == 422 and "aliases expand it beyond that" in response.json()["message"]


def test_other_bad_input_is_4xx_json(tiny):
    assert tiny.post("/api/check", content=b"\xff\xfe").status_code == 422
    unknown = tiny.post("/api/recommend", json={"qualification": "tiny", "achieved": ["T-Z"]})
    assert unknown.status_code == 422 and "'T-Z' is not in the catalogue" in unknown.json()["message"]
    objective = tiny.post("/api/recommend", json={"qualification": "tiny", "objective": "cheapest"})
    assert objective.status_code == 422 and "objective: expected one of" in problems(objective)[0]
    assert tiny.post("/api/count", json={"qualification": "nope"}).status_code == 422
    assert tiny.post("/api/enumerate", json={"qualification": "tiny", "order": "size"}).status_code == 422
    assert tiny.get("/api/nothing").json()["error"] == "http"
    assert tiny.get("/api/check").status_code == 405


def test_limits_are_413_naming_the_limit(tiny_dir):
    limits = Limits(max_body_bytes=2000, max_units=3, max_page=2, max_offset=5, max_alternatives=1)
    with TestClient(create_app(tiny_dir, limits)) as c:
        cases = [("/api/check", {"qualification": "tiny", "units": ["T-A"] * 4}, "units"),
                 ("/api/recommend", {"qualification": "tiny", "alternatives": 2}, "alternatives"),
                 ("/api/enumerate", {"qualification": "tiny", "limit": 3}, "limit"),
                 ("/api/enumerate", {"qualification": "tiny", "offset": 6, "limit": 1}, "offset"),
                 ("/api/check", {"qualification": "tiny", "name": "x" * 3000}, "body")]
        for path, body, field in cases:
            response = c.post(path, json=body)
            assert response.status_code == 413, (path, body)
            assert response.json()["problems"][0]["path"] == field
        huge = c.post("/api/check", content=b"{}", headers={"Content-Length": str(10**9)})
        assert huge.status_code == 413


def test_an_unexpected_failure_is_a_500_without_a_traceback(tiny_dir):
    app = create_app(tiny_dir)

    @app.get("/api/broken")
    async def broken() -> dict:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/api/broken")
    assert response.status_code == 500
    assert response.json()["error"] == "internal"
    assert "secret" not in response.text and "Traceback" not in response.text


# --- safety: escaping, concurrency ------------------------------------------------------------------

def test_user_text_and_catalogue_text_come_back_escaped(tiny):
    payload = '<script>alert("x")</script>'
    page = tiny.get("/", params={"q": payload}).text
    assert payload not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    qualification = tiny.get("/q/tiny").text
    assert "<script>alert(1)</script>" not in qualification
    assert "Alpha &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in qualification
    missing = tiny.get(f"/q/{payload}/builder")
    assert missing.status_code == 404 and "<script>alert" not in missing.text
    assert "script-src 'self'" in tiny.get("/q/tiny").headers["content-security-policy"]


def test_a_posted_script_comes_back_as_json_data_never_as_a_page(tiny):
    payload = "<script>alert(1)</script>"
    response = tiny.post("/api/recommend", json={"qualification": "tiny", "name": payload, "achieved": ["T-B"]})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["learner"] == payload  # data, for the page's script to show as text
    bad = tiny.post("/api/check", json={"qualification": "tiny", "units": [payload]})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/json"


def test_concurrent_requests_do_not_interfere():
    with TestClient(create_app(limits=Limits(remembered=0))) as client:  # every request solved, none remembered
        check_concurrently(client)


def check_concurrently(client) -> None:
    requests = [("/api/recommend", ASHA), ("/api/recommend", {"qualification": CERT, "max_glh": 20}),
                ("/api/check", {"qualification": CERT, "units": ["8000-250", "8000-339"]}),
                ("/api/count", {"qualification": "600/5928/X"}),
                ("/api/whatif", {"qualification": CERT, "edits": [{"kind": "set-bound", "rule": "group-2-cap",
                                                                     "max": 8}]})]
    expected = [client.post(path, json=body).json() for path, body in requests]
    results: dict[int, dict] = {}

    def run(i: int) -> None:
        path, body = requests[i % len(requests)]
        results[i] = client.post(path, json=body).json()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected[i % len(requests)] for i in range(15))
    assert client.post("/api/count", json={"qualification": CERT}).json()["count"] == 1_141_305_047_728


def test_at_most_max_concurrent_requests_solve_at_once(tiny_dir):
    import time

    app = create_app(tiny_dir, Limits(max_concurrent=2))
    explorer, lock, active, peak = app.state.explorer, threading.Lock(), [0], [0]
    original = explorer.check

    def slow_check(body):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)  # long enough that six requests would overlap without the limit
        with lock:
            active[0] -= 1
        return original(body)

    explorer.check = slow_check
    with TestClient(app) as c:
        answers: list[int] = []
        threads = [threading.Thread(target=lambda: answers.append(
            c.post("/api/check", json={"qualification": "tiny", "units": ["T-B", "T-C"]}).status_code))
            for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert answers == [200] * 6 and peak[0] <= 2


def test_an_identical_request_is_answered_from_memory(tiny):
    body = {"qualification": "tiny", "achieved": ["T-B"]}
    first = tiny.post("/api/recommend", json=body).json()
    memo = tiny.app.state.explorer.memo
    assert len(memo) == 1
    assert tiny.post("/api/recommend", json=body).json() == first and len(memo) == 1
    tiny.post("/api/recommend", json={**body, "achieved": ["T-A"]})
    assert len(memo) == 2


# --- pages, docs, serve -----------------------------------------------------------------------------

def test_pages_and_docs_are_served(client):
    for path in ("/", "/q/l2-cert-lts", "/q/l2-cert-lts/builder", "/q/l2-cert-lts/learner",
                 "/q/l2-cert-lts/explore", "/q/l2-cert-lts/whatif", "/docs", "/static/pathways.js"):
        assert client.get(path).status_code == 200, path
    assert client.get("/q/l2-cert-lts/nope").status_code == 404
    builder = client.get("/q/l2-cert-lts/builder").text
    assert builder.count('type="checkbox"') == 48 and '<label for="unit-8000-250">' in builder
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/qualifications", "/api/check", "/api/recommend", "/api/explain", "/api/count", "/api/enumerate",
            "/api/audit", "/api/whatif", "/api/cohort"} <= set(paths)
    assert "qualification" in paths["/api/recommend"]["post"]["requestBody"]["content"]["application/json"][
        "schema"]["properties"]


def test_a_warm_server_has_audited_every_qualification_before_it_is_asked(tiny_dir):
    app = create_app(tiny_dir, warm=True)
    with TestClient(app):
        for thread in threading.enumerate():
            if thread.name == "pathways-warm":
                thread.join(timeout=30)
        memo = app.state.explorer.memo
        assert ("audit", "tiny") in memo and len(memo) == 3  # the audit, the count and the lowest-hours routes


def test_the_search_box_filters_the_catalogue(client):
    page = client.get("/", params={"q": "award"}).text
    assert "600/5928/X" in page and "600/5962/X" not in page


def test_serve_prints_its_address_and_stops_cleanly_on_ctrl_c():
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "solver.cli", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Pathways web explorer on http://127.0.0.1:")
        address = line.split()[4]
        with urllib.request.urlopen(address + "api/qualifications", timeout=10) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode in (0, 130)
    assert "Traceback" not in err


def test_serve_refuses_a_port_in_use():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "solver.cli", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "cannot listen on 127.0.0.1" in done.stderr and "Traceback" not in done.stderr


def test_cohort_output_matches_the_python_api(tiny_dir):
    import pandas as pd

    import solver

    csv = "learner,registered,achieved,max_glh\nBo,,T-B,\nCy,,,5\n"
    with TestClient(create_app(tiny_dir)) as c:
        text = c.post("/api/cohort", data={"qualification": "tiny"},
                      files={"file": ("c.csv", csv.encode(), "text/csv")}).text
    learners = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    frame = solver.recommend_cohort(solver.load_catalogue(tiny_dir), "tiny", learners)
    assert text == frame.to_csv(index=False, lineterminator="\n")
    assert "INFEASIBLE" in text.splitlines()[2]


def test_an_exemption_meets_the_mandatory_rule_through_the_api(client):
    """The L3 Certificate: all three units mandatory, 14 credits. Exempt from 8603-300 (2 credits), the other
    two give 12: the mandatory rule holds, the credit total does not."""
    body = client.post("/api/check", json={"qualification": "600/5788/9", "units": ["8603-301", "8603-302"],
                                           "exempt": ["8603-300"]}).json()
    rules = {r["id"]: r for r in body["rules"]}
    assert rules["group-1-mandatory"]["holds"] and not rules["total-credits"]["holds"]
    answer = client.post("/api/recommend", json={"qualification": "600/5788/9", "exempt": ["8603-300"]}).json()
    assert answer["status"] == "INFEASIBLE"


def test_examples_with_modes_and_an_import_slot():
    examples = Path(__file__).resolve().parent.parent / "catalogue" / "examples"
    client = TestClient(create_app(examples))
    units = ["AHS-BIO1", "AHS-BIO2", "AHS-CHE1", "AHS-PSY1", "AHS-SOC1", "AHS-MAT1", "AHS-SKL1"]
    checked = client.post("/api/check", json={"qualification": "access-health", "units": units}).json()
    assert (checked["valid"], checked["modes"]) == (True, {"AHS-SKL1": "ungraded"})
    named = client.post("/api/check", json={"qualification": "access-health",
                                            "units": [*units[:-1], "AHS-SKL1@ungraded"]}).json()
    assert named["valid"] and "modes" not in named
    refused = client.post("/api/check", json={"qualification": "access-health", "units": ["AHS-BIO1@ungraded"]})
    assert refused.status_code == 422 and "not offered ungraded" in refused.json()["message"]
    slot = client.post("/api/recommend", json={"qualification": "isc-iii"}).json()
    assert slot["new_glh"] == 210 and len(slot["open_imports"]) == 1
    transfer = client.post("/api/recommend", json={"qualification": "isc-iii", "achieved": ["DEM 301"]}).json()
    assert transfer["new_glh"] == 185 and "DEM 301" in transfer["units"]
