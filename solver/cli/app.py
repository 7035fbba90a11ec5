"""The Typer application every command module registers itself on."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  help="Pathways: check, optimise, count and audit qualification rules of combination.")
