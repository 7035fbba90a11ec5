"""Specifications in other awarding bodies' layouts (tests/fixtures/import/): the expected draft and review items.

Every expected value below is read by hand from the fixture file named in the test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from import_render import write_docx, write_pdf

from solver.errors import InputError
from solver.importing.document import Line, Table
from solver.importing.reader import read_document
from solver.importing.specification import import_specification
from solver.model.catalogue import load_catalogue

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"


def bare(rules: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("id", "note")} for r in rules]


def review(draft) -> list[tuple[str, str]]:
    return [(r.kind, ".".join(map(str, r.path))) for r in draft.review]


def test_urn_codes_reference_number_columns_mandatory_complete_all_and_a_contradiction():
    draft = import_specification(FIXTURES / "northway-l3-diploma.md")
    doc = draft.document
    # Columns in the order Unit Reference Number, Title, GLH, Credit Value, Level; "^" is a footnote mark.
    assert doc["units"] == [
        {"code": "A/650/6127", "title": "Leading a Team", "level": 3, "credits": 10, "glh": 40},
        {"code": "H/505/0053", "title": "Managing Performance", "level": 3, "credits": 8, "glh": 30},
        {"code": "K/650/6130", "title": "Coaching Others", "level": 3, "credits": 6, "glh": 24},
        {"code": "M/650/6131", "title": "Workplace Communication", "level": 2, "credits": 4, "glh": None},
        {"code": "T/650/6132", "title": "Planning Work", "level": 3, "credits": 5, "glh": 20}]
    q = doc["qualifications"][0]
    assert (q["accreditation"], q["title"], q["level"], q["awarding_body"]) == (
        "610/1234/5", "Northway Awards Level 3 Diploma in Team Leadership", 3, "Northway Awards")
    assert q["figures"] == {"credits": {"min": 30, "max": 30}, "glh": 120, "tqt": 300,
                            "operational_start": dt.date(2023, 9, 1)}
    assert [(g["id"], g["name"], len(g["units"])) for g in q["groups"]] == [
        ("mandatory", "Mandatory Units", 2), ("optional", "Optional Units", 3)]
    # "all units in the Mandatory group" and the heading "(Complete All)" are one rule; "a minimum of TWO
    # optional units" and the heading "(one unit must be completed)" contradict: neither is kept as fact, the
    # rule states the sentence's reading and names the heading's.
    assert bare(q["rules"]) == [{"kind": "mandatory", "groups": ["mandatory"]},
                                {"kind": "sum", "sum": "units", "where": {"groups": ["optional"]}, "min": 2,
                                 "reading": "at-least-2", "readings": {"exactly-1": {"min": 1, "max": 1}}},
                                {"kind": "sum", "sum": "credits", "where": {"min_level": 3}, "min": 21}]
    assert review(draft) == [("missing-value", "units.3.glh"), ("contradiction", "qualifications.0.rules"),
                             ("contradiction", "qualifications.0.rules")]
    assert "2 or more units from optional" in draft.review[1].message
    assert "exactly 1 unit from optional" in draft.review[2].message
    assert draft.review[2].text == "Optional Units (one unit must be completed)"


def test_the_missing_glh_is_null_and_loads_as_unpublished(tmp_path):
    draft = import_specification(FIXTURES / "northway-l3-diploma.md")
    text = draft.to_yaml()
    assert "# REVIEW: missing-value: unit M/650/6131: no GLH given" in text
    assert "{code: M/650/6131, title: Workplace Communication, level: 2, credits: 4, glh: null}" in text
    assert text.count("#   verbatim: Optional Units (one unit must be completed)") == 1
    (tmp_path / "draft.yaml").write_text(text, encoding="utf-8")
    # Nothing is invented: the unit loads with its GLH unpublished, and every answer over it says so.
    assert load_catalogue(tmp_path).units["M/650/6131"].unpublished == ("glh",)


def test_unit_301_codes_group_letters_number_words_an_unread_sentence_and_a_unit_listed_twice(tmp_path):
    draft = import_specification(FIXTURES / "southbank-l2-customer-service.txt")
    doc = draft.document
    assert [u["code"] for u in doc["units"]] == ["301", "302", "303", "310", "311", "312"]
    assert doc["units"][2] == {"code": "303", "title": "Service Standards", "level": 2, "credits": 5, "glh": 20}
    q = doc["qualifications"][0]
    assert [(g["id"], g["name"], g["units"]) for g in q["groups"]] == [
        ("GA", "Group A", ["301", "302", "303"]), ("GB", "Optional Group B", ["310", "311", "303", "312"])]
    assert bare(q["rules"]) == [{"kind": "sum", "sum": "credits", "min": 15, "max": 30},  # "fifteen"; max: credit value
                                {"kind": "mandatory", "groups": ["GA"]},
                                {"kind": "sum", "sum": "credits", "where": {"groups": ["GB"]}, "max": 9}]
    assert review(draft) == [("duplicate-unit", "units.2"), ("unparsed-rule", "qualifications.0.rules")]
    assert "credits 5 / 6" in draft.review[0].message
    assert draft.review[1].text == "Learners must choose one pathway."
    text = draft.to_yaml()
    assert "#   verbatim: Learners must choose one pathway." in text
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    assert [q.accreditation for q in load_catalogue(tmp_path).qualifications] == ["603/9999/1"]


def test_all_mandatory_units_that_do_not_add_up_to_the_credit_value():
    draft = import_specification(FIXTURES / "safety-l1-award.md")
    q = draft.document["qualifications"][0]
    assert bare(q["rules"]) == [{"kind": "mandatory", "groups": ["mandatory"]}]
    # 6 + 6 + 6 = 18 credits against a published 20.
    assert [(r.kind, r.message) for r in draft.review] == [
        ("mismatch", "the units listed give at most 18 credits; the published credit value is '20 credits'")]


def test_a_table_split_across_pages_of_a_pdf(tmp_path):
    blocks = list(read_document(FIXTURES / "southbank-l2-customer-service.txt").blocks)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Line) and b.text == "Optional Group B")
    # 32 lines of padding above Group B put its heading row and first unit at the foot of page 1 and the
    # other three units at the top of page 2, with no heading row repeated.
    padding = [Line(f"Centre note {i}.", "") for i in range(32)]
    path = write_pdf(blocks[:at] + padding + blocks[at:], tmp_path / "split.pdf", repeat_headings=False)
    rows = [r for b in read_document(path).blocks if isinstance(b, Table) for r in b.rows]
    assert [(r.cells[0], r.where) for r in rows if r.cells[0] in ("Unit 310", "Unit 311")] == [
        ("Unit 310", "page 1, table 3, row 2"), ("Unit 311", "page 2, table 1, row 1")]
    draft = import_specification(path)
    assert draft.document["qualifications"][0]["groups"][1]["units"] == ["310", "311", "303", "312"]
    assert bare(draft.document["qualifications"][0]["rules"]) == bare(
        import_specification(FIXTURES / "southbank-l2-customer-service.txt").document["qualifications"][0]["rules"])


def test_a_word_rendering_of_a_fixture_reads_the_same(tmp_path):
    blocks = list(read_document(FIXTURES / "northway-l3-diploma.md").blocks)
    from_docx = import_specification(write_docx(blocks, tmp_path / "northway.docx"))
    from_text = import_specification(FIXTURES / "northway-l3-diploma.md")
    assert from_docx.document | {"source": ""} == from_text.document | {"source": ""}
    assert [(r.kind, r.path) for r in from_docx.review] == [(r.kind, r.path) for r in from_text.review]


def test_a_file_that_is_not_a_specification_is_refused():
    with pytest.raises(InputError, match="not a qualification specification"):
        import_specification(FIXTURES / "not-a-spec.txt")


def test_rules_under_a_heading_and_a_row_broken_over_two_lines(tmp_path):
    # harbour-l4-award.md: "Rules of combination" is a heading over three sentences; unit J/617/1234's title
    # runs on into a second row with no code; the credit value is printed "12-20".
    for path in (FIXTURES / "harbour-l4-award.md",
                 write_pdf(list(read_document(FIXTURES / "harbour-l4-award.md").blocks), tmp_path / "h.pdf")):
        draft = import_specification(path)
        doc = draft.document
        assert doc["units"][0] == {"code": "J/617/1234", "title": "Managing Operational Plans and Resources",
                                   "level": 4, "credits": 6, "glh": 24}
        assert len(doc["units"]) == 5
        q = doc["qualifications"][0]
        assert q["figures"] == {"credits": {"min": 12, "max": 20}, "glh": 60, "tqt": 150, "duration": "12 months"}
        assert bare(q["rules"]) == [{"kind": "sum", "sum": "credits", "min": 12, "max": 20},
                                    {"kind": "sum", "sum": "credits", "where": {"min_level": 4}, "min": 8},
                                    {"kind": "sum", "sum": "credits", "where": {"groups": ["GB"]}, "max": 6}]
        assert draft.review == []


def test_a_row_of_a_unit_table_that_is_not_a_unit_is_reported_not_dropped(tmp_path):
    text = (FIXTURES / "safety-l1-award.md").read_text(encoding="utf-8") + "| Total | | | 18 | 55 |\n"
    (tmp_path / "spec.md").write_text(text, encoding="utf-8")
    draft = import_specification(tmp_path / "spec.md")
    assert len(draft.document["units"]) == 3
    unread = [r for r in draft.review if r.kind == "unparsed-row"]
    assert [(r.text, r.source, r.path) for r in unread] == [
        ("Total |  |  | 18 | 55", "line 15", ("qualifications", 0, "groups", 0))]
    assert "# REVIEW: unparsed-row: a row of the unit table that is not a unit" in draft.to_yaml()


def riverside_docx(path: Path) -> Path:
    """A Word layout unlike ILM's: group headings as merged rows inside one unit table, a barred pair."""
    import docx

    document = docx.Document()
    document.add_heading("Level 3 Extended Certificate in Hospitality Supervision", 1)
    details = document.add_table(rows=0, cols=2)
    for key, value in [("Qualification Accreditation Number", "603/1111/2"), ("Awarding Body", "Riverside Board"),
                       ("Credit Value", "24 credits"), ("Guided Learning Hours (GLH)", "96"),
                       ("Rules of combination", "Learners must achieve all units in Group A and a minimum of 9 "
                        "credits from Group B. Units B2 and B3 are barred combinations.")]:
        cells = details.add_row().cells
        cells[0].text, cells[1].text = key, value
    units = document.add_table(rows=0, cols=5)
    first = units.add_row().cells
    first[0].merge(first[4]).text = "Group A – Mandatory"
    for values in [("Ref", "Title", "Level", "CV", "GLH"), ("A1", "Food Safety Supervision", "3", "5", "20"),
                   ("A2", "Leading Shifts", "3", "10", "40"), ("Group B", "", "", "", ""),
                   ("B1", "Rota Planning", "3", "3", "12"), ("B2", "Bar Management", "3", "6", "24"),
                   ("B3", "Cellar Management", "3", "6", "24")]:
        for cell, value in zip(units.add_row().cells, values):
            cell.text = value
    document.save(str(path))
    return path


