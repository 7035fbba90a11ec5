"""Regulator unit-data CSVs to a units-only catalogue file, and such a file beside qualification files."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.errors import InputError
from solver.importing.specification import import_specification
from solver.model.catalogue import load_catalogue

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
UNITS, MAPPING = FIXTURES / "unit-data.csv", FIXTURES / "unit-mapping.csv"

QUALIFICATION = """\
qualifications:
  - id: q1
    accreditation: 610/1234/5
    title: Level 3 Example
    level: 3
    awarding_body: Example
    groups:
      - {id: G1, name: Group 1, units: [A/650/6127, H/505/0053]}
    rules:
      - {id: total, kind: sum, sum: credits, min: 18}
"""


def test_unit_data_and_mapping_become_units_with_their_qualifications_noted():
    draft = import_specification([UNITS, MAPPING])
    assert draft.document["qualifications"] == []
    assert draft.document["units"] == [
        {"code": "A/650/6127", "title": "Leading a Team", "level": 3, "credits": 10, "glh": 40},
        {"code": "H/505/0053", "title": "Managing Performance", "level": 3, "credits": 8, "glh": 30},
        {"code": "M/650/6131", "title": "Workplace Communication", "level": 2, "credits": 4, "glh": None}]
    assert [(r.kind, r.path) for r in draft.review] == [("missing-value", ("units", 2, "glh")),
                                                        ("mismatch", ("units",))]
    assert "100009" in draft.review[1].message  # in the mapping, not in the unit data
    text = draft.to_yaml()
    assert "glh: 30}  # unit-data.csv: line 3; in 610/1234/5, 603/9999/1" in text
    assert "# REVIEW: missing-value: unit M/650/6131: Guided Learning Hours empty" in text


def test_a_units_only_file_and_a_qualification_file_load_together(tmp_path):
    # Units are global in a catalogue directory: a qualification in one file may use units from another.
    rows = UNITS.read_text(encoding="utf-8").splitlines()[:3]  # the heading and the two complete rows
    (tmp_path / "units.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    draft = import_specification([tmp_path / "units.csv", MAPPING])
    catalogue_dir = tmp_path / "catalogue"
    catalogue_dir.mkdir()
    (catalogue_dir / "a-units.yaml").write_text(draft.to_yaml(), encoding="utf-8")
    (catalogue_dir / "b-qualification.yaml").write_text(QUALIFICATION, encoding="utf-8")
    catalogue = load_catalogue(catalogue_dir)
    q = catalogue.qualification("610/1234/5")
    assert {c: u.credits for c, u in catalogue.units_of(q).items()} == {"A/650/6127": 10, "H/505/0053": 8}


def test_the_missing_glh_loads_as_unpublished_at_that_unit_only(tmp_path):
    draft = import_specification([UNITS])
    (tmp_path / "units.yaml").write_text(draft.to_yaml(), encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert [code for code, unit in catalogue.units.items() if unit.unpublished] == [draft.document["units"][2]["code"]]
    assert catalogue.units[draft.document["units"][2]["code"]].unpublished == ("glh",)


def test_a_csv_of_another_layout_is_refused(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,score\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected regulator unit data"):
        import_specification([other])
    with pytest.raises(InputError, match="on their own"):
        import_specification([UNITS, FIXTURES / "safety-l1-award.md"])
