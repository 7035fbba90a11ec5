"""Rule kinds: each states its linear constraints, evaluates a pathway in plain Python and describes itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from solver.linear import Linear, total

Count = Annotated[int, Field(strict=True, ge=0)]
# Unit codes as awarding bodies print them (8000-250, 600/5962/X): no spaces or footnote marks.
Code = Annotated[str, Field(strict=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]*$")]
Tag = Annotated[str, Field(strict=True, min_length=1)]


def _not_a_number(value: object) -> object:
    # pydantic reads a number as seconds since 1970, so `from: 0` would silently be 1970-01-01.
    if isinstance(value, (int, float)):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_number)]
Metric = Literal["credits", "units", "glh"]
METRIC_WORDS = {"credits": ("credit", "credits"), "units": ("unit", "units"), "glh": ("GLH", "GLH")}


class UnitFacts(Protocol):
    code: str
    title: str
    level: int
    credits: int
    glh: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """What a rule needs: the qualification's units and groups, and the learner's situation."""

    units: Mapping[str, UnitFacts]  # every unit of the qualification, in catalogue order
    groups: Mapping[str, tuple[str, ...]]  # group id -> unit codes
    group_names: Mapping[str, str]
    registered: dt.date | None = None  # None: a new learner, after every cut-off
    achieved: frozenset[str] = field(default_factory=frozenset)

    def registered_from(self, cutoff: dt.date) -> bool:
        return self.registered is None or self.registered >= cutoff


@dataclass(frozen=True)
class Verdict:
    """How one rule (or learner constraint) fares on one pathway."""

    id: str
    holds: bool
    required: str
    actual: str
    sentence: str
    fix: str | None = None


def listing(items: list[str], joiner: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def amount(n: int, metric: Metric) -> str:
    one, many = METRIC_WORDS[metric]
    return f"{n} {one if n == 1 else many}"


class RuleBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: Annotated[str, Field(strict=True, min_length=1)] | None = None
    note: str | None = None  # the awarding body's wording, kept for reference

    def linears(self, ctx: Context) -> list[Linear]:
        return []

    def describe(self, ctx: Context) -> str:
        raise NotImplementedError

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        raise NotImplementedError

    def references(self) -> dict[str, tuple[str, ...]]:
        """Unit codes and group ids this rule names, for validation: {'units': ..., 'groups': ...}."""
        return {"units": (), "groups": ()}


class Selector(BaseModel):
    """Which units a sum counts: all conditions given must hold; a list means any of its items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[Code, ...] = ()
    codes: tuple[Code, ...] = ()
    tags: tuple[Tag, ...] = ()
    level: Annotated[int, Field(strict=True, ge=0, le=8)] | None = None
    min_level: Annotated[int, Field(strict=True, ge=0, le=8)] | None = None
    max_level: Annotated[int, Field(strict=True, ge=0, le=8)] | None = None

    def select(self, ctx: Context) -> list[str]:
        in_groups = {c for g in self.groups for c in ctx.groups.get(g, ())}
        chosen = []
        for code, unit in ctx.units.items():
            if self.groups and code not in in_groups:
                continue
            if self.codes and code not in self.codes:
                continue
            if self.tags and not set(self.tags) & set(unit.tags):
                continue
            if self.level is not None and unit.level != self.level:
                continue
            if self.min_level is not None and unit.level < self.min_level:
                continue
            if self.max_level is not None and unit.level > self.max_level:
                continue
            chosen.append(code)
        return chosen

    def scope(self, ctx: Context) -> str:
        parts = []
        if self.groups:
            names = [ctx.group_names.get(g, g) for g in self.groups]
            parts.append(f"from {listing(names)}{' together' if len(names) > 1 else ''}")
        if self.codes:
            parts.append(f"from units {listing(list(self.codes), 'or')}")
        if self.tags:
            parts.append(f"from units tagged {listing(list(self.tags), 'or')}")
        if self.level is not None:
            parts.append(f"at level {self.level}")
        if self.min_level is not None:
            parts.append(f"at level {self.min_level} or above")
        if self.max_level is not None:
            parts.append(f"at level {self.max_level} or below")
        return " ".join(parts) if parts else "in total"


def weight(unit: UnitFacts, metric: Metric) -> int:
    return 1 if metric == "units" else getattr(unit, metric)


class SumRule(RuleBase):
    """A bound on a sum of credits, units or GLH over selected units: totals, group caps, n-of-group."""

    kind: Literal["sum"]
    sum: Metric = "credits"
    where: Selector = Selector()
    min: Count | None = None
    max: Count | None = None

    def terms(self, ctx: Context) -> tuple[tuple[str, int], ...]:
        return tuple((c, weight(ctx.units[c], self.sum)) for c in self.where.select(ctx))

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(self.terms(ctx), self.min, self.max)]

    def bounds(self) -> str:
        if self.min is not None and self.min == self.max:
            return f"exactly {amount(self.min, self.sum)}"
        if self.min is not None and self.max is not None:
            return f"at least {self.min} and at most {amount(self.max, self.sum)}"
        if self.min is not None:
            return f"at least {amount(self.min, self.sum)}"
        return f"at most {amount(self.max or 0, self.sum)}"

    def describe(self, ctx: Context) -> str:
        text = f"{self.bounds()} {self.where.scope(ctx)}"
        return text[0].upper() + text[1:]

    def total(self, pathway: frozenset[str], ctx: Context) -> int:
        return total(self.terms(ctx), pathway)

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        got = self.total(pathway, ctx)
        scope = self.where.scope(ctx)
        fix = None
        if self.min is not None and got < self.min:
            fix = f"add at least {amount(self.min - got, self.sum)} {scope}"
        elif self.max is not None and got > self.max:
            fix = f"remove at least {amount(got - self.max, self.sum)} {scope}"
        sentence = f"{self.describe(ctx)}; these units have {got}"
        return Verdict(self.id or "", fix is None, self.bounds(), str(got), sentence, fix)


