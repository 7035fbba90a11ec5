"""The rules over every completion of the unknowns: each unpublished credit, GLH or TQT value a variable from 0 to
the limit (credits together within their group's published total), each unpublished level one of the levels, so
"no pathway" is said only when no values would make one, and one set of values serves every rule at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from solver.budget import Budget
from solver.engine.compile import CompiledModel
from solver.engine.status import Status
from solver.limits import MAX_UNIT_CREDITS, MAX_UNIT_HOURS
from solver.request.formulation import Formulation
from solver.request.requirements import Requirement
from solver.request.unknowns import group_remainders
from solver.rules import Context
from solver.rules.base import UnitFacts
from solver.rules.linear import Linear, Terms, auxiliary
from solver.rules.sums import SumRule

LIMITS = {"credits": MAX_UNIT_CREDITS, "glh": MAX_UNIT_HOURS, "tqt": MAX_UNIT_HOURS}
LEVELS = range(9)  # the levels a unit can have (entry 0 to 8)


def _value(code: str, metric: str = "credits") -> Terms:
    """The unit's unpublished value of `metric`, whatever it turns out to be, in binary over Booleans."""
    return tuple((auxiliary(f"{metric}[{code}]#{k}"), 1 << k) for k in range(LIMITS[metric].bit_length()))


def _share(code: str, metric: str = "credits") -> Terms:
    """What the unit adds to a sum when claimed: its value if taken, else 0."""
    name = "claimed-credits" if metric == "credits" else f"claimed-{metric}"
    return tuple((auxiliary(f"{name}[{code}]#{k}"), 1 << k) for k in range(LIMITS[metric].bit_length()))


def _level(code: str, level: int) -> str:
    """Whether the unit's unpublished level is `level` (exactly one is)."""
    return auxiliary(f"level[{code}]={level}")


def unknown_credits(f: Formulation) -> list[str]:
    """The units of the request whose credit values are unpublished."""
    ctx = f.context
    return list(dict.fromkeys(ctx.base(c) for c, u in ctx.units.items() if u.credits is None))


def _summed(f: Formulation) -> set[str]:
    """The metrics some sum rule of the request adds up."""
    return {r.rule.sum for r in f.requirements if isinstance(r.rule, SumRule)}


def unknown_values(f: Formulation) -> list[str]:
    """The units of the request with an unpublished value a rule reads: credits, a level, or GLH or TQT that a
    rule sums."""
    ctx, summed = f.context, _summed(f)
    return list(dict.fromkeys(ctx.base(c) for c, u in ctx.units.items()
                              if u.credits is None or u.level is None
                              or any(m in summed and getattr(u, m) is None for m in ("glh", "tqt"))))


def _claims(f: Formulation) -> dict[str, list[str]]:
    """The variables that take each unit: itself, or its claims in modes."""
    ctx = f.context
    out: dict[str, list[str]] = {ctx.base(c): [] for c in ctx.units}
    for c in ctx.units:
        out[ctx.base(c)].append(c)
    return out


def _tie(share: Terms, value: Terms, taken: tuple[tuple[str, int], ...]) -> list[Linear]:
    """share = value AND taken, bit by bit (`taken`: minus each claim; a sum of Booleans at most 1)."""
    out: list[Linear] = []
    for (v, _), (s, _) in zip(value, share, strict=True):
        out += [Linear(((s, 1), (v, -1)), None, 0), Linear(((s, 1), *taken), None, 0),
                Linear(((s, 1), (v, -1), *taken), -1, None)]
    return out


