"""Unit tables recognised by their headings and their rows, whatever the column order; groups from the headings
above them, from section rows inside them, or from a core/elective column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from solver.importing.document import Block, Line, Row, Table
from solver.importing.unit_blocks import table_blocks

# Column role -> heading patterns, tried on the heading lower-cased, footnote marks and stops removed, and a
# heading printed over several rows joined ("Unit / Reference / Number").
COLUMNS = {
    "code": r"unit( code| ref(erence)?( number| no)?| number| no)?|ref(erence)?( number| no)?|code|urn|"
            r"unique reference number|unit (ref|reference) (code|id)|qan|unit id",
    "title": r"(unit )?(title|name)|unit (title|name) and (code|reference)|units?|description|unit of competency",
    "level": r"(unit )?level|rqf level",
    "credits": r"cv|credits?( value)?|unit credit value|credit values?",
    "glh": r"glh|gl h|guided learning( hours)?|guided learning hours \(glh\)",
    "tqt": r"tqt|total qualification time",
    "kind": r"core ?/ ?elective|mandatory ?/ ?optional|(unit )?(type|status)|core or elective|m ?/ ?o",
}
GROUP_HEADING = re.compile(
    r"^(?P<name>(?:(?:mandatory|optional|compulsory)\s+)?(?:unit\s+)?group\s+(?P<label>[A-Z0-9]{1,3})\b"
    r"|(?P<kind>mandatory|optional|compulsory|core|elective)\s+units?\b)(?P<rest>.*)$", re.IGNORECASE)
KINDS = {"core": "Core", "elective": "Elective", "mandatory": "Mandatory", "optional": "Optional",
         "compulsory": "Compulsory", "m": "Mandatory", "o": "Optional"}
MARKS = "^*†‡#"
# A unit code: letters, digits and / . - with at least one digit ("H/504/7279", "CPCCCA2002", "8000-340",
# "LRN 5.26"); a short prefix of capitals may stand apart from the number.
CODE = re.compile(r"(?:[A-Z]{2,5} )?[A-Za-z0-9][A-Za-z0-9/._-]{0,19}")
TOTAL = re.compile(r"^(sub-?)?totals?\b", re.IGNORECASE)
NUMBER = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class UnitRow:
    code: str
    title: str
    level: str
    credits: str
    glh: str
    where: str
    marks: str = ""  # footnote marks printed beside the code, e.g. "^", "*"
    tqt: str = ""


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
    scope: str = ""  # the qualification title printed last above the table ("" when none)
    parent: UnitTable | None = None  # the heading the table's section rows stand under ("Optional Units")
    # "Total" rows: the row, its figures by column, and the units it totals (every group of its table).
    totals: list[tuple[Row, UnitRow, list[UnitRow]]] = field(default_factory=list)


def _heading_text(cell: str) -> str:
    text = cell.lower().replace("\n", " ")
    text = re.sub(r"[" + re.escape(MARKS) + r".:()]", " ", text)
    return " ".join(text.split())


def heading_roles(cells: tuple[str, ...]) -> dict[str, int] | None:
    """Column index of each role when `cells` is a unit-table heading row (a code or title column at least)."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = _heading_text(cell)
        if not text:
            continue
        for role, pattern in COLUMNS.items():
            if role not in roles and re.fullmatch(pattern, text):
                roles[role] = i
                break
        else:
            if "glh" not in roles and re.fullmatch(r"guided learning hours.*|.*\bglh\b", text):
                roles["glh"] = i
    useful = {"code", "title"} & roles.keys()
    # One word alone ("Units", "Code") is a caption, not a heading row: a role beside it is needed.
    return roles if useful and len(roles) >= 2 else None


def split_code(raw: str) -> tuple[str, str]:
    """`8000-340 ^` -> ("8000-340", "^"); `Unit 301` -> ("301", "")."""
    marks = "".join(ch for ch in raw if ch in MARKS)
    code = "".join(ch for ch in raw if ch not in MARKS).strip()
    code = re.sub(r"^unit\s+", "", code, flags=re.IGNORECASE)
    return " ".join(code.split()), marks


def is_code(text: str, numbers: bool = False) -> bool:
    """A unit code; a bare number ("301") only when printed as "Unit 301" or in a column headed as codes."""
    code, _ = split_code(text)
    if not (CODE.fullmatch(code) and any(ch.isdigit() for ch in code)):
        return False
    plain = bool(NUMBER.fullmatch(code) or re.fullmatch(r"\d+(\.\d+)+", code))
    return not plain or numbers or bool(re.match(r"unit\s+\d", text.strip(), re.IGNORECASE))


