"""Read a specification file of any supported kind into a Document, choosing the reader by its suffix."""

from __future__ import annotations

from pathlib import Path

from solver.importing.bounds import check_characters, check_file
from solver.importing.document import Document, not_importable
from solver.importing.docx_reader import read_docx
from solver.importing.html_reader import read_html
from solver.importing.pdf_reader import read_pdf
from solver.importing.text_reader import read_text


def read_document(path: str | Path) -> Document:
    """Read a .txt/.md, .docx, .pdf or .html specification; anything else is refused with a clear message."""
    source = Path(path)
    if not source.is_file():
        raise not_importable(source, "expected a specification file; not found")
    check_file(source)
    suffix = source.suffix.lower()
    if suffix in (".txt", ".md", ".text"):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise not_importable(source, f"expected UTF-8 text; {err.reason} at byte {err.start}") from None
        check_characters(source, len(text))
        return Document(str(source), tuple(read_text(text)))
    if suffix == ".docx":
        return Document(str(source), tuple(read_docx(source)))
    if suffix == ".pdf":
        return Document(str(source), tuple(read_pdf(source)))
    if suffix in (".html", ".htm", ".xhtml"):
        return Document(str(source), tuple(read_html(source)))
    raise not_importable(source, "expected a .txt, .md, .docx, .pdf or .html specification, got "
                         f"{suffix or 'no suffix'!r}")
