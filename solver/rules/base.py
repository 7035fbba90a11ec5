"""What every rule kind shares: field types, the context it is judged in, verdicts, and the rule protocol."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from solver.limits import MAX_TOTAL, MAX_UNIT_CREDITS, MAX_UNIT_HOURS
from solver.rules.linear import Linear, Terms

Count = Annotated[int, Field(strict=True, ge=0, le=MAX_TOTAL)]  # a total or bound (solver/limits.py)
UnitCredits = Annotated[int, Field(strict=True, ge=0, le=MAX_UNIT_CREDITS)]
UnitHours = Annotated[int, Field(strict=True, ge=0, le=MAX_UNIT_HOURS)]
# Unit codes as awarding bodies print them (8000-250, 600/5962/X, sector codes such as "SHC 31"): single
# spaces inside, no footnote marks (a trailing ^ or * is a footnote, not part of the code).
CODE = r"[A-Za-z0-9][A-Za-z0-9/._-]*(?: [A-Za-z0-9/._-]+)*"
Code = Annotated[str, Field(strict=True, pattern=f"^{CODE}$")]
# What a learner names: a unit, or a unit in one of the modes it is offered in ("D1@graded").
Claim = Annotated[str, Field(strict=True, pattern=f"^{CODE}(?:@[^@]+)?$")]
Tag = Annotated[str, Field(strict=True, min_length=1)]
LevelNumber = Annotated[int, Field(strict=True, ge=0, le=8)]


MODE_MARK = "@"  # unit codes cannot hold it: "CODE@graded" is the unit claimed in its graded mode


def claim_code(code: str, mode: str) -> str:
    return f"{code}{MODE_MARK}{mode}"


def unit_of(code: str) -> str:
    """The unit a variable stands for: itself, or the unit of a claim in one mode."""
    return code.split(MODE_MARK, 1)[0]


DATE_EXPECTED = "expected a date (YYYY-MM-DD)"


def parse_date(text: str) -> dt.date:
    """The one reading of a date written as text (a CLI option, a CSV cell, a quoted YAML value)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{DATE_EXPECTED}, got {text!r}") from None


def _date_input(value: object) -> object:
    # pydantic reads a number as seconds since 1970, so `from: 0` would silently be 1970-01-01.
    if isinstance(value, (int, float)):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            raise PydanticCustomError("date_parsing", "Input should be a valid date") from None
    return value


# The one date type of every document (catalogues, scenarios, what-if files, cohort rows): never a number.
Date = Annotated[dt.date, BeforeValidator(_date_input)]
Metric = Literal["credits", "units", "glh", "tqt"]
METRIC_WORDS = {"credits": ("credit", "credits"), "units": ("unit", "units"), "glh": ("GLH", "GLH"),
                "tqt": ("TQT", "TQT")}
Where = tuple[str | int, ...]  # a path inside the rule's own YAML mapping, e.g. ('where', 'groups', 0)
Reference = tuple[Where, Literal["unit", "group"], str]  # where a rule names a unit or group, what, and which
T = TypeVar("T")


