"""Declared equivalences: a unit (often of another qualification) that counts as a unit of this one."""

from __future__ import annotations

from typing import Literal

from solver.rules.base import Code, Context, Reference, RuleBase, Scope, Verdict, Where


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

    def references(self) -> list[Reference]:
        return [(("counts_as",), "unit", self.counts_as)]

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if scope.defined is not None and self.unit not in scope.defined:
            return [(("unit",), f"unit {self.unit!r} is not defined in the catalogue")]
        return []

    def credits(self, achieved: frozenset[str]) -> dict[str, str]:
        return {self.counts_as: self.unit} if self.unit in achieved else {}

    def without_unit(self, code: str) -> EquivalenceRule | None:
        return None if code == self.counts_as else self
