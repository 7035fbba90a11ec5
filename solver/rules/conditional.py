"""Conditional bounds: a minimum on a sum that applies only once a unit it selects is claimed."""

from __future__ import annotations

from typing import Literal

from solver.rules.base import Bound, Context, Scope, Side, Verdict, Where, listing
from solver.rules.linear import Linear, auxiliary
from solver.rules.sums import SumRule


class ConditionalSumRule(SumRule):
    """A sum rule in force only for pathways that claim a unit it selects ("if a unit is taken from group B2, at
    least 25 credits must come from B2"); a pathway with no such unit meets it."""

    kind: Literal["when-used"]  # type: ignore[assignment]

    def unused(self) -> str:
        """The rule's own variable "no unit it selects is claimed": fully determined by the units, so counts and
        listings stay over unit sets (as with the `groups` kind)."""
        return auxiliary(f"{self.id or 'when-used'}:unused")

    def triggers(self, ctx: Context) -> list[str]:
        """The units whose claim puts the bound in force: every unit the selection may select (a unit of
        unpublished level may be one, so it triggers the bound, which is the safe way round)."""
        chosen = set(self.where.select(ctx)) | set(self.where.maybe(ctx))
        return [c for c in ctx.units if c in chosen]

    def linears(self, ctx: Context) -> list[Linear]:
        flag, triggers = self.unused(), self.triggers(ctx)
        out = [Linear(((flag, 1), (c, 1)), None, 1) for c in triggers]  # unused: none of them claimed
        out.append(Linear(((flag, 1), *((c, 1) for c in triggers)), 1, None))  # none claimed: unused
        terms, possible, unknown = self.split(ctx)
        if self.min is not None:
            # Unused, the flag alone meets the minimum; used, the published values must (an unpublished value
            # counts 0, as in a plain sum). Every weight is non-negative, as the exact counter requires.
            out.append(Linear((*terms, (flag, self.min)), self.min, None))
        if self.max is not None:  # a sum over no claimed unit is 0: a maximum needs no condition
            out.append(Linear(terms + possible, None, self.max))
            if unknown:
                out.append(Linear(tuple((c, 1) for c in unknown), None, 0))
        return out

    def describe(self, ctx: Context) -> str:
        scope = self.scope_words(ctx)
        which = "any unit" if scope == "in total" else f"any unit {scope}"  # no selection: every unit
        return f"If {which} is claimed: {self.stated_bounds()} {scope}"

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        claimed = [c for c in self.triggers(ctx) if c in pathway]
        if not claimed:
            return Verdict(self.id or "", True, f"{self.stated_bounds()} if used", "none claimed",
                           f"{self.describe(ctx)}; no such unit is claimed, so the bound does not apply")
        verdict = SumRule.evaluate(self, pathway, ctx)
        return Verdict(verdict.id, verdict.holds, f"{verdict.required} (used: {listing(claimed)})", verdict.actual,
                       verdict.sentence, verdict.fix, unknown=verdict.unknown)

    def bounds(self, ctx: Context) -> tuple[Bound, ...]:
        # Only the maximum is a plain bound on the sum; relaxing the minimum as one would drop its condition.
        terms, metric = self.terms(ctx), self.stated_bounds().rsplit(" ", 1)[-1]
        return (Bound(Side.MAX, self.max, terms, metric),) if self.max is not None else ()

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if self.min is None and self.max is None:
            return [((), "expected 'min' or 'max' (or both)")]
        if self.min is not None and self.max is not None and self.min > self.max:
            return [(("min",), f"expected min <= max, got min {self.min} > max {self.max}")]
        return []  # a minimum the selection cannot reach only keeps its units out: see warnings

    def warnings(self, scope: Scope) -> list[tuple[Where, str]]:
        if scope.context is None or self.min is None or self._open(scope) or self.uncertain(scope.context):
            return []
        reachable = sum(self.weights(scope.context, self.where.select(scope.context)))
        if self.min <= reachable:
            return []
        return [(("min",), f"the selected units give only {reachable} toward min {self.min}: no pathway can claim "
                           f"any of them")]