class MandatoryRule(RuleBase):
    """Units, or whole groups, that every pathway must claim."""

    kind: Literal["mandatory"]
    units: tuple[Code, ...] = ()
    groups: tuple[Code, ...] = ()

    def codes(self, ctx: Context) -> list[str]:
        from_groups = [c for g in self.groups for c in ctx.groups.get(g, ())]
        return list(dict.fromkeys([*self.units, *from_groups]))

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(((c, 1),), 1, None) for c in self.codes(ctx)]

    def describe(self, ctx: Context) -> str:
        names = [f"all units of {ctx.group_names.get(g, g)}" for g in self.groups]
        names += list(self.units)
        return f"Mandatory: {listing(names)} ({len(self.codes(ctx))} units)"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        missing = [c for c in self.codes(ctx) if c not in pathway]
        sentence = self.describe(ctx) + (f"; missing {listing(missing)}" if missing else "; all present")
        fix = f"add {listing(missing)}" if missing else None
        required = f"all of {len(self.codes(ctx))}"
        return Verdict(self.id or "", not missing, required, f"{len(self.codes(ctx)) - len(missing)}", sentence, fix)

    def references(self) -> dict[str, tuple[str, ...]]:
        return {"units": self.units, "groups": self.groups}


class BarredRule(RuleBase):
    """Units that may not be claimed together: at most one of them."""

    kind: Literal["barred"]
    units: Annotated[tuple[Code, ...], Field(min_length=2)]

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(tuple((c, 1) for c in self.units if c in ctx.units), None, 1)]

    def describe(self, ctx: Context) -> str:
        return f"At most one of {listing(list(self.units))} may be claimed"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        present = [c for c in self.units if c in pathway]
        ok = len(present) <= 1
        sentence = self.describe(ctx) + ("" if ok else f"; these units have {listing(present)}")
        fix = None if ok else f"remove {listing(present[1:])}"
        return Verdict(self.id or "", ok, "at most 1", str(len(present)), sentence, fix)

    def references(self) -> dict[str, tuple[str, ...]]:
        return {"units": self.units, "groups": ()}


class ReplacementRule(RuleBase):
    """`new` replaces `old` for learners registered on or after `from`; the two are never both claimed."""

    kind: Literal["replacement"]
    old: Code
    new: Code
    from_date: Date = Field(alias="from")

    def old_barred(self, ctx: Context) -> bool:
        """Whether this learner may not claim the old unit: registered from the cut-off and not achieved."""
        return ctx.registered_from(self.from_date) and self.old not in ctx.achieved

    def linears(self, ctx: Context) -> list[Linear]:
        out = [Linear(((self.old, 1), (self.new, 1)), None, 1)]
        if self.old_barred(ctx):
            out.append(Linear(((self.old, 1),), None, 0))
        return out

    def describe(self, ctx: Context) -> str:
        return (f"{self.new} replaces {self.old} for learners registered from {self.from_date.isoformat()} "
                f"(unless {self.old} is already achieved); the two are never both claimed")

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        both = self.old in pathway and self.new in pathway
        stale = self.old in pathway and self.old_barred(ctx)
        if both:
            sentence, fix = f"{self.old} and {self.new} are both claimed", f"remove {self.old} or {self.new}"
        elif stale:
            sentence = (f"{self.old} is not claimable for learners registered from "
                        f"{self.from_date.isoformat()}: use {self.new}")
            fix = sentence
        else:
            sentence, fix = self.describe(ctx), None
        actual = ", ".join(c for c in (self.old, self.new) if c in pathway) or "neither"
        return Verdict(self.id or "", fix is None, f"{self.new} not {self.old}", actual, sentence, fix)

    def references(self) -> dict[str, tuple[str, ...]]:
        return {"units": (self.old, self.new), "groups": ()}


class EquivalenceRule(RuleBase):
    """A declared equivalence: achieving `unit` (often of another qualification) counts as `counts_as`."""

    kind: Literal["equivalence"]
    unit: Code
    counts_as: Code

    def describe(self, ctx: Context) -> str:
        return f"{self.unit} counts as {self.counts_as}"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        used = self.counts_as in pathway and self.unit in ctx.achieved
        note = f"; {self.counts_as} is credited from achieved {self.unit}" if used else ""
        return Verdict(self.id or "", True, "declared equivalence", "used" if used else "not used",
                       self.describe(ctx) + note)

    def references(self) -> dict[str, tuple[str, ...]]:
        return {"units": (self.counts_as,), "groups": ()}


Rule = Annotated[
    SumRule | MandatoryRule | BarredRule | ReplacementRule | EquivalenceRule,
    Field(discriminator="kind"),
]
RULE_KINDS = ("sum", "mandatory", "barred", "replacement", "equivalence")
