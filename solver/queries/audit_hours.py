"""Audit findings on hours: the lowest-hours route against the published GLH, and average GLH readings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification

if TYPE_CHECKING:
    pass

from solver.queries.audit_records import (
    Finding,
    RegimeAudit,
)


def _cheaper_unseen(catalogue: Catalogue, q: Qualification) -> str:
    """Why a cheaper valid route than the lowest found may exist: units not yet listed, or pathways that become
    valid once unpublished credits or levels are known; '' when neither."""
    groups = [g.name for g in q.open_groups()]
    unknown = [c for c in q.unit_codes() if catalogue.units[c].credits is None or catalogue.units[c].level is None]
    return "; ".join([*([f"units {', '.join(groups)} does not list"] if groups else []),
                      *([f"pathways the unpublished credits or levels of {', '.join(unknown)} may make valid"]
                        if unknown else [])])


def glh_findings(q: Qualification, audits: list[RegimeAudit], catalogue: Catalogue) -> list[Finding]:
    out = []
    published = q.figures.glh
    unseen = _cheaper_unseen(catalogue, q)
    for i, r in enumerate(audits):
        if r.min_glh is None:
            continue
        if published is None:
            if not r.lowest_glh_route:
                continue  # no rule in force asks for any unit: there is no route to speak of
            route = " ".join(r.lowest_glh_route)
            if r.unpublished_route:
                route += (f"; {', '.join(r.unpublished_route)} {'has' if len(r.unpublished_route) == 1 else 'have'}"
                          f" unpublished GLH")
            if unseen:
                route += f"; {unseen} may cost less"
            figure = (f"is undetermined (the routes valid now need at least {r.min_glh} GLH)"
                      if r.unpublished_route and unseen
                      else f"is at least {r.min_glh} GLH" if r.unpublished_route
                      else f"is at most {r.min_glh} GLH" if unseen else f"is {r.min_glh} GLH")
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-not-published",
                               sentence=f"{q.accreditation} publishes no GLH; the lowest-hours route the rules imply "
                                        f"for learners {r.regime.label} {figure} ({route}).",
                               numbers={"lowest_glh": r.min_glh}))
            continue
        if r.unpublished_route:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-bound",
                               sentence=f"The lowest-hours route for learners {r.regime.label} is at least {r.min_glh} "
                                        f"GLH ({' '.join(r.lowest_glh_route or ())}), but "
                                        f"{', '.join(r.unpublished_route)} "
                                        f"{'has' if len(r.unpublished_route) == 1 else 'have'} unpublished GLH: it is "
                                        f"not held against the published {published} GLH.",
                               numbers={"published": published, "at_least": r.min_glh,
                                        "unpublished": list(r.unpublished_route)}))
            continue
        if published == r.min_glh:
            continue
        if unseen and r.min_glh > published:  # a cheaper route may lie beyond what is listed and published
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-bound",
                               sentence=f"The lowest-hours route over the listed units and published values for "
                                        f"learners {r.regime.label} is {r.min_glh} GLH, above the published "
                                        f"{published} GLH; {unseen} may cost less, so it is at most {r.min_glh}.",
                               numbers={"published": published, "at_most": r.min_glh}))
            continue
        why = ""
        earlier = next((a for a in audits[:i] if a.min_glh == published and a.lowest_glh_route), None)
        if earlier is not None:
            earlier_route = earlier.lowest_glh_route or ()
            lost = [u for u in earlier_route if r.shares.get(u, 0) == 0]
            if lost:
                why = (f"; the {published}-GLH route ({' '.join(earlier_route)}) needs "
                       f"{', '.join(lost)}, which learners {r.regime.label} cannot claim")
        relation = "above" if r.min_glh > published else "below"
        out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-mismatch",
                           sentence=f"{q.accreditation} publishes {published} GLH but the lowest achievable for "
                                    f"learners {r.regime.label} is {r.min_glh} GLH ({r.min_glh - published:+d}, "
                                    f"{relation} the published figure; route: "
                                    f"{' '.join(r.lowest_glh_route or ())}){why}.",
                           numbers={"published": published, "lowest": r.min_glh}))
    return out


def average_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    published = q.figures.average_glh
    if published is None or any(catalogue.units[c].glh is None for c in q.unit_codes()):
        return []  # an average over pathways of unpublished GLH would rest on hours nobody has published
    out = []
    for r in audits:
        if not r.average_glh:
            continue
        matches = [name for name, value in r.average_glh.items() if abs(value - published) < 0.05]
        readings = "; ".join(f"{name} {value:g}" for name, value in r.average_glh.items())
        if matches:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="average-glh-explained",
                               sentence=f"{q.accreditation}'s published average of {published:g} GLH is reproduced for "
                                        f"learners {r.regime.label} by the {matches[0]}.",
                               numbers={"published": published, "readings": r.average_glh}))
        else:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="average-glh-mismatch",
                               sentence=f"{q.accreditation}'s published average of {published:g} GLH matches no "
                                        f"reading of the rules for learners {r.regime.label}: {readings}.",
                               numbers={"published": published, "readings": r.average_glh}))
    return out
