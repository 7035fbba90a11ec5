"""Plain-text and Markdown specifications as blocks: lines of running text and tables."""

from __future__ import annotations

import re

from solver.importing.document import Block, Line, Row, Table, clean

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
