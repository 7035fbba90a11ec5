"""Validated, immutable models of catalogue documents: units, groups, figures, qualifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from solver.limits import MAX_TOTAL
from solver.rules import Code, Count, Date, Rule, Tag
from solver.rules.base import UnitCredits, UnitHours, claim_code

Level = Annotated[int, Field(strict=True, ge=0, le=8)]
Text = Annotated[str, Field(strict=True, min_length=1)]
# Strict, finite: lax floats would take `true` or the text "13.5" as hours, and YAML spells out .inf and .nan.
Hours = Annotated[float, Field(strict=True, ge=0, le=MAX_TOTAL, allow_inf_nan=False)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Unit(Frozen):
    """A unit as the awarding body publishes it; defined once, referenced by code."""

    code: Code
    title: Text
    # Written as published: `null` where the specification does not publish the value (never guessed as 0).
    level: Level | None
    credits: UnitCredits | None
    glh: UnitHours | None
    tags: tuple[Tag, ...] = ()
    # How the unit may be taken ("graded", "ungraded"); offered in several, a pathway claims it in one of them.
    modes: tuple[Tag, ...] = ()
    available_from: Date | None = None
    available_until: Date | None = None

    def claimed_in(self, mode: str) -> Unit:
        """The unit claimed in one of its modes: a variable of its own, "CODE@mode"."""
        return self.model_copy(update={"code": claim_code(self.code, mode), "modes": (mode,)})

    @property
    def unpublished(self) -> tuple[str, ...]:
        """The values the specification does not publish for this unit: level, credits, glh."""
        return tuple(name for name in ("level", "credits", "glh") if getattr(self, name) is None)

    def available_on(self, day: dt.date | None) -> bool:
        if day is None:  # a new learner: whatever is available now, i.e. not withdrawn
            return self.available_until is None
        if self.available_from is not None and day < self.available_from:
            return False
        return self.available_until is None or day <= self.available_until


class Group(Frozen):
    """A named group of units within a qualification (e.g. Group 1, optional Group B)."""

    id: Text
    name: Text
    units: tuple[Code, ...]  # may be empty: a specification published as rules only
    complete: bool = True  # False: the specification lists only some of the group's units
    credits: Count | None = None  # the group's total as published ("Group A: 28 credits"), held against its units

    def total_mismatch(self, units: Mapping[str, Unit]) -> str | None:
        """Why the published total disagrees with the units' credit values, or None when it agrees (or
        cannot be judged: values unpublished or units unlisted, and what is known stays within it)."""
        if self.credits is None:
            return None
        values = [units[c].credits for c in self.units if c in units]
        known = sum(v for v in values if v is not None)
        certain = self.complete and None not in values and len(values) == len(self.units)
        if known > self.credits or (certain and known != self.credits):
            already = "" if certain else "already "
            return (f"{self.name} publishes a total of {self.credits} credits but its units' credit values "
                    f"{already}add up to {known}")
        return None


class CreditRange(Frozen):
    """A published credit value: a range, or only a minimum ("a minimum of 12 credits")."""

    min: Count
    max: Count | None = None


class Offering(Frozen):
    """Another accreditation number under which the same structure is offered (often by another body)."""

    accreditation: Text
    awarding_body: Text | None = None


class Figures(Frozen):
    """The figures a specification publishes; held against what the rules imply by the audit."""

    credits: CreditRange | None = None
    glh: Count | None = None
    average_glh: Hours | None = None
    tqt: Count | None = None
    induction_hours: Hours | None = None
    tutorial_hours: Hours | None = None
    duration: Text | None = None
    operational_start: Date | None = None


class Specialisation(Frozen):
    """A named pathway of a qualification (an endorsed title): its own rules on top of the qualification's."""

    id: Text
    title: Text
    rules: tuple[Rule, ...] = ()
    note: str | None = None  # the awarding body's wording


class Qualification(Frozen):
    """A qualification: its identity, groups of units, rules of combination and published figures.

    With `pathways`, a learner follows exactly one of them: a unit set is valid when it meets the rules of the
    qualification and of one pathway.
    """

    id: Text
    # Written as published: `null` where the specification gives no accreditation number or awarding body.
    number: Text | None = Field(alias="accreditation")
    title: Text
    level: Level
    awarding_body: Text | None
    groups: tuple[Group, ...]
    rules: tuple[Rule, ...] = ()
    pathways: tuple[Specialisation, ...] = ()
    figures: Figures = Figures()
    offered_as: tuple[Offering, ...] = ()  # the same structure under other numbers, each findable

    @property
    def accreditation(self) -> str:
        """How answers name the qualification: its accreditation number, or its id where none is published."""
        return self.number or self.id

    def numbers(self) -> list[str]:
        """Every accreditation number of the qualification, its own first."""
        return [*([self.number] if self.number else []), *(o.accreditation for o in self.offered_as)]

    def open_groups(self) -> list[Group]:
        """Groups of which only some units are listed: every answer is then over the listed units only."""
        return [g for g in self.groups if not g.complete]

    def unit_codes(self) -> list[str]:
        return list(dict.fromkeys(c for g in self.groups for c in g.units))

    def group_of(self, code: str) -> Group | None:
        return next((g for g in self.groups if code in g.units), None)


class CatalogueFile(Frozen):
    """One YAML file of the catalogue: usually one awarding-body specification."""

    source: Text | None = None
    units: tuple[Unit, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
