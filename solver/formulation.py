"""A request as pure data: one variable per claimable unit, named requirements and objective tiers."""

from __future__ import annotations

from dataclasses import dataclass

from solver.catalogue import Catalogue
from solver.documents import Qualification
from solver.errors import LookupFailure, PathwayInvalid
from solver.learner import Learner, Requirement, evaluate_requirement, learner_requirements, new_glh_terms
from solver.rules import Context, Linear, RuleBase, SumRule, Verdict

Tier = tuple[tuple[str, int], ...]  # minimise sum(coef * take[var])


@dataclass(frozen=True)
class Formulation:
    """Everything the compile layer, counter and evaluator need about one qualification and learner."""

    qualification: Qualification
    context: Context
    learner: Learner
    requirements: tuple[Requirement, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.context.units)

    def credits(self) -> dict[str, int]:
        return {c: u.credits for c, u in self.context.units.items()}

    def rule(self, requirement_id: str) -> RuleBase | None:
        return next((r for r in self.qualification.rules if f"rule:{r.id}" == requirement_id), None)

    def evaluate(self, pathway: frozenset[str]) -> list[Verdict]:
        """Plain-Python verdict of every requirement on a pathway: the independent check."""
        verdicts = []
        for req in self.requirements:
            rule = self.rule(req.id)
            if rule is not None:
                verdicts.append(rule.evaluate(pathway, self.context))
            else:
                verdicts.append(evaluate_requirement(req, pathway))
        return verdicts

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
    return Requirement("availability", "rule", f"Units {', '.join(unavailable)} are not available on {when}",
                       tuple(Linear(((c, 1),), None, 0) for c in unavailable))


def check_learner(catalogue: Catalogue, q: Qualification, learner: Learner) -> None:
    own = set(q.unit_codes())
    for code in learner.achieved:
        if code not in catalogue.units:
            raise LookupFailure(f"achieved unit '{code}' is not in the catalogue")
    for kind, codes in (("include", learner.include), ("exclude", learner.exclude)):
        for code in codes:
            if code not in own:
                raise LookupFailure(f"{kind}d unit '{code}' is not a unit of {q.accreditation} ({q.id})")


def formulate(catalogue: Catalogue, q: Qualification, learner: Learner = Learner()) -> Formulation:
    """Build the request: the qualification's rules (with the learner's context) and the learner's asks."""
    check_learner(catalogue, q, learner)
    ctx = catalogue.context(q, learner.registered, frozenset(learner.achieved))
    requirements: list[Requirement] = []
    for rule in q.rules:
        bound = None
        if isinstance(rule, SumRule):
            bound = ("min", rule.min) if rule.min is not None else ("max", rule.max)
        terms = rule.terms(ctx) if isinstance(rule, SumRule) else ()
        requirements.append(Requirement(f"rule:{rule.id}", "rule", rule.describe(ctx),
                                        tuple(rule.linears(ctx)), bound, terms))
    extra = availability(ctx)
    if extra is not None:
        requirements.append(extra)
    requirements += learner_requirements(learner, new_glh_terms(ctx))
    return Formulation(q, ctx, learner, tuple(requirements))


def objective_tiers(f: Formulation, objective: str) -> list[Tier]:
    """Lexicographic objective (first tier most important), each tier minimised: see solver/objectives.py."""
    from solver.objectives import objective_spec  # objectives builds on this module

    return objective_spec(f, objective).minimised


def tier_values(tiers: list[Tier], pathway: frozenset[str]) -> tuple[int, ...]:
    return tuple(sum(coef for var, coef in tier if var in pathway) for tier in tiers)
