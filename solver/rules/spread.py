"""Spread rules: units from at least (or at most) so many distinct groups, with a Boolean per group."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from solver.rules.base import Code, Context, Count, Reference, RuleBase, Scope, Verdict, Where, listing
from solver.rules.linear import Linear, auxiliary


class GroupSpreadRule(RuleBase):
    """Units from at least `min` (and at most `max`) of the named groups; a group counts once one of its
    units is claimed ("at least 6 units from at least two of the three optional groups")."""

    kind: Literal["groups"]
    groups: Annotated[tuple[Code, ...], Field(min_length=2)]
    min: Count | None = None
    max: Count | None = None

    def unused(self, group: str) -> str:
        """The rule's own variable "no unit of `group` is claimed": fully determined by the units, so every
        unit set has exactly one assignment of it and counts and listings stay over unit sets."""
        return auxiliary(f"{self.id or 'groups'}:unused:{group}")

    def linears(self, ctx: Context) -> list[Linear]:
        # With "unused" rather than "used" every weight is non-negative, which the exact counter requires.
        out = []
        for g in self.groups:
            units = [c for c in ctx.groups.get(g, ()) if ctx.claimable(c)]
            flag = self.unused(g)
            out += [Linear(((flag, 1), (c, 1)), None, 1) for c in units]  # unused: none of its units
            out.append(Linear(((flag, 1), *((c, 1) for c in units)), 1, None))  # no unit: unused
        flags = tuple((self.unused(g), 1) for g in self.groups)
        if self.min is not None:
            out.append(Linear(flags, None, len(self.groups) - self.min))
        if self.max is not None:
            out.append(Linear(flags, len(self.groups) - self.max, None))
        return out

    def used(self, pathway: frozenset[str], ctx: Context) -> list[str]:
        return [g for g in self.groups if any(c in pathway for c in ctx.groups.get(g, ()))]

    def stated_bounds(self) -> str:
        if self.min is not None and self.min == self.max:
            return f"exactly {self.min}"
        if self.min is not None and self.max is not None:
            return f"at least {self.min} and at most {self.max}"
        return f"at least {self.min}" if self.min is not None else f"at most {self.max}"

    def describe(self, ctx: Context) -> str:
        names = [ctx.group_names.get(g, g) for g in self.groups]
        return f"Units from {self.stated_bounds()} of {listing(names, 'and')}"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        used = self.used(pathway, ctx)
        n = len(used)
        names = [ctx.group_names.get(g, g) for g in used]
        sentence = f"{self.describe(ctx)}; these units are from {n} ({listing(names) or 'none'})"
        fix = None
        if self.min is not None and n < self.min:
            rest = [ctx.group_names.get(g, g) for g in self.groups if g not in used]
            fix = f"add a unit from {self.min - n} more of {listing(rest, 'or')}"
        elif self.max is not None and n > self.max:
            fix = f"remove every unit of {n - self.max} of {listing(names, 'or')}"
        return Verdict(self.id or "", fix is None, self.stated_bounds(), str(n), sentence, fix)

    def references(self) -> list[Reference]:
        return [(("groups", i), "group", g) for i, g in enumerate(self.groups)]

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if self.min is None and self.max is None:
            return [((), "expected 'min' or 'max' (or both)")]
        if self.min is not None and self.max is not None and self.min > self.max:
            return [(("min",), f"expected min <= max, got min {self.min} > max {self.max}")]
        if len(set(self.groups)) != len(self.groups):
            return [(("groups",), "expected each group once")]
        if self.min is not None and self.min > len(self.groups):
            return [(("min",), f"rule can never hold: min {self.min} groups but it names only {len(self.groups)}")]
        return []
