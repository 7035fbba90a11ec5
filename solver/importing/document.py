"""A specification read into one neutral list of text lines and tables, each with where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from solver.errors import InputError, Problem


@dataclass(frozen=True)
class Line:
    """A line of running text (a paragraph, heading or footnote) and its place in the source."""

    text: str
    where: str  # "line 12", "paragraph 7", "page 2, line 5"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    where: str  # "line 40", "table 3, row 2", "page 2, table 1, row 4"


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    where: str


Block = Line | Table


@dataclass(frozen=True)
class Document:
    """Every block of a specification in reading order."""

    path: str
    blocks: tuple[Block, ...]


class ImportFailure(InputError):
    """A file that cannot be imported: unreadable, of an unknown kind, or not a specification."""

    kind = "import"


def not_importable(path: str | Path, message: str) -> ImportFailure:
    return ImportFailure([Problem(str(path), 1, 1, "", message)])


def clean(text: str) -> str:
    """One cell or line as plain text: Word bookmarks and Markdown bold dropped, whitespace collapsed."""
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text).replace("**", "").replace("__", "")
    return " ".join(text.split())
