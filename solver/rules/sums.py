"""Sum rules: a bound on credits, units or GLH over selected units (totals, group caps, n-of-group, levels)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from solver.rules.base import (
    Bound,
    Code,
    Context,
    Count,
    LevelNumber,
    Metric,
    Reference,
    RuleBase,
    Scope,
    Side,
    Tag,
    UnitCredits,
    UnitFacts,
    Verdict,
    Where,
    amount,
    listing,
)
from solver.rules.linear import Linear, Terms, total


class Selector(BaseModel):
    """Which units a sum counts: all conditions given must hold; a list means any of its items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[Code, ...] = ()
    codes: tuple[Code, ...] = ()
    tags: tuple[Tag, ...] = ()
    level: LevelNumber | None = None
    min_level: LevelNumber | None = None
    max_level: LevelNumber | None = None
    unit_credits: tuple[UnitCredits, ...] = ()  # units of these sizes ("units of 6 or 9 credits")
    mode: Tag | None = None  # units claimed in this mode ("graded"): a unit offered in two counts in the one claimed

    def admits(self, code: str, unit: UnitFacts, in_groups: set[str]) -> bool | None:
        """Whether the unit is selected; None when that rests on its unpublished level or credit value."""
        if ((self.groups and code not in in_groups) or (self.codes and code not in self.codes)
                or (self.tags and not set(self.tags) & set(unit.tags))
                or (self.mode is not None and unit.modes != (self.mode,))):
            return False
        unknown = False
        if self.unit_credits:
            if unit.credits is None:
                unknown = True
            elif unit.credits not in self.unit_credits:
                return False
        if self.level is not None or self.min_level is not None or self.max_level is not None:
            level = unit.level
            if level is None:
                unknown = True
            elif ((self.level is not None and level != self.level)
                  or (self.min_level is not None and level < self.min_level)
                  or (self.max_level is not None and level > self.max_level)):
                return False
        return None if unknown else True

    def select(self, ctx: Context) -> list[str]:
        """The units certainly selected."""
        in_groups = {c for g in self.groups for c in ctx.groups.get(g, ())}
        return [code for code in self._candidates(ctx, in_groups)
                if self.admits(ctx.base(code), ctx.units[code], in_groups) is True]

    def _candidates(self, ctx: Context, in_groups: set[str]) -> Iterable[str]:
        """The variables that may be selected, in catalogue order: those of the groups or codes named (looked
        up, so a sum over a small group costs its size), else every one."""
        named = in_groups if self.groups else set(self.codes) if self.codes else None
        if named is None:
            return ctx.units
        return ctx.in_order(v for c in named for v in ctx.variables_of.get(c, ()))

    def maybe(self, ctx: Context) -> list[str]:
        """The units that are selected or not depending on a value the specification does not publish."""
        if not self.unit_credits and self.level is None and self.min_level is None and self.max_level is None:
            return []  # only levels and credit values can be unpublished
        in_groups = {c for g in self.groups for c in ctx.groups.get(g, ())}
        return [code for code in self._candidates(ctx, in_groups)
                if self.admits(ctx.base(code), ctx.units[code], in_groups) is None]

    def scope(self, ctx: Context) -> str:
        parts = []
        if self.groups:
            names = [ctx.group_names.get(g, g) for g in self.groups]
            parts.append(f"from {listing(names)}{' together' if len(names) > 1 else ''}")
        if self.codes:
            parts.append(f"from units {listing(list(self.codes), 'or')}")
        if self.tags:
            parts.append(f"from units tagged {listing(list(self.tags), 'or')}")
        if self.unit_credits:
            parts.append(f"from units of {listing([str(n) for n in self.unit_credits], 'or')} credits")
        if self.mode:
            parts.append(f"claimed {self.mode}")
        parts += self._levels()
        return " ".join(parts) if parts else "in total"

    def _levels(self) -> list[str]:
        if self.level is not None:
            return [f"at level {self.level}"]
        low, high = self.min_level, self.max_level
        if low is not None and high is not None:
            return [f"at level {low}" if low == high else f"at levels {low} to {high}"]
        if low is not None:
            return [f"at level {low} or above"]
        return [f"at level {high} or below"] if high is not None else []

    def without_code(self, code: str) -> Selector:
        return self.model_copy(update={"codes": tuple(c for c in self.codes if c != code)})


