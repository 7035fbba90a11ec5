"""Time for delivery planning: periods with dates (months, terms, weeks), limits per period, start and finish."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from solver.errors import InputError, Problem
from solver.model.located_yaml import read_yaml, render_path
from solver.model.validation import validate
from solver.rules import Count

GroupId = Annotated[str, Field(strict=True, min_length=1)]

PeriodKind = Literal["month", "term", "week"]
MONTHS = tuple(calendar.month_name[m].lower() for m in range(1, 13))
# English school and college terms: autumn from September, spring from January, summer from April.
TERMS = (("spring", 1, 3), ("summer", 4, 8), ("autumn", 9, 12))
Measure = Literal["glh", "credits", "units"]


class CreditsFirst(BaseModel):
    """A prerequisite on a group: at least `credits` credits of the group's units achieved or studied in earlier
    periods (written beside unit codes: `requires: [A1, {credits: 20, group: B}]`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    credits: Annotated[Count, Field(ge=1)]
    group: GroupId  # a group id of the qualification being planned

    def __str__(self) -> str:
        return f"at least {self.credits} credits of group {self.group} first"


Requirement = str | CreditsFirst


def required_units(requires: Sequence[Requirement]) -> tuple[str, ...]:
    """The unit codes among a unit's prerequisites."""
    return tuple(r for r in requires if isinstance(r, str))


def required_credits(requires: Sequence[Requirement]) -> tuple[CreditsFirst, ...]:
    """The group-credit prerequisites of a unit."""
    return tuple(r for r in requires if isinstance(r, CreditsFirst))


class UnitTiming(Protocol):
    """The timing fields of a unit document (solver.model.documents.Unit)."""

    @property
    def code(self) -> str: ...
    @property
    def credits(self) -> int | None: ...
    @property
    def requires(self) -> tuple[Requirement, ...]: ...
    @property
    def with_(self) -> tuple[str, ...]: ...
    @property
    def offered(self) -> tuple[str, ...]: ...


class Limit(BaseModel):
    """Least and most of one measure in each period (either may be left open)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    min: Count | None = None
    max: Count | None = None


class NamedPeriod(BaseModel):
    """One period of an explicit list: its name and its first and last day (`{name: "Autumn 2027", start:
    2027-09-01, end: 2027-12-15}`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: Annotated[str, Field(strict=True, min_length=1)]
    start: dt.date
    end: dt.date


class Timing(BaseModel):
    """The time side of a request: which periods, from when, until when, and how much in each."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # Months, terms or weeks from the calendar; or an explicit list of named periods, in order, not overlapping.
    periods: PeriodKind | Annotated[tuple[NamedPeriod, ...], Field(min_length=1, max_length=520)] = "month"
    start: Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")]  # "2027-01": the period holding this date
    finish_by: Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")] | None = None  # last period allowed
    limits: Mapping[Measure, Limit] = Field(default_factory=dict)
    horizon: Annotated[int, Field(strict=True, ge=1, le=520)] | None = None  # periods looked at; default: enough


@dataclass(frozen=True)
class Period:
    """One period of a plan: its index from the start, a label people read, its first and last day."""

    index: int
    label: str
    first: dt.date
    last: dt.date
    names: frozenset[str]  # what `offered` may call it: the month or term name, its label and its id
    key: str = ""  # the id of a named period of an explicit list (its name); empty: from the calendar

    @property
    def id(self) -> str:
        if self.key:
            return self.key
        return self.first.isoformat()[:7] if "week" not in self.label.lower() else self.first.isoformat()

    def to_dict(self) -> dict[str, object]:
        return {"index": self.index, "label": self.label, "first": self.first.isoformat(),
                "last": self.last.isoformat()}


def parse_day(text: str, where: str) -> dt.date:
    """A date written "2027-01" (its first day) or "2027-01-15"; an InputError naming `where` otherwise."""
    try:
        return dt.date.fromisoformat(text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text + "-01")
    except ValueError:
        message = f"{text!r} is not a date; expected YYYY-MM or YYYY-MM-DD"
        raise InputError([Problem(where, 0, 0, "", message)]) from None


def _month(year: int, month: int, index: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    name = calendar.month_name[month]
    return Period(index, f"{name} {year}", dt.date(year, month, 1), dt.date(year, month, last),
                  frozenset({name.lower(), f"{year:04d}-{month:02d}"}))


def _term_of(day: dt.date) -> tuple[str, int, int]:
    return next(t for t in TERMS if t[1] <= day.month <= t[2])


def _term(year: int, term: tuple[str, int, int], index: int) -> Period:
    name, first, last = term
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    return Period(index, f"{name.capitalize()} {year}", dt.date(year, first, 1), end,
                  frozenset({name, f"{name} {year}", f"{year:04d}-{first:02d}"}))


def periods(kind: PeriodKind, start: dt.date, count: int) -> list[Period]:
    """`count` consecutive periods of `kind`, the first holding `start`."""
    out: list[Period] = []
    if kind == "month":
        y, m = start.year, start.month
        for i in range(count):
            out.append(_month(y, m, i))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    elif kind == "term":
        y, term = start.year, _term_of(start)
        for i in range(count):
            out.append(_term(y, term, i))
            k = TERMS.index(term)
            y, term = (y + 1, TERMS[0]) if k == len(TERMS) - 1 else (y, TERMS[k + 1])
    else:
        monday = start - dt.timedelta(days=start.weekday())
        for i in range(count):
            first = monday + dt.timedelta(weeks=i)
            iso = first.isocalendar()
            out.append(Period(i, f"Week of {first:%d %b %Y}", first, first + dt.timedelta(days=6),
                              frozenset({f"{iso.year}-W{iso.week:02d}", first.isoformat()})))
    return out


def period_list_problems(listed: Sequence[NamedPeriod]) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with an explicit list of periods, each at its path in the list: a period ending before it
    starts, one starting before the previous one ends (out of order or overlapping), a name used twice."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict[str, int] = {}
    for i, p in enumerate(listed):
        if p.end < p.start:
            out.append(((i, "end"), f"expected an end on or after the start ({p.start.isoformat()}), got "
                                    f"{p.end.isoformat()}"))
        if i and p.start <= listed[i - 1].end:
            before = listed[i - 1]
            out.append(((i, "start"), f"expected periods in order, not overlapping: {p.name!r} starts "
                                      f"{p.start.isoformat()}, on or before {before.name!r} ends "
                                      f"{before.end.isoformat()}"))
        name = p.name.strip().lower()
        if name in seen:
            out.append(((i, "name"), f"period name {p.name!r} is already used by periods[{seen[name]}]"))
        seen.setdefault(name, i)
    return out


def check_periods(timing: Timing, where: str = "periods") -> None:
    """An InputError locating every problem of an explicit list of periods (none for months, terms, weeks)."""
    if isinstance(timing.periods, str):
        return
    found = period_list_problems(timing.periods)
    if found:
        raise InputError([Problem(where, 0, 0, render_path(("periods", *key)), message) for key, message in found])


class PeriodList(BaseModel):
    """A file of named periods (`pathways plan --periods FILE`): `periods: [{name, start, end}, ...]`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    periods: Annotated[tuple[NamedPeriod, ...], Field(min_length=1, max_length=520)]


def read_periods(path: Path) -> tuple[NamedPeriod, ...]:
    """The named periods of a file, validated: an InputError locating every problem (file, line, path)."""
    doc, problems = read_yaml(path)
    if doc is not None and not problems:
        found, problems = validate(PeriodList, doc)
        if found is not None:
            problems = [doc.problem(("periods", *key), message)
                        for key, message in period_list_problems(found.periods)]
            if not problems:
                return found.periods
    raise InputError(problems)


def _named(listed: Sequence[NamedPeriod], start: dt.date) -> list[Period]:
    """The named periods from the first that has not ended by `start`; `offered` may call each by its name or by
    a month or term name its name begins with ("Autumn 2027" is offered as "autumn")."""
    out: list[Period] = []
    for p in listed:
        if p.end < start:
            continue
        first_word = p.name.split()[0].lower()
        known = {first_word} if first_word in MONTHS or first_word in (t[0] for t in TERMS) else set()
        out.append(Period(len(out), p.name, p.start, p.end, frozenset({p.name.strip().lower(), *known}), key=p.name))
    return out


def timing_span(timing: Timing, start: dt.date, count: int | None) -> list[Period]:
    """The periods a plan may use: `count` from the one holding `start` (an explicit list: at most its own,
    from the first not ended by `start`)."""
    if isinstance(timing.periods, str):
        return periods(timing.periods, start, count or 1)
    named = _named(timing.periods, start)
    return named[:count] if count is not None else named


def span_until(timing: Timing, start: dt.date, finish_by: dt.date) -> int:
    """How many periods from the start up to the one holding (or the last starting by) `finish_by`."""
    if isinstance(timing.periods, str):
        return within(timing.periods, start, finish_by)
    return max(1, sum(1 for p in _named(timing.periods, start) if p.first <= finish_by))


def timing_cycle(timing: Timing) -> int:
    """How far a unit offered once a year may have to wait: a year of calendar periods, or the whole list."""
    return cycle(timing.periods) if isinstance(timing.periods, str) else len(timing.periods)


def timing_words(timing: Timing) -> str:
    return per_words(timing.periods) if isinstance(timing.periods, str) else "a period"


def cycle(kind: PeriodKind) -> int:
    """Periods in a year: how far a unit offered once a year may have to wait."""
    return {"month": 12, "term": 3, "week": 52}[kind]


def offered_in(offered: Sequence[str], period: Period) -> bool:
    """Whether a unit offered as written (month or term names, period ids) runs in `period`; empty: always."""
    return not offered or any(o.strip().lower() in period.names or o.strip() == period.id for o in offered)


def unknown_offer(offered: Sequence[str]) -> list[str]:
    """The entries of `offered` that name no month, term, ISO month (2027-01) or ISO week (2027-W05)."""
    known = {*MONTHS, *(t[0] for t in TERMS)}
    return [o for o in offered if o.strip().lower() not in known
            and not re.fullmatch(r"\d{4}-(\d{2}|W\d{2})|(spring|summer|autumn) \d{4}", o.strip().lower())]


def within(kind: PeriodKind, start: dt.date, finish_by: dt.date) -> int:
    """How many periods from the one holding `start` up to and including the one holding `finish_by`."""
    n = 1
    while periods(kind, start, n)[-1].last < finish_by:
        n += 1
    return n


def per_words(kind: PeriodKind) -> str:
    return {"month": "a month", "term": "a term", "week": "a week"}[kind]


def timing_problems(unit: UnitTiming, known: Collection[str] | None) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with a unit's `requires`, `with` and `offered`, each at its path within the unit: a unit
    not in the catalogue (`known`: None when another file failed to load), the unit itself, an unknown period."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for key, codes in (("requires", unit.requires), ("with", unit.with_)):
        for i, code in enumerate(codes):
            if not isinstance(code, str):
                continue  # a group's credits: checked against the qualifications (group_credit_problems)
            if code == unit.code:
                out.append(((key, i), f"unit {code!r} cannot {'require' if key == 'requires' else 'go with'} "
                                      "itself"))
            elif known is not None and code not in known:
                out.append(((key, i), f"unit {code!r} is not defined in the catalogue"))
    for i, name in enumerate(unit.offered):
        if unknown_offer([name]):
            out.append((("offered", i), f"expected a month (January), a term (autumn), YYYY-MM or YYYY-Www, "
                                        f"got {name!r}"))
    return out


def requires_cycle(units: Mapping[str, UnitTiming]) -> list[str]:
    """A circle of prerequisites (none of its units could ever be studied), or [] when there is none."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(code: str) -> list[str]:
        state[code] = 1
        trail.append(code)
        for nxt in required_units(units[code].requires) if code in units else ():
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[code] = 2
        trail.pop()
        return []

    for code in sorted(units):
        if code not in state:
            found = visit(code)
            if found:
                return found
    return []


class GroupedIn(Protocol):
    """What group_credit_problems needs of a qualification: its id and groups (id, units)."""

    @property
    def id(self) -> str: ...
    @property
    def groups(self) -> Sequence[Any]: ...


def group_credit_problems(unit: UnitTiming, qualifications: Sequence[GroupedIn], units: Mapping[str, UnitTiming]
                          ) -> list[tuple[tuple[str | int, ...], str]]:
    """What is wrong with a unit's "credits of group G first", at its path within the unit: a qualification
    listing the unit without a group G, or a group whose other units cannot reach the credits asked."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if not any(isinstance(need, CreditsFirst) for need in unit.requires):
        return out  # the common case, at once: finding the holders scans every group (units x groups in all)
    holders = [q for q in qualifications if any(unit.code in g.units for g in q.groups)]
    for i, need in enumerate(unit.requires):
        if not isinstance(need, CreditsFirst):
            continue
        for q in holders:
            group = next((g for g in q.groups if g.id == need.group), None)
            if group is None:
                known = ", ".join(g.id for g in q.groups)
                out.append((("requires", i, "group"), f"qualification {q.id!r} lists unit {unit.code!r} but has "
                                                       f"no group {need.group!r}; expected one of {known}"))
                continue
            # Every unit of the group but this one, all studied first: if even that is too little, never.
            most = sum(units[c].credits or 0 for c in group.units if c != unit.code and c in units)
            if group.complete and all(c in units for c in group.units) and most < need.credits:
                out.append((("requires", i, "credits"), f"group {need.group!r} of qualification {q.id!r} has "
                                                         f"{most} credits besides {unit.code!r}; expected at most "
                                                         f"that, got {need.credits}"))
    return out
