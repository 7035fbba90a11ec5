"""The importer's bounds, declared once: how large a file, how much it may expand, how many pages and characters,
and for how long it is read. Past any of them the file is refused ("too large"), located, before the memory
or time it would take is spent. Real specifications are far inside them (the 57-page LRN specification: 1 MB,
57 pages, about 200,000 characters)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from solver.importing.document import ImportFailure, not_importable

MAX_FILE_BYTES = 32 * 1024 * 1024  # any document, as stored
MAX_EXPANDED_BYTES = 64 * 1024 * 1024  # a .docx's parts, decompressed (a 1 MB zip may hold gigabytes of XML)
MAX_RATIO = 200  # one part may expand at most this many times (zip bombs compress far better than real XML)
MAX_PAGES = 300  # a PDF
MAX_CHARACTERS = 5_000_000  # the text read from any document
MAX_SECONDS = 180.0  # reading one document (checked page by page: a wall-clock guard, not a promise of speed)
MAX_HTML_ELEMENTS = 200_000


def too_large(path: Path, what: str) -> ImportFailure:
    return not_importable(path, f"too large to import: {what}")


def check_file(path: Path) -> None:
    """Refuse a file larger than MAX_FILE_BYTES before anything reads it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise too_large(path, f"{size / 1024 / 1024:.1f} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB")


def check_zip(path: Path) -> None:
    """Refuse a .docx whose parts would expand past MAX_EXPANDED_BYTES, or any part past MAX_RATIO times its
    stored size, from the sizes in the zip's directory (zipfile stops at the size declared, so they bind)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: the reader says so in its own words
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_EXPANDED_BYTES:
        raise too_large(path, f"its parts expand to {expanded / 1024 / 1024:.0f} MB; at most "
                              f"{MAX_EXPANDED_BYTES // 1024 // 1024} MB")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(1, m.compress_size):
            raise too_large(path, f"its part {m.filename} expands {m.file_size // max(1, m.compress_size)} times "
                                  f"over; at most {MAX_RATIO}")


def check_characters(path: Path, count: int) -> None:
    if count > MAX_CHARACTERS:
        raise too_large(path, f"{count:,} characters of text; at most {MAX_CHARACTERS:,}")


class Deadline:
    """MAX_SECONDS of wall clock for reading one document, checked between pages."""

    def __init__(self, path: Path, seconds: float = MAX_SECONDS):
        self.path, self.seconds, self.started = path, seconds, time.monotonic()

    def check(self, where: str) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise too_large(self.path, f"still reading after {self.seconds:.0f} s (at {where})")