def test_group_headings_inside_a_word_table_and_a_barred_pair(tmp_path):
    draft = import_specification(riverside_docx(tmp_path / "riverside.docx"))
    q = draft.document["qualifications"][0]
    assert [(g["id"], g["units"]) for g in q["groups"]] == [("GA", ["A1", "A2"]), ("GB", ["B1", "B2", "B3"])]
    # "Group A – Mandatory" and "all units in Group A" are one rule.
    assert bare(q["rules"]) == [{"kind": "mandatory", "groups": ["GA"]},
                                {"kind": "sum", "sum": "credits", "where": {"groups": ["GB"]}, "min": 9},
                                {"kind": "barred", "units": ["B2", "B3"]}]
    assert draft.review == []
    assert "# table 2, row 1" in draft.to_yaml()  # Group A's heading row
    (tmp_path / "draft.yaml").write_text(draft.to_yaml(), encoding="utf-8")
    assert load_catalogue(tmp_path / "draft.yaml").qualification("603/1111/2").title.startswith("Level 3 Extended")


def test_several_specifications_in_one_draft(tmp_path):
    # Each file is read on its own (its groups, footnotes and figures), then units are shared by code and
    # every place is named by its file.
    paths = [FIXTURES / "northway-l3-diploma.md", FIXTURES / "safety-l1-award.md"]
    draft = import_specification(paths)
    doc = draft.document
    assert [q["accreditation"] for q in doc["qualifications"]] == ["610/1234/5", "601/0001/2"]
    assert len(doc["units"]) == 5 + 3
    assert [(r.kind, r.path, r.source.split(":")[0]) for r in draft.review] == [
        ("missing-value", ("units", 3, "glh"), "northway-l3-diploma.md"),
        ("contradiction", ("qualifications", 0, "rules"), "northway-l3-diploma.md"),
        ("contradiction", ("qualifications", 0, "rules"), "northway-l3-diploma.md"),
        ("mismatch", ("qualifications", 1, "figures", "credits"), "safety-l1-award.md")]
    assert draft.provenance[("units", 5)] == "safety-l1-award.md: line 12"
    assert draft.provenance[("qualifications", 1, "accreditation")] == "safety-l1-award.md: line 3"
    assert [q["groups"][0]["units"] for q in doc["qualifications"]] == [["A/650/6127", "H/505/0053"],
                                                                       ["WS-101", "WS-102", "WS-103"]]


