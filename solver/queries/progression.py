"""Several target qualifications at once: the units that achieve all of them with the lowest new GLH."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from solver.budget import Budget, Limit
from solver.engine.compile import CompiledModel
from solver.engine.explain import Explanation, explain
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.goals import GoalMatches
from solver.model.learner import Learner
from solver.queries.recommendation import query_budget
from solver.request.formulation import Formulation, formulate
from solver.request.objectives import TIER_WORDS, Objective, build_spec, objective_named
from solver.request.requirements import Requirement, learner_requirements
from solver.rules import EquivalenceRule
from solver.rules.base import unit_of
from solver.rules.linear import Linear, total


@dataclass(frozen=True, kw_only=True)
class TargetPathway:
    qualification: str
    units: tuple[str, ...]
    credits: int
    glh: int


@dataclass(frozen=True, kw_only=True)
class ProgressionPlan:
    """Units to study once and claim toward each target wherever the rules allow."""

    status: Status
    targets: tuple[TargetPathway, ...]
    studied: tuple[str, ...]
    new_glh: int | None
    explanation: Explanation | None = None
    order: str = ""  # the tiers optimised, in words
    goals: tuple[GoalMatches, ...] = ()
    stopped: Limit | None = None  # the limit that ended the search early (then never OPTIMAL), if any
    proven: tuple[str, ...] = ()  # of a limit-stopped plan: the tiers proven optimal before the stop (in words)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, object] = {"status": self.status, "units": list(self.studied), "new_glh": self.new_glh,
               "targets": [{"qualification": t.qualification, "units": list(t.units), "credits": t.credits,
                            "glh": t.glh} for t in self.targets]}
        if self.explanation is not None:
            out.update(self.explanation.to_dict())
        out["order"] = self.order
        out["stopped"] = self.stopped.value if self.stopped else None
        if self.stopped:
            out["proven_tiers"] = list(self.proven)
        if self.goals:
            out["goals"] = [g.to_dict() for g in self.goals]
            out["unmatched_goals"] = [g.goal.text for g in self.goals if not g.matches]
        return out


def _claim(q: Qualification, code: str) -> str:
    return f"{q.id}|{code}"


def _renamed(req: Requirement, q: Qualification) -> Requirement:
    rename = lambda terms: tuple((_claim(q, v), c) for v, c in terms)  # noqa: E731
    return replace(req, id=f"{q.id}:{req.id}", description=f"{q.accreditation}: {req.description}",
                   linears=tuple(Linear(rename(lin.terms), lin.lo, lin.hi) for lin in req.linears),
                   bounds=tuple(replace(b, terms=rename(b.terms)) for b in req.bounds))


def plan_progression(catalogue: Catalogue, targets: Sequence[str | Qualification], learner: Learner = Learner(),
                     time_limit: float | None = None, objective: Objective | str = Objective.MIN_GLH,
                     work_limit: float | None = None, budget: Budget | None = None) -> ProgressionPlan:
    """Lowest total new GLH over all targets (or another objective over the units studied: goals, budgets and
    limits count each studied unit once); a unit studied once counts toward every target that allows it.
    `objective` by name ("min-glh") or as an Objective. Limits as for `recommend`: `time_limit` wall-clock
    seconds, `work_limit` deterministic units (DEFAULT_WORK when neither is given), or a shared `budget`."""
    quals = [catalogue.qualification(t) for t in targets]
    goal = objective_named(objective)  # the one conversion, at the public edge
    # The plan's own asks are over units studied, once whatever mode a target claims them in: a unit named in
    # a mode is the unit studied.
    fields = ("achieved", "include", "exclude", "prefer", "offer")
    learner = learner.model_copy(update={f: tuple(unit_of(c) for c in getattr(learner, f)) for f in fields
                                         if getattr(learner, f) is not None})
    situation = Learner(name=learner.name, registered=learner.registered, achieved=learner.achieved)
    forms: list[Formulation] = [formulate(catalogue, q, situation) for q in quals]
    sources = {r.unit for q in quals for r in q.rules if isinstance(r, EquivalenceRule)}
    # Units are studied once, whatever mode each target claims them in; import slots' candidates included.
    study = list(dict.fromkeys([c for q in quals for c in q.unit_codes()] + [unit_of(c) for f in forms for c in
                                                                          f.variables] + sorted(sources)))
    achieved = set(learner.achieved)
    links: list[Linear] = []
    requirements: list[Requirement] = []
    for q, f in zip(quals, forms):
        counts_as: dict[str, list[str]] = {}
        for r in q.rules:
            if isinstance(r, EquivalenceRule):
                counts_as.setdefault(r.counts_as, []).append(r.unit)
        for code in f.variables:
            # Claiming a unit needs it studied (or achieved), or a declared equivalent studied instead.
            unit = unit_of(code)
            terms = ((_claim(q, code), 1), (unit, -1), *((x, -1) for x in counts_as.get(unit, [])))
            links.append(Linear(terms, None, 0))
        requirements += [_renamed(r, q) for r in f.requirements]
    new_glh = tuple((c, 0 if c in achieved else catalogue.units[c].glh or 0) for c in study)
    unknown_glh = tuple(c for c in study if catalogue.units[c].glh is None and c not in achieved)
    requirements += learner_requirements(learner, new_glh, unknown_glh)
    spec = build_spec(goal, learner, {c: catalogue.units[c] for c in study}, study, achieved, new_glh)
    requirements += spec.asks
    claims = [_claim(q, c) for q, f in zip(quals, forms) for c in f.variables]
    credits = {c: catalogue.units[c].credits or 0 for c in study}
    model = CompiledModel(study + claims + list(spec.auxiliary), requirements, credits, (*links, *spec.links))
    # The objective over the units studied (min-glh: lowest new GLH, then fewest units), then each studied
    # unit counted wherever rules allow.
    tiers = [*spec.minimised, tuple((v, -1) for v in claims)]
    solution = model.solve(tiers, budget=query_budget(time_limit, work_limit, budget))
    names = [*spec.names, "claims"][:solution.proven_tiers] if solution.stopped else []
    proven = tuple(TIER_WORDS[n][0] if n in TIER_WORDS else "most claims" for n in names)
    if solution.pathway is None:
        why = explain(model, tuple(requirements)) if solution.status is Status.INFEASIBLE else None
        return ProgressionPlan(status=solution.status, targets=(), studied=(), new_glh=None, explanation=why,
                               order=spec.order(), goals=spec.goals, stopped=solution.stopped)
    studied = tuple(c for c in study if c in solution.pathway)
    out = []
    for q, f in zip(quals, forms):
        claimed = frozenset(c for c in f.variables if _claim(q, c) in solution.pathway)
        f.verify(claimed, f"solver pathway for {q.accreditation}")
        units = tuple(c for c in f.variables if c in claimed)
        facts = [f.context.units[c] for c in units]
        out.append(TargetPathway(qualification=q.accreditation, units=units, credits=sum(u.credits or 0 for u in facts),
                                 glh=sum(u.glh or 0 for u in facts)))
    spent = total(new_glh, solution.pathway)
    return ProgressionPlan(status=solution.status, targets=tuple(out), studied=studied, new_glh=spent,
                           order=spec.order(), goals=spec.goals, stopped=solution.stopped, proven=proven)
