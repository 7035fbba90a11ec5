"""Reading a cohort's learner table: a validated row model, and the profile that is all the solver needs of a row."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from solver.errors import LookupFailure, PathwaysError
from solver.model.goals import parse_goal
from solver.request.objectives import Objective, objective_named
from solver.rules import parse_date

if TYPE_CHECKING:
    import pandas as pd

REQUIRED_COLUMNS = ("learner", "registered", "achieved")
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
    try:
        cells = CohortRow.model_validate(row)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        raise RowError(f"{first['loc'][0]}: {first['msg']}") from None
    return Profile(cells.registered, cells.achieved, cells.include, cells.exclude, cells.max_glh,
                   cells.objective or objective, cells.exempt, cells.goals, offer)


def read_learners(path: str | Path) -> pd.DataFrame:
    """A learner CSV as text cells (empty, never NaN); a file that cannot be read raises LookupFailure."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise LookupFailure(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise LookupFailure(f"cannot read {path}: it is a directory") from None
    except PermissionError:
        raise LookupFailure(f"cannot read {path}: permission denied") from None
    except pd.errors.EmptyDataError:
        raise LookupFailure(f"cannot read {path}: the file is empty; expected a header row "
                            f"{','.join(REQUIRED_COLUMNS)}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as err:
        raise LookupFailure(f"cannot read {path} as CSV: {' '.join(str(err).split())}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    check_columns(frame)
    return frame


def check_columns(learners: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in learners.columns]
    if missing:
        raise LookupFailure(f"the learner table has no column {', '.join(repr(c) for c in missing)}; "
                            f"expected {', '.join(REQUIRED_COLUMNS)} (and optionally {', '.join(OPTIONAL_COLUMNS)})")
