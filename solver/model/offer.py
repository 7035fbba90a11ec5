"""A provider's offer: the units a centre delivers, read from a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

from solver.errors import InputError, LookupFailure, Problem

OFFER_ID = "offer"
CODE_COLUMNS = ("code", "unit", "unit_code", "units")


class OfferError(InputError):
    """An offer file that cannot be used."""

    kind = "offer"


def read_offer(path: str | Path, known: Collection[str] = ()) -> tuple[str, ...]:
    """Unit codes from a file: one per line (blank lines and # comments skipped), or a CSV with a header whose
    `code` (or `unit`) column, else its first, holds them. Codes not in `known` (when given) are located errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise LookupFailure(f"cannot read offer {path}: {err.strerror or err}") from None
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    rows: list[tuple[int, int, str]] = []  # line, column, code
    if "," in first or "\t" in first:
        reader = csv.reader(io.StringIO(text), dialect=csv.Sniffer().sniff(first, delimiters=",\t;"))
        header = [h.strip().lower() for h in next(reader, [])]
        col = next((header.index(c) for c in CODE_COLUMNS if c in header), 0)
        for row in reader:
            if len(row) > col and row[col].strip():
                rows.append((reader.line_num, col + 1, row[col].strip()))
    else:
        for number, line in enumerate(lines, 1):
            code = line.split("#", 1)[0].strip()
            if code:
                rows.append((number, line.index(code) + 1, code))
    problems = [Problem(str(path), n, c, "", f"unknown unit code {code!r}; expected a unit of the catalogue")
                for n, c, code in rows if known and code not in known]
    if not rows:
        problems.append(Problem(str(path), 1, 1, "", "expected unit codes, one per line or in a CSV column"))
    if problems:
        raise OfferError(problems)
    return tuple(dict.fromkeys(code for _, _, code in rows))
