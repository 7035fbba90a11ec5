"""Unit tables recognised by their headings, whatever the column order; groups from the headings above them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from solver.importing.document import Block, Line, Row

# Column role -> heading patterns, tried on the lower-cased heading with footnote marks removed.
COLUMNS = {
    "code": r"unit( code| ref(erence)?( number| no\.?)?| number| no\.?)?|ref|code|urn|unique reference number",
    "title": r"(unit )?(title|name)",
    "level": r"(unit )?level",
    "credits": r"cv|credits?( value)?|unit credit value",
    "glh": r"glh|guided learning( hours)?",
}
GROUP_HEADING = re.compile(
    r"^(?P<name>(?:(?:mandatory|optional|compulsory)\s+)?(?:unit\s+)?group\s+(?P<label>[A-Z0-9]{1,3})\b"
    r"|(?P<kind>mandatory|optional|compulsory)\s+units?\b)(?P<rest>.*)$", re.IGNORECASE)
MARKS = "^*†‡#"


@dataclass(frozen=True)
class UnitRow:
    code: str
    title: str
    level: str
    credits: str
    glh: str
    where: str
    marks: str = ""  # footnote marks printed beside the code, e.g. "^"


@dataclass
class UnitTable:
    """The rows under one group heading (a table split across pages is joined back together)."""

    name: str  # "Group 1", "Mandatory Units"
    label: str  # "1", "A", "Mandatory"
    heading: str  # the heading as printed, e.g. "Optional Units (one unit must be completed)"
    where: str
    rows: list[UnitRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # columns the table lacks
    unread: list[Row] = field(default_factory=list)  # rows that are neither a unit nor the rest of one


def heading_roles(cells: tuple[str, ...]) -> dict[str, int] | None:
    """Column index of each role when `cells` is a unit-table heading row (code, title and credits at least)."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = cell.lower().strip(MARKS + " :")
        for role, pattern in COLUMNS.items():
            if role not in roles and re.fullmatch(pattern, text):
                roles[role] = i
                break
    return roles if {"code", "title", "credits"} <= roles.keys() else None


def split_code(raw: str) -> tuple[str, str]:
    """`8000-340 ^` -> ("8000-340", "^"); `Unit 301` -> ("301", "")."""
    marks = "".join(ch for ch in raw if ch in MARKS)
    code = "".join(ch for ch in raw if ch not in MARKS).strip()
    code = re.sub(r"^unit\s+", "", code, flags=re.IGNORECASE)
    return code, marks


def group_of(line: Line) -> tuple[str, str, str] | None:
    """(name, label, rest of the heading) for a group heading line, else None."""
    text = line.text.strip()
    m = GROUP_HEADING.match(text)
    if not m or len(text) > 80 or text.endswith("."):  # a sentence about a group is not its heading
        return None
    if m.group("label"):
        label = m.group("label").upper()
        return re.sub(r"\s+", " ", m.group("name")).strip().title(), label, m.group("rest")
    kind = m.group("kind").capitalize()
    return f"{kind} Units", kind, m.group("rest")


def unit_tables(blocks: tuple[Block, ...]) -> list[UnitTable]:
    """Every unit table, in document order, with the group heading nearest above it."""
    tables: list[UnitTable] = []
    heading: tuple[str, str, str, str] | None = None  # name, label, printed heading, where
    roles: dict[str, int] | None = None
    width = 0
    for block in blocks:
        if isinstance(block, Line):
            found = group_of(block)
            if found:
                heading = (found[0], found[1], block.text, block.where)
            continue
        rows = list(block.rows)
        # The heading row may sit under a group heading printed as the table's first row.
        head = next((i for i, r in enumerate(rows[:3]) if heading_roles(r.cells)), None)
        if head is not None:
            for row in rows[:head]:
                filled = [c for c in row.cells if c.strip()]
                found = group_of(Line(filled[0], row.where)) if len(filled) == 1 else None
                if found:
                    heading = (found[0], found[1], filled[0], row.where)
            roles, width = heading_roles(rows[head].cells), len(rows[head].cells)
            rows = rows[head + 1:]
        elif not (tables and roles and rows and len(rows[0].cells) == width and _looks_like_unit(rows[0].cells, roles)):
            continue  # not a unit table, nor the rest of the last one
        if roles is None:
            continue
        if heading is not None or not tables:
            name, label, printed, where = heading or ("Units", "1", "", block.where)
            tables.append(UnitTable(name, label, printed, where,
                                    missing=[r for r in COLUMNS if r not in roles]))
            heading = None
        # else: no new heading since the last unit table: it runs on (a page break, a repeated heading row)
        for row in rows:
            filled = [c for c in row.cells if c.strip()]
            inner = group_of(Line(filled[0], row.where)) if len(filled) == 1 else None
            if inner:  # a group heading printed as a row of the table itself
                tables.append(UnitTable(inner[0], inner[1], filled[0], row.where, missing=tables[-1].missing))
            elif roles is not None and _looks_like_unit(row.cells, roles):
                tables[-1].rows.append(_unit_row(row.cells, roles, row.where))
            elif roles is not None and tables[-1].rows and filled and not _cell(row.cells, roles, "code"):
                tables[-1].rows[-1] = _continued(tables[-1].rows[-1], row.cells, roles, row.where)
            elif filled:
                tables[-1].unread.append(row)
    return tables


def _cell(cells: tuple[str, ...], roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _looks_like_unit(cells: tuple[str, ...], roles: dict[str, int]) -> bool:
    code, _ = split_code(_cell(cells, roles, "code"))
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9/._-]*", code)) and bool(_cell(cells, roles, "title"))


def _continued(unit: UnitRow, cells: tuple[str, ...], roles: dict[str, int], where: str) -> UnitRow:
    """A row broken over a line or page: the rest of its title, and any value the first part lacked."""
    parts = {role: _cell(cells, roles, role) for role in ("title", "level", "credits", "glh")}
    mine = {"title": unit.title, "level": unit.level, "credits": unit.credits, "glh": unit.glh}
    joined = {role: (f"{mine[role]} {text}".strip() if role == "title" else mine[role] or text)
              for role, text in parts.items()}
    return UnitRow(unit.code, joined["title"], joined["level"], joined["credits"], joined["glh"],
                   f"{unit.where} + {where}", unit.marks)


def _unit_row(cells: tuple[str, ...], roles: dict[str, int], where: str) -> UnitRow:
    code, marks = split_code(_cell(cells, roles, "code"))
    return UnitRow(code, _cell(cells, roles, "title"), _cell(cells, roles, "level"), _cell(cells, roles, "credits"),
                   _cell(cells, roles, "glh"), where, marks)
