"""Units described one by one as blocks of fields ("Unit Reference A/615/0041 · Unit Level 3 · Credit Value 5 ·
GLH 50"), in a table of their own or in running text, rather than as rows of a structure table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.importing.document import Block, Line, Table

SEP = r"\s*(?:[|:·•\-–]\s*)*"
CODE_VALUE = r"([A-Z]{1,2}/\d{3}/\d{4}|[A-Z0-9][A-Za-z0-9/._-]*\d[A-Za-z0-9/._-]*)"
FIELDS = {
    "code": re.compile(r"\b(?:unit reference(?: number| no\.?)?|unit ref(?:\.|erence)?(?: no\.?)?|unit code|"
                       r"unique reference number|urn)" + SEP + CODE_VALUE, re.IGNORECASE),
    "level": re.compile(r"\b(?:unit )?level" + SEP + r"(\d)\b", re.IGNORECASE),
    "credits": re.compile(r"\b(?:credit value|credits?)" + SEP + r"(\d{1,3})\b", re.IGNORECASE),
    "glh": re.compile(r"\b(?:glh|guided learning hours)" + SEP + r"(\d{1,4})\b", re.IGNORECASE),
    "title": re.compile(r"\bunit (?:title|name)" + SEP + r"([^|]+)", re.IGNORECASE),
}
NUMBERED = re.compile(r"^(?:unit\s+)?(?P<number>(?:[A-Z]{2,5}\s+)?\d+(?:\.\d+)?)\s*[:.\-–]?\s+(?P<title>.*[A-Za-z].*)$",
                      re.IGNORECASE)


@dataclass(frozen=True)
class UnitBlock:
    """One unit's fields as printed; `number` is the block's own numbering ("1", "LRN 5.1"), if any."""

    code: str
    title: str
    number: str
    level: str
    credits: str
    glh: str
    where: str


def fields(text: str) -> dict[str, str]:
    """Each field's first value in a block's text (cells joined by " | ")."""
    found = {}
    for name, pattern in FIELDS.items():
        m = pattern.search(text)
        if m:
            found[name] = " ".join(m.group(1).split()).strip(" |")
    return found


def is_block(text: str) -> bool:
    """A unit reference beside at least one of level, credit value and GLH."""
    found = fields(text)
    return "code" in found and len({"level", "credits", "glh"} & found.keys()) >= 1


def table_blocks(table: Table) -> list[UnitBlock]:
    """The units a table describes field by field: each unit reference row, the fields about it, and the
    number and title printed on the row above (a table may hold the end of one unit and the start of the next)."""
    rows = [" | ".join(c.strip() for c in r.cells if c.strip()) for r in table.rows]
    starts = [i for i, text in enumerate(rows) if FIELDS["code"].search(text)]
    out = []
    for n, at in enumerate(starts):
        title_at = next((i for i in range(at - 1, max(at - 4, -1), -1) if _numbered(table.rows[i].cells)), None)
        first = (title_at + 1) if title_at is not None else max(at - 2, starts[n - 1] + 1 if n else 0)
        last = min(at + 4, starts[n + 1] if n + 1 < len(starts) else len(rows))
        text = " | ".join(rows[first:last])
        if not is_block(text):
            continue
        found = fields(text)
        number, title = (_numbered(table.rows[title_at].cells) if title_at is not None else None) or ("", "")
        out.append(UnitBlock(found["code"], (found.get("title") or title).strip(), number, found.get("level", ""),
                             found.get("credits", ""), found.get("glh", ""), table.rows[at].where))
    return out


def _numbered(cells: tuple[str, ...]) -> tuple[str, str] | None:
    """("LRN 5.1", "Introduction to ...") for a unit's heading row: its number, then its title."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled or fields(" | ".join(filled)) or filled[0].lower().startswith("unit aim"):
        return None
    if len(filled) == 2 and re.fullmatch(r"(?:unit\s+)?(?:[A-Z]{2,5}\s+)?\d+(?:\.\d+)?", filled[0], re.IGNORECASE) \
            and re.search(r"[A-Za-z]{3}", filled[1]):
        return re.sub(r"^unit\s+", "", filled[0], flags=re.IGNORECASE), filled[1]
    if len(filled) == 1 and (m := NUMBERED.match(filled[0])):
        return m.group("number"), m.group("title")
    return None


def text_blocks(blocks: tuple[Block, ...]) -> list[UnitBlock]:
    """Blocks of running text: a unit reference line and the lines about it, under the unit's heading."""
    out: list[UnitBlock] = []
    lines = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Line)]
    for n, (_, line) in enumerate(lines):
        if not FIELDS["code"].search(line.text):
            continue
        window = [b.text for _, b in lines[n:n + 6]]
        # The window ends where the next unit's reference begins.
        end = next((k for k, t in enumerate(window[1:], start=1) if FIELDS["code"].search(t)), len(window))
        text = " | ".join(window[:end])
        if not is_block(text):
            continue
        found = fields(text)
        number, title = "", found.get("title", "")
        above = lines[n - 1][1].text if n else ""
        if not title and (m := NUMBERED.match(above)):
            number, title = m.group("number"), m.group("title")
        elif not title and above and not fields(above):
            title = above
        out.append(UnitBlock(found["code"], title.strip(), number, found.get("level", ""), found.get("credits", ""),
                             found.get("glh", ""), line.where))
    return out


def unit_blocks(blocks: tuple[Block, ...]) -> list[UnitBlock]:
    """Every unit block of the document, in order: tables of one unit's fields, then blocks of text."""
    found = [u for t in blocks if isinstance(t, Table) for u in table_blocks(t)]
    return found + text_blocks(blocks)
