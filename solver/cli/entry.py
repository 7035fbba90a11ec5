"""The `pathways` entry point: every command registered, user errors printed one per line, never a traceback."""

from __future__ import annotations

import signal
import sys
from types import FrameType

from pydantic import ValidationError

# Each command module registers its commands on `app` when imported; heavy imports stay inside the commands.
from solver.cli import advise, batch, catalogue_cmd, explore, goals_cmd, import_cmd, serve_cmd  # noqa: F401
from solver.cli.app import app
from solver.errors import InputError, LookupFailure


def _terminated(signum: int, frame: FrameType | None) -> None:
    # SIGTERM unwinds like Ctrl-C, so atomic writers remove their temporary files and nothing half-written stays.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: user errors are printed one per line and exit 2, never as a traceback."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except InputError as err:
        for line in err.render().splitlines():
            print(line, file=sys.stderr)
        sys.exit(2)
    except ValidationError as err:  # an option's value outside what a learner may ask (solver/limits.py)
        for problem in err.errors():
            where = "--" + "-".join(str(p) for p in problem["loc"]).replace("_", "-")
            print(f"error: {where}: {problem['msg']}", file=sys.stderr)
        sys.exit(2)
    except LookupFailure as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except OSError as err:  # the disk is full, or a file cannot be written: the atomic writer left nothing behind
        where = f" {err.filename}" if err.filename else ""
        print(f"error: cannot write{where}: {err.strerror or err}", file=sys.stderr)
        sys.exit(1)