def weight(unit: UnitFacts, metric: Metric) -> int | None:
    """What a unit adds to a sum of `metric`; None when its value is not published."""
    return 1 if metric == "units" else getattr(unit, metric)


class SumRule(RuleBase):
    """A bound on a sum of credits, units or GLH over selected units: totals, group caps, n-of-group."""

    kind: Literal["sum"]
    sum: Metric = "credits"
    where: Selector = Selector()
    min: Count | None = None
    max: Count | None = None

    def split(self, ctx: Context) -> tuple[Terms, Terms, list[str]]:
        """The sum in three parts, from one selection: the units surely selected whose values are published;
        those whose selection rests on an unpublished level or credit value but whose weight is published; and
        the units whose weight itself is unpublished. Worked out once per rule and units (a learner changes
        neither), then shared by the summary, bounds, constraints and the evaluator."""
        terms, possible, unknown = ctx.of_rule("split", self, lambda: self._split(ctx))
        return terms, possible, list(unknown)

    def _split(self, ctx: Context) -> tuple[Terms, Terms, tuple[str, ...]]:
        maybe = set(self.where.maybe(ctx))
        chosen = set(self.where.select(ctx)) | maybe
        terms: list[tuple[str, int]] = []
        possible: list[tuple[str, int]] = []
        unknown: list[str] = []
        for c in ctx.in_order(chosen):
            w = weight(ctx.units[c], self.sum)
            if w is None:
                unknown.append(c)
            else:
                (possible if c in maybe else terms).append((c, w))
        return tuple(terms), tuple(possible), tuple(unknown)

    def parts(self, ctx: Context) -> tuple[Terms, list[str]]:
        """The sum over the units surely selected whose values are published, and the units whose unpublished
        value (or level) leaves what they add unknown."""
        terms, uncertain = ctx.of_rule("parts", self, lambda: self._parts(ctx))
        return terms, list(uncertain)

    def _parts(self, ctx: Context) -> tuple[Terms, tuple[str, ...]]:
        terms, possible, unknown = self.split(ctx)
        return terms, tuple(ctx.in_order({c for c, _ in possible} | set(unknown)))

    def terms(self, ctx: Context) -> Terms:
        return self.split(ctx)[0]

    def uncertain(self, ctx: Context) -> list[str]:
        return self.parts(ctx)[1]

    def linears(self, ctx: Context) -> list[Linear]:
        # What an uncertain unit adds is unknown but never negative: it cannot help meet a minimum for sure
        # (so it counts 0 there); under a maximum it counts its weight when only its selection is uncertain
        # (it may be selected), and when its weight is unpublished any amount could break it (so it is not
        # claimed). Every pathway the solver returns is then valid whatever the values turn out to be.
        terms, possible, unknown = self.split(ctx)
        if not possible:
            out = [Linear(terms, self.min, self.max)]
        else:
            out = [Linear(terms, self.min, None)] if self.min is not None else []
            out += [Linear(terms + possible, None, self.max)] if self.max is not None else []
        if unknown and self.max is not None:
            out.append(Linear(tuple((c, 1) for c in unknown), None, 0))
        return out

    def stated_bounds(self) -> str:
        if self.min is not None and self.min == self.max:
            return f"exactly {amount(self.min, self.sum)}"
        if self.min is not None and self.max is not None:
            return f"at least {self.min} and at most {amount(self.max, self.sum)}"
        if self.min is not None:
            return f"at least {amount(self.min, self.sum)}"
        return f"at most {amount(self.max or 0, self.sum)}"

    def scope_words(self, ctx: Context) -> str:
        """Which units the sum is over, in words ("from Group B", "in total"): from the rule and the group names
        alone, so worked out once per qualification."""
        return ctx.of_rule("scope words", self, lambda: self.where.scope(ctx))

    def describe(self, ctx: Context) -> str:
        return ctx.of_rule("description", self, lambda: self._describe(ctx))

    def _describe(self, ctx: Context) -> str:
        text = f"{self.stated_bounds()} {self.scope_words(ctx)}"
        return text[0].upper() + text[1:]

    def total(self, pathway: frozenset[str], ctx: Context) -> int:
        return total(self.terms(ctx), pathway)

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        terms, possible, unpublished = self.split(ctx)
        got = total(terms, pathway)
        upper = got + total(possible, pathway)  # if every unit of uncertain selection is selected
        scope = self.scope_words(ctx)
        unknown = tuple(c for c in self.parts(ctx)[1] if c in pathway)
        fix = None
        if self.max is not None and got > self.max:
            fix = f"remove at least {amount(got - self.max, self.sum)} {scope}"
        elif unknown and ((self.max is not None and (upper > self.max or any(c in pathway for c in unpublished)))
                          or (self.min is not None and got < self.min)):
            # An unpublished value could be anything from 0: enough, or too much. Not a verdict to guess.
            sentence = (f"{self.describe(ctx)}; these units have {got} plus the unpublished values of "
                        f"{listing(list(unknown))}: undetermined")
            return Verdict(self.id or "", False, self.stated_bounds(), f"{got} + unknown", sentence,
                           f"publish the values of {listing(list(unknown))}", unknown=unknown)
        elif self.min is not None and got < self.min:
            fix = f"add at least {amount(self.min - got, self.sum)} {scope}"
        sentence = f"{self.describe(ctx)}; these units have {got}"
        return Verdict(self.id or "", fix is None, self.stated_bounds(), str(got), sentence, fix)

    def references(self) -> list[Reference]:
        codes: list[Reference] = [(("where", "codes", i), "unit", c) for i, c in enumerate(self.where.codes)]
        groups: list[Reference] = [(("where", "groups", i), "group", g) for i, g in enumerate(self.where.groups)]
        return codes + groups

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if self.min is None and self.max is None:
            return [((), "expected 'min' or 'max' (or both)")]
        if self.min is not None and self.max is not None and self.min > self.max:
            return [(("min",), f"expected min <= max, got min {self.min} > max {self.max}")]
        if scope.context is None:
            return []
        ctx = scope.context
        selected = self.where.select(ctx)
        reachable = sum(self.weights(ctx, selected))
        if self.min is not None and self.min > reachable and not self.uncertain(ctx) and not self._open(scope):
            given = "the one selected unit gives" if len(selected) == 1 else f"all {len(selected)} selected units give"
            return [(("min",), f"rule can never hold: min {amount(self.min, self.sum)} but {given} only "
                               f"{reachable}")]
        floor = sum(self.weights(ctx, [c for c in selected if c in scope.forced]))
        if self.max is not None and self.max < floor:
            return [(("max",), f"rule can never hold: max {amount(self.max, self.sum)} but the "
                               f"mandatory units alone give {floor}")]
        return []

    def _open(self, scope: Scope) -> bool:
        """Whether the rule may select units the specification does not list (of an open group)."""
        return bool(scope.open_groups & set(self.where.groups)) if self.where.groups else bool(scope.open_groups)

    def warnings(self, scope: Scope) -> list[tuple[Where, str]]:
        if scope.context is None or self.min is None or not self._open(scope):
            return []
        reachable = sum(self.weights(scope.context, self.where.select(scope.context)))
        if self.min <= reachable:
            return []
        return [(("min",), f"the listed units give only {reachable} toward min {amount(self.min, self.sum)}; "
                           f"the group lists only some of its units, so answers over the listed units find no "
                           f"pathway")]

    def weights(self, ctx: Context, codes: list[str]) -> list[int]:
        """The published weights of `codes` (unpublished ones left out: a lower bound on their sum)."""
        return [w for c in codes if (w := weight(ctx.units[c], self.sum)) is not None]

    def bounds(self, ctx: Context) -> tuple[Bound, ...]:
        terms, metric = self.terms(ctx), amount(2, self.sum).split(" ", 1)[1]
        out = []
        if self.min is not None:
            out.append(Bound(Side.MIN, self.min, terms, metric))
        if self.max is not None:
            out.append(Bound(Side.MAX, self.max, terms, metric))
        return tuple(out)

    def without_unit(self, code: str) -> SumRule:
        if code not in self.where.codes:
            return self
        return self.model_copy(update={"where": self.where.without_code(code)})
