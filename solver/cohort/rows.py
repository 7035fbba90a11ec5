"""Reading a cohort's learner table: a validated row model, and the profile that is all the solver needs of a row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from solver.errors import LookupFailure, PathwaysError
from solver.limits import MAX_TOTAL
from solver.model.goals import parse_goal
from solver.request.objectives import Objective, objective_named
from solver.rules import parse_date

if TYPE_CHECKING:
    import pandas as pd

REQUIRED_COLUMNS = ("learner", "registered", "achieved")
ROW_ERROR = "_row_error"  # a column read_learners adds for lines that could not be read: why, with the line number
MAX_RECORD_LINES = 5  # a quoted cell may hold line breaks, within this many lines
OPTIONAL_COLUMNS = ("objective", "max_glh", "include", "exclude", "exempt", "goals")


class RowError(PathwaysError, ValueError):
    """A cohort row that cannot be read: reported on its own row, never stopping the run."""


def cell_text(value: Any) -> str:
    """A cell as text: missing cells (None, NaN, NA) read as empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    import pandas as pd

    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value).strip()


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("cohort_cell", message)


def _date(value: Any) -> dt.date | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as err:
        raise _refuse(str(err)) from None


def _codes(value: Any) -> tuple[str, ...]:
    """Unit codes separated by spaces or commas; or by semicolons when the cell has one, and then a space
    belongs to a code ("SHC 31; SHC 32", or "SHC 31;" alone). Sorted and without repeats."""
    text = cell_text(value)
    if ";" in text:
        parts = [" ".join(p.split()) for p in text.split(";")]
    else:
        parts = text.replace(",", " ").split()
    return tuple(sorted({p for p in parts if p}))


def _hours(value: Any) -> int | None:
    if isinstance(value, bool):
        raise _refuse(f"expected a whole number of hours, got {value!r}")
    text = cell_text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _refuse(f"expected a whole number of hours, got {text!r}") from None
    if not number.is_integer():
        raise _refuse(f"expected a whole number of hours, got {text!r}")
    if number < 0:
        raise _refuse(f"expected 0 or more hours, got {int(number)}")
    if number > MAX_TOTAL:
        raise _refuse(f"expected at most {MAX_TOTAL:,} hours, got {text}")
    return int(number)


def _objective(value: Any) -> Objective | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        return objective_named(text)
    except LookupFailure as err:
        raise _refuse(str(err)) from None


def _goals(value: Any) -> tuple[str, ...]:
    """Goals separated by semicolons, each TEXT[>=N [units|credits]][=WEIGHT]: "customer service; coaching=3"."""
    goals = tuple(g.strip() for g in cell_text(value).split(";") if g.strip())
    for goal in goals:
        try:
            doc = parse_goal(goal)
        except ValueError as err:
            raise _refuse(str(err)) from None
        if doc.get("weight", 1) < 1 or doc.get("at_least", 1) < 1:
            raise _refuse(f"expected a weight and a minimum of at least 1, got {goal!r}")
    return goals


class CohortRow(BaseModel):
    """One learner row as read from the table: every cell validated, empty cells absent."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    learner: Annotated[str, BeforeValidator(cell_text)] = ""
    registered: Annotated[dt.date | None, BeforeValidator(_date)] = None
    achieved: Annotated[tuple[str, ...], BeforeValidator(_codes)] = ()
    include: Annotated[tuple[str, ...], BeforeValidator(_codes)] = ()
    exclude: Annotated[tuple[str, ...], BeforeValidator(_codes)] = ()
    exempt: Annotated[tuple[str, ...], BeforeValidator(_codes)] = ()
    max_glh: Annotated[int | None, BeforeValidator(_hours)] = None
    objective: Annotated[Objective | None, BeforeValidator(_objective)] = None
    goals: Annotated[tuple[str, ...], BeforeValidator(_goals)] = ()


class Profile(NamedTuple):
    """The solver-relevant part of a row, normalised so that equal requests give equal profiles."""

    registered: dt.date | None
    achieved: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    max_glh: int | None
    objective: Objective
    exempt: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()  # as written, each parsed by solver.model.goals.parse_goal
    offer: tuple[str, ...] | None = None  # the cohort's offer: the units the centre delivers


def read_profile(row: dict[str, Any], objective: Objective, offer: tuple[str, ...] | None = None) -> Profile:
    """The profile of one row; RowError (field and reason) when a cell cannot be read."""
    if row.get(ROW_ERROR):
        raise RowError(row[ROW_ERROR])
    try:
        cells = CohortRow.model_validate(row)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise RowError(f"{first['loc'][0]}: {first['msg']}") from None
    return Profile(cells.registered, cells.achieved, cells.include, cells.exclude, cells.max_glh,
                   cells.objective or objective, cells.exempt, cells.goals, offer)


def read_learners(path: str | Path) -> pd.DataFrame:
    """A learner CSV as text cells (empty, never NaN), read line by line so that one broken line is that row's
    error (ROW_ERROR, with its line number) and every other row is read. Blank lines are skipped; their numbers
    are in `frame.attrs["blank_lines"]`. A file that cannot be read at all raises LookupFailure."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise LookupFailure(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise LookupFailure(f"cannot read {path}: it is a directory") from None
    except PermissionError:
        raise LookupFailure(f"cannot read {path}: permission denied") from None
    except OSError as err:
        raise LookupFailure(f"cannot read {path}: {err.strerror or err}") from None
    return learners_from_bytes(data, str(path))


