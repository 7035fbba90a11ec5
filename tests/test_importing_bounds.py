"""The importer reads within bounds (solver/importing/bounds.py): a decompression bomb, a huge PDF or text and an
oversized file are refused as "too large", located, exit 2, before the memory they would take is spent."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from solver.errors import InputError
from solver.importing import bounds
from solver.importing.specification import import_specification

ENTRY = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx_bomb(path: Path, expanded_mb: int) -> Path:
    """A .docx-shaped zip whose document part is `expanded_mb` MB of XML whitespace: about 1/1000 of it stored."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                       b'wordprocessingml/2006/main"><w:body>')
            chunk = b" " * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return path


def test_a_docx_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    bomb = docx_bomb(tmp_path / "bomb.docx", 1024)  # 1 GiB of XML in about a megabyte
    assert bomb.stat().st_size < 2 * 1024 * 1024
    code = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({1536 * 1024 * 1024}, "
            f"{1536 * 1024 * 1024})); from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()")
    result = subprocess.run([sys.executable, "-c", code, "import", str(bomb), "-o", str(tmp_path / "d.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "too large to import: its parts expand to 1024 MB; at most 64 MB" in result.stderr
    assert not (tmp_path / "d.yaml").exists()


def test_a_part_that_expands_far_more_than_xml_does_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expands .* times over; at most 200"):
        import_specification(docx_bomb(tmp_path / "small-bomb.docx", 16))


def test_a_pdf_past_the_page_limit_is_refused_before_its_pages_are_read(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    for n in range(12):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.cell(0, 10, f"Page {n + 1}")
    pdf.output(str(tmp_path / "long.pdf"))
    monkeypatch.setattr(bounds, "MAX_PAGES", 10)
    monkeypatch.setattr("solver.importing.pdf_reader.MAX_PAGES", 10)
    with pytest.raises(InputError, match="too large to import: 12 pages; at most 10"):
        import_specification(tmp_path / "long.pdf")


def test_text_past_the_character_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_CHARACTERS", 1_000)
    (tmp_path / "long.md").write_text("# Title\n\n" + "word " * 400, encoding="utf-8")
    with pytest.raises(InputError, match="too large to import: 2,009 characters of text; at most 1,000"):
        import_specification(tmp_path / "long.md")


def test_reading_stops_at_the_deadline(tmp_path: Path) -> None:
    deadline = bounds.Deadline(tmp_path / "x.pdf", seconds=0.0)
    with pytest.raises(InputError, match="still reading after 0 s \\(at page 3 of 9\\)"):
        deadline.check("page 3 of 9")


def test_the_bounds_keep_memory_bounded_in_this_process_too(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError):
        import_specification(docx_bomb(tmp_path / "bomb.docx", 256))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: far below 256 MB
