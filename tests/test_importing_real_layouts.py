"""Layouts real publishers print, written out here as our own small documents (no text of the real ones): tables
without credit or level columns, headings over several rows or over the wrong column, codes wrapped onto the next
row, heading rows repeated, Total rows, core/elective columns, units as blocks of fields, HTML tables headed by
<td><strong>, rule sentences in Word content controls, and what a document may lack."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from solver.cli.entry import main
from solver.errors import InputError
from solver.importing.specification import import_specification
from solver.model.catalogue import load_catalogue


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def loads(draft, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text(draft.to_yaml(), encoding="utf-8")
    load_catalogue(out)


def kinds(draft) -> list[tuple[str, str]]:
    return [(r.kind, ".".join(map(str, r.path))) for r in draft.review]


HTML = """<!DOCTYPE html><html><head><title>Structure</title><script>var t = "<table><tr><td>Unit code</td>
<td>Unit title</td></tr><tr><td>Z/999/9999</td><td>Not a unit</td></tr></table>";</script></head><body>
<?php include("header.php"); ?>
<h2>QUALIFICATION STRUCTURE</h2>
<p><strong>ACME Level 4 Diploma in Widget Making</strong></p>
<p>The ACME Level 4 Diploma in Widget Making consists of 4 units for a combined total of 26 credits.</p>
<table><tbody>
<tr><td><strong>Unit Ref. No.</strong></td><td><strong>Unit title</strong></td><td><strong>Credit</strong></td>
    <td><strong>GLH</strong></td><td><strong>Core/Elective</strong></td></tr>
<tr><td>A/100/0001*</td><td>Widget Basics</td><td>6</td><td>30</td><td>Core</td></tr>
<tr><td>A/100/0002</td><td>Widget Safety</td><td>4</td><td>20</td><td>Core</td></tr>
<tr><td><strong>Unit Ref. No.</strong></td><td><strong>Unit title</strong></td><td><strong>Credit</strong></td>
    <td><strong>GLH</strong></td><td><strong>Core/Elective</strong></td></tr>
<tr><td>A/100/0003</td><td>Advanced Widgets</td><td>8</td><td>40</td><td>Elective</td></tr>
<tr><td>A/100/0004</td><td>Widget</td><td>8</td><td>40</td><td>Elective</td></tr>
<tr><td></td><td>Repair</td><td></td><td></td><td></td></tr>
<tr><td>&nbsp;</td><td><strong>Total</strong></td><td>26</td><td>130</td><td></td></tr>
</tbody></table></body></html>
"""


def test_an_html_table_headed_by_strong_cells_with_core_elective_column_repeated_heading_and_total(tmp_path):
    draft = import_specification(write(tmp_path, "structure.htm", HTML))
    assert draft.document["units"] == [
        {"code": "A/100/0001", "title": "Widget Basics", "level": None, "credits": 6, "glh": 30},
        {"code": "A/100/0002", "title": "Widget Safety", "level": None, "credits": 4, "glh": 20},
        {"code": "A/100/0003", "title": "Advanced Widgets", "level": None, "credits": 8, "glh": 40},
        {"code": "A/100/0004", "title": "Widget Repair", "level": None, "credits": 8, "glh": 40}]  # row run on
    q = draft.document["qualifications"][0]
    assert (q["title"], q["level"], q["accreditation"], q["awarding_body"]) == (
        "ACME Level 4 Diploma in Widget Making", 4, None, "ACME")
    assert [(g["id"], g["units"]) for g in q["groups"]] == [
        ("core", ["A/100/0001", "A/100/0002"]), ("elective", ["A/100/0003", "A/100/0004"])]
    review = kinds(draft)
    assert ("missing-value", "qualifications.0.accreditation") in review
    assert ("unparsed-row", "qualifications.0.groups.0") in review  # the Total row, not a unit
    assert "mismatch" not in [k for k, _ in review]  # its 26 credits and 130 GLH agree with the units
    assert ("missing-value", "qualifications.0.groups.0") in review  # no level column: said once
    assert not any("Z/999/9999" in str(u) for u in draft.document["units"])  # text inside <script> is no page
    assert any("consists of 4 units" in r.get("note", "") for r in q["rules"]) or \
        any("consists of 4 units" in r.text for r in draft.review)
    loads(draft, tmp_path)


def test_an_oversized_html_page_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from solver.importing import bounds

    monkeypatch.setattr(bounds, "MAX_FILE_BYTES", 1_000)
    with pytest.raises(InputError, match="too large to import: .* at most"):
        import_specification(write(tmp_path, "big.html", HTML * 3))


PROQUAL_LIKE = """# Level 3 NVQ Diploma in Widget Supervision

To achieve the qualification, candidates must complete ALL of the Mandatory units, plus a minimum of TWO Optional units.

## Mandatory Units (Complete All)

| | Unit | | Unit Title |
|---|---|---|---|
| | Reference | | |
| | Number | | |
| B/200/0001 | | | Supervise widget work |
| B/200/0002 | | | Keep widget records |

## Optional Units – a minimum of TWO units must be completed