def test_a_group_headings_words_apply_only_to_the_qualifications_holding_that_group(tmp_path):
    seed = Path(__file__).resolve().parent / "seeds" / "004_0499eb7c67826ca5.txt"
    text = seed.read_text(encoding="utf-8").replace("\nGroup 2\n", "\nGroup 2 (a minimum of TWO units)\n")
    (tmp_path / "spec.txt").write_text(text, encoding="utf-8")
    draft = import_specification(tmp_path / "spec.txt")
    award, cert = draft.document["qualifications"]
    assert [g["id"] for g in award["groups"]] == ["G1"]  # "All units must be taken from Group 1"
    assert len(award["rules"]) == 1 and draft.review == []
    assert bare(cert["rules"])[2] == {"kind": "sum", "sum": "units", "where": {"groups": ["G2"]}, "min": 2}
    assert draft.provenance[("qualifications", 1, "rules", 2)] == "line 311"  # the heading's line


def test_a_unit_table_heading_without_units_is_not_a_specification(tmp_path):
    (tmp_path / "empty.md").write_text("| Unit Code | Unit Title | CV |\n|---|---|---|\n", encoding="utf-8")
    with pytest.raises(InputError, match="with units in it"):
        import_specification(tmp_path / "empty.md")


def test_a_unit_listed_twice_in_one_table_with_different_values(tmp_path):
    text = "| Unit Code | Unit Title | CV | Level | GLH |\n|---|---|---|---|---|\n| U1 | One | 2 | 1 | 5 |\n" \
           "| U1 | One | 3 | 1 | 5 |\n"
    (tmp_path / "twice.md").write_text(text, encoding="utf-8")
    draft = import_specification(tmp_path / "twice.md")
    assert draft.document["units"] == [{"code": "U1", "title": "One", "level": 1, "credits": 2, "glh": 5}]
    assert [(r.kind, r.path, r.source) for r in draft.review if r.kind == "duplicate-unit"] == [
        ("duplicate-unit", ("units", 0), "line 4")]
