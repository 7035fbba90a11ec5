"""Registration windows: a qualification closed for registrations, and the date its certification ends."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from solver.rules.base import Context, Date, RuleBase, Scope, Verdict, Where
from solver.rules.linear import Linear


class WindowRule(RuleBase):
    """Learners registered after `registrations_close` cannot start ("closed for registrations; certification end
    31/07/2026"); `certification_end` is the last day a learner can be certificated, stated in every answer."""

    kind: Literal["window"]
    registrations_close: Date | None = None
    certification_end: Date | None = None

    def closed(self, ctx: Context) -> bool:
        """Whether this learner registered after the closing date (a new learner registers now: after it)."""
        return self.registrations_close is not None and (ctx.registered is None
                                                         or ctx.registered > self.registrations_close)

    def linears(self, ctx: Context) -> list[Linear]:
        return [Linear((), 1, None)] if self.closed(ctx) else []  # an empty sum of at least 1: never holds

    def describe(self, ctx: Context) -> str:
        parts = []
        if self.registrations_close is not None:
            parts.append(f"registrations close on {self.registrations_close.isoformat()}")
        if self.certification_end is not None:
            parts.append(f"certification ends on {self.certification_end.isoformat()}")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    def bars(self, ctx: Context) -> str | None:
        if not self.closed(ctx):
            return None
        who = "a learner registering now" if ctx.registered is None else \
            f"a learner registered on {ctx.registered.isoformat()}"
        assert self.registrations_close is not None
        return (f"registrations closed on {self.registrations_close.isoformat()}: {who} cannot start"
                + (f" (certification ends on {self.certification_end.isoformat()})" if self.certification_end else ""))

    def evaluate(self, pathway: frozenset[str], ctx: Context) -> Verdict:
        barred = self.bars(ctx)
        if barred is not None:
            return Verdict(self.id or "", False, "registered by the closing date", "registered after it",
                           barred[0].upper() + barred[1:])
        return Verdict(self.id or "", True, "registered by the closing date", "in time", self.describe(ctx))

    def own_problems(self, scope: Scope) -> list[tuple[Where, str]]:
        if self.registrations_close is None and self.certification_end is None:
            return [((), "expected 'registrations_close' or 'certification_end' (or both)")]
        close, end = self.registrations_close, self.certification_end
        if close is not None and end is not None and end < close:
            return [(("certification_end",), f"expected a date on or after registrations_close "
                                              f"({close.isoformat()}), got {end.isoformat()}")]
        return []

    def kind_cutoffs(self) -> tuple[dt.date, ...]:
        close = self.registrations_close
        return (close + dt.timedelta(days=1),) if close is not None else ()
