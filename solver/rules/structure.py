"""Structural rules: units (or whole groups) every pathway must claim, and units that bar each other."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from solver.rules.base import Code, Context, Reference, RuleBase, Verdict, listing, units_word
from solver.rules.linear import Linear


class MandatoryRule(RuleBase):
    """Units, or whole groups, that every pathway must claim."""

    kind: Literal["mandatory"]
    units: tuple[Code, ...] = ()
    groups: tuple[Code, ...] = ()

    def codes(self, ctx: Context) -> list[str]:
        """Every unit the rule names, exempt ones included."""
        from_groups = [c for g in self.groups for c in ctx.groups.get(g, ())]
        return list(dict.fromkeys([*self.units, *from_groups]))

    def required(self, ctx: Context) -> list[str]:
        """The units this learner must claim: an exemption meets the rule for its unit."""
        return [c for c in self.codes(ctx) if c not in ctx.exempt]

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(((c, 1),), 1, None) for c in self.required(ctx)]

    def describe(self, ctx: Context) -> str:
        names = [f"all units of {ctx.group_names.get(g, g)}" for g in self.groups]
        names += list(self.units)
        return f"Mandatory: {listing(names)} ({units_word(len(self.codes(ctx)))})"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        codes = self.codes(ctx)
        missing = [c for c in self.required(ctx) if c not in pathway]
        exempt = [c for c in codes if c in ctx.exempt]
        sentence = self.describe(ctx) + (f"; missing {listing(missing)}" if missing else "; all present")
        if exempt:
            sentence += f" ({listing(exempt)} met by exemption)"
        fix = f"add {listing(missing)}" if missing else None
        return Verdict(self.id or "", not missing, f"all of {len(codes)}", f"{len(codes) - len(missing)}",
                       sentence, fix)

    def references(self) -> list[Reference]:
        units: list[Reference] = [(("units", i), "unit", c) for i, c in enumerate(self.units)]
        groups: list[Reference] = [(("groups", i), "group", g) for i, g in enumerate(self.groups)]
        return units + groups

    def forced(self, ctx: Context) -> frozenset[str]:
        return frozenset(self.required(ctx))

    def without_unit(self, code: str) -> MandatoryRule:
        return self.model_copy(update={"units": tuple(c for c in self.units if c != code)})


class BarredRule(RuleBase):
    """Units that may not be claimed together: at most one of them."""

    kind: Literal["barred"]
    units: Annotated[tuple[Code, ...], Field(min_length=2)]

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear(tuple((c, 1) for c in self.units if ctx.claimable(c)), None, 1)]

    def describe(self, ctx: Context) -> str:
        return f"At most one of {listing(list(self.units))} may be claimed"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        present = [c for c in self.units if c in pathway]
        ok = len(present) <= 1
        sentence = self.describe(ctx) + ("" if ok else f"; these units have {listing(present)}")
        fix = None if ok else f"remove {listing(present[1:])}"
        return Verdict(self.id or "", ok, "at most 1", str(len(present)), sentence, fix)

    def references(self) -> list[Reference]:
        return [(("units", i), "unit", c) for i, c in enumerate(self.units)]

    def without_unit(self, code: str) -> BarredRule | None:
        rest = tuple(c for c in self.units if c != code)
        return self.model_copy(update={"units": rest}) if len(rest) >= 2 else None
