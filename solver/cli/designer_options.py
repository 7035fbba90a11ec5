"""The options and set-up the designer's commands share (`count`, `enumerate`, `audit`): filters and the learner."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from solver.cli.common import load, parse_codes, parse_date, shaped

if TYPE_CHECKING:
    from solver.model.catalogue import Catalogue
    from solver.model.documents import Qualification
    from solver.model.learner import Learner

IncludeOption = Annotated[list[str] | None, typer.Option("--include", help="Units every pathway must claim "
                                                         "(comma-separated or repeated).")]
ExcludeOption = Annotated[list[str] | None, typer.Option("--exclude", help="Units no pathway may claim.")]
MinGlh = Annotated[int | None, typer.Option("--min-glh", min=0, help="Only pathways with at least N GLH.")]
MaxGlh = Annotated[int | None, typer.Option("--max-glh", min=0, help="Only pathways with at most N GLH.")]
MinCredits = Annotated[int | None, typer.Option("--min-credits", min=0, help="Only pathways with at least N credits.")]
MaxCredits = Annotated[int | None, typer.Option("--max-credits", min=0, help="Only pathways with at most N credits.")]


def escaped(text: str) -> str:
    """`text` safe to print through rich: a "[label]" in it is shown, not read as markup."""
    from rich.markup import escape

    return escape(text)


def designer_request(catalogue: Path | None, qualification: str, registered: str | None,
                     include: list[str] | None, exclude: list[str] | None, reading: list[str] | None = None,
                     pathway: str | None = None) -> tuple[Catalogue, Qualification, Learner]:
    """The catalogue, the qualification as read and followed, and a new learner, from a designer's options."""
    from solver.model.learner import Learner

    cat = load(catalogue)
    q = shaped(cat, qualification, reading, pathway)
    learner = Learner(registered=parse_date(registered), include=parse_codes(include), exclude=parse_codes(exclude))
    return cat, q, learner


def plural(n: int, noun: str) -> str:
    """"1 unit", "2 units"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