def links(f: Formulation) -> list[Linear]:
    """Each unknown value within the limit (credits within their group's total), each share the value when the
    unit is taken, and each unknown level exactly one of the levels."""
    ctx, summed = f.context, _summed(f)
    claims = _claims(f)
    out: list[Linear] = []
    for code in unknown_credits(f):
        out.append(Linear(_value(code), None, MAX_UNIT_CREDITS))
        out += _tie(_share(code), _value(code), tuple((c, -1) for c in claims[code]))
    for metric in ("glh", "tqt"):
        if metric not in summed:
            continue
        for code in dict.fromkeys(ctx.base(c) for c, u in ctx.units.items() if getattr(u, metric) is None):
            out.append(Linear(_value(code, metric), None, LIMITS[metric]))
            out += _tie(_share(code, metric), _value(code, metric), tuple((c, -1) for c in claims[code]))
    for code in dict.fromkeys(ctx.base(c) for c, u in ctx.units.items() if u.level is None):
        out.append(Linear(tuple((_level(code, k), 1) for k in LEVELS), 1, 1))
    for members, remainder, exact in group_remainders(f.qualification, ctx):
        values = tuple(t for c in members for t in _value(c))
        out.append(Linear(values, remainder if exact else None, remainder))
    return out


class _AtLevel:
    """A unit's facts with its unpublished level taken as `level` (to ask a selector whether it would admit it)."""

    def __init__(self, unit: UnitFacts, level: int):
        self._unit, self.level = unit, level

    def __getattr__(self, name: str) -> object:
        return getattr(self._unit, name)


def _admitting(rule: SumRule, ctx: Context, claim: str) -> list[int] | None:
    """The levels at which the rule's selection admits a unit of unpublished level; None when its selection rests
    on something else too (an unpublished credit value under `unit_credits`)."""
    unit = ctx.units[claim]
    if unit.level is None and unit.credits is None and rule.where.unit_credits:
        return None
    if unit.level is None:
        in_groups = {c for g in rule.where.groups for c in ctx.groups.get(g, ())}
        return [k for k in LEVELS
                if rule.where.admits(ctx.base(claim), _AtLevel(unit, k), in_groups) is True]  # type: ignore[arg-type]
    return None


def _both(out: str, a: Terms, b: Terms) -> list[Linear]:
    """out = a AND b, for `a` and `b` sums of Booleans that are each 0 or 1."""
    neg_a, neg_b = tuple((v, -k) for v, k in a), tuple((v, -k) for v, k in b)
    return [Linear(((out, 1), *neg_a), None, 0), Linear(((out, 1), *neg_b), None, 0),
            Linear(((out, 1), *neg_a, *neg_b), -1, None)]


def _open_linears(req: Requirement, f: Formulation) -> tuple[Linear, ...]:
    """A sum with each unknown value as its variable and each unknown level's selection decided by the level
    variables, so every rule reads the same values; only a selection resting on an unpublished credit value
    (`unit_credits`) stays a relaxation (it counts toward a minimum and not toward a maximum: never a false no)."""
    rule = req.rule
    if not isinstance(rule, SumRule) or (rule.sum != "units" and rule.sum not in LIMITS):
        return req.linears
    ctx = f.context
    terms, possible, unknown = rule.split(ctx)
    maybe = set(rule.where.maybe(ctx))
    exact: list[tuple[str, int]] = list(terms)
    loose: list[tuple[str, int]] = []  # counted toward a minimum only
    out: list[Linear] = []
    name = rule.id or req.id
    for c, w in possible:
        levels = _admitting(rule, ctx, c)
        if levels is None:
            loose.append((c, w))
            continue
        inside = auxiliary(f"in[{name}/{c}]")  # claimed, and at a level the rule selects
        out += _both(inside, ((c, 1),), tuple((_level(ctx.base(c), k), 1) for k in levels))
        exact.append((inside, w))
    for code in dict.fromkeys(ctx.base(c) for c in unknown):
        claimed = [c for c in unknown if ctx.base(c) == code]
        share = _share(code, rule.sum)
        if not any(c in maybe for c in claimed):
            exact += share
            continue
        levels = _admitting(rule, ctx, claimed[0])
        if levels is None:
            loose += share
            continue
        chosen = tuple((_level(code, k), 1) for k in levels)
        for s, bit in share:  # the share counted only at a level the rule selects
            part = auxiliary(f"in[{name}/{s}]")
            out += _both(part, ((s, 1),), chosen)
            exact.append((part, bit))
    if rule.min is not None:
        out.append(Linear(tuple(exact) + tuple(loose), rule.min, None))
    if rule.max is not None:
        out.append(Linear(tuple(exact), None, rule.max))
    return tuple(lin.spread(ctx.claims) if ctx.claims else lin for lin in out)


