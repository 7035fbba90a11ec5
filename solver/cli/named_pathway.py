"""The one rule for named pathways on the command line: a question asked on one pathway names which."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from solver.model.documents import Qualification


def require_pathway(q: Qualification, pathway: str | None, how: str = "name one with --pathway") -> None:
    """Refuse (exit 2) a qualification with named pathways when no pathway is chosen, naming them all, as the
    web explorer refuses such a what-if, cohort, plan or listing; `q` as read, before any pathway is followed."""
    if q.pathways and pathway is None:
        known = ", ".join(f"{p.id} ({p.title})" for p in q.pathways)
        raise typer.BadParameter(f"{q.accreditation} has named pathways, so {how}: {known}",
                                 param_hint="--pathway")
