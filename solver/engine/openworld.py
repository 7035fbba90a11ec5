"""The rules over every completion of the unknowns: each unpublished credit value a variable from 0 to the limit,
together within its group's published total, so "no pathway" is said only when no values would make one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from solver.budget import Budget
from solver.engine.compile import CompiledModel
from solver.engine.status import Status
from solver.limits import MAX_UNIT_CREDITS
from solver.request.formulation import Formulation
from solver.request.requirements import Requirement
from solver.request.unknowns import group_remainders
from solver.rules.linear import Linear, Terms, auxiliary
from solver.rules.sums import SumRule

BITS = MAX_UNIT_CREDITS.bit_length()  # a value from 0 to the limit, in binary over Booleans


def _value(code: str) -> Terms:
    """The unit's unpublished credit value, whatever it turns out to be."""
    return tuple((auxiliary(f"credits[{code}]#{k}"), 1 << k) for k in range(BITS))


def _share(code: str) -> Terms:
    """What the unit adds to a sum when claimed: its value if taken, else 0."""
    return tuple((auxiliary(f"claimed-credits[{code}]#{k}"), 1 << k) for k in range(BITS))


def unknown_credits(f: Formulation) -> list[str]:
    """The units of the request whose credit values are unpublished."""
    ctx = f.context
    return list(dict.fromkeys(ctx.base(c) for c, u in ctx.units.items() if u.credits is None))


def links(f: Formulation) -> list[Linear]:
    """Each unknown value within the limit and its group's total; each share the value when the unit is taken
    (bit by bit: share = value AND taken)."""
    ctx = f.context
    # The variables that take a unit: itself, or its claims in modes.
    claims: dict[str, list[str]] = {ctx.base(c): [] for c in ctx.units}
    for c in ctx.units:
        claims[ctx.base(c)].append(c)
    out: list[Linear] = []
    for code in unknown_credits(f):
        out.append(Linear(_value(code), None, MAX_UNIT_CREDITS))
        taken = tuple((c, -1) for c in claims[code])
        for (v, _), (s, _) in zip(_value(code), _share(code), strict=True):
            out += [Linear(((s, 1), (v, -1)), None, 0), Linear(((s, 1), *taken), None, 0),
                    Linear(((s, 1), (v, -1), *taken), -1, None)]
    for members, remainder, exact in group_remainders(f.qualification, ctx):
        values = tuple(t for c in members for t in _value(c))
        out.append(Linear(values, remainder if exact else None, remainder))
    return out


def _open_linears(req: Requirement, f: Formulation) -> tuple[Linear, ...]:
    """A credit sum with each unknown value as its variable: a selection resting on an unknown level counts
    toward a minimum and not toward a maximum (each rule on its own: a relaxation, never a false 'no')."""
    rule = req.rule
    if not isinstance(rule, SumRule) or rule.sum != "credits":
        return req.linears
    ctx = f.context
    terms, possible, unknown = rule.split(ctx)
    shares = tuple(t for c in dict.fromkeys(ctx.base(c) for c in unknown) for t in _share(c))
    out = []
    if rule.min is not None:
        out.append(Linear(terms + possible + shares, rule.min, None))
    if rule.max is not None:
        out.append(Linear(terms + shares, None, rule.max))
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
        objective = next((lin.terms for lin in req.linears if lin.lo is not None), None)
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
