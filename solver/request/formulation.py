"""A request as pure data: one variable per claimable unit, named requirements and objective tiers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from solver.errors import LookupFailure, PathwayInvalid
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.request.requirements import (
    Ask,
    Requirement,
    evaluate_requirement,
    learner_requirements,
    new_glh_terms,
    unpublished,
    unpublished_glh,
)
from solver.request.unknowns import settle, settled_linears
from solver.rules import Context, RuleBase, Verdict
from solver.rules.base import MODE_MARK, claim_code, unit_of
from solver.rules.linear import Linear, spread_terms
from solver.rules.sums import SumRule


@dataclass(frozen=True)
class Formulation:
    """Everything the compile layer, counter and evaluator need about one qualification and learner."""

    qualification: Qualification
    context: Context
    learner: Learner
    requirements: tuple[Requirement, ...]

    @property
    def rules(self) -> list[RuleBase]:
        """The rules in force for this learner (their version covers the registration date)."""
        return [req.rule for req in self.requirements if req.rule is not None]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.context.units)

    def credits(self) -> dict[str, int]:
        return {c: u.credits or 0 for c, u in self.context.units.items()}

    def evaluate(self, pathway: frozenset[str]) -> list[Verdict]:
        """Plain-Python verdict of every requirement on a pathway: the independent check. Rules name units, so
        they see a unit claimed in a mode as the unit too; the learner's asks are over the claims."""
        seen = pathway | {self.context.base(c) for c in pathway} if self.context.claims else pathway
        q, ctx = self.qualification, self.context
        # A credit sum over unpublished values is settled where a group's published total decides it.
        return [replace(settle(q, ctx, req.rule, req.rule.evaluate(seen, ctx), pathway), source=req.source,
                        note=req.rule.note)
                if req.rule is not None
                else evaluate_requirement(req, pathway) for req in self.requirements]

    def valid(self, pathway: frozenset[str]) -> bool:
        return set(pathway) <= set(self.variables) and all(v.holds for v in self.evaluate(pathway))

    def verify(self, pathway: frozenset[str], what: str = "solver pathway") -> frozenset[str]:
        """The independent check of every pathway a solver returns: PathwayInvalid (a bug) if it fails."""
        if not self.valid(pathway):
            broken = [v.sentence for v in self.evaluate(pathway) if not v.holds]
            raise PathwayInvalid(f"{what} {sorted(pathway)} fails: {'; '.join(broken) or 'not units of it'}")
        return pathway

    def without(self, ids: set[str]) -> Formulation:
        keep = tuple(r for r in self.requirements if r.id not in ids)
        return Formulation(self.qualification, self.context, self.learner, keep)


def availability(ctx: Context) -> Requirement | None:
    """Units withdrawn or not yet available on the registration date are not claimable unless achieved."""
    unavailable = [c for c, u in ctx.units.items()
                   if not u.available_on(ctx.registered) and c not in ctx.achieved]
    if not unavailable:
        return None
    when = ctx.registered.isoformat() if ctx.registered else "today"
    return Requirement("availability", Ask.AVAILABILITY,
                       f"Units {', '.join(unavailable)} are not available on {when}",
                       tuple(Linear(((c, 1),), None, 0) for c in unavailable))


def open_imports(f: Formulation) -> Formulation:
    """The request with its import slots left open, as `recommend` leaves them unless asked to fill them:
    a unit of another qualification is claimed only when the learner achieved it or asked for it."""
    ctx, learner = f.context, f.learner
    closed = [c for codes in ctx.imported.values() for c in codes
              if c not in ctx.achieved and c not in learner.include]
    if learner.fill_imports or not closed:
        return f
    ask = Requirement("imports-open", Ask.IMPORTS,
                      "Import slots are left open: units of other qualifications are claimed only when already "
                      "achieved or asked for (fill them with --fill-imports)",
                      tuple(Linear(((c, 1),), None, 0) for c in dict.fromkeys(closed)))
    return Formulation(f.qualification, ctx, learner, (*f.requirements, ask))


def claim_named(catalogue: Catalogue, code: str) -> str:
    """The variable a learner's "CODE@mode" names: the claim of a unit offered in several modes, or the unit
    itself when it is offered in that one mode; LookupFailure for a mode the unit is not offered in."""
    unit = catalogue.units.get(unit_of(code))
    if unit is None or code == unit.code:
        return code
    mode = code[len(unit.code) + 1:]
    if mode not in unit.modes:
        offered = f"offered {' or '.join(unit.modes)}" if unit.modes else "offered in no named mode"
        raise LookupFailure(f"unit '{unit.code}' is not offered {mode} ({offered})")
    return code if len(unit.modes) > 1 else unit.code


def named_claims(catalogue: Catalogue, learner: Learner) -> Learner:
    """The learner with every unit named in a mode named as the variable it stands for."""
    fields = ("achieved", "include", "exclude", "prefer", "offer")
    update = {name: tuple(claim_named(catalogue, c) for c in getattr(learner, name)) for name in fields
              if getattr(learner, name) and any(MODE_MARK in c for c in getattr(learner, name))}
    return learner.model_copy(update=update) if update else learner