| | Unit | | Unit Title |
|---|---|---|---|
| | Reference | | |
| | Number | | |
| B/200/0003 | | | Plan widget work |
| B/200/0004 | | | Check widget quality |
| B/200/0005 | | | Order widget parts |
"""


def test_a_code_column_under_an_empty_heading_a_heading_over_three_rows_and_no_credits(tmp_path):
    draft = import_specification(write(tmp_path, "overview.md", PROQUAL_LIKE))
    units = draft.document["units"]
    assert [(u["code"], u["title"]) for u in units] == [
        ("B/200/0001", "Supervise widget work"), ("B/200/0002", "Keep widget records"),
        ("B/200/0003", "Plan widget work"), ("B/200/0004", "Check widget quality"),
        ("B/200/0005", "Order widget parts")]
    assert all((u["level"], u["credits"], u["glh"]) == (None, None, None) for u in units)
    q = draft.document["qualifications"][0]
    assert [(g["id"], len(g["units"])) for g in q["groups"]] == [("mandatory", 2), ("optional", 3)]
    assert (q["accreditation"], q["level"]) == (None, 3)
    # One item per table for the columns it lacks, not one per unit.
    assert kinds(draft).count(("missing-value", "qualifications.0.groups.0")) == 1
    assert q["rules"]
    loads(draft, tmp_path)


WRAPPED = """# Acme Level 5 Diploma in Widget Management

Qualification Number: 601/0000/1

Rules of Combination

Learners must complete the 2 mandatory units plus 1 optional unit.

| Unit Title | | Level | Credit | GLH |
|---|---|---|---|---|
| Mandatory Units | | | | |
| LRN 5.1 | Managing Widgets | 4 | 15 | 60 |
| LRN | Widget Finance | 4 | 15 | 60 |
| 5.2 | | | | |
| Optional Units | | | | |
| LRN 5.3 | Widget Law | 5 | 15 | 60 |
| LRN 5.4 | Widget | 5 | 15 | 60 |
| | Marketing | | | |
"""


def test_codes_wrapped_onto_the_next_row_titles_run_on_and_section_rows_as_groups(tmp_path):
    draft = import_specification(write(tmp_path, "wrapped.md", WRAPPED))
    assert draft.document["units"] == [
        {"code": "LRN 5.1", "title": "Managing Widgets", "level": 4, "credits": 15, "glh": 60},
        {"code": "LRN 5.2", "title": "Widget Finance", "level": 4, "credits": 15, "glh": 60},
        {"code": "LRN 5.3", "title": "Widget Law", "level": 5, "credits": 15, "glh": 60},
        {"code": "LRN 5.4", "title": "Widget Marketing", "level": 5, "credits": 15, "glh": 60}]
    q = draft.document["qualifications"][0]
    assert [(g["id"], g["units"]) for g in q["groups"]] == [
        ("mandatory", ["LRN 5.1", "LRN 5.2"]), ("optional", ["LRN 5.3", "LRN 5.4"])]
    assert q["accreditation"] == "601/0000/1"
    loads(draft, tmp_path)


BLOCKS = """QUALIFICATION SPECIFICATION - ACME LEVEL 3
CERTIFICATE IN WIDGET TESTING
Qualification Accreditation Number: 603/0000/2

The Acme Level 3 Certificate in Widget Testing is a two-unit qualification.

Unit 1: Planning Widget Tests
Unit Reference A/300/0041 · Level 3 · Credit Value 5 · GLH 50

