"""The import review API through FastAPI's test client: upload, audit of an edited draft, save into a --writable
catalogue directory; bad input, path traversal and a read-only server answered located, never with a 500 or a
server path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from solver.cli.entry import app as cli  # noqa: E402
from solver.model.catalogue import load_catalogue  # noqa: E402
from solver.web.app import create_app  # noqa: E402
from solver.web.limits import Limits  # noqa: E402

# A specification of our own. By hand: 4 units (C-103 prints no GLH: a missing-value item on units[2].glh);
# "Core Units (Complete All)" and the sentence "all units in the Core group" are one mandatory rule;
# "a minimum of TWO optional units" against the heading "(one unit must be completed)": a contradiction,
# listed twice (once from each wording), written as one rule with both readings.
SPEC = """\
# Harbourside Awards Level 2 Award in Boat Handling

Qualification Number: 611/2222/7
Awarding Organisation: Harbourside Awards
Total Credits: 9
Rules of Combination: Learners must achieve all units in the Core group plus a minimum of TWO optional units.

## Core Units (Complete All)

| Unit Reference Number | Unit Title | GLH | Credit Value | Level |
|---|---|---|---|---|
| C-101 | Knots and Lines | 10 | 2 | 2 |
| C-102 | Launching a Dinghy | 12 | 3 | 2 |

## Optional Units (one unit must be completed)

| Unit Reference Number | Unit Title | GLH | Credit Value | Level |
|---|---|---|---|---|
| C-103 | Reading the Weather |  | 2 | 2 |
| C-104 | Mooring | 8 | 2 | 2 |
"""
TINY = """\
units:
  - {code: T-A, title: Alpha, level: 2, credits: 2, glh: 10}
qualifications:
  - {id: tiny, accreditation: 999/0000/1, title: Tiny Award, level: 2, awarding_body: Test,
     groups: [{id: G1, name: G, units: [T-A]}],
     rules: [{id: total, kind: sum, sum: credits, min: 2}]}
