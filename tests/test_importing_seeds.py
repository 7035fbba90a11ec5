"""`pathways import` on the two seed specifications, as text, Word and PDF, reproduces the bundled catalogue.

How the two are matched: qualifications by accreditation number; groups by id (the importer names
"Group 1" G1, as the catalogue does); rules in order, without their `id` (rule ids are invented names in
the hand-written catalogue) and without their `note` (the catalogue paraphrases, the draft keeps the
specification's sentence verbatim, checked separately); units by code, in table order, without `tags`
(topic tags are not in the specifications). Every other field is compared exactly, through the models
that solver.model.catalogue.load_catalogue builds from both files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from import_render import write_docx, write_pdf

from solver.importing.document import Table
from solver.importing.reader import read_document
from solver.importing.specification import import_specification
from solver.importing.tables import unit_tables
from solver.model.catalogue import bundled_catalogue, load_catalogue

SEEDS = Path(__file__).resolve().parent / "seeds"
PAIRS = {"000_9520fe2c4e7c693c.txt": "ilm-l3-leadership.yaml",
         "004_0499eb7c67826ca5.txt": "ilm-l2-leadership-team-skills.yaml"}


def comparable(catalogue) -> dict:
    units = [u.model_dump(exclude={"tags"}) for u in catalogue.units.values()]
    quals = {}
    for q in catalogue.qualifications:
        data = q.model_dump(exclude={"id", "rules"})
        data["rules"] = [r.model_dump(exclude={"id", "note"}) for r in q.rules]
        quals[q.accreditation] = data
    return {"units": units, "qualifications": quals}


def load_draft(draft, tmp_path: Path):
    target = tmp_path / "draft.yaml"
    target.write_text(draft.to_yaml(), encoding="utf-8")
    return load_catalogue(target)


def rendered(seed: str, kind: str, tmp_path: Path) -> Path:
    blocks = list(read_document(SEEDS / seed).blocks)
    target = tmp_path / f"{Path(seed).stem}.{kind}"
    return {"txt": lambda: SEEDS / seed, "docx": lambda: write_docx(blocks, target),
            "pdf": lambda: write_pdf(blocks, target)}[kind]()


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("seed", sorted(PAIRS))
def test_import_reproduces_the_bundled_catalogue(seed, kind, tmp_path):
    draft = import_specification(rendered(seed, kind, tmp_path))
    imported = comparable(load_draft(draft, tmp_path))
    bundled = comparable(load_catalogue(bundled_catalogue() / PAIRS[seed]))
    assert imported["units"] == bundled["units"]
    assert imported["qualifications"] == bundled["qualifications"]


@pytest.mark.parametrize("seed", sorted(PAIRS))
def test_every_rule_note_is_the_specification_verbatim(seed, tmp_path):
    text = " ".join((SEEDS / seed).read_text(encoding="utf-8").split())
    draft = import_specification(SEEDS / seed)
    notes = [r["note"] for q in draft.document["qualifications"] for r in q["rules"]]
    # A replacement's note is its footnote's dated line followed by its own line ("... 360 not 340").
    parts = [p for n in notes for p in (n.rsplit(" ", 3) if n.endswith(("339", "340")) else [n])]
    assert notes and all(" ".join(p.split()) in text for p in parts)


def test_the_certificate_rules_read_as_the_specification_says(tmp_path):
    # Hand-read from the seed: "A maximum of 6 credits is allowed from Group 2"; footnote "359 not 339" under
    # "registered from 1 July 2020"; the 36-credit maximum comes from the published credit value.
    draft = import_specification(SEEDS / "004_0499eb7c67826ca5.txt")
    cert = draft.document["qualifications"][1]
    rules = [{k: v for k, v in r.items() if k not in ("id", "note")} for r in cert["rules"]]
    assert rules[0] == {"kind": "sum", "sum": "credits", "min": 13, "max": 36}
    assert rules[1] == {"kind": "sum", "sum": "credits", "where": {"groups": ["G2"]}, "max": 6}
    assert [(r["old"], r["new"], r["from"].isoformat()) for r in rules[2:]] == [
        ("8000-339", "8000-359", "2020-07-01"), ("8000-340", "8000-360", "2020-07-01")]
    text = draft.to_yaml()
    assert "max from the credit value" in text  # the borrowed bound says where it came from
    assert draft.review == []  # nothing in this specification is uncertain


def test_the_level_3_review_names_the_unpublished_glh():
    draft = import_specification(SEEDS / "000_9520fe2c4e7c693c.txt")
    assert [(r.kind, r.message, r.path) for r in draft.review] == [
        ("figure", "glh: no figure published", ("qualifications", 0, "figures", "glh"))]
    assert "depends on the specific units selected" in draft.review[0].text
    assert "# REVIEW: figure: glh: no figure published" in draft.to_yaml()


def test_the_pdf_splits_group_1_across_pages_and_the_import_joins_it(tmp_path):
    path = rendered("004_0499eb7c67826ca5.txt", "pdf", tmp_path)
    doc = read_document(path)
    pages = {r.where.split(",")[0] for b in doc.blocks if isinstance(b, Table) for r in b.rows
             if r.cells[0].startswith("8000-2")}
    assert len(pages) >= 2, pages  # Group 1's rows are on more than one page
    groups = unit_tables(doc.blocks)
    assert [(g.name, len(g.rows)) for g in groups] == [("Group 1", 30), ("Group 2", 18)]


def test_pdf_without_repeated_headings_is_joined_too(tmp_path):
    blocks = list(read_document(SEEDS / "004_0499eb7c67826ca5.txt").blocks)
    path = write_pdf(blocks, tmp_path / "spec.pdf", repeat_headings=False)
    groups = unit_tables(read_document(path).blocks)
    assert [(g.name, len(g.rows)) for g in groups] == [("Group 1", 30), ("Group 2", 18)]


def test_provenance_is_written_beside_every_unit_and_rule(tmp_path):
    path = rendered("004_0499eb7c67826ca5.txt", "docx", tmp_path)
    lines = import_specification(path).to_yaml().splitlines()
    units = [line for line in lines if line.startswith("  - {code:")]
    rules = [line for line in lines if line.startswith("      - {id:") and "kind:" in line]
    assert len(units) == 48 and len(rules) == 5
    assert all("  # table " in line for line in units + rules[:2])
    # Tables in the seed: progression, Award details, Award assessments, Certificate details, its assessments,
    # then Group 1 (table 6; its heading is row 1) and Group 2 (table 7).
    assert units[0].endswith("# table 6, row 2") and units[30].endswith("# table 7, row 2")