def group_of(line: Line) -> tuple[str, str, str] | None:
    """(name, label, rest of the heading) for a group heading line, else None."""
    text = line.text.strip()
    m = GROUP_HEADING.match(text)
    if not m or len(text) > 90 or text.endswith("."):  # a sentence about a group is not its heading
        return None
    if m.group("label"):
        label, rest = m.group("label").upper(), m.group("rest")
        name = re.sub(r"\s+", " ", m.group("name")).strip().title()
        # "Group B1 Project Development Units": the words after the label name the group.
        if re.fullmatch(r"\s*[A-Za-z][A-Za-z&,/ ]*\bunits?\s*", rest, re.IGNORECASE):
            return f"{name}{rest.rstrip()}", label, ""
        return name, label, rest
    kind = KINDS[m.group("kind").lower()]
    return f"{kind} Units", kind, m.group("rest")


def section_of(text: str) -> tuple[str, str, str] | None:
    """A row of one short cell inside a unit table as a group heading: "Law Units", "Group B", "Mandatory"."""
    found = group_of(Line(text, ""))
    if found:
        return found
    words = text.strip().rstrip(":")
    if not words or len(words) > 60 or words.endswith(".") or is_code(words) or TOTAL.match(words):
        return None
    if words.lower() in KINDS and len(words) > 1:
        return f"{KINDS[words.lower()]} Units", KINDS[words.lower()], ""
    m = re.fullmatch(r"(?P<label>.+?)\s+(?:units?|pathway|group|block|option)", words, re.IGNORECASE)
    if m:
        return words, m.group("label"), ""
    m = re.fullmatch(r"(?:pathway|option|block)\s+(?P<label>\S+)(?:\s*[-–:].*)?", words, re.IGNORECASE)
    return (words, m.group("label"), "") if m else None


@dataclass
class _Layout:
    """What a unit table's heading row says: each role's column, and the order of its figure columns."""

    roles: dict[str, int]
    width: int

    @property
    def figures(self) -> list[str]:
        return sorted((r for r in ("level", "credits", "glh", "tqt") if r in self.roles), key=lambda r: self.roles[r])


def _header(rows: list[Row]) -> tuple[int, int, _Layout] | None:
    """(first row, rows used, layout) of a heading printed on one row or over several ("Unit / Reference /
    Number"), within a table's first rows."""
    for start in range(min(4, len(rows))):
        cells = list(rows[start].cells)
        if any(is_code(c) for c in cells):
            return None
        used = 1
        # Rows below that only add words under a heading cell carry on the heading; a section row does not.
        while start + used < len(rows) and used < 4:
            below = rows[start + used].cells
            filled = [i for i, c in enumerate(below) if c.strip()]
            if len(below) != len(cells) or not filled or any(is_code(c) or NUMBER.fullmatch(c.strip()) or len(c) > 40
                                                             for c in below) \
                    or any(not cells[i].strip() for i in filled) or (len(filled) == 1 and section_of(below[filled[0]])):
                break
            cells = [f"{a} {b}".strip() for a, b in zip(cells, below)]
            used += 1
        roles = heading_roles(tuple(cells))
        if roles:
            return start, used, _Layout(roles, len(cells))
    return None


def _code_column(rows: list[Row], layout: _Layout) -> int | None:
    """The column the codes are printed in: the one holding most codes (a heading cell may stand over the
    column beside it, or be empty)."""
    counts: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row.cells):
            if is_code(cell, numbers=i == layout.roles.get("code")):
                counts[i] = counts.get(i, 0) + 1
                break
    if not counts:
        return layout.roles.get("code") if layout.roles.get("code") is not None else None
    return max(counts, key=lambda i: (counts[i], i == layout.roles.get("code")))


def _title_column(rows: list[Row], code: int | None, layout: _Layout) -> int | None:
    """The column of titles: the heading's title column unless it holds the codes; else the first column
    after the codes that holds words."""
    named = layout.roles.get("title")
    if named is not None and named != code:
        return named
    start = (code if code is not None else -1) + 1
    for i in range(start, max(len(r.cells) for r in rows)):
        words = sum(1 for r in rows if i < len(r.cells) and re.search(r"[A-Za-z]{3}", r.cells[i])
                    and not is_code(r.cells[i]))
        if words:
            return i
    return None


def unit_tables(blocks: tuple[Block, ...], titles: tuple[str, ...] = ()) -> list[UnitTable]:
    """Every unit table, in document order, with the group heading nearest above it. `titles` are the
    qualification titles of the document: a table is in the scope of the last one printed above it."""
    reader = _Reader(titles)
    for block in blocks:
        if isinstance(block, Line):
            reader.line(block)
        else:
            reader.table(list(block.rows), block.where)
    return [t for t in reader.tables if t.rows or t.unread or t.totals or any(c.parent is t for c in reader.tables)]


