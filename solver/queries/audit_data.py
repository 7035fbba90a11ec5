"""Audit findings on the specification itself: unpublished values, open groups, group totals, ambiguous rules,
suspected equivalences."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.published import published_notes
from solver.model.readings import ambiguous
from solver.queries.each_reading import reading_differences
from solver.rules import EquivalenceRule

if TYPE_CHECKING:
    pass

from solver.queries.audit_records import (
    Finding,
    n_units,
)


def _normal_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def data_findings(catalogue: Catalogue, q: Qualification) -> list[Finding]:
    """What the specification leaves open or contradicts: unpublished values, groups that list only some units,
    and group totals its units' values disagree with."""
    out = []
    gaps = {c: catalogue.units[c].unpublished for c in q.unit_codes() if catalogue.units[c].unpublished}
    if gaps:
        listed = "; ".join(f"{c} ({', '.join(v)})" for c, v in gaps.items())
        out.append(Finding(qualification=q.id, regime="all", kind="unpublished-values",
                           sentence=f"{n_units(len(gaps))} of {q.accreditation} {'has' if len(gaps) == 1 else 'have'} "
                                    f"values the specification does not publish: {listed}; figures that rest on them "
                                    f"are bounds.",
                           numbers={"units": {c: list(v) for c, v in gaps.items()}}))
    for g in q.groups:
        mismatch = g.total_mismatch(catalogue.units)
        if mismatch:
            out.append(Finding(qualification=q.id, regime="all", kind="group-total-mismatch",
                               sentence=f"{mismatch} ({q.accreditation}).",
                               numbers={"group": g.id, "published": g.credits}))
    for g in q.open_groups():
        out.append(Finding(qualification=q.id, regime="all", kind="open-group",
                           sentence=f"{g.name} of {q.accreditation} lists only some of its units ({len(g.units)} "
                                    f"listed): every figure here is over the listed units only.",
                           numbers={"group": g.id}))
    return out + [Finding(qualification=q.id, regime="all", kind=n.kind, sentence=n.sentence, numbers=n.numbers)
                  for n in published_notes(q, catalogue.units)]


def reading_findings(catalogue: Catalogue, q: Qualification) -> list[Finding]:
    """Each ambiguous rule, and what its readings change for a new learner."""
    return [Finding(qualification=q.id, regime="a new learner", kind="ambiguous-rule", sentence=d.sentence(),
                    numbers={"rule": d.rule, "readings": {n: list(v) for n, v in d.readings.items()}})
            for d in reading_differences(catalogue, q)]


def reading_findings_needed(q: Qualification) -> bool:
    """Whether the qualification has ambiguous rules whose readings the audit compares."""
    return bool(ambiguous(q))


def suspected_equivalences(catalogue: Catalogue) -> list[Finding]:
    """Units of different codes in different qualifications with the same title, level, credits and GLH,
    not already declared equivalent: for a designer to confirm (declare) or reject."""
    homes: dict[str, list[str]] = {}
    for q in catalogue.qualifications:
        for code in q.unit_codes():
            homes.setdefault(code, []).append(q.accreditation)
    declared = {frozenset((r.unit, r.counts_as)) for q in catalogue.qualifications for r in q.rules
                if isinstance(r, EquivalenceRule)}
    by_key: dict[tuple[object, ...], list[str]] = {}
    for code in homes:
        u = catalogue.units[code]
        by_key.setdefault((_normal_title(u.title), u.level, u.credits, u.glh), []).append(code)
    out = []
    for (_, level, credits, glh), codes in sorted(by_key.items()):
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                if set(homes[a]) == set(homes[b]) or frozenset((a, b)) in declared:
                    continue
                u = catalogue.units[a]
                out.append(Finding(
                    qualification="catalogue", regime="all", kind="suspected-equivalence",
                    sentence=f"{a} ({', '.join(homes[a])}) and {b} ({', '.join(homes[b])}) are both \"{u.title}\" at "
                             f"level {level}, {credits} credits, {glh} GLH: confirm and declare an equivalence, or "
                             f"reject.",
                    numbers={"units": [a, b], "level": level, "credits": credits, "glh": glh}))
    return out