"""


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def draft(client) -> dict:
    response = client.post("/api/import", files={"file": ("boats.md", SPEC.encode(), "text/markdown")})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    directory = tmp_path / "catalogue"
    directory.mkdir()
    (directory / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return directory


@pytest.fixture
def writable(folder: Path):
    with TestClient(create_app(folder, writable=True)) as c:
        yield c


def body(draft: dict, **extra) -> dict:
    """The draft as the page sends it back: document, provenance and the items still open."""
    return {"file": draft["file"], "document": copy.deepcopy(draft["document"]), "provenance": draft["provenance"],
            "review": [{k: i[k] for k in ("kind", "message", "path", "source", "text")} for i in draft["review"]]} \
        | extra


def problems(response) -> list[str]:
    out = response.json()
    assert set(out) == {"error", "message", "problems"}
    return [p["text"] for p in out["problems"]]


# --- upload -----------------------------------------------------------------------------------------

def test_upload_gives_the_draft_each_item_located_in_the_document_and_its_audit(draft):
    doc = draft["document"]
    assert [u["code"] for u in doc["units"]] == ["C-101", "C-102", "C-103", "C-104"]
    assert doc["units"][2] == {"code": "C-103", "title": "Reading the Weather", "level": 2, "credits": 2, "glh": None}
    q = doc["qualifications"][0]
    assert (q["accreditation"], q["awarding_body"]) == ("611/2222/7", "Harbourside Awards")
    assert [(g["id"], g["units"]) for g in q["groups"]] == [("core", ["C-101", "C-102"]),
                                                            ("optional", ["C-103", "C-104"])]
    # The contradiction is one rule stating the sentence's reading, the heading's as another named reading.
    assert [{k: v for k, v in r.items() if k not in ("id", "note")} for r in q["rules"]] == [
        {"kind": "mandatory", "groups": ["core"]},
        {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 2, "reading": "at-least-2",
         "readings": {"exactly-1": {"min": 1, "max": 1}}}]
    # Each item: what, where in the draft, and where in the document (line numbers of SPEC above).
    assert [(i["kind"], i["path"], i["source"]) for i in draft["review"]] == [
        ("missing-value", "units[2].glh", "line 19"),
        ("contradiction", "qualifications[0].rules", "line 6"),
        ("contradiction", "qualifications[0].rules", "line 15")]
    assert draft["review"][2]["text"] == "Optional Units (one unit must be completed)"
    assert draft["review"][0]["at"] == ["units", 2, "glh"]
    where = {p["path"]: p["source"] for p in draft["provenance"]}
    assert (where["units[0]"], where["qualifications[0].accreditation"], where["qualifications[0].groups[1]"]) == (
        "line 12", "line 3", "line 15")
    # The fresh draft loads (C-103's GLH unpublished), and the audit says what rests on that.
    assert draft["loads"] and draft["problems"] == []
    assert any("C-103 (glh)" in f["sentence"] for f in draft["findings"])
    assert "# REVIEW (open): units[2].glh: missing-value:" in draft["yaml"]


def _as_docx(text: str) -> bytes:
    """SPEC as a Word document: its lines as paragraphs, its Markdown tables as real tables."""
    import io

    import docx

    document = docx.Document()
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                rows.append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        if rows:
            table = document.add_table(rows=0, cols=len(rows[0]))
            for row in rows:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = value
            rows = []
        document.add_paragraph(line.lstrip("# "))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".md", ".txt", ".docx"])
def test_each_kind_of_document_uploads_to_a_draft_that_loads(client, suffix):
    data = _as_docx(SPEC) if suffix == ".docx" else SPEC.encode()
    response = client.post("/api/import", files={"file": (f"boats{suffix}", data)})
    assert response.status_code == 200, response.text
    out = response.json()
    assert [u["code"] for u in out["document"]["units"]] == ["C-101", "C-102", "C-103", "C-104"]
    assert out["loads"] and {i["kind"] for i in out["review"]} == {"missing-value", "contradiction"}


def test_an_html_page_is_read_or_refused_located_never_a_server_error(client):
    page = ("<html><body><h1>Harbourside Awards Level 2 Award in Boat Handling</h1><table><tr><td><strong>Unit "
            "Reference Number</strong></td><td><strong>Unit Title</strong></td><td><strong>Credit Value</strong>"
            "</td></tr><tr><td>C-101</td><td>Knots and Lines</td><td>2</td></tr></table></body></html>")
    response = client.post("/api/import", files={"file": ("boats.html", page.encode())})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert all(p.startswith("boats.html:") for p in problems(response))
    else:
        assert [u["code"] for u in response.json()["document"]["units"]] == ["C-101"]
    assert "/tmp" not in response.text


def test_upload_never_shows_a_server_path_and_keeps_only_the_files_own_name(client):
    response = client.post("/api/import", files={"file": ("../../etc/C:\\fakepath\\boats.md", SPEC.encode())})
    assert response.status_code == 200
    text = response.text
    assert response.json()["file"] == "boats.md"
    assert "/tmp" not in text and "pathways-upload" not in text and "etc" not in text.replace("etc.", "")


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("run.exe", b"MZ", "file: expected a .pdf, .docx, .txt, .md, .html, .htm document, got '.exe'"),
    ("noname", b"x", "file: expected a .pdf, .docx, .txt, .md, .html, .htm document, got 'a name "
                     "with no suffix'"),
    ("empty.txt", b"", "empty.txt:1:1: the uploaded file is empty"),
    ("list.txt", b"Shopping: bread, milk.\n", "list.txt:1:1: not a qualification specification"),
    ("broken.pdf", b"%PDF-1.4 not really", "broken.pdf:1:1: "),
    ("broken.docx", b"PK\x03\x04 not a zip", "broken.docx:1:1: "),
])
def test_bad_uploads_are_refused_located(client, name, data, expected):
    response = client.post("/api/import", files={"file": (name, data)})
    assert response.status_code == 422, response.text
    [problem] = problems(response)
    assert problem.startswith(expected)
    assert "/tmp" not in response.text and "pathways-upload" not in response.text


def test_an_upload_over_the_limit_is_refused_before_it_is_read():
    with TestClient(create_app(limits=Limits(max_document_bytes=2_000))) as small:
        response = small.post("/api/import", files={"file": ("big.md", b"x" * 70_000)})
        assert response.status_code == 413
        assert response.json()["message"] == "at most 67,536 bytes per request"  # 2,000 and 64 KiB of framing
        # Under the framing allowance but over the document limit: refused by the route, naming the field.
        response = small.post("/api/import", files={"file": ("big.md", b"x" * 3_000)})
        assert response.status_code == 413 and problems(response) == [
            "file: at most 2,000 bytes per document"]


def test_an_upload_without_a_length_is_refused(client):
    def chunks():
        yield b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\nabc\r\n--x--\r\n"

    response = client.post("/api/import", content=chunks(),
                           headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 411


# --- audit of the edited draft ---------------------------------------------------------------------

def test_an_edited_draft_is_audited_and_its_yaml_loads(client, draft, tmp_path):
    edited = body(draft, review=[])
    doc = edited["document"]
    doc["units"][2]["glh"] = 9  # the designer supplies the missing GLH
    chosen = doc["qualifications"][0]["rules"][1]  # and settles the contradiction on the sentence's reading
    del chosen["reading"], chosen["readings"]
    edited["provenance"] = [p for p in edited["provenance"] if p["at"] != ["qualifications", 0, "rules", 1]] + [
        {"at": ["qualifications", 0, "rules", 1], "source": "line 6; edited in review"}]
    response = client.post("/api/import/audit", json=edited)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["loads"] and out["problems"] == []
    [q] = out["qualifications"]
    # Every unit is now forced (2 core + both optional): 9 credits, 39 GLH, one pathway.
    assert (q["regimes"][0]["count"], q["regimes"][0]["credits"], q["regimes"][0]["glh"]) == (1, [9, 9], [39, 39])
    assert "# Every review item has been settled." in out["yaml"]
    assert "min: 2, note: " in out["yaml"] and "}  # line 6; edited in review" in out["yaml"]
    (tmp_path / "d.yaml").write_text(out["yaml"], encoding="utf-8")
    assert load_catalogue(tmp_path / "d.yaml").units["C-103"].glh == 9


def test_a_draft_that_does_not_load_is_answered_with_located_problems_not_an_error(client, draft):
    edited = body(draft)
    edited["document"]["units"][0]["credits"] = "four"
    rules = edited["document"]["qualifications"][0]["rules"]
    rules.append({"kind": "sum", "sum": "credits", "min": 1, "where": {"groups": ["nowhere"]}})
    response = client.post("/api/import/audit", json=edited)
    assert response.status_code == 200
    out = response.json()
    assert not out["loads"] and out["findings"] == []
    paths = {p["path"] for p in out["problems"]}
    assert "units[0].credits" in paths and any(p.startswith(f"qualifications[0].rules[{len(rules) - 1}]")
                                               for p in paths)
    assert all(p["file"] == "draft.yaml" and p["line"] > 1 for p in out["problems"])
    assert "/tmp" not in response.text


def test_a_failing_audit_still_gives_the_yaml_of_a_draft_that_loads(client, draft, monkeypatch):
    import solver.web.review as review

    def broken(catalogue):
        raise RuntimeError("a fault in the audit")

    monkeypatch.setattr(review, "audit", broken)
    response = client.post("/api/import/audit", json=body(draft))
    assert response.status_code == 200
    out = response.json()
    assert out["loads"] and out["yaml"].startswith("# Draft catalogue")
    assert out["audit_error"] == "the audit could not be completed (RuntimeError)"


@pytest.mark.parametrize(("payload", "expected"), [
    ("not json at all", "invalid JSON: expecting value (line 1, column 1)"),
    ({"document": {"units": [], "qualifications": [{"id": "x"}]}},
     "document.qualifications[0]: missing required field 'accreditation'"),
    ({"document": {"units": "none"}}, "document.units"),
    ({"document": {}, "surprise": 1}, "surprise"),
])
def test_a_malformed_draft_body_is_refused_located(client, payload, expected):
    data = payload if isinstance(payload, str) else json.dumps(payload)
    response = client.post("/api/import/audit", content=data, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert any(expected in p for p in problems(response))


def test_a_line_break_in_a_source_cannot_write_yaml(client, draft):
    edited = body(draft)
    edited["provenance"] = [{"at": ["units", 0], "source": "line 12\nunits: []\nqualifications: []"}]
    edited["review"] = [{"kind": "note", "message": "x\nsource: injected", "path": "units", "source": "", "text": ""}]
    out = client.post("/api/import/audit", json=edited).json()
    assert out["loads"]
    data = yaml.safe_load(out["yaml"])
    assert len(data["units"]) == 4 and len(data["qualifications"]) == 1
    assert "# line 12 units: [] qualifications: []" in out["yaml"]


# --- saving -----------------------------------------------------------------------------------------

def test_saving_is_refused_unless_the_server_was_started_writable(client, draft):
    assert client.get("/api/import/save").json() == {"writable": False, "files": []}
    response = client.post("/api/import/save", json=body(draft, name="boats.yaml"))
    assert response.status_code == 403
    assert "--writable" in response.json()["message"]


def test_a_writable_server_saves_a_draft_that_loads_with_its_catalogue(writable, folder, draft):
    assert writable.get("/api/import/save").json() == {"writable": True, "files": ["tiny.yaml"]}
    response = writable.post("/api/import/save", json=body(draft, name="boats.yaml"))
    assert response.status_code == 201, response.text
    assert response.json() == {"saved": "boats.yaml", "qualifications": [draft["document"]["qualifications"][0]["id"]],
                               "units": 4, "catalogue_qualifications": 2}
    assert load_catalogue(folder).qualification("611/2222/7").unit_codes() == ["C-101", "C-102", "C-103", "C-104"]
    assert "# REVIEW (open): units[2].glh" in (folder / "boats.yaml").read_text(encoding="utf-8")
    # The running server serves it at once; no temporary file is left beside it.
    assert "611/2222/7" in {q["accreditation"] for q in writable.get("/api/qualifications").json()}
    assert sorted(p.name for p in folder.iterdir()) == ["boats.yaml", "tiny.yaml"]
    # The same name again is refused unless replacing is asked for.
    again = writable.post("/api/import/save", json=body(draft, name="boats.yaml"))
    assert again.status_code == 409 and "already in the catalogue directory" in again.json()["message"]
    assert writable.post("/api/import/save", json=body(draft, name="boats.yaml", overwrite=True)).status_code == 201


@pytest.mark.parametrize("name", ["../boats.yaml", "sub/boats.yaml", "/etc/boats.yaml", ".hidden.yaml", "boats.txt",
                                  "boats", "..yaml", "a..yaml", "boats.yaml/..", "C:\\boats.yaml",
                                  "tiny.yaml\x00.yaml"])
def test_a_save_name_that_is_not_a_plain_file_name_is_refused(writable, folder, draft, name):
    response = writable.post("/api/import/save", json=body(draft, name=name))
    assert response.status_code == 422, response.text
    assert any("expected a plain file name ending .yaml" in p for p in problems(response))
    assert sorted(p.name for p in folder.parent.rglob("*") if p.is_file()) == ["tiny.yaml"]


def test_a_save_through_a_link_out_of_the_directory_is_refused(writable, folder, draft, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("# not ours\n", encoding="utf-8")
    (folder / "link.yaml").symlink_to(outside)
    response = writable.post("/api/import/save", json=body(draft, name="link.yaml", overwrite=True))
    assert response.status_code == 409
    assert outside.read_text(encoding="utf-8") == "# not ours\n"


def test_a_draft_that_does_not_load_or_clashes_with_the_catalogue_is_not_saved(writable, folder, draft):
    broken = body(draft, name="boats.yaml")
    broken["document"]["units"][0]["credits"] = -3
    response = writable.post("/api/import/save", json=broken)
    assert response.status_code == 422
    assert any(p.startswith("boats.yaml:") and "units[0].credits" in p for p in problems(response))
    clash = body(draft, name="boats.yaml")
    clash["document"]["units"][0]["code"] = "T-A"  # already defined in tiny.yaml
    clash["document"]["qualifications"][0]["groups"][0]["units"][0] = "T-A"
    response = writable.post("/api/import/save", json=clash)
    assert response.status_code == 409
    assert any("duplicate unit code 'T-A'" in p and "tiny.yaml" in p for p in problems(response))
    assert "/tmp" not in response.text
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.yaml"]


def test_writable_needs_a_catalogue_directory(folder):
    with pytest.raises(ValueError, match="directory"):
        create_app(None, writable=True)
    with pytest.raises(ValueError, match="directory"):
        create_app(folder / "tiny.yaml", writable=True)
    result = CliRunner().invoke(cli, ["serve", "--writable"])
    assert result.exit_code == 2 and "--catalogue DIR" in result.output
    result = CliRunner().invoke(cli, ["serve", "--writable", "--catalogue", str(folder / "tiny.yaml")])
    assert result.exit_code == 2


def test_the_import_page_and_its_api_are_served(client, writable):
    page = client.get("/import").text
    assert 'id="upload-form"' in page and "pathways serve --catalogue DIR --writable" in page
    assert 'id="save-form"' not in page and 'href="/import"' in client.get("/").text
    assert 'id="save-form"' in writable.get("/import").text
    assert client.get("/static/review.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/import", "/api/import/audit", "/api/import/save"} <= set(paths)
