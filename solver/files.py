"""Writing output files atomically, so an interrupted run never leaves a half-written file in place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_writer(path: str | Path, newline: str | None = None,
                  final: Callable[[], Path] | None = None) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path` and move it into place only when the block succeeds; `final`,
    asked then, may name another place (an interrupted listing is kept under a name that says it is partial)."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            # On disk before the rename: a crash just after it must not leave an empty or partial file.
            os.fsync(stream.fileno())
        # mkstemp makes the file owner-only; give it the mode any new file would get here.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, final() if final is not None else target)
    except OSError as err:  # say which file could not be written (a full disk names only the temporary one)
        os.unlink(temporary)
        raise OSError(err.errno, err.strerror, str(target)) from err
    except BaseException:
        os.unlink(temporary)
        raise


def write_atomically(path: str | Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)
