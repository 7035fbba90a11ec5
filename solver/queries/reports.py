"""pandas views of the catalogue (results have their own `to_frame`/`to_dict`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from solver.model.catalogue import Catalogue
from solver.model.documents import ValueName

if TYPE_CHECKING:
    from solver.model.documents import Qualification, Unit
    from solver.rules import Context, Rule

VALUES: tuple[ValueName, ...] = ("level", "credits", "glh", "tqt")


def units_frame(catalogue: Catalogue) -> pd.DataFrame:
    """One row per unit per qualification and group."""
    rows = []
    for q in catalogue.qualifications:
        for g in q.groups:
            for code in g.units:
                u = catalogue.units[code]
                rows.append({"qualification": q.id, "accreditation": q.number, "group": g.id,
                             "group_name": g.name, "code": code, "title": u.shown_title, "level": u.level,
                             "credits": u.credits, "glh": u.glh, "tags": ", ".join(u.tags),
                             "modes": ", ".join(u.modes), "tqt": u.tqt,
                             "derived": ", ".join(n for n in VALUES if u.provenance_of(n) == "derived"),
                             "labelled": u.labelled})
    return pd.DataFrame(rows, columns=["qualification", "accreditation", "group", "group_name", "code", "title",
                                       "level", "credits", "glh", "tags", "modes", "tqt", "derived", "labelled"])


def qualifications_frame(catalogue: Catalogue) -> pd.DataFrame:
    """One row per qualification with its published figures."""
    rows = []
    for q in catalogue.qualifications:
        f = q.figures
        rows.append({"id": q.id, "accreditation": q.number, "title": q.title, "level": q.level,
                     "awarding_body": q.awarding_body, "offered_as": " ".join(o.accreditation for o in q.offered_as),
                     "units": len(q.unit_codes()), "groups": len(q.groups),
                     "rules": len(q.rules), "min_credits": f.credits.min if f.credits else None,
                     "max_credits": f.credits.max if f.credits else None, "glh": f.glh,
                     "average_glh": f.average_glh, "tqt": f.tqt, "induction_hours": f.induction_hours,
                     "tutorial_hours": f.tutorial_hours, "duration": f.duration,
                     "operational_start": f.operational_start})
    return pd.DataFrame(rows)


def qualification_summary(catalogue: Catalogue, q: Qualification) -> dict[str, Any]:
    """JSON-ready description of one qualification: figures, groups with units, rules in English."""
    ctx = catalogue.context(q)
    summary = {
        "id": q.id, "accreditation": q.number, "title": q.title, "level": q.level,
        "awarding_body": q.awarding_body,
        "offered_as": [o.model_dump(exclude_none=True) for o in q.offered_as],
        "figures": q.figures.model_dump(mode="json", exclude_none=True),
        "groups": [{"id": g.id, "name": g.name, "complete": g.complete,
                    "units": [_unit(catalogue.units[c]) for c in g.units],
                    **({"credits": g.credits} if g.credits is not None else {}),
                    **({"unit_count": g.unit_count} if g.unit_count is not None else {})}
                   for g in q.groups],
        "rules": [_rule(catalogue, q, r, ctx) for r in q.rules],
        "pathways": [{"id": p.id, "title": p.title, "note": p.note,
                      "rules": [_rule(catalogue, q, r, ctx) for r in p.rules]} for p in q.pathways],
    }
    if ctx.imported:  # only where there are slots, so every other summary keeps its bytes
        summary["imports"] = [{"rule": rule_id, "candidates": list(codes)} for rule_id, codes in ctx.imported.items()]
    return summary


def _rule(catalogue: Catalogue, q: Qualification, rule: Rule, ctx: Context) -> dict[str, Any]:
    return {"id": rule.id, "kind": rule.kind, "description": rule.summary(ctx), "note": rule.note,
            "source": catalogue.source("rule", q.id, rule.id or "")}


def _unit(unit: Unit) -> dict[str, Any]:
    """A unit as published: its optional fields when given, and level, credits and GLH always (null when the
    specification does not publish them)."""
    data = unit.model_dump(mode="json")
    # Said only where they apply, so every other summary keeps its bytes: most units are offered one way, print
    # a code and a whole title, and publish what they give.
    for key in ("modes", "provenance", "title_cut", "labelled", "requires", "with_", "offered"):
        if not data[key]:
            del data[key]
    if "with_" in data:  # written `with` in the catalogue
        data["with"] = data.pop("with_")
    return {k: v for k, v in data.items() if v is not None or k in ("level", "credits", "glh")}
