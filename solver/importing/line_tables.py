"""Unit tables printed without ruling lines: a PDF's text lines that each begin with a unit code ("H/504/7279
Operate health and safety systems 3 5 40"), under a line of column headings, lifted back into table rows."""

from __future__ import annotations

import re

from solver.importing.document import Block, Line, Row, Table
from solver.importing.tables import KINDS, heading_roles, is_code, section_of

HEADING_WORDS = re.compile(r"\b(unit reference number|unit reference|unit ref\.?|unit code|unit number|unit title|"
                           r"unit name|reference|code|title|level|credit value|credits?|glh|guided learning hours|"
                           r"tqt|core ?/ ?elective|type)\b", re.IGNORECASE)
FIGURES = re.compile(r"(?:\s+\d{1,4}|\s+level \d)+$", re.IGNORECASE)
KIND_END = re.compile(r"\s+(" + "|".join(k for k in KINDS if len(k) > 1) + r")$", re.IGNORECASE)
MIN_ROWS = 2


def heading_cells(text: str) -> tuple[str, ...] | None:
    """"Unit Code Unit Title Level Credits GLH" as its column headings, when they read as a unit table's."""
    words = [m.group(0) for m in HEADING_WORDS.finditer(text)]
    left = HEADING_WORDS.sub("", text).strip(" |/:-")
    if len(words) < 2 or len(left) > 12:
        return None
    return tuple(words) if heading_roles(tuple(words)) else None


def row_cells(text: str) -> tuple[str, ...] | None:
    """"H/504/7279 Operate ... 3 5 40 Core" as (code, title, figures..., kind), when it begins with a code."""
    parts = text.split(None, 2)
    if not parts:
        return None
    code = parts[0]
    rest = text[len(code):].strip()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{2,5}", parts[0]) and is_code(f"{parts[0]} {parts[1]}"):
        code, rest = f"{parts[0]} {parts[1]}", text.split(None, 2)[2] if len(parts) > 2 else ""
    if not is_code(code) or not re.search(r"[A-Za-z]{3}", rest):
        return None
    kind = ""
    if m := KIND_END.search(rest):
        kind, rest = m.group(1), rest[:m.start()]
    figures = FIGURES.search(rest)
    numbers = figures.group(0).split() if figures else []
    title = rest[:figures.start()] if figures else rest
    return (code, title.strip(), *numbers) + ((kind,) if kind else ())


def lift(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with each run of code lines (at least two, or one under a heading line) turned into a table;
    lines wrapped inside a row's title stay with it as continuation rows."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if not isinstance(block, Line) or not block.where.startswith("page "):
            out.append(block)
            i += 1
            continue
        heading = heading_cells(block.text)
        start = i + 1 if heading else i
        rows: list[Row] = []
        j = start
        while j < len(blocks) and isinstance(blocks[j], Line):
            line = blocks[j]
            assert isinstance(line, Line)
            cells = row_cells(line.text)
            if cells is not None:
                rows.append(Row(cells, line.where))
            elif rows and re.fullmatch(r"\d{1,4}(?:\s+\d{1,4})*", line.text.strip()):
                rows.append(Row(("", "", *line.text.split()), line.where))  # a row's figures on a line of their own
            elif rows and _wrapped(line.text):
                rows.append(Row(("", line.text), line.where))
            else:
                break
            j += 1
        units = sum(1 for r in rows if r.cells[0])
        if units >= MIN_ROWS or (heading and units >= 1):
            head = (Row(heading, block.where),) if heading else ()
            out.append(Table(head + tuple(rows), f"{(block if heading else blocks[start]).where} (unruled)"))
            i = j
        else:
            out.append(block)
            i += 1
    return tuple(out)


def _wrapped(text: str) -> bool:
    """The rest of a title wrapped onto its own line: short, no code, not a sentence or a heading."""
    return len(text) < 60 and not text.endswith((".", ":")) and not heading_cells(text) and not section_of(text) \
        and (text[:1].islower() or len(text.split()) <= 4)
