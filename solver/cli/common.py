"""Options and output helpers shared by the CLI commands."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from solver.model.catalogue import Catalogue
    from solver.model.documents import Qualification

CatalogueOption = Annotated[Path | None, typer.Option("--catalogue", help="Catalogue directory or file "
                                                      "(default: the bundled catalogue).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
RegisteredOption = Annotated[str | None, typer.Option("--registered", help="Registration date, YYYY-MM-DD "
                                                      "(default: a new learner, after every cut-off).")]


ReadingOption = Annotated[list[str] | None, typer.Option("--reading", help="Read ambiguous rules this way: a "
                                                         "reading NAME for every rule that has it, or "
                                                         "RULE=NAME (repeatable).")]
PathwayOption = Annotated[str | None, typer.Option("--pathway", help="The named pathway (endorsed title) the "
                                                   "learner follows (default: each, and the best of them).")]


def load(path: Path | None) -> Catalogue:
    """The catalogue at `path` (default: the bundled one); its warnings go to stderr, one located line each."""
    from solver.model.catalogue import load_catalogue

    catalogue = load_catalogue(path)
    for warning in catalogue.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return catalogue


def shaped(catalogue: Catalogue, ref: str, readings: list[str] | None, pathway: str | None = None) -> Qualification:
    """The qualification `ref` read as `readings` and, with `pathway`, for a learner on that pathway.

    The modules are imported only when asked for: `pathways check` must start as fast as it can."""
    q = catalogue.qualification(ref)
    if readings:
        per_rule = dict(r.split("=", 1) for r in readings if "=" in r)
        for name in (r for r in readings if "=" not in r):
            q = read_everywhere(q, name)
        if per_rule:
            q = read_everywhere(q, {k.strip(): v.strip() for k, v in per_rule.items()})
    if pathway is None:
        return q
    from solver.model.specialisations import following

    return following(q, pathway)


def read_everywhere(q: Qualification, choice: str | dict[str, str]) -> Qualification:
    """`q` read as `choice` in its own rules and in each named pathway's (solver.model.read_everywhere, which the
    web explorer shares)."""
    from solver.model.read_everywhere import read_everywhere as read

    return read(q, choice)


def parse_date(text: str | None, what: str = "--registered") -> dt.date | None:
    if text is None:
        return None
    from solver.rules import parse_date as read_date

    try:
        return read_date(text)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint=what) from None


def parse_codes(values: list[str] | str | None) -> tuple[str, ...]:
    """Unit codes given as repeated options or comma-separated; a space belongs to the code ("SHC 31")."""
    if not values:
        return ()
    items = [values] if isinstance(values, str) else values
    return tuple(" ".join(c.split()) for item in items for c in item.split(",") if c.strip())


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def plain(value: object) -> str:
    """Catalogue text made safe for rich: a title such as "Coaching [advanced]" is not markup."""
    from rich.markup import escape

    return escape(str(value))


def console() -> Console:
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=False)
    out.width = max(100, out.width)  # one console, not a second one just to read the terminal's width
    return out
