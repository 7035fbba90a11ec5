"""The `pathways` entry point: each command registered on demand, user errors printed one per line, no traceback."""

from __future__ import annotations

import json
import signal
import sys
from dataclasses import asdict
from importlib import import_module
from types import FrameType

import typer
import typer.main
from pydantic import ValidationError

from solver.cli.app import app as _app
from solver.errors import InputError, LookupFailure, Problem

# The module that registers each command on `app` (heavy imports stay inside the commands). A command imports
# only its own module: importing all of them cost `pathways check` about 15 ms of start-up for commands it never
# runs. Help, no command or an unknown name imports them all, in this order (the order help lists them in).
# tests/test_startup.py holds this table to what each module registers.
COMMAND_MODULES = {"check": "advise", "recommend": "advise", "cohort": "batch", "catalogue": "catalogue_cmd",
                   "schema": "catalogue_cmd", "count": "count_cmd", "enumerate": "enumerate_cmd",
                   "audit": "audit_cmd", "whatif": "explore", "goals": "goals_cmd", "tradeoff": "goals_cmd",
                   "import": "import_cmd", "plan": "plan_cmd", "deliver": "plan_cmd", "serve": "serve_cmd"}
ALL_MODULES = ("advise", "batch", "catalogue_cmd", "audit_cmd", "count_cmd", "enumerate_cmd", "explore", "goals_cmd",
               "import_cmd", "plan_cmd", "serve_cmd")

# Click's usage error and its base, as the installed typer raises them (it vendors click from 0.2x on, so they
# are not `click`'s classes); BadParameter derives from both in every version.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
ClickException: type[Exception] = typer.BadParameter.__mro__[2]


def _terminated(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so atomic writers remove their temporary files and nothing half-written stays.
    raise KeyboardInterrupt


def __getattr__(name: str) -> typer.Typer:
    """`from solver.cli.entry import app` (the tests' CliRunner, embedders): the app with every command on it."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    register([])
    return _app


def register(argv: list[str]) -> None:
    """Import the command modules `argv` needs: the named command's alone, else every one (help, a typo)."""
    name = next((arg for arg in argv if not arg.startswith("-")), None)
    for module in [COMMAND_MODULES[name]] if name in COMMAND_MODULES else ALL_MODULES:
        import_module(f"solver.cli.{module}")


def main() -> None:
    """Entry point: user errors are printed one per line (as JSON with --json) and exit 2, never a traceback."""
    signal.signal(signal.SIGTERM, _terminated)
    as_json = "--json" in sys.argv[1:]
    register(sys.argv[1:])
    try:
        # Not standalone: click's own usage errors come back here, so that --json can report them as JSON too.
        # Always a group (get_group, not app()): with one command module imported typer would otherwise make a
        # lone command (serve, import, cohort) the root command and read its name as an argument.
        code = typer.main.get_group(_app)(standalone_mode=False)
    except UsageError as err:
        _fail(2, err.format_message(), as_json, show=err.show)  # type: ignore[attr-defined]
    except InputError as err:
        _fail(2, err.render().splitlines()[0], as_json, err.problems, text=err.render())
    except ValidationError as err:  # an option's value outside what a learner may ask (solver/limits.py)
        lines = [f"--{'-'.join(str(p) for p in e['loc']).replace('_', '-')}: {e['msg']}" for e in err.errors()]
        _fail(2, "; ".join(lines), as_json, text="\n".join(f"error: {line}" for line in lines))
    except LookupFailure as err:
        _fail(2, str(err), as_json)
    except (KeyboardInterrupt, typer.Abort):
        _fail(130, "interrupted", as_json, text="interrupted")
    except OSError as err:  # the disk is full, or a file cannot be written: the atomic writer left nothing behind
        where = f" {err.filename}" if err.filename else ""
        _fail(1, f"cannot write{where}: {err.strerror or err}", as_json)
    except ClickException as err:
        _fail(err.exit_code, err.format_message(), as_json, show=err.show)  # type: ignore[attr-defined]
    sys.exit(code if isinstance(code, int) else 0)


def _fail(code: int, message: str, as_json: bool, problems: list[Problem] | None = None, text: str | None = None,
          show: object = None) -> None:
    """Report an error and exit with `code`: one JSON object on stdout with --json, else plain lines on stderr."""
    if as_json:
        print(json.dumps({"error": message, "problems": [asdict(p) for p in problems or []]}, indent=2))
    elif callable(show):
        show()
    else:
        print(text if text is not None else f"error: {message}", file=sys.stderr)
    sys.exit(code)
