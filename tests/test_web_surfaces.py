"""The constructs the web explorer gained for issue 22: what-if and cohort on a named pathway and a reading, import
slots with their candidates and "let the solver fill import slots", and rule versions chosen by registration date.

Every expected figure is worked out by hand from catalogue/examples beside it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402

from solver.web.app import create_app  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "catalogue" / "examples"
CORE = ["ISC-CORE-1", "ISC-CORE-2", "ISC-CORE-3"]  # isc-iii's three core units: 40 + 50 + 60 = 150 GLH


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(EXAMPLES)) as c:
        yield c


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


# --- what-if on a named pathway and a reading -----------------------------------------------------------------

def test_whatif_on_a_named_pathway(client):
    # Dementia Care: the 5 mandatory units (12 credits, 59 GLH) and both DEM units (7 credits, 52 GLH) make 19
    # credits; at least 1 more from HSC 3013 (26 GLH), EOL 301 (28), EOL 306 (30): any non-empty subset, 7
    # pathways, the lowest 111 + 26 = 137 GLH. HSC 3013 withdrawn: the subsets of the two EOL units, 3; 111 + 28.
    data = client.post("/api/whatif", json={"qualification": "adult-care-l3", "pathway": "dementia",
                                             "edits": [{"kind": "withdraw-unit", "unit": "HSC 3013"}]}).json()
    assert (data["pathway"], data["pathway_title"]) == ("dementia", "Dementia Care")
    assert (data["before"]["count"], data["after"]["count"]) == (7, 3)
    assert (data["before"]["lowest_glh"], data["after"]["lowest_glh"]) == (137, 139)


def test_whatif_on_a_qualification_with_pathways_asks_for_one(client):
    response = client.post("/api/whatif", json={"qualification": "adult-care-l3",
                                                 "edits": [{"kind": "withdraw-unit", "unit": "HSC 3013"}]})
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["path"] == "pathway" and "Dementia Care" in problem["message"]
    unknown = client.post("/api/whatif", json={"qualification": "adult-care-l3", "pathway": "nursing",
                                                "edits": [{"kind": "withdraw-unit", "unit": "HSC 3013"}]})
    assert unknown.status_code == 422 and unknown.json()["problems"][0]["path"] == "pathway"
    assert "dementia, end-of-life" in unknown.json()["problems"][0]["message"]


def test_whatif_edits_a_named_pathways_rule(client):
    # End of Life Care: the mandatory units (12 credits, 9 at level 3, 59 GLH) and 5 credits of EOL units. EOL 306
    # alone (17 credits) needs 3 more from HSC 3013 (4), DEM 301 (3), DEM 312 (4): 7 sets; both EOL units (20): any
    # of the 8 subsets. 15 pathways, the lowest 59 + 30 + 22 = 111. Lowered to 3, EOL 301 alone (15 credits) with
    # at least 5 more: 4 sets more, 19; none lower than 111 (59 + 28 + 26 + 22 = 135).
    body = {"qualification": "adult-care-l3", "pathway": "end-of-life",
            "edits": [{"kind": "set-bound", "rule": "end-of-life-credits", "min": 3}]}
    data = client.post("/api/whatif", json=body).json()
    assert (data["before"]["count"], data["after"]["count"]) == (15, 19)
    assert (data["before"]["lowest_glh"], data["after"]["lowest_glh"]) == (111, 111)


def test_whatif_under_a_reading(client):
    # cet-l4: the mandatory units give 21 credits; the optional ones (3, 3, 6 credits) must give at least 6 (read
    # "exactly 6" under 'exactly'); a new learner needs 30 to 36 in all. At least 6: 9 or 12 optional credits, 3
    # pathways; exactly 6: 27 in all, none. With the total's minimum lowered to 27: at least 6 gives 5 pathways
    # (6, 6, 9, 9, 12), exactly 6 gives 2 (H/505/0056 alone, or H/505/0054 with H/505/0055).
    edits = [{"kind": "set-bound", "rule": "total-2024", "min": 27}]
    stated = client.post("/api/whatif", json={"qualification": "cet-l4", "edits": edits}).json()
    assert (stated["before"]["count"], stated["after"]["count"]) == (3, 5)
    exactly = client.post("/api/whatif", json={"qualification": "cet-l4", "reading": "exactly", "edits": edits}).json()
    assert (exactly["before"]["count"], exactly["after"]["count"]) == (0, 2)
    by_rule = client.post("/api/whatif", json={"qualification": "cet-l4", "edits": edits,
                                               "reading": {"optional-credits": "exactly"}}).json()
    assert by_rule["after"]["count"] == 2
    bad = client.post("/api/whatif", json={"qualification": "cet-l4", "reading": "most", "edits": edits})
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["path"] == "reading" and "at-least, exactly" in bad.json()["message"]


def test_whatif_moves_a_rule_versions_start(client):
    # Registered 1 September 2024, the 2024 total (30 to 36) applies: 3 pathways. Its start moved to 2025, neither
    # total applies (the 2017 one ended 31 July 2024): any optional set of at least 6 credits, 5 pathways.
    data = client.post("/api/whatif", json={"qualification": "cet-l4", "registered": "2024-09-01",
                                             "edits": [{"kind": "move-date", "rule": "total-2024",
                                                        "from": "2025-01-01"}]}).json()
    assert (data["before"]["count"], data["after"]["count"]) == (3, 5)
    assert data["rule_version"]["label"] == "registered from 01/08/2024"


# --- cohort on a named pathway and a reading ------------------------------------------------------------------

CSV = "learner,registered,achieved\nAl,,\nBo,2020-01-01,\n"


def test_cohort_on_a_named_pathway(client):
    # Dementia Care at the lowest GLH: 111 (mandatory and DEM units) + HSC 3013 (26) = 137. End of Life Care: the
    # mandatory units and EOL 306 make 17 credits (14 at level 3); DEM 301 (3 credits, 22 GLH) completes 20: 111.
    for pathway, glh, unit in (("dementia", "137", "DEM 312"), ("end-of-life", "111", "EOL 306")):
        got = rows(client.post("/api/cohort", data={"qualification": "adult-care-l3", "pathway": pathway},
                               files={"file": ("c.csv", CSV.encode(), "text/csv")}))
        assert [r["new_glh"] for r in got] == [glh, glh]
        assert all(unit in r["units"] for r in got)


def test_cohort_on_a_qualification_with_pathways_asks_for_one(client):
    response = client.post("/api/cohort", data={"qualification": "adult-care-l3"},
                           files={"file": ("c.csv", CSV.encode(), "text/csv")})
    assert response.status_code == 422
    assert response.json()["problems"][0]["path"] == "pathway"
    assert "End of Life Care" in response.json()["message"]


def test_cohort_under_a_reading(client):
    # At least 6 optional credits: a new learner 84 + 45 = 129 GLH; registered 2020 (27 to 36 credits), 84 + 30.
    # Exactly 6: a new learner cannot reach 30 credits (INFEASIBLE); registered 2020, 84 + 30 = 114.
    stated = rows(client.post("/api/cohort", data={"qualification": "cet-l4"},
                              files={"file": ("c.csv", CSV.encode(), "text/csv")}))
    assert [(r["status"], r["new_glh"]) for r in stated] == [("OPTIMAL", "129"), ("OPTIMAL", "114")]
    for reading in ("exactly", "optional-credits=exactly"):
        read = rows(client.post("/api/cohort", data={"qualification": "cet-l4", "reading": reading},
                                files={"file": ("c.csv", CSV.encode(), "text/csv")}))
        assert [r["status"] for r in read] == ["INFEASIBLE", "OPTIMAL"] and read[1]["new_glh"] == "114"
    bad = client.post("/api/cohort", data={"qualification": "cet-l4", "reading": "most"},
                      files={"file": ("c.csv", CSV.encode(), "text/csv")})
    assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "reading"


# --- import slots ---------------------------------------------------------------------------------------------

def test_import_slots_listed_with_their_candidates(client):
    # isc-iii may import 1 unit of adult-care-l3 at level 3 or above: all its units but HSC 024 (level 2).
    summary = client.get("/api/qualifications/isc-iii").json()
    [slot] = summary["import_slots"]
    assert slot["rule"] == "imported" and "import slot" in slot["description"]
    codes = [u["code"] for u in slot["candidates"]]
    assert sorted(codes) == sorted(["SHC 31", "SHC 32", "SHC 33", "SHC 34", "HSC 3013", "DEM 301", "DEM 312",
                                    "EOL 301", "EOL 306"])
    shc34 = next(u for u in slot["candidates"] if u["code"] == "SHC 34")
    assert (shc34["title"], shc34["glh"], shc34["from"]) == ("Principles for implementing duty of care", 5,
                                                              ["adult-care-l3"])
    assert "SHC 34" in summary["claimable_codes"]
    page = client.get("/q/isc-iii").text
    assert "Import slots: units from other qualifications" in page
    assert "Principles for implementing duty of care" in page
    builder = client.get("/q/isc-iii/builder").text
    assert 'value="SHC 34"' in builder and "Let the solver fill import slots" in builder
    assert "Let the solver fill import slots" in client.get("/q/isc-iii/learner").text
    assert "Let the solver fill import slots" not in client.get("/q/cet-l4/learner").text


def test_the_solver_fills_import_slots_when_let(client):
    # 3 core units (150 GLH) and 3 electives from at least 2 elective groups (at most 1 imported). Left open:
    # ISC-HOM-1 15 + ISC-AGE-1 20 + ISC-AGE-2 25 = 210. Filled: SHC 34 (5 GLH) replaces ISC-AGE-2: 190.
    kept = client.post("/api/recommend", json={"qualification": "isc-iii"}).json()
    assert kept["new_glh"] == 210 and kept["open_imports"]
    filled = client.post("/api/recommend", json={"qualification": "isc-iii", "fill_imports": True}).json()
    assert filled["new_glh"] == 190 and "SHC 34" in filled["units"] and not filled.get("open_imports")


def test_checks_repair_fills_a_slot_as_the_cli_unless_told_not_to(client):
    # Five units ticked, one short: the nearest valid set adds SHC 34 (5 GLH) by default (as `pathways check`);
    # with the slots kept to the units ticked, ISC-AGE-2 (25 GLH).
    units = [*CORE, "ISC-HOM-1", "ISC-AGE-1"]
    free = client.post("/api/check", json={"qualification": "isc-iii", "units": units}).json()
    assert free["repair"]["best"]["add"] == ["SHC 34"]
    kept = client.post("/api/check", json={"qualification": "isc-iii", "units": units, "fill_imports": False}).json()
    assert kept["repair"]["best"]["add"] == ["ISC-AGE-2"]
    # A candidate ticked by hand is checked as a claim of the slot.
    ticked = client.post("/api/check", json={"qualification": "isc-iii", "units": [*units, "SHC 34"],
                                             "fill_imports": False}).json()
    assert ticked["valid"]


# --- rule versions --------------------------------------------------------------------------------------------

def test_rule_versions_listed_by_their_start(client):
    versions = client.get("/api/qualifications/cet-l4").json()["versions"]
    assert [(v["from"], v["until"], v["date"], v["label"], v["rules"]) for v in versions] == [
        (None, "2024-07-31", "2024-07-31", "registered before 01/08/2024", ["total-2017"]),
        ("2024-08-01", None, "2024-08-01", "registered from 01/08/2024", ["total-2024"])]
    assert client.get("/api/qualifications/adult-care-l3").json()["versions"] == []
    page = client.get("/q/cet-l4").text
    assert "Rule versions" in page and "Registered before 01/08/2024" in page
    for view in ("builder", "learner", "plan", "explore", "whatif"):
        assert 'class="rule-version"' in client.get(f"/q/cet-l4/{view}").text, view
    assert 'class="rule-version"' not in client.get("/q/adult-care-l3/learner").text


def test_the_registration_date_picks_the_version_and_the_answer_says_which(client):
    # Registered 2020 the 2017 total applies (27 to 36 credits): 21 mandatory + 6 optional (H/505/0056, 30 GLH, or
    # the two 15-GLH units) = 114 GLH. A new learner: the 2024 total (30 to 36): 9 optional credits, 129 GLH.
    old = client.post("/api/recommend", json={"qualification": "cet-l4", "registered": "2020-01-01"}).json()
    assert old["new_glh"] == 114 and old["rule_version"]["label"] == "registered before 01/08/2024"
    assert old["rule_version"]["rules"] == ["total-2017"]
    new = client.post("/api/recommend", json={"qualification": "cet-l4"}).json()
    assert new["new_glh"] == 129 and new["rule_version"]["label"] == "registered from 01/08/2024"
    assert "new learner" in new["rule_version"]["why"]
    checked = client.post("/api/check", json={"qualification": "cet-l4", "units": [], "registered": "2024-08-01"})
    assert checked.json()["rule_version"]["rules"] == ["total-2024"]
    counted = client.post("/api/count", json={"qualification": "cet-l4", "registered": "2024-07-31"}).json()
    assert counted["rule_version"]["rules"] == ["total-2017"] and counted["count"] == 5


# --- a reading in a named pathway's rule ----------------------------------------------------------------------

PATHWAY_READING = """\
source: A reading that lives in a named pathway's rule (test)
units:
  - {code: R-A, title: Unit A, level: 1, credits: 2, glh: 10}
  - {code: R-B, title: Unit B, level: 1, credits: 2, glh: 20}
  - {code: R-C, title: Unit C, level: 1, credits: 3, glh: 5}