def own_codes(catalogue: Catalogue, q: Qualification) -> set[str]:
    """What a learner may include, exclude or exempt: units of `q` and of its import slots, and their claims."""
    own = set(q.unit_codes()) | {c for codes in catalogue.imports(q).values() for c in codes}
    own |= {claim_code(c, m) for c in list(own) if c in catalogue.units and len(catalogue.units[c].modes) > 1
            for m in catalogue.units[c].modes}
    return own


def check_learner(catalogue: Catalogue, q: Qualification, learner: Learner) -> None:
    if not (learner.achieved or learner.include or learner.exclude or learner.exempt):
        return
    # Learner-free: worked out once per catalogue and qualification, in the store their contexts share.
    own = base_context(catalogue, q).derived("own codes", lambda: own_codes(catalogue, q))
    for code in learner.achieved:
        if unit_of(code) not in catalogue.units:
            raise LookupFailure(f"achieved unit '{code}' is not in the catalogue")
    for what, codes in (("included", learner.include), ("excluded", learner.exclude), ("exempted", learner.exempt)):
        for code in codes:
            if code not in own:
                raise LookupFailure(f"{what} unit '{code}' is not a unit of {q.accreditation} ({q.id})")


def formulate(catalogue: Catalogue, q: Qualification, learner: Learner = Learner()) -> Formulation:
    """Build the request: the qualification's rules (with the learner's context) and the learner's asks."""
    learner = named_claims(catalogue, learner)
    check_learner(catalogue, q, learner)
    ctx = learner_context(catalogue, q, learner)
    requirements = [Requirement(f"rule:{rule.id}", Ask.RULE, rule.summary(ctx), tuple(linears_of(rule, q, ctx)),
                                rule=rule, bounds=rule.bounds(ctx),
                                source=catalogue.source("rule", q.id, rule.id or ""))
                    for rule in q.rules if rule.applies(ctx)]
    extra = availability(ctx)
    if extra is not None:
        requirements.append(extra)
    requirements += learner_requirements(learner, new_glh_terms(ctx), unpublished_glh(ctx),
                                         ctx.derived("unpublished", lambda: unpublished(ctx)))
    if ctx.claims:
        requirements = [spread(r, ctx.claims) for r in requirements] + [one_mode(ctx)]
    return Formulation(q, ctx, learner, tuple(requirements))


_BASES: dict[tuple[int, int], tuple[Catalogue, Qualification, Context]] = {}
_MAX_BASES = 32  # qualifications whose learner-free context is kept (a server may load several catalogues)


def base_context(catalogue: Catalogue, q: Qualification) -> Context:
    """The qualification's context before any learner: its units, groups, slots and the store of what is derived
    from them, built once per catalogue and qualification (both immutable) and shared by every learner."""
    key = (id(catalogue), id(q))
    entry = _BASES.get(key)
    if entry is None or entry[0] is not catalogue or entry[1] is not q:
        if len(_BASES) >= _MAX_BASES:
            del _BASES[next(iter(_BASES))]
        entry = _BASES[key] = (catalogue, q, catalogue.context(q))
    return entry[2]


def learner_context(catalogue: Catalogue, q: Qualification, learner: Learner) -> Context:
    """catalogue.context(q, ...) for the learner (equal to it), sharing the qualification's learner-free part:
    only the registration date, the achieved units (with those they credit) and the exemptions are the learner's."""
    base = base_context(catalogue, q)
    credited = catalogue.credited(q, frozenset(learner.achieved))
    # A unit achieved in any mode counts for each of its claims; a claim achieved, for itself.
    achieved = credited | {c for code in credited for c in base.claims.get(code, ())}
    return replace(base, registered=learner.registered, achieved=achieved, exempt=frozenset(learner.exempt))


def linears_of(rule: RuleBase, q: Qualification, ctx: Context) -> list[Linear]:
    """The rule's constraints, valid whatever unpublished values are: a credit sum over units of unpublished
    credits uses what their groups' published totals settle."""
    settled = settled_linears(rule, q, ctx) if isinstance(rule, SumRule) else None
    return settled if settled is not None else rule.linears(ctx)


def spread(req: Requirement, claims: Mapping[str, tuple[str, ...]]) -> Requirement:
    """A requirement over units, stated over the claims of the units offered in several modes."""
    bounds = tuple(replace(b, terms=spread_terms(b.terms, claims)) for b in req.bounds)
    return replace(req, linears=tuple(lin.spread(claims) for lin in req.linears), bounds=bounds)


def one_mode(ctx: Context) -> Requirement:
    """A unit offered in several modes is claimed in one of them at most."""
    return Requirement("modes", Ask.MODES, f"A unit offered in several modes is claimed in one of them: "
                                           f"{', '.join(ctx.claims)}",
                       tuple(Linear(tuple((c, 1) for c in claims), None, 1) for claims in ctx.claims.values()))
