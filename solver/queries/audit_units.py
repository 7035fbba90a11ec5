"""Audit findings on units: dead and forced units, imports never usable, units unclaimable until published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.rules.base import unit_of

if TYPE_CHECKING:
    pass

from solver.queries.audit_records import (
    Finding,
    RegimeAudit,
    n_units,
    open_values,
)


def unit_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    out = []
    ctx = catalogue.context(q)
    mandatory = {c for r in q.rules for c in r.forced(ctx)}
    for r in audits:
        if not r.counts.count or not r.shares:
            continue
        unknown = [u for u in r.dead if catalogue.units[unit_of(u)].unpublished]
        if unknown:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="unclaimable-until-published",
                               sentence=f"{', '.join(unknown)} cannot be claimed in a pathway that is valid whatever "
                                        f"{'its' if len(unknown) == 1 else 'their'} unpublished values turn out to be "
                                        f"(a rule's maximum depends on them), for learners {r.regime.label}.",
                               numbers={"units": unknown}))
        imports = {c for codes in ctx.imported.values() for c in codes}
        never = [u for u in r.dead if u in imports and u not in unknown]
        if never:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="unusable-imports",
                               sentence=f"{', '.join(never)} {'is' if len(never) == 1 else 'are'} offered by an import "
                                        f"slot of {q.accreditation} but in no valid pathway for learners "
                                        f"{r.regime.label}.",
                               numbers={"units": never}))
        dead = [u for u in r.dead if u not in unknown and u not in imports]
        if dead:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="dead-units",
                               sentence=f"{n_units(len(dead))} of {q.accreditation} "
                                        f"{'is' if len(dead) == 1 else 'are'} in no valid pathway for learners "
                                        f"{r.regime.label}{_unsure(catalogue, q)}: "
                                        f"{', '.join(dead)}.",
                               numbers={"units": dead}))
        surprising = [u for u in r.forced if u not in mandatory]
        if surprising:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="forced-units",
                               sentence=f"{', '.join(surprising)} {'is' if len(surprising) == 1 else 'are'} in every "
                                        f"valid pathway for learners {r.regime.label} without being declared "
                                        f"mandatory{_unsure(catalogue, q)}.",
                               numbers={"units": surprising}))
    return out


def _unsure(catalogue: Catalogue, q: Qualification) -> str:
    """What a finding over the valid pathways rests on, when they are not all known: the listed units of open
    groups, and the pathways valid whatever unpublished credits turn out to be."""
    unknown = open_values(catalogue, q)
    groups = [g.name for g in q.open_groups()]
    parts = ([f"over the listed units of {', '.join(groups)}"] if groups else []) + \
        ([f"among the pathways valid whatever the unpublished values of {', '.join(unknown)} are"] if unknown else [])
    return f" ({'; '.join(parts)}: it may not hold once more is published)" if parts else ""
