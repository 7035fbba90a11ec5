"""Every construct of the catalogue language through the HTTP API and the pages: named pathways, readings,
units in modes, unpublished values, and the qualification page's own number (issue 22)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "catalogue" / "examples"
ADULT_CARE = "601/9999/1"  # named pathways: dementia (Dementia Care), end-of-life (End of Life Care)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(EXAMPLES)) as c:
        yield c


def test_recommend_names_the_pathway_it_chose(client):
    # By hand: Dementia Care needs both DEM units (137 new GLH at best); End of Life Care needs 5 credits of EOL
    # units, EOL 306 alone (30 GLH) with DEM 301 for the level-3 credits: 111 new GLH. The lower is chosen.
    data = client.post("/api/recommend", json={"qualification": ADULT_CARE}).json()
    assert (data["pathway"], data["pathway_title"]) == ("end-of-life", "End of Life Care")
    assert data["new_glh"] == 111
    assert {p: v["new_glh"] for p, v in data["pathways"].items()} == {"dementia": 137, "end-of-life": 111}


def test_recommend_on_a_chosen_pathway(client):
    data = client.post("/api/recommend", json={"qualification": ADULT_CARE, "pathway": "dementia"}).json()
    assert data["pathway"] == "dementia" and {"DEM 301", "DEM 312"} <= set(data["units"])
    assert data["new_glh"] == 137


def test_an_unknown_pathway_is_said_at_its_field(client):
    response = client.post("/api/recommend", json={"qualification": ADULT_CARE, "pathway": "nursing"})
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["path"] == "pathway" and "dementia, end-of-life" in problem["message"]


def test_count_and_enumerate_take_a_pathway_and_ask_for_one(client):
    counted = client.post("/api/count", json={"qualification": ADULT_CARE, "pathway": "dementia"})
    assert counted.status_code == 200 and counted.json()["pathway"] == "dementia"
    listed = client.post("/api/enumerate", json={"qualification": ADULT_CARE, "pathway": "dementia", "limit": 3})
    assert listed.status_code == 200
    assert all({"DEM 301", "DEM 312"} <= set(p["units"]) for p in listed.json()["pathways"])
    unnamed = client.post("/api/count", json={"qualification": ADULT_CARE})
    assert unnamed.status_code == 422
    assert unnamed.json()["problems"][0]["path"] == "pathway"
    assert "Dementia Care" in unnamed.json()["problems"][0]["message"]


def test_check_against_each_pathway(client):
    units = ["SHC 31", "SHC 32", "SHC 33", "SHC 34", "HSC 024", "DEM 301", "DEM 312", "HSC 3013"]
    data = client.post("/api/check", json={"qualification": ADULT_CARE, "units": units}).json()
    assert data["valid"] and data["pathway"] == "dementia"
    assert {p: v["valid"] for p, v in data["pathways"].items()} == {"dementia": True, "end-of-life": False}
    on_eol = client.post("/api/check", json={"qualification": ADULT_CARE, "units": units, "pathway": "end-of-life"})
    assert not on_eol.json()["valid"]


def test_readings_listed_and_chosen(client):
    summary = client.get("/api/qualifications/cet-l4").json()
    assert summary["readings"] == {"optional-credits": ["at-least", "exactly"]}
    assert summary["reading_names"] == ["at-least", "exactly"]
    stated = client.post("/api/count", json={"qualification": "cet-l4"}).json()["count"]
    at_least = client.post("/api/count", json={"qualification": "cet-l4", "reading": "at-least"}).json()["count"]
    exactly = client.post("/api/count", json={"qualification": "cet-l4",
                                              "reading": {"optional-credits": "exactly"}}).json()["count"]
    assert stated == at_least == 3 and exactly == 0
    bad = client.post("/api/count", json={"qualification": "cet-l4", "reading": "loosely"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "reading"


def test_count_with_shares_on_units_in_modes(client):
    # AHS-SKL1 is offered graded and ungraded: it is shared per claim, its title saying which mode.
    response = client.post("/api/count", json={"qualification": "access-health", "shares": True})
    assert response.status_code == 200
    titles = {s["code"]: s["title"] for s in response.json()["shares"]}
    assert titles["AHS-SKL1@graded"] == "Academic writing (graded)"
    assert titles["AHS-SKL1@ungraded"] == "Academic writing (ungraded)"


def test_warming_answers_every_example():
    from solver.model.catalogue import load_catalogue
    from solver.web.service import Explorer

    explorer = Explorer(load_catalogue(EXAMPLES))
    explorer.warm()  # raised KeyError 'AHS-SKL1@graded' before
    assert len(explorer.memo) >= 2 * len(explorer.catalogue.qualifications)


def test_malformed_json_is_invalid_json_with_where(client):
    response = client.post("/api/recommend", content='{"qualification": "601/9999/1", "achieved": [1,}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    data = response.json()
    assert data["error"] == "invalid JSON" and "YAML" not in response.text
    [problem] = data["problems"]
    assert (problem["line"], problem["column"]) == (1, 48)
    assert problem["text"] == "invalid JSON: expecting value (line 1, column 48)"


def test_messages_name_fields_never_positions_or_server_paths(client):
    bad = client.post("/api/recommend", json={"qualification": ADULT_CARE, "max_glh": "x"}).json()
    assert bad["problems"][0]["text"] == "max_glh: expected a whole number, got text 'x'"
    assert "<request>" not in bad["message"] and "<request>" not in bad["problems"][0]["text"]
    missing = client.get("/api/audit", params={"qualification": "zzz"})
    assert missing.status_code == 404
    assert str(EXAMPLES) not in missing.text and str(Path.cwd()) not in missing.text
    assert "no qualification 'zzz' in the catalogue" in missing.json()["message"]


def test_the_cohort_upload_limit_is_one_constant(client):
    from solver.web.limits import Limits

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    size = Limits().max_cohort_bytes
    assert f"{size:,} bytes" in readme and f"{size // 1024} KiB" in readme
    response = client.post("/api/cohort", content=b"x", headers={"Content-Length": str(size + 70_000),
                                                                 "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.json()["message"] == f"at most {size:,} bytes ({size // 1024} KiB) per cohort file"
    page = client.get("/q/adult-care-l3/learner").text
    assert f"{size:,} bytes ({size // 1024} KiB) per cohort file" in page


# --- pages ---------------------------------------------------------------------------------------------------------

def test_the_qualification_page_prints_its_number(client):
    page = client.get("/q/adult-care-l3").text
    assert "601/9999/1 · adult-care-l3" in page and "accreditation number not published" not in page
    # Only a qualification that publishes none says so.
    assert "accreditation number not published" in client.get("/q/work-skills-e3").text


def test_named_pathways_and_readings_are_shown_and_selectable(client):
    page = client.get("/q/adult-care-l3").text
    assert "Named pathways" in page and "Dementia Care" in page and "End of Life Care" in page
    learner = client.get("/q/adult-care-l3/learner").text
    assert '<select id="l-pathway"' in learner and '<option value="">The best of them</option>' in learner
    assert '<option value="end-of-life">End of Life Care</option>' in learner
    explore = client.get("/q/adult-care-l3/explore").text
    assert '<select id="e-pathway"' in explore and 'The best of them' not in explore  # counts are per pathway
    assert '<select id="b-pathway"' in client.get("/q/adult-care-l3/builder").text
    teaching = client.get("/q/cet-l4/learner").text
    assert '<select id="l-reading"' in teaching and '<option value="exactly">exactly</option>' in teaching
    assert "read as at-least or exactly" in client.get("/q/cet-l4").text


def test_unpublished_credits_are_said_not_none(client):
    # isc-iii's units publish GLH but no credit values (credits: null).
    for view in ("", "/builder", "/learner", "/explore", "/whatif"):
        page = client.get(f"/q/isc-iii{view}").text
        assert "None" not in page, view
    assert "credits unpublished · 40 GLH" in client.get("/q/isc-iii/builder").text
    assert "credits unpublished" in client.get("/q/isc-iii").text


def test_unclaimable_units_are_named_with_why():
    with TestClient(create_app()) as c:  # the seed Certificate: 8000-359 replaces 8000-339 from 1 July 2020
        late = c.post("/api/check", json={"qualification": "600/5962/X", "registered": "2021-01-01"}).json()
        assert set(late["unclaimable"]) == {"8000-339", "8000-340"}
        assert late["unclaimable"]["8000-339"].startswith("8000-359 replaces 8000-339")
        early = c.post("/api/check", json={"qualification": "600/5962/X", "registered": "2019-01-01"}).json()
        assert early["unclaimable"] == {}
        kept = c.post("/api/check", json={"qualification": "600/5962/X", "registered": "2021-01-01",
                                          "achieved": ["8000-339"]}).json()
        assert "8000-339" not in kept["unclaimable"]  # achieved before the cut-off: it still counts