class _FrozenMapping(dict[str, Any]):
    """A mapping value of a frozen rule (its readings): hashable, so rules stay usable as cache keys."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(json.dumps(self, sort_keys=True, default=str)) if self else 0


def _hashable(value: dict[str, Any]) -> dict[str, Any]:
    return _FrozenMapping({k: _FrozenMapping(v) if isinstance(v, dict) else v for k, v in value.items()})


frozen_mapping = _hashable  # for models of other layers whose mapping fields must stay hashable


class UnitFacts(Protocol):
    """What rules read of a unit (solver.model.documents.Unit has it, read-only)."""

    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def level(self) -> int | None: ...
    @property
    def credits(self) -> int | None: ...  # None: not published
    @property
    def glh(self) -> int | None: ...
    @property
    def tqt(self) -> int | None: ...  # total qualification time of the unit, hours; None: not given
    @property
    def tags(self) -> tuple[str, ...]: ...

    @property
    def modes(self) -> tuple[str, ...]: ...  # e.g. ("graded", "ungraded"); a claim has its one mode
    @property
    def unpublished(self) -> tuple[str, ...]: ...
    @property
    def derived(self) -> tuple[str, ...]: ...  # values the specification works out rather than prints

    def available_on(self, day: dt.date | None) -> bool: ...


SHARED_LIMIT = 4096  # entries of a context's shared store (a qualification has a few per rule)


@dataclass(frozen=True)
class Context:
    """What a rule needs: the qualification's units and groups, and the learner's situation."""

    units: Mapping[str, UnitFacts]  # every unit of the qualification, in catalogue order
    groups: Mapping[str, tuple[str, ...]]  # group id -> unit codes
    group_names: Mapping[str, str]
    registered: dt.date | None = None  # None: a new learner, after every cut-off
    achieved: frozenset[str] = field(default_factory=frozenset)
    exempt: frozenset[str] = field(default_factory=frozenset)  # met by recognition of prior learning, no credit
    # Import slots: rule id -> the units of other qualifications it may take (variables: they are in `units`).
    imported: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Units offered in several modes (graded or ungraded): code -> one claim per mode ("CODE@graded"). The
    # claims, not the unit, are the keys of `units` and the variables: a pathway claims the unit in one mode.
    claims: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # What is derived from the units and groups (and their names) alone, not from the learner: one store shared by every
    # context over the same units and groups, so a cohort works a rule's selection out once, not per learner.
    # Whoever builds a context with other units or groups starts a fresh one (the default).
    shared: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def base(self, code: str) -> str:
        """The unit a variable stands for: itself, or the unit of a claim in one mode."""
        return unit_of(code)

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """What `make` derives from the units and groups, made once per shared store."""
        try:
            return self.shared[key]
        except KeyError:
            value = self.shared[key] = make()
            return value

    def of_rule(self, what: str, rule: object, make: Callable[[], T]) -> T:
        """What `make` derives from one rule (immutable) and the units and groups, made once per shared store;
        keyed by the rule's identity, which the entry keeps alive (so the identity is never reused)."""
        entry = self.shared.get((what, id(rule)))
        if entry is None or entry[0] is not rule:
            if len(self.shared) >= SHARED_LIMIT:  # rules made on the fly (edited, re-read) must not pile up
                self.shared.clear()
            entry = self.shared[(what, id(rule))] = (rule, make())
        return entry[1]

    # Computed once per context, so a sum over one small group looks its units up instead of scanning the
    # whole catalogue (with a group per 25 units, formulating 10,000 units took 24 s; it grew as units^2).
    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Each variable's place in catalogue order."""
        return self.derived("position", lambda: {code: i for i, code in enumerate(self.units)})

    @functools.cached_property
    def variables_of(self) -> dict[str, tuple[str, ...]]:
        """Unit code -> its variables (the unit itself, or its claims in each mode), in catalogue order."""
        return self.derived("variables_of", self._variables_of)

    def _variables_of(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for code in self.units:
            out.setdefault(unit_of(code), []).append(code)
        return {k: tuple(v) for k, v in out.items()}

    def in_order(self, codes: Iterable[str]) -> list[str]:
        """Variables in catalogue order."""
        return sorted(codes, key=self.position.__getitem__)

    def claimable(self, code: str) -> bool:
        """Whether a unit (or claim) can be claimed here: one of `units`, or a unit claimed in a mode."""
        return code in self.units or code in self.claims

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
    source: str | None = None  # where the rule is written (file:line:column), when it came from a file
    note: str | None = None  # the awarding body's own wording of the rule
    unknown: tuple[str, ...] = ()  # claimed units whose unpublished values leave the verdict undetermined

    @property
    def determined(self) -> bool:
        """Whether the verdict is known: False when it rests on values the specification does not publish."""
        return not self.unknown or self.holds


class Side(StrEnum):
    MIN = "min"
    MAX = "max"


@dataclass(frozen=True)
class Bound:
    """One number of a rule that a designer (or learner) could relax: a minimum or maximum on a sum."""

    side: Side
    value: int
    terms: Terms  # the sum it bounds
    metric: str  # what the sum counts, in words: "credits", "units", "GLH", "new GLH"


@dataclass(frozen=True)
class Scope:
    """What validation judges a rule against: the qualification's units and groups, and the catalogue's.

    `defined` is None when a file of the catalogue failed to load (its units are unknown, so "not defined"
    would be said of units that are merely in the broken file); `context` is None when some unit a rule
    could select is unknown, so whether its bounds can be met cannot be judged.
    """

    own: frozenset[str]
    groups: frozenset[str]
    defined: frozenset[str] | None
    context: Context | None
    forced: frozenset[str]  # units some rule makes mandatory
    open_groups: frozenset[str] = frozenset()  # groups that list only some of their units
    qualifications: frozenset[str] | None = None  # ids of the catalogue's other qualifications (import slots)


def listing(items: list[str], joiner: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def amount(n: int, metric: Metric | str) -> str:
    one, many = METRIC_WORDS.get(metric, (metric, metric))
    return f"{n} {one if n == 1 else many}"


def units_word(n: int) -> str:
    return f"{n} unit{'' if n == 1 else 's'}"


class RuleBase(BaseModel):
    """A rule kind: states its constraints, evaluates a pathway, describes, validates and edits itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: Annotated[str, Field(strict=True, min_length=1)] | None = None
    note: str | None = None  # the awarding body's wording, shown beside the rule's own sentence
    # A version of the rules: the rule applies to learners registered from / until these dates.
    registered_from: Date | None = None
    registered_until: Date | None = None
    # Alternative readings of ambiguous wording: the fields above state the reading named `reading`; each
    # entry of `readings` names another and the fields it changes ({exactly: {max: 6}}).
    reading: Annotated[str, Field(strict=True, min_length=1)] | None = None
    readings: Annotated[dict[str, dict[str, Any]], AfterValidator(_hashable)] = Field(
        default_factory=lambda: _FrozenMapping())

    def applies(self, ctx: Context) -> bool:
        """Whether the rule is in force for this learner (its version covers their registration date)."""
        if self.registered_from is not None and not ctx.registered_from(self.registered_from):
            return False
        if self.registered_until is not None:
            return ctx.registered is not None and ctx.registered <= self.registered_until
        return True

    def summary(self, ctx: Context) -> str:
        """The rule's sentence with when it applies and which reading it states, for listings and explanations."""
        text = self.describe(ctx)
        if self.version():
            text += f", {self.version()}"
        names = self.reading_names()
        if names:
            text += f" (read as {names[0]!r}; other readings: {', '.join(repr(n) for n in names[1:])})"
        return text

    def version(self) -> str:
        """When the rule applies, in words, or '' when it always does."""
        parts = []
        if self.registered_from is not None:
            parts.append(f"from {self.registered_from.isoformat()}")
        if self.registered_until is not None:
            parts.append(f"until {self.registered_until.isoformat()}")
        return f"for learners registered {' '.join(parts)}" if parts else ""

    def read_as(self, name: str) -> RuleBase:
        """The rule under its reading `name` (itself if that is its stated reading or it has no such reading)."""
        if name not in self.readings:
            return self
        fields = {**self.model_dump(by_alias=True, exclude={"readings", "reading"}, exclude_none=True),
                  **self.readings[name]}
        return type(self).model_validate({**fields, "reading": name})

    def reading_names(self) -> list[str]:
        """Every reading of the rule, its stated one first; empty when its wording admits one reading."""
        if not self.readings:
            return []
        return [self.reading or "stated", *(n for n in self.readings if n != self.reading)]

    def linears(self, ctx: Context) -> list[Linear]:
        return []

    def describe(self, ctx: Context) -> str:
        raise NotImplementedError

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        raise NotImplementedError

    def references(self) -> list[Reference]:
        """Every unit code and group id the rule names, with where it names it."""
        return []

    def problems(self, scope: Scope) -> list[tuple[Where, str]]:
        """What is wrong with the rule within its qualification: unknown references, then its own checks."""
        out: list[tuple[Where, str]] = []
        for where, what, ref in self.references():
            known = scope.own if what == "unit" else scope.groups
            if ref not in known:
                out.append((where, f"{what} {ref!r} is not part of the qualification"))
        # The kind's own checks are independent of its references, but whether its bounds can be met is
        # only judged once every unit it names is known.
        out += self.own_problems(dataclasses.replace(scope, context=None) if out else scope)
        if self.registered_from and self.registered_until and self.registered_until < self.registered_from:
            out.append((("registered_until",), f"expected a date on or after registered_from "
                                               f"({self.registered_from.isoformat()}), got "
                                               f"{self.registered_until.isoformat()}"))
        for name in self.readings:
            out += self._reading_problems(name, scope)
        return out

    def _reading_problems(self, name: str, scope: Scope) -> list[tuple[Where, str]]:
        """A reading changes fields of the same kind of rule, to values that make sense on their own."""
        where: Where = ("readings", name)
        changed = self.readings[name]
        if not isinstance(changed, dict) or not changed:
            return [(where, "expected a mapping of the fields this reading changes, e.g. {max: 6}")]
        fixed = {"id", "kind", "readings", "reading", "note"} & set(changed)
        if fixed:
            return [(where, f"a reading cannot change {', '.join(sorted(fixed))}")]
        try:
            alternative = self.read_as(name)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            field = ".".join(str(x) for x in first["loc"])
            return [(where + tuple(first["loc"]), f"reading {name!r}: {field}: {first['msg']}")]
        return [(where + w, f"reading {name!r}: {m}") for w, m in alternative.own_problems(scope)]

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        """Checks of the kind itself (bounds that can never hold, a unit replacing itself), references known."""
        return []

    def uncertain(self, ctx: Context) -> list[str]:
        """Units whose unpublished values leave what the rule makes of them unknown."""
        return []

    def bounds(self, ctx: Context) -> tuple[Bound, ...]:
        """The numbers of the rule that could be relaxed, each on its own."""
        return ()

    def warnings(self, scope: Scope) -> list[tuple[Where, str]]:
        """What is worth a designer's attention but need not be wrong (e.g. a rule the listed units of an
        open group cannot meet: the unlisted ones may)."""
        return []

    def forced(self, ctx: Context) -> frozenset[str]:
        """Units every pathway must claim because of this rule."""
        return frozenset()

    def bars(self, ctx: Context) -> str | None:
        """Why no pathway at all is open to this learner because of the rule (registrations closed), or None."""
        return None

    def cutoffs(self) -> tuple[dt.date, ...]:
        """Registration dates at which the rule treats learners differently: its version's, and its kind's."""
        out = [d for d in (self.registered_from,) if d is not None]
        if self.registered_until is not None:
            out.append(self.registered_until + dt.timedelta(days=1))
        return (*out, *self.kind_cutoffs())

    def kind_cutoffs(self) -> tuple[dt.date, ...]:
        return ()

    def imports(self, elsewhere: Mapping[str, Mapping[str, UnitFacts]]) -> list[str]:
        """Units of other qualifications (qualification id -> its units) the rule lets a pathway claim."""
        return []

    def credits(self, achieved: frozenset[str]) -> dict[str, str]:
        """Units of the qualification credited from achieved units (credited unit -> achieved unit)."""
        return {}

    def without_unit(self, code: str) -> RuleBase | None:
        """The rule once `code` is withdrawn from the qualification; None when nothing of it is left."""
        return self

    def moved_to(self, day: dt.date) -> RuleBase | None:
        """The rule with its date moved to `day` (a version's start); None when it has no date to move."""
        return self.model_copy(update={"registered_from": day}) if self.registered_from is not None else None

    def with_id(self, rule_id: str) -> RuleBase:
        return self if self.id else self.model_copy(update={"id": rule_id})
