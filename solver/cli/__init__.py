"""The `pathways` command line: a thin layer over the Python API that prints tables or JSON."""

from __future__ import annotations

import sys

import typer

from solver.errors import InputError, LookupFailure

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  help="Pathways: check, optimise, count and audit qualification rules of combination.")

# Command modules register themselves on `app`; heavy imports stay inside the commands.
from solver.cli import advise, batch, catalogue_cmd, explore, goals_cmd, import_cmd, serve_cmd  # noqa: E402,F401


def main() -> None:
    """Entry point: user errors are printed one per line and exit 2, never as a traceback."""
    try:
        app()
    except InputError as err:
        for line in err.render().splitlines():
            print(line, file=sys.stderr)
        sys.exit(2)
    except LookupFailure as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
