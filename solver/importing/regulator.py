"""Regulator unit-data CSV extracts (units, and the units-to-qualifications mapping) as a units-only draft."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from solver.importing.document import not_importable
from solver.importing.draft import Draft
from solver.importing.review import ReviewItem
from solver.importing.units import whole

UNIT_COLUMNS = ("Unit Key", "Title", "Unique Reference Number", "Unit Level", "Unit Credit Value",
                "Guided Learning Hours")
MAPPING_COLUMNS = ("Unit Key", "Qualification Number")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            rows = list(reader)
            return [f.strip() for f in reader.fieldnames or []], rows
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise not_importable(path, f"expected a readable UTF-8 CSV file ({err})") from None


def import_unit_data(paths: list[Any]) -> Draft:
    """Units from the unit-data CSV(s), each noting the qualifications the mapping CSV(s) list it in."""
    unit_files: list[tuple[Path, list[dict[str, str]]]] = []
    mapping: dict[str, list[str]] = {}
    for path in map(Path, paths):
        fields, rows = _rows(path)
        if set(UNIT_COLUMNS) <= set(fields):
            unit_files.append((path, rows))
        elif set(MAPPING_COLUMNS) <= set(fields):
            for row in rows:
                mapping.setdefault(row["Unit Key"].strip(), []).append(row["Qualification Number"].strip())
        else:
            raise not_importable(path, f"expected regulator unit data (columns {', '.join(UNIT_COLUMNS)}) or a "
                                 f"mapping (columns {', '.join(MAPPING_COLUMNS)}); got {', '.join(fields)}")
    if not unit_files:
        raise not_importable(paths[0], f"expected a unit-data CSV with columns {', '.join(UNIT_COLUMNS)}")
    draft = Draft({"source": ", ".join(p.name for p, _ in unit_files) + " (regulator unit data, imported by "
                   "pathways import)", "units": [], "qualifications": []}, sources=tuple(str(p) for p in paths))
    index: dict[str, int] = {}
    keys: set[str] = set()
    for path, rows in unit_files:
        for n, row in enumerate(rows, start=2):  # line 1 is the heading
            key, where = row["Unit Key"].strip(), f"{path.name}: line {n}"
            keys.add(key)
            code = row["Unique Reference Number"].strip()
            unit: dict[str, str | int | None] = {"code": code, "title": row["Title"].strip(),
                    "level": whole(row["Unit Level"]), "credits": whole(row["Unit Credit Value"]),
                    "glh": whole(row["Guided Learning Hours"])}
            text = ", ".join(row[c] for c in UNIT_COLUMNS)
            if code in index:
                i = index[code]
                if draft.document["units"][i] != unit:
                    draft.review.append(ReviewItem("duplicate-unit", f"unit {unit['code']} listed twice with "
                                                   "different values; the first is kept", where, text, ("units", i)))
                continue
            i = index[code] = len(draft.document["units"])
            draft.document["units"].append(unit)
            quals = mapping.get(key, [])
            draft.provenance[("units", i)] = where + (f"; in {', '.join(quals)}" if quals else "")
            for column, field in (("Unit Level", "level"), ("Unit Credit Value", "credits"),
                                  ("Guided Learning Hours", "glh")):
                if unit[field] is None:
                    what = "empty" if not row[column].strip() else f"not a whole number: {row[column]!r}"
                    draft.review.append(ReviewItem("missing-value", f"unit {unit['code']}: {column} {what}", where,
                                                   text, ("units", i, field)))
    for key in sorted(set(mapping) - keys):
        draft.review.append(ReviewItem("mismatch", f"the mapping lists unit key {key} (in {', '.join(mapping[key])}), "
                                       "which is not in the unit data", "mapping", key, ("units",)))
    return draft
