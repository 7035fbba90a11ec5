"""Validated, immutable models of catalogue documents: units, groups, figures, qualifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from solver.limits import MAX_TOTAL
from solver.model.timing import CreditsFirst
from solver.rules import Code, Count, Date, Rule, Tag
from solver.rules.base import UnitCredits, UnitHours, claim_code, frozen_mapping

Level = Annotated[int, Field(strict=True, ge=0, le=8)]
Text = Annotated[str, Field(strict=True, min_length=1)]
# Strict, finite: lax floats would take `true` or the text "13.5" as hours, and YAML spells out .inf and .nan.
Hours = Annotated[float, Field(strict=True, ge=0, le=MAX_TOTAL, allow_inf_nan=False)]
# A level on another framework, as printed ("AQF 3", "Entry 3", "SCQF 6"); a whole number is an RQF level.
FrameworkLevel = Annotated[str, Field(strict=True, min_length=1)]
# The values of a unit that may be published, worked out by the specification, or not given at all.
ValueName = Literal["level", "credits", "glh", "tqt"]
Provenance = Literal["published", "derived", "unknown"]
CUT_MARK = "\u2026"  # shown after a title the specification prints cut off


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Unit(Frozen):
    """A unit as the awarding body publishes it; defined once, referenced by code."""

    code: Code
    title: Text
    title_cut: bool = False  # the title as printed is cut off (a table's narrow column): shown with a mark
    # Written as published: `null` where the specification does not publish the value (never guessed as 0).
    level: Level | None
    credits: UnitCredits | None
    glh: UnitHours | None
    tqt: UnitHours | None = None  # total unit time, hours, where the specification gives it
    # How each value came to be: `derived` where the specification works it out rather than prints it (credits
    # from TQT); a value not named here is published, a null one unknown.
    provenance: Annotated[dict[ValueName, Provenance], AfterValidator(frozen_mapping)] = Field(
        default_factory=lambda: frozen_mapping({}))  # type: ignore[arg-type]
    # Set by the loader, never written: the code is a label Pathways generated for a unit printed without one.
    labelled: SkipJsonSchema[bool] = False
    tags: tuple[Tag, ...] = ()
    # How the unit may be taken ("graded", "ungraded"); offered in several, a pathway claims it in one of them.
    modes: tuple[Tag, ...] = ()
    available_from: Date | None = None
    available_until: Date | None = None
    # Delivery planning (solver.model.timing): units that must be achieved or come in an earlier period, units
    # taken in the same period (co-requisites), and when a centre runs the unit: month names ("January"), term
    # names ("autumn") or period ids of the plan. Empty: no order, no partner, offered in every period. A
    # prerequisite may also be credits of a group: `{credits: 20, group: B}` (at least 20 credits of group B first).
    requires: tuple[Code | CreditsFirst, ...] = ()
    with_: tuple[Code, ...] = Field(default=(), alias="with")
    offered: tuple[Text, ...] = ()

    def claimed_in(self, mode: str) -> Unit:
        """The unit claimed in one of its modes: a variable of its own, "CODE@mode"."""
        return self.model_copy(update={"code": claim_code(self.code, mode), "modes": (mode,)})

    def provenance_of(self, name: ValueName) -> Provenance:
        """Whether a value is published, derived by the specification, or unknown (null)."""
        if getattr(self, name) is None:
            return "unknown"
        return self.provenance.get(name, "published")

    def shown(self, name: ValueName) -> str:
        """A value as every answer shows it: "12", "12 (derived)", or "unknown"."""
        value, kind = getattr(self, name), self.provenance_of(name)
        return "unknown" if value is None else f"{value} (derived)" if kind == "derived" else str(value)

    @property
    def derived(self) -> tuple[str, ...]:
        """The values the specification works out rather than prints (credits from TQT)."""
        return tuple(name for name in ("level", "credits", "glh", "tqt") if self.provenance_of(name) == "derived")

    @property
    def shown_title(self) -> str:
        """The title as answers show it: marked where the specification prints it cut off."""
        return self.title + CUT_MARK if self.title_cut else self.title

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


class UncodedUnit(Unit):
    """A unit a group prints without a code (a provider's list of titles): the loader names it by a label."""

    code: SkipJsonSchema[None] = None  # type: ignore[assignment]


class Group(Frozen):
    """A named group of units within a qualification (e.g. Group 1, optional Group B)."""

    id: Text
    name: Text
    units: tuple[Code, ...]  # may be empty: a specification published as rules only
    # Units printed without a code: each is given a stable label (see solver.model.labels) and joins `units`.
    without_code: tuple[UncodedUnit, ...] = ()
    complete: bool = True  # False: the specification lists only some of the group's units
    credits: Count | None = None  # the group's total as published ("Group A: 28 credits"), held against its units
    unit_count: Count | None = None  # the number of units it says it has ("six mandatory units"), held likewise

    def count_mismatch(self) -> str | None:
        """Why the published number of units disagrees with the list, or None when it agrees (or the group lists
        only some of its units and no more than the number)."""
        listed = len(self.units) + len(self.without_code)
        if self.unit_count is None or listed == self.unit_count or (not self.complete and listed < self.unit_count):
            return None
        return f"{self.name} says it has {self.unit_count} units but lists {listed}"

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
    # An RQF level; a level on another framework as printed ("AQF 3", "SCQF 6"); `null` where none is published.
    level: Level | FrameworkLevel | None
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
