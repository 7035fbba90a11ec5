"""A provider's offer: the units a centre delivers, read from a file, and the fewest units it would have to add."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from solver.errors import InputError, LookupFailure, Problem
from solver.linear import Linear
from solver.rules.base import unit_of

if TYPE_CHECKING:
    from solver.compile import CompiledModel
    from solver.explain import Relaxation
    from solver.learner import Requirement

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


def offer_requirement(offer: Collection[str] | None, glh: Mapping[str, int],
                      free: Collection[str]) -> Requirement | None:
    """Claim only offered units of `glh` (code -> GLH); units already achieved (or credited) need no delivery."""
    from solver.learner import Ask, Requirement

    if offer is None:
        return None
    # A unit offered is offered in each of its modes.
    outside = tuple((c, 1) for c in glh if c not in offer and unit_of(c) not in offer and c not in free)
    # The second form (no GLH outside the offer) is implied by the first; it carries the GLH that
    # smallest_addition breaks ties by.
    hours = Linear(tuple((c, glh[c]) for c, _ in outside), None, 0)
    return Requirement(OFFER_ID, Ask.OFFER, f"Your centre offers only {len(set(offer))} units",
                       (Linear(outside, None, 0), hours))


def smallest_addition(model: CompiledModel, req: Requirement) -> Relaxation | None:
    """The fewest units outside the offer that make the request possible (a minimum-cardinality solve)."""
    from solver.explain import Relaxation

    outside, hours = req.linears[0].terms, req.linears[-1].terms
    best = model.solve(tiers=[outside, hours], disabled={req.id})  # fewest units, then the fewest GLH
    if best.status != "OPTIMAL" or best.pathway is None:
        return None
    added = [c for c, _ in outside if c in best.pathway]
    noun = "unit" if len(added) == 1 else "units"
    return Relaxation(req.id, f"The centre would have to add at least {len(added)} {noun} to its offer, e.g. "
                              f"{', '.join(added)} (the fewest GLH of any such set); no smaller set makes it "
                              f"possible.", len(added))
