"""A specification read into one neutral list of text lines and tables, each with where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from solver.errors import InputError, Problem


@dataclass(frozen=True)
class Line:
    """A line of running text (a paragraph, heading or footnote) and its place in the source."""

    text: str
    where: str  # "line 12", "paragraph 7", "page 2, line 5"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    where: str  # "line 40", "table 3, row 2", "page 2, table 1, row 4"


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    where: str


Block = Line | Table


@dataclass(frozen=True)
class Document:
    """Every block of a specification in reading order."""

    path: str
    blocks: tuple[Block, ...]


class ImportFailure(InputError):
    """A file that cannot be imported: unreadable, of an unknown kind, or not a specification."""

    kind = "import"


def not_importable(path: str | Path, message: str) -> ImportFailure:
    return ImportFailure([Problem(str(path), 1, 1, "", message)])


def clean(text: str) -> str:
    """One cell or line as plain text: Word bookmarks and Markdown bold dropped, whitespace collapsed."""
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text).replace("**", "").replace("__", "")
    return " ".join(text.split())


def read_document(path: str | Path) -> Document:
    """Read a .txt/.md, .docx or .pdf specification; anything else is refused with a clear message."""
    source = Path(path)
    if not source.is_file():
        raise not_importable(source, "expected a specification file; not found")
    suffix = source.suffix.lower()
    if suffix in (".txt", ".md", ".text"):
        try:
            text = source.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise not_importable(source, f"expected UTF-8 text; {err.reason} at byte {err.start}") from None
        return Document(str(source), tuple(read_text(text)))
    if suffix == ".docx":
        from solver.importing.docx_reader import read_docx

        return Document(str(source), tuple(read_docx(source)))
    if suffix == ".pdf":
        from solver.importing.pdf_reader import read_pdf

        return Document(str(source), tuple(read_pdf(source)))
    raise not_importable(source, f"expected a .txt, .md, .docx or .pdf specification, got {suffix or 'no suffix'!r}")


_PIPE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def read_text(text: str) -> list[Block]:
    """Plain text as exported from Word (table cells as tab-indented lines, rows parted by one blank
    line) or Markdown (pipe tables); everything else is running text, one Line per line."""
    blocks: list[Block] = []
    rows: list[Row] = []
    cells: list[str] = []
    start = 0
    blanks = 0

    def end_row() -> None:
        nonlocal cells
        if cells:
            rows.append(Row(tuple(cells), f"line {start}"))
            cells = []

    def end_table() -> None:
        nonlocal rows
        end_row()
        # A change in width starts a new table: a Word export runs adjacent tables together.
        chunk: list[Row] = []
        for row in rows:
            if chunk and len(row.cells) != len(chunk[-1].cells):
                blocks.append(Table(tuple(chunk), chunk[0].where))
                chunk = []
            chunk.append(row)
        if chunk:
            blocks.append(Table(tuple(chunk), chunk[0].where))
        rows = []

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if raw.startswith("\t"):
            if not cells:
                start = number
            cells.append(clean(raw))
            blanks = 0
        elif stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            end_row()
            if not _PIPE_RULE.match(stripped):
                rows.append(Row(tuple(clean(c) for c in stripped[1:-1].split("|")), f"line {number}"))
            blanks = 0
        elif not stripped:
            end_row()
            blanks += 1
            if blanks >= 2:
                end_table()
        else:
            end_table()
            blanks = 0
            blocks.append(Line(clean(stripped.lstrip("#").strip()) or stripped, f"line {number}"))
    end_table()
    return [b for b in blocks if not (isinstance(b, Line) and not b.text)]
