"""Unit records and groups from recognised unit tables, with a review item for every value not read."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from solver.importing.review import ReviewItem
from solver.importing.tables import UnitRow, UnitTable
from solver.importing.unit_blocks import UnitBlock


@dataclass
class UnitsResult:
    units: list[dict[str, Any]] = field(default_factory=list)
    # {id, name, units}, with "label" and "heading" for rules
    groups: list[dict[str, Any]] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # unit code -> row it was read from
    review: list[ReviewItem] = field(default_factory=list)


def whole(text: str) -> int | None:
    m = re.fullmatch(r"\s*(?:level\s*)?(\d+)\s*", text, re.IGNORECASE)
    return int(m.group(1)) if m else None


def group_id(label: str) -> str:
    return f"G{label}" if re.fullmatch(r"[0-9A-Z]{1,3}", label) else label.lower()


def with_blocks(tables: list[UnitTable], blocks: list[UnitBlock]) -> tuple[list[UnitTable], list[ReviewItem]]:
    """Unit tables completed from the units' own blocks of fields: a code the table does not print, a value
    it leaves blank; values that disagree are listed, the table's kept. With no unit table, the blocks are
    the units (one group)."""
    review: list[ReviewItem] = []
    if not any(t.rows for t in tables):
        if not blocks:
            return tables, review
        table = UnitTable("Units", "1", "", blocks[0].where, missing=[])
        table.rows = [UnitRow(b.code, b.title, b.level, b.credits, b.glh, b.where) for b in blocks]
        return [table], review
    used: set[int] = set()
    codeless = [row for t in tables for row in t.rows if not row.code]
    for t in tables:
        for i, row in enumerate(t.rows):
            b = _matching(row, blocks, used, len(codeless) == len(blocks) and not row.code,
                          codeless.index(row) if not row.code else -1)
            if b is None:
                continue
            used.add(b)
            block = blocks[b]
            new = replace(row, code=row.code or block.code, title=row.title or block.title,
                          level=row.level or block.level, credits=row.credits or block.credits,
                          glh=row.glh or block.glh,
                          where=f"{row.where}; unit reference {block.code} at {block.where}"
                          if row.code and row.code != block.code else f"{row.where}; {block.where}")
            differ = [f"{k} {getattr(row, k)!r} / {getattr(block, k)!r}" for k in ("level", "credits", "glh")
                      if getattr(row, k) and getattr(block, k) and whole(getattr(row, k)) != whole(getattr(block, k))]
            if _words(row.title) and _words(block.title) and _similar(row.title, block.title) < 0.999:
                differ.append(f"title {row.title!r} / {block.title!r}")
            if differ:
                review.append(ReviewItem("mismatch", f"unit {new.code}: the table and the unit's own description "
                                         f"differ ({'; '.join(differ)}); the table's is kept", block.where,
                                         block.title, ("units",)))
            t.rows[i] = new
    for b, block in enumerate(blocks):
        if b not in used:
            review.append(ReviewItem("unparsed-row", f"unit {block.code} is described but in no unit table; "
                                     "not imported", block.where, block.title, ("units",)))
    return tables, review


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b)).ratio()


def _matching(row: UnitRow, blocks: list[UnitBlock], used: set[int], by_order: bool, place: int) -> int | None:
    """The block describing a table's unit: same code or number, else (for a row with no code) the title
    nearest, or the same place in order when the table and the blocks list as many units."""
    for b, block in enumerate(blocks):
        if b not in used and row.code and (_words(row.code) in (_words(block.code), _words(block.number))):
            return b
    if row.code:
        return None
    scored = [(_similar(row.title, block.title), b) for b, block in enumerate(blocks) if b not in used]
    best = max(scored, default=(0.0, None))
    if best[0] >= 0.8:
        return best[1]
    if by_order and 0 <= place < len(blocks) and place not in used and _similar(row.title, blocks[place].title) > 0.5:
        return place
    return None


def read_units(tables: list[UnitTable]) -> UnitsResult:
    out = UnitsResult()
    index: dict[str, int] = {}
    member_lists: dict[int, list[str]] = {}  # id(table) -> its group's units, for the parts of a heading
    uncoded = 0
    for table in tables:
        gid = group_id(table.label)
        taken = {g["id"] for g in out.groups if g["scope"] == table.scope}
        n = 2
        while gid in taken:  # the same heading twice: kept apart and flagged, never merged
            gid = f"{group_id(table.label)}-{n}"
            n += 1
        members: list[str] = []
        group = {"id": gid, "name": table.name, "units": members, "label": table.label, "heading": table.heading,
                 "where": table.where, "scope": table.scope}
        member_lists[id(table)] = members
        parent = member_lists.get(id(table.parent)) if table.parent is not None else None
        gi = len(out.groups)
        out.groups.append(group)
        if gid != group_id(table.label):
            out.review.append(ReviewItem("assumption", f"a second {table.name!r} heading; kept as group {gid!r}",
                                         table.where, table.heading, ("groups", gi)))
        absent = [k for k in ("level", "credits", "glh") if k in table.missing and not any(
            getattr(r, k).strip() for r in table.rows)]
        if absent and table.rows:  # said once for the table, not once per unit
            names = ", ".join("GLH" if k == "glh" else k for k in absent)
            out.review.append(ReviewItem("missing-value", f"the table of {table.name} prints no {names}: left null "
                                         f"for its {len(table.rows)} units", table.where, table.heading,
                                         ("groups", gi)))
        for line, summed, above in table.totals:  # not a unit: its figures are held against the units' own
            out.review.append(ReviewItem("unparsed-row", "a row of the unit table that is not a unit (a Total "
                                         "row); not imported", line.where,
                                         " | ".join(line.cells), ("groups", gi)))
            for key in ("credits", "glh", "tqt"):
                values = [whole(getattr(r, key)) for r in above]
                total = whole(getattr(summed, key))
                if total is not None and values and None not in values and sum(values) != total:  # type: ignore[arg-type]
                    name = key.upper() if key != "credits" else key
                    out.review.append(ReviewItem("mismatch", f"the Total row prints {name} {total}; the units "
                                                 f"listed add up to {sum(values)}", line.where,  # type: ignore[arg-type]
                                                 " | ".join(line.cells), ("groups", gi)))
        for skipped in table.unread:
            out.review.append(ReviewItem("unparsed-row", "a row of the unit table that is not a unit; not imported",
                                         skipped.where, " | ".join(skipped.cells), ("groups", gi)))
        for row in table.rows:
            if not row.code:  # a table with no code column, and no block of fields giving this unit's code
                uncoded += 1
                row = replace(row, code=f"UNCODED-{uncoded}")
                out.review.append(ReviewItem("missing-value", f"no unit code printed for {row.title!r}; "
                                             f"{row.code} stands in for it until one is given", row.where,
                                             row.title, ("units", len(out.units), "code")))
            unit = {"code": row.code, "title": row.title, "level": whole(row.level), "credits": whole(row.credits),
                    "glh": whole(row.glh)}
            if row.code not in members:
                members.append(row.code)
            if parent is not None and row.code not in parent:  # "Optional Units" holds each of its parts
                parent.append(row.code)
            if row.code in index:
                first = out.units[index[row.code]]
                if first | {"title": str(first["title"]).lower()} != unit | {"title": str(unit["title"]).lower()}:
                    differ = ", ".join(f"{k} {first[k]!r} / {unit[k]!r}" for k in unit if first[k] != unit[k])
                    out.review.append(ReviewItem("duplicate-unit", f"unit {row.code} listed twice with different "
                                                 f"values ({differ}); the first listing is kept", row.where,
                                                 " | ".join(_row_text(row)), ("units", index[row.code])))
                continue
            index[row.code] = len(out.units)
            # A footnote mark beside the code ("CPCCCA2002*": a prerequisite) is kept beside its place.
            out.where[row.code] = row.where + (f"; printed {row.code}{row.marks}" if row.marks else "")
            for key, printed in (("level", row.level), ("credits", row.credits), ("glh", row.glh)):
                if unit[key] is None and not (key in table.missing and not printed.strip()):
                    what = f"no {key.upper() if key == 'glh' else key} given" if not printed.strip() else \
                        f"{key} not a whole number: {printed!r}"
                    out.review.append(ReviewItem("missing-value", f"unit {row.code}: {what}", row.where,
                                                 " | ".join(_row_text(row)), ("units", len(out.units), key)))
            out.units.append(unit)
    return out


def _row_text(row: UnitRow) -> list[str]:
    return [row.code + row.marks, row.title, row.level, row.credits, row.glh]