def open_requirements(f: Formulation) -> list[Requirement]:
    """The requirements with credit sums over the unknown values; other kinds as they are (sure answers)."""
    return [Requirement(r.id, r.kind, r.description, _open_linears(r, f), rule=r.rule, unit=r.unit,
                        bounds=r.bounds, source=r.source) for r in f.requirements]


def open_model(f: Formulation, auxiliary_vars: Sequence[str] = (), fixed: Sequence[Linear] = ()) -> CompiledModel:
    """The request over every completion of its unpublished credit values (with an objective's own variables
    and links when given)."""
    return CompiledModel((*f.variables, *auxiliary_vars), open_requirements(f), f.credits(), (*fixed, *links(f)))


def possible(f: Formulation) -> frozenset[str] | None:
    """A pathway some values of the unpublished credits (within their group totals) make valid, or None."""
    return open_model(f).solve().pathway


def shortfalls(f: Formulation) -> list[tuple[Requirement, int]]:
    """Each credit minimum the listed units cannot reach, whatever the unpublished values are, with at least how
    many credits it still needs: what units not yet listed (an open group) would have to carry. Each is measured
    with every credit sum off (the others may be short too), so the need is a lower bound."""
    out = []
    requirements = open_requirements(f)
    model = CompiledModel(f.variables, requirements, f.credits(), links(f))
    sums = {r.id for r in requirements if isinstance(r.rule, SumRule) and r.rule.sum == "credits"}
    for req in requirements:
        rule = req.rule
        if not isinstance(rule, SumRule) or rule.sum != "credits" or rule.min is None:
            continue
        objective = next((lin.terms for lin in req.linears if lin.lo == rule.min), None)
        if objective is None:
            continue
        best = model.solve(tiers=[tuple((v, -c) for v, c in objective)] if objective else [], disabled=sums)
        if best.status.found and not objective:
            best = replace(best, objective=0)
        if best.status.found and best.objective is not None and -best.objective < rule.min:
            out.append((req, rule.min + best.objective))
    return out


def credit_terms(f: Formulation) -> Terms:
    """A pathway's credits with each unpublished value as its variable: published values, then shares."""
    ctx = f.context
    known = tuple((c, u.credits) for c, u in ctx.units.items() if u.credits is not None)
    return known + tuple(t for c in unknown_credits(f) for t in _share(c))


def credit_extremes(f: Formulation, budget: Budget | None = None) -> tuple[tuple[int, frozenset[str]] | None, ...]:
    """The least and the most credits a pathway valid for some values of the unpublished credits (each within the
    limit and its group's published total) can carry, each with such a pathway; None where no pathway is valid
    for any values, or a limit stopped the search before it was proven."""
    model, terms = open_model(f), credit_terms(f)
    out: list[tuple[int, frozenset[str]] | None] = []
    for sign in (1, -1):
        solution = model.solve(tiers=[tuple((v, sign * w) for v, w in terms)], budget=budget)
        ok = solution.status is Status.OPTIMAL and solution.objective is not None and solution.pathway is not None
        out.append((sign * int(solution.objective or 0), _units_only(f, solution.pathway)) if ok else None)
    return tuple(out)


def _units_only(f: Formulation, pathway: frozenset[str] | None) -> frozenset[str]:
    return frozenset(c for c in f.variables if pathway is not None and c in pathway)
