"""Rules that depend on when a learner registered: a unit replaced by another from a cut-off date."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from solver.rules.base import Code, Context, Date, Reference, RuleBase, Scope, Verdict, Where
from solver.rules.linear import Linear


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

    def references(self) -> list[Reference]:
        return [(("old",), "unit", self.old), (("new",), "unit", self.new)]

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        return [(("new",), "expected a different unit from 'old'")] if self.old == self.new else []

    def kind_cutoffs(self) -> tuple[dt.date, ...]:
        return (self.from_date,)

    def without_unit(self, code: str) -> ReplacementRule | None:
        return None if code in (self.old, self.new) else self

    def moved_to(self, day: dt.date) -> ReplacementRule:
        return self.model_copy(update={"from_date": day})
