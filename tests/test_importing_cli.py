"""`pathways import` as a new user meets it: drafts written, review printed or as JSON, --check, bad files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from import_render import write_pdf
from typer.testing import CliRunner

from solver.cli.entry import app, main
from solver.importing.reader import read_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
SEEDS = Path(__file__).resolve().parent / "seeds"
runner = CliRunner()


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Through main(), as the installed command runs, so input errors exit 2 without a traceback."""
    monkeypatch.setattr(sys, "argv", ["pathways", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_import_a_pdf_then_load_it_with_pathways_catalogue(tmp_path):
    pdf = write_pdf(list(read_document(FIXTURES / "southbank-l2-customer-service.txt").blocks), tmp_path / "s.pdf")
    draft = tmp_path / "cat" / "draft.yaml"
    draft.parent.mkdir()
    result = runner.invoke(app, ["import", str(pdf), "-o", str(draft)])
    assert result.exit_code == 0, result.output
    assert "6 units, 1 qualifications, 3 rules; 2 to review" in result.output
    assert "REVIEW qualifications[0].rules: unparsed-rule" in result.output
    listed = runner.invoke(app, ["catalogue", "--catalogue", str(draft.parent), "--json"])
    assert listed.exit_code == 0, listed.output
    assert [q["accreditation"] for q in json.loads(listed.output)] == ["603/9999/1"]


def test_json_and_check(tmp_path):
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["import", str(SEEDS / "004_0499eb7c67826ca5.txt"), "-o", str(out), "--json",
                                 "--check"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["units"], data["qualifications"], data["rules"], data["review"]) == (48, 2, 5, [])
    assert data["check"]["loads"] is True
    # The audit's known finding on the seed: 28 published GLH, 33 the lowest for learners from 2020-07-01.
    assert any("publishes 28 GLH" in f["sentence"] for f in data["check"]["findings"])


def test_check_audits_the_draft_and_names_its_unpublished_value(tmp_path):
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["import", str(FIXTURES / "northway-l3-diploma.md"), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output
    assert "the draft loads" in result.output
    assert "1 unit of 610/1234/5 has values the specification does not publish: M/650/6131 (glh)" in \
        " ".join(result.output.split())


def test_not_a_specification_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys):
    out = tmp_path / "draft.yaml"
    code, stdout, err = run_main(monkeypatch, capsys, "import", str(FIXTURES / "not-a-spec.txt"), "-o", str(out))
    assert code == 2 and "not a qualification specification" in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    code, _, err = run_main(monkeypatch, capsys, "import", str(fake), "-o", str(out))
    assert code == 2 and "expected a PDF document" in err
    code, _, err = run_main(monkeypatch, capsys, "import", str(tmp_path / "missing.docx"), "-o", str(out))
    assert code == 2 and "not found" in err
    code, _, err = run_main(monkeypatch, capsys, "import", str(FIXTURES / "unit-mapping.csv"), "-o", str(out))
    assert code == 2 and "expected a unit-data CSV" in err
    assert not out.exists()


def test_damaged_word_files_and_a_missing_output_directory(tmp_path, monkeypatch, capsys):
    import zipfile

    empty_zip = tmp_path / "empty.docx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "not Word")
    code, _, err = run_main(monkeypatch, capsys, "import", str(empty_zip), "-o", str(tmp_path / "d.yaml"))
    assert code == 2 and "expected a Word .docx document" in err
    code, _, err = run_main(monkeypatch, capsys, "import", str(SEEDS / "000_9520fe2c4e7c693c.txt"),
                            "-o", str(tmp_path / "missing" / "d.yaml"))
    assert code == 2 and "no directory" in err


def test_json_carries_the_draft_with_dates_as_text(tmp_path):
    result = runner.invoke(app, ["import", str(FIXTURES / "northway-l3-diploma.md"), "-o", str(tmp_path / "d.yaml"),
                                 "--json"])
    data = json.loads(result.output)
    q = data["document"]["qualifications"][0]
    assert q["figures"]["operational_start"] == "2023-09-01"
    assert [r["path"] for r in data["review"]] == ["units[3].glh", "qualifications[0].rules",
                                                   "qualifications[0].rules"]