qualifications:
  - id: read-p
    accreditation: READ-P
    title: Read on a pathway
    level: 1
    awarding_body: Test
    groups:
      - {id: G, name: Group, units: [R-A, R-B, R-C]}
    rules:
      - {id: total, kind: sum, min: 2}
    pathways:
      - id: p1
        title: Pathway one
        rules:
          - {id: p1-credits, kind: sum, min: 4, reading: at-least, readings: {exactly: {max: 4}}}
"""


def test_a_reading_in_a_named_pathways_rule_is_offered_and_applied(tmp_path):
    # As `pathways count --pathway p1 --reading exactly` (the CLI reads a pathway's rules too): at least 4 credits,
    # {A,B} 4, {A,C} 5, {B,C} 5, {A,B,C} 7: 4 pathways; exactly 4: {A,B} alone.
    (tmp_path / "read.yaml").write_text(PATHWAY_READING)
    with TestClient(create_app(tmp_path)) as client:
        summary = client.get("/api/qualifications/read-p").json()
        assert summary["readings"] == {"p1-credits": ["at-least", "exactly"]}
        assert summary["reading_names"] == ["at-least", "exactly"]
        body = {"qualification": "read-p", "pathway": "p1"}
        assert client.post("/api/count", json=body).json()["count"] == 4
        assert client.post("/api/count", json={**body, "reading": "exactly"}).json()["count"] == 1
        assert client.post("/api/count", json={**body, "reading": {"p1-credits": "exactly"}}).json()["count"] == 1
        # The lowest GLH under exactly 4 credits: A and B, 30 GLH (C with A would be 15 GLH but 5 credits).
        assert client.post("/api/recommend", json={**body, "reading": "exactly"}).json()["new_glh"] == 30
        whatif = client.post("/api/whatif", json={**body, "reading": "exactly",
                                                  "edits": [{"kind": "withdraw-unit", "unit": "R-B"}]}).json()
        assert (whatif["before"]["count"], whatif["after"]["count"]) == (1, 0)
        assert 'value="exactly"' in client.get("/q/read-p/explore").text
