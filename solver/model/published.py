"""What a specification prints that does not add up or is not plain: counts, TQT, labels, cut titles, windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver.model.documents import Qualification, Unit
from solver.rules import WindowRule

TQT_PER_CREDIT = 10  # Ofqual: credit value = total qualification time / 10


@dataclass(frozen=True)
class Note:
    """One thing the audit reports about the published data, with the numbers behind it."""

    kind: str
    sentence: str
    numbers: dict[str, Any] = field(default_factory=dict)


def _listing(items: list[str]) -> str:
    return "; ".join(items)


def published_notes(q: Qualification, units: Mapping[str, Unit]) -> list[Note]:
    """Every note on `q`'s published data, in a fixed order."""
    own = [units[c] for c in q.unit_codes() if c in units]
    name = q.accreditation
    out: list[Note] = []
    for g in q.groups:
        miscount = g.count_mismatch()
        if miscount:
            out.append(Note("unit-count-mismatch", f"{miscount} ({name}).",
                            {"group": g.id, "published": g.unit_count, "listed": len(g.units)}))
    off = [u for u in own if u.tqt is not None and u.credits is not None and u.tqt != u.credits * TQT_PER_CREDIT]
    if off:
        listed = _listing([f"{u.code} TQT {u.tqt}, {u.credits} credits" for u in off])
        out.append(Note("unit-tqt-mismatch", f"{len(off)} unit{'' if len(off) == 1 else 's'} of {name} "
                                             f"{'has' if len(off) == 1 else 'have'} a TQT other than its credits x "
                                             f"{TQT_PER_CREDIT}: {listed}.",
                        {"units": {u.code: {"tqt": u.tqt, "credits": u.credits} for u in off}}))
    labelled = [u for u in own if u.labelled]
    if labelled:
        listed = _listing([f"{u.code} ({u.shown_title})" for u in labelled])
        out.append(Note("labelled-units", f"{name} prints {len(labelled)} unit{'' if len(labelled) == 1 else 's'} "
                                          f"without a code; answers name {'it' if len(labelled) == 1 else 'them'} "
                                          f"by a generated label: {listed}.",
                        {"units": {u.code: u.title for u in labelled}}))
    cut = [u for u in own if u.title_cut]
    if cut:
        out.append(Note("title-cut", f"{name} prints {len(cut)} unit title{'' if len(cut) == 1 else 's'} cut off: "
                                     f"{_listing([f'{u.code} ({u.shown_title})' for u in cut])}.",
                        {"units": [u.code for u in cut]}))
    derived = {u.code: [n for n in ("level", "credits", "glh", "tqt") if u.provenance_of(n) == "derived"]
               for u in own}
    derived = {c: names for c, names in derived.items() if names}
    if derived:
        listed = _listing([f"{c} ({', '.join(names)})" for c, names in derived.items()])
        out.append(Note("derived-values", f"{name} works out rather than prints some values: {listed}; each is "
                                          f"shown marked 'derived'.", {"units": derived}))
    if q.level is None:
        out.append(Note("no-level", f"{name} publishes no level.", {}))
    elif isinstance(q.level, str):
        out.append(Note("framework-level", f"{name} publishes a level on another framework ({q.level}), not an "
                                           f"RQF level.", {"level": q.level}))
    for rule in q.rules:
        if isinstance(rule, WindowRule) and rule.registrations_close is not None:
            end = rule.certification_end
            out.append(Note("registration-window",
                            f"{name} is closed for registrations after {rule.registrations_close.isoformat()}: "
                            f"a learner registered later cannot start"
                            + (f"; certification ends on {end.isoformat()}." if end else "."),
                            {"registrations_close": rule.registrations_close.isoformat(),
                             "certification_end": end.isoformat() if end else None}))
        elif isinstance(rule, WindowRule) and rule.certification_end is not None:
            out.append(Note("registration-window", f"Certification of {name} ends on "
                                                   f"{rule.certification_end.isoformat()}.",
                            {"certification_end": rule.certification_end.isoformat()}))
    return out
