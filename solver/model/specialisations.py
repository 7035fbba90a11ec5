"""Named pathways of a qualification (endorsed titles): each adds its own rules, and a learner follows one."""

from __future__ import annotations

from solver.errors import LookupFailure
from solver.model.documents import Qualification, Specialisation


def pathway_of(q: Qualification, pathway_id: str) -> Specialisation:
    for p in q.pathways:
        if p.id.lower() == pathway_id.strip().lower():
            return p
    known = ", ".join(p.id for p in q.pathways) or "none"
    raise LookupFailure(f"{q.accreditation} has no pathway {pathway_id!r}; its pathways: {known}")


def following(q: Qualification, *pathway_ids: str) -> Qualification:
    """`q` for a learner on these pathways: the qualification's rules and each pathway's, under its title."""
    chosen = [pathway_of(q, p) for p in pathway_ids]
    title = q.title if len(chosen) != 1 else f"{q.title} ({chosen[0].title})"
    return q.model_copy(update={"rules": (*q.rules, *(r for p in chosen for r in p.rules)), "pathways": (),
                                "title": title})
