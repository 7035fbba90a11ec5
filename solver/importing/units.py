"""Unit records and groups from recognised unit tables, with a review item for every value not read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from solver.importing.review import ReviewItem
from solver.importing.tables import UnitTable


@dataclass
class UnitsResult:
    units: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)  # {id, name, units}, with "label" and "heading" for rules
    where: dict[str, str] = field(default_factory=dict)  # unit code -> row it was read from
    review: list[ReviewItem] = field(default_factory=list)


def whole(text: str) -> int | None:
    m = re.fullmatch(r"\s*(?:level\s*)?(\d+)\s*", text, re.IGNORECASE)
    return int(m.group(1)) if m else None


def group_id(label: str) -> str:
    return f"G{label}" if re.fullmatch(r"[0-9A-Z]{1,3}", label) else label.lower()


def read_units(tables: list[UnitTable]) -> UnitsResult:
    out = UnitsResult()
    index: dict[str, int] = {}
    member_lists: dict[int, list[str]] = {}  # id(table) -> its group's units, for the parts of a heading
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
        for skipped in table.unread:
            out.review.append(ReviewItem("unparsed-row", "a row of the unit table that is not a unit; not imported",
                                         skipped.where, " | ".join(skipped.cells), ("groups", gi)))
        for row in table.rows:
            unit = {"code": row.code, "title": row.title, "level": whole(row.level), "credits": whole(row.credits),
                    "glh": whole(row.glh)}
            if row.code not in members:
                members.append(row.code)
            if parent is not None and row.code not in parent:  # "Optional Units" holds each of its parts
                parent.append(row.code)
            if row.code in index:
                first = out.units[index[row.code]]
                if first != unit:
                    differ = ", ".join(f"{k} {first[k]!r} / {unit[k]!r}" for k in unit if first[k] != unit[k])
                    out.review.append(ReviewItem("duplicate-unit", f"unit {row.code} listed twice with different "
                                                 f"values ({differ}); the first listing is kept", row.where,
                                                 " | ".join(_row_text(row)), ("units", index[row.code])))
                continue
            index[row.code] = len(out.units)
            out.where[row.code] = row.where
            for key, printed in (("level", row.level), ("credits", row.credits), ("glh", row.glh)):
                if unit[key] is None:
                    what = f"no {key.upper() if key == 'glh' else key} given" if not printed.strip() else \
                        f"{key} not a whole number: {printed!r}"
                    out.review.append(ReviewItem("missing-value", f"unit {row.code}: {what}", row.where,
                                                 " | ".join(_row_text(row)), ("units", len(out.units), key)))
            out.units.append(unit)
    return out


def _row_text(row) -> list[str]:
    return [row.code + row.marks, row.title, row.level, row.credits, row.glh]
