"""What unpublished credit values can be: each from 0 to the limit, and together within a group's published total."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any

from solver.limits import MAX_UNIT_CREDITS
from solver.model.documents import Qualification
from solver.rules import Context, Verdict, amount
from solver.rules.linear import Linear, auxiliary, total
from solver.rules.sums import SumRule


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

    def to_dict(self) -> dict[str, Any]:
        return {"credits_at_least": self.low, "credits_at_most": self.high,
                "credits_rest_on_unpublished": list(self.unknown)}


def group_remainders(q: Qualification, ctx: Context) -> list[tuple[tuple[str, ...], int, bool]]:
    """For each group publishing a total: its units of unpublished credits, what their credits add up to (the
    total less the published values), and whether that sum is exact (the group lists all its units) or a
    maximum (it lists only some)."""
    out = []
    # A unit offered in several modes is its claims (any one stands for its facts); looked up per group rather
    # than a map of the whole catalogue built on every call, which made formulation grow as units x groups.
    facts = {c: ctx.units[ctx.variables_of[c][0]] for g in q.groups if g.credits is not None for c in g.units
             if c in ctx.variables_of}
    for g in q.groups:
        if g.credits is None:
            continue
        values = {c: facts[c].credits for c in g.units if c in facts}
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


def _claims_of(unknown: list[str], ctx: Context) -> dict[str, list[str]]:
    """The variables of the rule's scope that claim each unit of unpublished weight (itself, or its modes)."""
    out: dict[str, list[str]] = {}
    for c in unknown:
        out.setdefault(ctx.base(c), []).append(c)
    return out


def settled_linears(rule: SumRule, q: Qualification, ctx: Context) -> list[Linear] | None:
    """A credit sum valid whatever the unpublished values are, using groups' published totals: a group's
    unknown units all claimed carry its remainder exactly (toward a minimum); any of them claimed carry at most
    the remainder (under a maximum). None when no group with a total holds units of unknown weight in the sum."""
    if rule.sum != "credits":
        return None
    terms, possible, unknown = rule.split(ctx)
    claims = _claims_of(unknown, ctx)
    touched = [(i, members, remainder, exact) for i, (members, remainder, exact) in enumerate(group_remainders(q, ctx))
               if set(members) & set(claims)]
    if not touched:
        return None
    out: list[Linear] = []
    name = rule.id or "sum"
    # Flags are tied to the units by linears of positive weights only (as the when-used rule's), so the exact
    # counter can count over them: each is fully determined by the units claimed.
    if rule.min is not None:
        extra: list[tuple[str, int]] = []
        for i, members, remainder, exact in touched:
            if not exact or not all(m in claims for m in members):
                continue  # some unknown unit of the group is not in the sum: its remainder may lie there
            every = auxiliary(f"all-claimed[{name}/{i}]")  # every unknown unit of the group claimed
            extra.append((every, remainder))
            lefts = []
            for m in members:
                left = auxiliary(f"not-claimed[{name}/{i}/{m}]")  # 1 - (m claimed)
                lefts.append(left)
                out += [Linear(((left, 1), *((c, 1) for c in claims[m])), 1, 1),
                        Linear(((every, 1), (left, 1)), None, 1)]
            out.append(Linear(((every, 1), *((x, 1) for x in lefts)), 1, None))
        out.append(Linear(terms + tuple(extra), rule.min, None))
    if rule.max is not None:
        extra = []
        covered: set[str] = set()
        for i, members, remainder, _ in touched:
            inside = [c for m in members if m in claims for c in claims[m]]
            covered.update(m for m in members if m in claims)
            some = auxiliary(f"any-claimed[{name}/{i}]")  # some unknown unit of the group claimed
            none = auxiliary(f"none-claimed[{name}/{i}]")
            extra.append((some, remainder))
            out += [Linear(((none, 1), (c, 1)), None, 1) for c in inside]
            out += [Linear(((none, 1), *((c, 1) for c in inside)), 1, None), Linear(((some, 1), (none, 1)), 1, 1)]
        out.append(Linear(terms + possible + tuple(extra), None, rule.max))
        barred = [c for base, cs in claims.items() if base not in covered for c in cs]
        if barred:  # no total bounds them: any amount could break the maximum
            out.append(Linear(tuple((c, 1) for c in barred), None, 0))
    return out


def settle(q: Qualification, ctx: Context, rule: object, verdict: Verdict, pathway: frozenset[str]) -> Verdict:
    """A credit sum left undetermined by unpublished values, decided where a group's published total settles
    it: it holds for every completion of the values, or for none."""
    if verdict.determined or not isinstance(rule, SumRule) or rule.sum != "credits":
        return verdict
    terms, possible, unknown = rule.split(ctx)
    if any(c in pathway for c, _ in possible):
        return verdict  # a selection resting on an unknown level: not settled by credit totals
    got = total(terms, pathway)
    counted = tuple(dict.fromkeys(ctx.base(c) for c in unknown if c in pathway))
    low, high = unknown_range(q, ctx, counted)
    least, most = got + low, None if high is None else got + high
    span = str(least) if least == most else f"{least} to {most}"
    sentence = (f"{rule.describe(ctx)}; these units have {span} (the unpublished credits of "
                f"{', '.join(counted)} within their group's published total)")
    if (rule.min is None or least >= rule.min) and (rule.max is None or (most is not None and most <= rule.max)):
        return replace(verdict, holds=True, actual=span, sentence=sentence, fix=None, unknown=())
    if (rule.max is not None and least > rule.max) or (rule.min is not None and most is not None
                                                         and most < rule.min):
        fix = (f"remove at least {amount(least - rule.max, 'credits')}" if rule.max is not None and least > rule.max
               else f"add at least {amount((rule.min or 0) - (most or 0), 'credits')}")
        return replace(verdict, holds=False, actual=span, sentence=sentence, fix=fix, unknown=())
    return verdict
