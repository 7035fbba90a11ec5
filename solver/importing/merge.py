"""Several specifications imported into one draft: units shared by code, every place named by its file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from solver.importing.draft import Draft
from solver.importing.review import ReviewItem


def merge_drafts(drafts: list[Draft]) -> Draft:
    names = ", ".join(Path(d.sources[0]).name for d in drafts)
    out = Draft({"source": f"{names} (imported by pathways import; review before use)", "units": [],
                 "qualifications": []},
                sources=tuple(s for d in drafts for s in d.sources))
    index: dict[str, int] = {}
    for draft in drafts:
        name = Path(draft.sources[0]).name
        moved: dict[int, int] = {}
        for i, unit in enumerate(draft.document["units"]):
            where = f"{name}: {draft.provenance.get(('units', i), '')}"
            if unit["code"] in index:
                first = index[unit["code"]]
                moved[i] = first
                if out.document["units"][first] != unit:
                    out.review.append(ReviewItem("duplicate-unit", f"unit {unit['code']} differs between files; the "
                                                 "first is kept", where, str(unit), ("units", first)))
                continue
            moved[i] = index[unit["code"]] = len(out.document["units"])
            out.document["units"].append(unit)
            out.provenance[("units", moved[i])] = where
        offset = len(out.document["qualifications"])
        taken = {q["id"] for q in out.document["qualifications"]}
        for q in draft.document["qualifications"]:
            out.document["qualifications"].append(q | {"id": q["id"] if q["id"] not in taken else f"{q['id']}-2"})
        for path, where in draft.provenance.items():
            if path[:1] == ("qualifications",):
                out.provenance[("qualifications", int(path[1]) + offset) + path[2:]] = f"{name}: {where}"
        for item in draft.review:
            path = item.path
            if path[:1] == ("units",) and len(path) > 1:
                path = ("units", moved[int(path[1])]) + path[2:]
            elif path[:1] == ("qualifications",) and len(path) > 1:
                path = ("qualifications", int(path[1]) + offset) + path[2:]
            out.review.append(replace(item, path=path, source=f"{name}: {item.source}"))
    return out
