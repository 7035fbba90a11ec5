"""What unpublished credit values can be: each from 0 to the limit, and together within a group's published total."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from solver.limits import MAX_UNIT_CREDITS
from solver.model.documents import Qualification
from solver.rules import Context


@dataclass(frozen=True, kw_only=True)
class CreditBounds:
    """The credits of a set of units: exact when `low == high`; `high` None when no published total bounds it
    (an unpublished value could be up to the limit); `unknown`: the claimed units whose values are unpublished."""

    low: int
    high: int | None
    unknown: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def words(self) -> str:
        """'28 credits', 'at least 12 credits' or '12 to 20 credits', naming the units that leave it open."""
        if self.exact:
            return f"{self.low} credits"
        span = f"at least {self.low}" if self.high is None else f"{self.low} to {self.high}"
        return f"{span} credits ({', '.join(self.unknown)} unpublished)"

    def to_dict(self) -> dict:
        return {"credits_at_least": self.low, "credits_at_most": self.high,
                "credits_rest_on_unpublished": list(self.unknown)}


def group_remainders(q: Qualification, ctx: Context) -> list[tuple[tuple[str, ...], int, bool]]:
    """For each group publishing a total: its units of unpublished credits, what their credits add up to (the
    total less the published values), and whether that sum is exact (the group lists all its units) or a
    maximum (it lists only some)."""
    out = []
    for g in q.groups:
        if g.credits is None:
            continue
        values = {c: ctx.units[c].credits for c in g.units if c in ctx.units}
        unknown = tuple(c for c, v in values.items() if v is None)
        known = sum(v for v in values.values() if v is not None)
        if unknown and known <= g.credits:  # a total already exceeded is a mismatch the catalogue reports
            out.append((unknown, g.credits - known, g.complete))
    return out


def unknown_range(q: Qualification, ctx: Context, counted: Collection[str]) -> tuple[int, int | None]:
    """The least and most the unpublished credits of the units `counted` add up to over every completion (each
    from 0 to the limit, a group's together within its published total); most None when no total bounds it."""
    low, high, covered = 0, 0, set()
    for members, remainder, exact in group_remainders(q, ctx):
        inside = [c for c in members if c in counted]
        covered.update(inside)
        if exact:
            low += max(0, remainder - MAX_UNIT_CREDITS * (len(members) - len(inside)))
        high += min(remainder, MAX_UNIT_CREDITS * len(inside))
    return low, high if all(c in covered for c in counted) else None


def credit_bounds(q: Qualification, ctx: Context, chosen: Collection[str]) -> CreditBounds:
    """The least and most credits `chosen` can carry over every completion of the unpublished values."""
    claimed = [c for c in ctx.units if c in chosen]  # catalogue order, whatever order `chosen` has
    known = sum(ctx.units[c].credits or 0 for c in claimed)
    unknown = tuple(dict.fromkeys(ctx.base(c) for c in claimed if ctx.units[c].credits is None))
    low, high = unknown_range(q, ctx, unknown)
    return CreditBounds(low=known + low, high=None if high is None else known + high, unknown=unknown)