def learners_from_bytes(data: bytes, source: str) -> pd.DataFrame:
    """`read_learners` for a CSV already in memory (an upload); `source` names it in messages."""
    import pandas as pd

    lines = data.removeprefix(b"\xef\xbb\xbf").splitlines()
    blank: list[int] = []
    start = 0
    while start < len(lines) and not lines[start].strip():
        blank.append(start + 1)
        start += 1
    if start == len(lines):
        raise LookupFailure(f"cannot read {source}: the file is empty; expected a header row "
                            f"{','.join(REQUIRED_COLUMNS)}")
    try:
        header = [c.strip() for c in next(csv.reader([lines[start].decode("utf-8")], strict=True))]
    except (UnicodeDecodeError, csv.Error) as err:
        raise LookupFailure(f"cannot read {source} as CSV: its header row (line {start + 1}) is not "
                            f"comma-separated UTF-8 text: {err}") from None
    records: list[dict[str, str]] = []
    number = start + 1  # the 0-based index of the next line
    while number < len(lines):
        if not lines[number].strip():
            blank.append(number + 1)
            number += 1
            continue
        cells, used, problem = _record(lines, number, len(header))
        row = {**dict(zip(header, cells + [""] * (len(header) - len(cells)))), ROW_ERROR: ""}
        if problem:
            row = {**{c: "" for c in header}, "learner": cells[0] if cells else "",
                   ROW_ERROR: f"line {number + 1}: {problem}"}
        records.append(row)
        number += used
    frame = pd.DataFrame(records, columns=[*header, ROW_ERROR], dtype=str)
    if not frame[ROW_ERROR].any():
        frame = frame.drop(columns=ROW_ERROR)
    frame.attrs["blank_lines"] = blank
    check_columns(frame)
    return frame


def _record(lines: list[bytes], at: int, width: int) -> tuple[list[str], int, str]:
    """The cells of the record starting at line `at`, how many lines it spans, and what is wrong with it.

    A record spans several lines only when a quoted cell holds a line break; a quote left open (or a stray
    one) spoils only its own line, which is then reported and skipped, instead of swallowing the file."""
    try:
        first = lines[at].decode("utf-8")
    except UnicodeDecodeError as err:
        return [], 1, f"not UTF-8 text ({err.reason} at byte {err.start})"
    text = first
    for span in range(1, MAX_RECORD_LINES + 1):
        try:
            rows = list(csv.reader(io.StringIO(text), strict=True))
        except csv.Error:
            rows = []
        if len(rows) == 1:
            cells = [c.strip() for c in rows[0]]
            if len(cells) > width:
                return cells, span, f"expected at most {width} fields (one per column), got {len(cells)}"
            return cells, span, ""
        if at + span >= len(lines) or text.count('"') % 2 == 0:
            break
        try:
            text += "\n" + lines[at + span].decode("utf-8")
        except UnicodeDecodeError:
            break
    loose = next(csv.reader([first]), [""])
    return [loose[0].strip() if loose else ""], 1, "cannot be read as CSV: a quote is unbalanced or misplaced"


def check_columns(learners: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in learners.columns]
    if missing:
        raise LookupFailure(f"the learner table has no column {', '.join(repr(c) for c in missing)}; "
                            f"expected {', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})")