Unit 2: Running Widget Tests
Unit Reference F/300/0042
Unit Level 3
Credit Value 6
GLH 40
"""


def test_units_described_one_by_one_as_blocks_of_fields_with_no_structure_table(tmp_path):
    draft = import_specification(write(tmp_path, "blocks.txt", BLOCKS))
    assert draft.document["units"] == [
        {"code": "A/300/0041", "title": "Planning Widget Tests", "level": 3, "credits": 5, "glh": 50},
        {"code": "F/300/0042", "title": "Running Widget Tests", "level": 3, "credits": 6, "glh": 40}]
    q = draft.document["qualifications"][0]
    assert (q["accreditation"], q["title"], q["level"]) == (
        "603/0000/2", "ACME Level 3 Certificate in Widget Testing", 3)
    assert [len(g["units"]) for g in q["groups"]] == [2]
    # The one rule sentence is read or listed, never dropped.
    assert q["rules"] or any("two-unit qualification" in r.text for r in draft.review)
    loads(draft, tmp_path)


def _docx_with_a_rule_in_a_content_control(path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_paragraph("Acme Level 2 Award in Widget Care")
    document.add_paragraph("Qualification Number: 600/0000/3")
    control = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    control.append(content)
    rule = document.add_paragraph("Learners must achieve a minimum of 9 credits from the units below.")
    content.append(rule._p)  # moved from the body into the content control
    document.element.body.insert(2, control)
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, (("Unit Code", "Unit Title", "Credit Value"), ("C/100/0001", "Caring", "6"),
                                       ("C/100/0002", "Cleaning", "3"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(str(path))
    return path


def test_a_word_rule_sentence_inside_a_content_control_is_not_dropped(tmp_path):
    draft = import_specification(_docx_with_a_rule_in_a_content_control(tmp_path / "care.docx"))
    q = draft.document["qualifications"][0]
    assert [u["code"] for u in draft.document["units"]] == ["C/100/0001", "C/100/0002"]
    texts = [r.get("note", "") for r in q["rules"]] + [r.text for r in draft.review]
    assert any("a minimum of 9 credits" in t for t in texts)
    loads(draft, tmp_path)


def test_a_file_with_no_units_and_no_rules_is_refused_with_exit_2_and_nothing_written(tmp_path, monkeypatch,
                                                                                        capsys):
    path = write(tmp_path, "letter.txt", "Dear centre,\n\nThank you for your order of widgets.\n")
    out = tmp_path / "draft.yaml"
    monkeypatch.setattr(sys, "argv", ["pathways", "import", str(path), "-o", str(out)])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "not a qualification specification" in err and "Traceback" not in err
    assert not out.exists()


def test_rules_alone_give_a_draft_with_empty_groups_listed_for_review(tmp_path):
    path = write(tmp_path, "rules.txt", "Acme Level 2 Award in Widget Care\n\nRules of Combination\n\n"
                 "Learners must achieve a minimum of 9 credits.\n")
    draft = import_specification(path)
    q = draft.document["qualifications"][0]
    assert draft.document["units"] == [] and q["title"] == "Acme Level 2 Award in Widget Care"
    assert q["rules"] or any(r.kind == "unparsed-rule" for r in draft.review)


def _unruled_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for text in ("ACME Level 3 Certificate in Widget Care", "Qualification Number: 603/1111/1",
                 "Learners must complete all of the mandatory units plus a minimum of 1 optional unit.",
                 "Mandatory Units", "Unit Code      Unit Title                         Level   Credits   GLH",
                 "W/100/0001   Widget Basics                        3       6         30",
                 "W/100/0002   Widget Safety and Care in the", "workplace", "               3       4         20",
                 "Optional Units", "Unit Code      Unit Title                         Level   Credits   GLH",
                 "W/100/0003   Advanced Widgets                   3       8         40",
                 "W/100/0004   Widget Repair                        3       8         40"):
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_pdf_table_printed_without_ruling_lines_is_read_from_its_text_lines(tmp_path):
    draft = import_specification(_unruled_pdf(tmp_path / "unruled.pdf"))
    assert draft.document["units"] == [
        {"code": "W/100/0001", "title": "Widget Basics", "level": 3, "credits": 6, "glh": 30},
        # Its title wrapped onto a second line and its figures onto a third.
        {"code": "W/100/0002", "title": "Widget Safety and Care in the workplace", "level": 3, "credits": 4,
         "glh": 20},
        {"code": "W/100/0003", "title": "Advanced Widgets", "level": 3, "credits": 8, "glh": 40},
        {"code": "W/100/0004", "title": "Widget Repair", "level": 3, "credits": 8, "glh": 40}]
    q = draft.document["qualifications"][0]
    assert [(g["id"], len(g["units"])) for g in q["groups"]] == [("mandatory", 2), ("optional", 2)]
    assert draft.review == []
    loads(draft, tmp_path)


def test_a_saved_page_laid_out_in_a_table_holding_the_unit_table(tmp_path):
    page = ("<html><body><table width='100%'><tr><td><h3>ACME Level 2 Award in Widget Care</h3>"
            "<p>Learners must achieve a minimum of 9 credits.</p><table border='1'><tr><th>Unit code</th>"
            "<th>Unit title</th><th>Credit value</th></tr><tr><td>C/100/0001</td><td>Caring</td><td>6</td></tr>"
            "<tr><td>C/100/0002</td><td>Cleaning</td><td>3</td></tr></table></td><td>Menu</td></tr></table>"
            "</body></html>")
    draft = import_specification(write(tmp_path, "saved.html", page))
    assert [(u["code"], u["credits"]) for u in draft.document["units"]] == [("C/100/0001", 6), ("C/100/0002", 3)]
    assert draft.document["qualifications"][0]["title"] == "ACME Level 2 Award in Widget Care"
    loads(draft, tmp_path)


def test_a_table_without_codes_and_no_unit_blocks_gets_placeholders_listed_for_review(tmp_path):
    text = ("# ACME Level 2 Award in Widget Care\n\nQualification Number: 600/2222/2\n\n"
            "| Title | Level | Credits | GLH |\n|---|---|---|---|\n| Caring for widgets | 2 | 3 | 20 |\n"
            "| Cleaning widgets | 2 | 3 | 20 |\n")
    draft = import_specification(write(tmp_path, "overview.md", text))
    assert [(u["code"], u["title"], u["credits"]) for u in draft.document["units"]] == [
        ("UNCODED-1", "Caring for widgets", 3), ("UNCODED-2", "Cleaning widgets", 3)]
    assert kinds(draft)[:2] == [("missing-value", "units.0.code"), ("missing-value", "units.1.code")]
    loads(draft, tmp_path)