class _Reader:
    def __init__(self, titles: tuple[str, ...]):
        self.titles = [_words(t) for t in titles if t]
        self.tables: list[UnitTable] = []
        self.heading: tuple[str, str, str, str] | None = None  # name, label, printed heading, where
        self.layout: _Layout | None = None
        self.scope = ""
        self.by_kind: dict[str, UnitTable] = {}
        self.parent: UnitTable | None = None
        self.run_start = 0  # the first of the tables the current unit table has opened

    def line(self, line: Line) -> None:
        words = _words(line.text)
        scope = next((t for t in self.titles if t and words.startswith(t) and len(words) <= len(t) + 20), None)
        if scope is not None and scope != self.scope:
            self.scope, self.heading, self.layout = scope, None, None
            self.by_kind, self.parent = {}, None
        found = group_of(line)
        if found:
            self.heading = (found[0], found[1], line.text, line.where)

    def open(self, name: str, label: str, printed: str, where: str, parent: UnitTable | None = None) -> UnitTable:
        roles = self.layout.roles if self.layout else {}
        missing = [r for r in ("code", "title", "level", "credits", "glh") if r not in roles]
        table = UnitTable(name, label, printed, where, missing=missing, scope=self.scope, parent=parent)
        self.tables.append(table)
        return table

    def table(self, rows: list[Row], where: str) -> None:
        if table_blocks(Table(tuple(rows), where)):
            self.layout = None  # one unit's fields (read by unit_blocks): the unit table before it has ended
            return
        found = _header(rows)
        if found is not None:
            start, used, layout = found
            for row in rows[:start]:  # a group heading printed as the table's first row
                filled = [c for c in row.cells if c.strip()]
                heading = group_of(Line(filled[0], row.where)) if len(filled) == 1 else None
                if heading:
                    self.heading = (heading[0], heading[1], filled[0], row.where)
            data = rows[start + used:]
            codeless = "title" in layout.roles and layout.figures and any(_figures(r.cells, None) for r in data)
            if not any(is_code(c) for r in data for c in r.cells) and not codeless \
                    and not (self.tables and self.layout):
                return  # a heading with nothing under it that reads as a unit: not a unit table
            self.layout = layout
        elif not (self.tables and self.layout and self._runs_on(rows)):
            return  # not a unit table, nor the rest of the last one
        else:
            data = rows
        layout = self.layout
        assert layout is not None
        if self.heading is not None or not self.tables or (self.tables[-1].scope != self.scope):
            name, label, printed, at = self.heading or ("Units", "1", "", where)
            self.run_start = len(self.tables)
            self.parent = self.open(name, label, printed, at)
            self.by_kind = {}
            self.heading = None
        # else: no new heading since the last unit table: it runs on (a page break, a repeated heading row)
        self._rows(data, layout)

    def _runs_on(self, rows: list[Row]) -> bool:
        """A table with no heading row carries on the last unit table when its rows read as units."""
        code = _code_column(rows, self.layout) if self.layout else None
        return code is not None and sum(1 for r in rows if code < len(r.cells) and is_code(r.cells[code])) > 0

    def _rows(self, rows: list[Row], layout: _Layout) -> None:
        code_at = _code_column(rows, layout)
        title_at = _title_column(rows, code_at, layout)
        current = self.tables[-1]
        numbers = code_at is not None and code_at == layout.roles.get("code")
        pending: Row | None = None  # a row whose code is only a prefix ("LRN"), its number on the next ("5.26")
        for row in rows:
            cells = row.cells
            where = row.where
            filled = [c for c in cells if c.strip()]
            if not filled:
                continue
            if _header(list((row,))) is not None:
                continue  # the heading row repeated (on each page, or mid-table)
            code_cell = cells[code_at] if code_at is not None and code_at < len(cells) else ""
            title = cells[title_at].strip() if title_at is not None and title_at < len(cells) else ""
            if len(filled) == 1 and not is_code(filled[0]) and section_of(filled[0]) and pending is None:
                current = self._section(current, filled[0], row.where)
                continue
            if any(TOTAL.match(c.strip()) for c in filled):
                above = [r for t in self.tables[self.run_start:] for r in t.rows]
                current.totals.append((row, self._unit(cells, None, title_at, layout, where), above))
                continue
            if pending is not None and code_at is not None:
                prefix = pending.cells[code_at].strip()
                if is_code(f"{prefix} {code_cell.strip()}", numbers) and len(cells) == len(pending.cells):
                    code_cell = f"{prefix} {code_cell.strip()}"
                    cells = tuple(code_cell if i == code_at else (b if b.strip() else a)
                                  for i, (a, b) in enumerate(zip(pending.cells, cells)))
                    title = cells[title_at].strip() if title_at is not None and title_at < len(cells) else ""
                    where = f"{pending.where} + {row.where}"
                else:
                    current.unread.append(pending)
                pending = None
            if (is_code(code_cell, numbers) and (title or _title_after(cells, code_at))) or \
                    (code_at is None and title and _figures(cells, title_at)):
                unit = self._unit(cells, code_at, title_at, layout, where)
                target = self._kind_table(cells, layout, current, where)
                target.rows.append(unit)
                continue
            if re.fullmatch(r"[A-Z]{2,5}", code_cell.strip()) and title:
                pending = row  # a code wrapped onto the next row ("LRN" / "5.26")
                continue
            last = self._last_row()
            if last is not None and not code_cell.strip() and (title or _figures(cells, title_at)):
                table, i = last
                more = self._unit(cells, None, title_at, layout, row.where)
                table.rows[i] = _continued(table.rows[i], more, row.where)
            else:
                current.unread.append(row)
        if pending is not None:
            current.unread.append(pending)

    def _section(self, current: UnitTable, text: str, where: str) -> UnitTable:
        """A section row ("Law Units") opens a group; under an empty heading ("Optional Units") it is one of
        that heading's parts, and the heading keeps them all."""
        name, label, _ = section_of(text)  # type: ignore[misc]
        if not current.rows and current.name == "Units" and not current.heading and current.parent is None:
            current.name, current.label, current.heading, current.where = name, label, text, where
            return current
        if not current.rows and current.parent is None:
            return self.open(name, label, text, where, parent=current)
        return self.open(name, label, text, where, parent=current.parent)

    def _last_row(self) -> tuple[UnitTable, int] | None:
        for table in reversed(self.tables):
            if table.rows:
                return table, len(table.rows) - 1
        return None

    def _kind_table(self, cells: tuple[str, ...], layout: _Layout, current: UnitTable, where: str) -> UnitTable:
        """With a core/elective column, each row's own kind decides its group."""
        at = layout.roles.get("kind")
        if at is None:
            return current
        kind = next((KINDS[c.strip().lower()] for c in cells[at:] + cells[:at]
                     if c.strip().lower() in KINDS and len(c.strip()) > 1), None)
        if kind is None:
            return current
        if kind not in self.by_kind:
            if not current.rows and not self.by_kind and current.name == "Units":
                current.name, current.label, current.heading = f"{kind} Units", kind, cells[at]
                self.by_kind[kind] = current
            else:
                self.by_kind[kind] = self.open(f"{kind} Units", kind, cells[at], where)
        return self.by_kind[kind]

    def _unit(self, cells: tuple[str, ...], code_at: int | None, title_at: int | None, layout: _Layout,
              where: str) -> UnitRow:
        code, marks = split_code(cells[code_at] if code_at is not None else "")
        title = cells[title_at].strip() if title_at is not None and title_at < len(cells) else ""
        if not title and code_at is not None:
            title = _title_after(cells, code_at)
        values = {role: "" for role in ("level", "credits", "glh", "tqt")}
        by_place = {role: cells[i].strip() if i < len(cells) else "" for role, i in layout.roles.items()
                    if role in values}
        if len(cells) == layout.width and all(not v or NUMBER.fullmatch(v) or re.fullmatch(r"level \d", v.lower())
                                              for v in by_place.values()):
            values |= by_place
        else:  # a row printed wider or narrower than its heading: its figures in the heading's order
            after = max((i for i in (code_at, title_at) if i is not None), default=-1)
            numbers = [c.strip() for c in cells[after + 1:] if NUMBER.fullmatch(c.strip())]
            if len(numbers) == len(layout.figures):
                values |= dict(zip(layout.figures, numbers))
        return UnitRow(code, title, values["level"], values["credits"], values["glh"], where, marks, values["tqt"])


def _title_after(cells: tuple[str, ...], code_at: int | None) -> str:
    if code_at is None:
        return ""
    return next((c.strip() for c in cells[code_at + 1:] if re.search(r"[A-Za-z]{3}", c) and not is_code(c)), "")


def _figures(cells: tuple[str, ...], title_at: int | None) -> bool:
    return any(NUMBER.fullmatch(c.strip()) for i, c in enumerate(cells) if i != title_at)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def _continued(unit: UnitRow, more: UnitRow, where: str) -> UnitRow:
    """A row broken over a line or page: the rest of its title, and any value the first part lacked."""
    return UnitRow(unit.code, f"{unit.title} {more.title}".strip(), unit.level or more.level,
                   unit.credits or more.credits, unit.glh or more.glh, f"{unit.where} + {where}", unit.marks,
                   unit.tqt or more.tqt)
