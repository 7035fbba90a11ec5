"""Sum rules: a bound on credits, units or GLH over selected units (totals, group caps, n-of-group, levels)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from solver.linear import Linear, Terms, total
from solver.rules.base import (Bound, Code, Context, Count, LevelNumber, Metric, RuleBase, Scope, Side, Tag,
                               UnitFacts, Reference, Verdict, Where, amount, listing)


class Selector(BaseModel):
    """Which units a sum counts: all conditions given must hold; a list means any of its items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[Code, ...] = ()
    codes: tuple[Code, ...] = ()
    tags: tuple[Tag, ...] = ()
    level: LevelNumber | None = None
    min_level: LevelNumber | None = None
    max_level: LevelNumber | None = None
    unit_credits: tuple[Count, ...] = ()  # units of these sizes ("units of 6 or 9 credits")

    def admits(self, code: str, unit: UnitFacts, in_groups: set[str]) -> bool:
        return ((not self.groups or code in in_groups)
                and (not self.codes or code in self.codes)
                and (not self.unit_credits or unit.credits in self.unit_credits)
                and (not self.tags or bool(set(self.tags) & set(unit.tags)))
                and (self.level is None or unit.level == self.level)
                and (self.min_level is None or unit.level >= self.min_level)
                and (self.max_level is None or unit.level <= self.max_level))

    def select(self, ctx: Context) -> list[str]:
        in_groups = {c for g in self.groups for c in ctx.groups.get(g, ())}
        return [code for code, unit in ctx.units.items() if self.admits(code, unit, in_groups)]

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


def weight(unit: UnitFacts, metric: Metric) -> int:
    return 1 if metric == "units" else getattr(unit, metric)


class SumRule(RuleBase):
    """A bound on a sum of credits, units or GLH over selected units: totals, group caps, n-of-group."""

    kind: Literal["sum"]
    sum: Metric = "credits"
    where: Selector = Selector()
    min: Count | None = None
    max: Count | None = None

    def terms(self, ctx: Context) -> Terms:
        return tuple((c, weight(ctx.units[c], self.sum)) for c in self.where.select(ctx))

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(self.terms(ctx), self.min, self.max)]

    def stated_bounds(self) -> str:
        if self.min is not None and self.min == self.max:
            return f"exactly {amount(self.min, self.sum)}"
        if self.min is not None and self.max is not None:
            return f"at least {self.min} and at most {amount(self.max, self.sum)}"
        if self.min is not None:
            return f"at least {amount(self.min, self.sum)}"
        return f"at most {amount(self.max or 0, self.sum)}"

    def describe(self, ctx: Context) -> str:
        text = f"{self.stated_bounds()} {self.where.scope(ctx)}"
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
        reachable = sum(weight(ctx.units[c], self.sum) for c in selected)
        if self.min is not None and self.min > reachable:
            given = "the one selected unit gives" if len(selected) == 1 else f"all {len(selected)} selected units give"
            return [(("min",), f"rule can never hold: min {amount(self.min, self.sum)} but {given} only "
                               f"{reachable}")]
        floor = sum(weight(ctx.units[c], self.sum) for c in selected if c in scope.forced)
        if self.max is not None and self.max < floor:
            return [(("max",), f"rule can never hold: max {amount(self.max, self.sum)} but the "
                               f"mandatory units alone give {floor}")]
        return []

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
