"""`recommend`: the best pathway for a learner under an objective, with distinct alternatives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from solver.budget import Budget, Limit
from solver.engine.compile import CompiledModel, compile_request
from solver.engine.explain import Explanation, explain
from solver.engine.openworld import open_model, unknown_values
from solver.engine.status import Status
from solver.errors import PathwayInvalid
from solver.model.catalogue import Catalogue
from solver.model.catalogue import credited_from as catalogue_credits
from solver.model.documents import Qualification
from solver.model.goals import GoalMatches, covered
from solver.model.learner import Learner
from solver.queries.checking import surely_valid
from solver.request.formulation import Formulation, formulate, open_imports
from solver.request.objectives import (
    TIER_WORDS,
    Objective,
    ObjectiveSpec,
    Request,
    objective_named,
    objective_spec,
    request,
)
from solver.request.requirements import Origin, Requirement, goal_scores, new_glh_terms, unpublished_glh
from solver.request.unknowns import CreditBounds, credit_bounds
from solver.rules import amount
from solver.rules.linear import Linear, is_auxiliary


@dataclass(frozen=True, kw_only=True)
class PlannedUnit:
    code: str
    title: str
    group: str
    credits: int | None  # None: not published
    glh: int | None
    new_glh: int
    reasons: tuple[str, ...]
    derived: tuple[str, ...] = ()  # values the specification works out rather than prints


@dataclass(frozen=True, kw_only=True)
class Pathway:
    """One valid pathway with its totals and the value of each objective tier."""

    units: tuple[PlannedUnit, ...]
    objective: dict[str, int]
    credit_bounds: CreditBounds | None = None  # set when claimed units' credits are unpublished

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(u.code for u in self.units)

    @property
    def credits(self) -> int:
        return sum(u.credits or 0 for u in self.units)

    @property
    def glh(self) -> int:
        return sum(u.glh or 0 for u in self.units)

    @property
    def new_glh(self) -> int:
        return sum(u.new_glh for u in self.units)

    @property
    def credits_words(self) -> str:
        """The pathway's credits as known: exact, or a bound naming the units of unpublished credits."""
        return self.credit_bounds.words() if self.credit_bounds else f"{self.credits} credits"

    def to_dict(self) -> dict[str, Any]:
        exact = self.credit_bounds is None or self.credit_bounds.exact
        credits = self.credit_bounds.low if self.credit_bounds and exact else self.credits if exact else None
        bounds = self.credit_bounds.to_dict() if self.credit_bounds and not exact else {}
        return {"units": [u.code for u in self.units], "credits": credits, **bounds, "glh": self.glh,
                "new_glh": self.new_glh, "objective_values": self.objective,
                "detail": [{"code": u.code, "title": u.title, "group": u.group, "credits": u.credits, "glh": u.glh,
                            "new_glh": u.new_glh, "reasons": list(u.reasons),
                            **({"derived": list(u.derived)} if u.derived else {})} for u in self.units]}


@dataclass(frozen=True, kw_only=True)
class Recommendation:
    """The answer to a recommend request; status is CP-SAT's, never upgraded."""

    qualification: str
    objective: Objective
    status: Status
    pathway: Pathway | None
    alternatives: tuple[Pathway, ...] = ()
    explanation: Explanation | None = None
    induction_hours: float | None = None
    tutorial_hours: float | None = None
    learner: str = "learner"
    order: str = ""  # the tiers optimised, in words, first most important
    goals: tuple[GoalMatches, ...] = ()
    unpublished_glh: tuple[str, ...] = ()  # claimed units of unpublished GLH: new_glh is then a lower bound
    open_groups: tuple[str, ...] = ()  # groups listing only some units: the answer is over the listed ones
    open_imports: tuple[str, ...] = ()  # import slots left open, each in words with its candidates
    # Units of unpublished credits the pathway is valid only for some values of (within their group totals):
    # no pathway is valid whatever they are, but this one is for the values the totals allow.
    rests_on: tuple[str, ...] = ()
    over_unknowns: bool = False  # found over the values unpublished credits can take (none valid whatever they are)
    uncovered_goals: tuple[str, ...] = ()  # goals the pathway does not cover (a within-budget answer drops some)
    stopped: Limit | None = None  # the limit that ended the search early (then never OPTIMAL), if any
    proven: tuple[str, ...] = ()  # of a limit-stopped answer: the tiers proven optimal before the stop (in words)

    @property
    def new_glh(self) -> int | None:
        return self.pathway.new_glh if self.pathway else None

    @property
    def codes(self) -> frozenset[str] | None:
        return self.pathway.codes if self.pathway else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"qualification": self.qualification, "learner": self.learner,
                               "objective": self.objective, "status": self.status}
        if self.pathway is not None:
            out.update(self.pathway.to_dict())
            out["induction_hours"], out["tutorial_hours"] = self.induction_hours, self.tutorial_hours
            out["alternatives"] = [a.to_dict() for a in self.alternatives]
        else:
            out.update({"units": [], "credits": None, "glh": None, "new_glh": None, "alternatives": []})
        if self.explanation is not None:
            out.update(self.explanation.to_dict())
        if self.open_groups:
            out["over_listed_units_only"] = list(self.open_groups)
        if self.open_imports:
            out["open_imports"] = list(self.open_imports)
        if self.over_unknowns:
            out["found_over_unpublished_credits"] = True
        if self.rests_on:
            out["valid_if_unpublished_credits_allow"] = list(self.rests_on)
        if self.unpublished_glh:
            out["unpublished_glh"] = list(self.unpublished_glh)
            out["new_glh_is_lower_bound"] = True
        out["order"] = self.order
        out["stopped"] = self.stopped.value if self.stopped else None
        if self.stopped:
            out["proven_tiers"] = list(self.proven)
        if self.goals:
            out["goals"] = [g.to_dict() for g in self.goals]
            out["unmatched_goals"] = [g.goal.text for g in self.goals if not g.matches]
            out["uncovered_goals"] = list(self.uncovered_goals)
        return out


def _reasons(f: Formulation, objective: Objective) -> Callable[[str], tuple[str, ...]]:
    """Why each unit is in a pathway; what all units share (mandatory set, goal matches) is computed once."""
    ctx, learner = f.context, f.learner
    mandatory = {c for r in f.rules for c in r.forced(ctx)}
    goals = goal_scores(learner, ctx)
    credited_from = catalogue_credits(f.qualification, frozenset(learner.achieved))

    def reasons(code: str) -> tuple[str, ...]:
        out = []
        if code in mandatory:
            out.append("mandatory")
        if code in learner.achieved:
            out.append("already achieved")
        elif code in ctx.achieved:
            out.append(f"credited from achieved {credited_from.get(code, 'an equivalent unit')}")
        if code in learner.include:
            out.append("you asked for it")
        if code in learner.prefer:
            out.append("you prefer it")
        if code in goals:
            out.append(f"matches goal {', '.join(goals[code][1])}")
        if not out:
            unit = ctx.units[code]
            credits = "unpublished credits" if unit.credits is None else amount(unit.credits, "credits")
            hours = "unpublished GLH" if unit.glh is None else f"{unit.glh} GLH"
            out.append(f"fewest units: {credits}" if objective is Objective.MIN_UNITS
                       else f"cheapest credits: {credits} for {hours}")
        return tuple(out)

    return reasons


def describe_pathway(f: Formulation, chosen: frozenset[str], objective: Objective,
                     spec: ObjectiveSpec | None = None, possible: bool = False) -> Pathway:
    """Turn a verified unit set into a Pathway, units in catalogue order; `possible`: valid for some values of
    its unpublished credits, so the check is that no rule is broken whatever they are."""
    if possible:
        broken = [v.sentence for v in f.evaluate(chosen) if not v.holds and not v.unknown]
        if broken:
            raise PathwayInvalid(f"possible pathway {sorted(chosen)} fails: {'; '.join(broken)}")
    else:
        f.verify(chosen)
    ctx = f.context
    why = _reasons(f, objective)
    new_glh = dict(new_glh_terms(ctx))
    units = tuple(
        PlannedUnit(code=code, title=ctx.units[code].title, group=group_name(f.qualification, ctx.base(code)),
                    credits=ctx.units[code].credits, glh=ctx.units[code].glh, new_glh=new_glh[code], reasons=why(code),
                    derived=ctx.units[code].derived)
        for code in ctx.units if code in chosen)
    bounds = credit_bounds(f.qualification, ctx, chosen)
    return Pathway(units=units, objective=(spec or objective_spec(f, objective)).values(chosen),
                   credit_bounds=bounds if bounds.unknown else None)


def group_name(q: Qualification, code: str) -> str:
    """The name of the unit's group, or "imported" for a unit an import slot takes from elsewhere."""
    group = q.group_of(code)
    return group.name if group else "imported"


def compile_formulation(f: Formulation) -> CompiledModel:
    return CompiledModel(f.variables, f.requirements, f.credits())


DEFAULT_WORK = 10.0  # deterministic work units per recommendation when no limit is given: the same answer every run


def query_budget(time_limit: float | None = None, work_limit: float | None = None,
                 budget: Budget | None = None) -> Budget:
    """The budget of one query: the caller's, else one of the limits given (wall-clock `time_limit` seconds,
    deterministic `work_limit` units), else DEFAULT_WORK deterministic units."""
    if budget is not None:
        return budget
    work = work_limit if work_limit is not None or time_limit is not None else DEFAULT_WORK
    return Budget(work=work, time=time_limit)


@dataclass
class Planner:
    """Recommends for many learners of one qualification, compiling each rule regime once and reusing it.

    Each recommendation (its best pathway and alternatives together) runs under its own budget of `time_limit`
    wall-clock seconds and/or `work_limit` deterministic units (DEFAULT_WORK when neither is given), or under
    the caller's `budget`, shared by every recommendation made with it."""

    catalogue: Catalogue
    qualification: Qualification
    time_limit: float | None = None
    work_limit: float | None = None
    budget: Budget | None = None
    _models: dict[tuple[Requirement, ...], CompiledModel] = field(default_factory=dict)

    def model_for(self, f: Formulation) -> CompiledModel:
        # Rules depend on the learner only through their regime (registration cut-offs, achieved old units),
        # so learners in the same regime share one compiled model; their own asks go in per solve.
        key = tuple(r for r in f.requirements if r.origin is Origin.RULE)
        if key not in self._models:
            self._models[key] = CompiledModel(f.variables, key, f.credits())
        return self._models[key]

    def recommend(self, learner: Learner, objective: Objective | str = Objective.MIN_GLH,
                  alternatives: int = 0) -> Recommendation:
        """The best pathway for `learner`; `objective` by name as users write it ("min-glh") or as an Objective."""
        return self.recommend_formulation(formulate(self.catalogue, self.qualification, learner),
                                          objective_named(objective), alternatives)

    def search(self, formulated: Formulation, objective: Objective = Objective.MIN_GLH, alternatives: int = 0
               ) -> Search:
        """Solve a formulated request: the best unit set and up to `alternatives` next-best distinct ones."""
        req = request(open_imports(formulated), objective)  # the objective's asks added
        f, spec = req.formulation, req.spec
        model = compile_request(req) if spec.auxiliary else self.model_for(f)
        asks = [lin for r in f.requirements if r.origin is Origin.LEARNER for lin in r.linears]
        budget = query_budget(self.time_limit, self.work_limit, self.budget)
        found: list[frozenset[str]] = []
        status = Status.UNKNOWN
        stopped: Limit | None = None
        proven = 0
        while len(found) <= alternatives:
            solution = model.solve(spec.minimised, extra=asks + beyond(found, spec), budget=budget)
            if not found:
                status = solution.status  # the answer's: FEASIBLE (a limit hit) is never reported as OPTIMAL
                stopped, proven = solution.stopped, solution.proven_tiers
            if solution.pathway is None:
                break
            found.append(solution.pathway)
        pathways = tuple(spec.strip(p) for p in found)
        rests_on: tuple[str, ...] = ()
        over_unknowns = False
        if status is Status.INFEASIBLE and unknown_values(f):
            # None is valid whatever the unpublished credits are; ask whether some values within their group
            # totals make one, so INFEASIBLE is said only when none do.
            possible = open_model(f, spec.auxiliary, spec.links)
            found = []
            while len(found) <= alternatives:
                solution = possible.solve(spec.minimised, extra=asks + beyond(found, spec), budget=budget)
                stopped = stopped or solution.stopped
                if solution.pathway is None:
                    break
                found.append(solution.pathway)
            if found:
                pathways = tuple(spec.strip(p) for p in found)
                over_unknowns = True
                status = Status.FEASIBLE  # not proven best over the values: never stated as OPTIMAL
                sure = surely_valid(f, pathways[0])  # a group total may settle every sum it rests on
                open_values = set(unknown_values(f))  # credits, levels, or hours a rule sums
                rests_on = () if sure else tuple(dict.fromkeys(f.context.base(c) for c in f.context.units
                                               if c in pathways[0] and f.context.base(c) in open_values))
        unknown = tuple(c for c in unpublished_glh(f.context) if pathways and c in pathways[0])
        if unknown and status is Status.OPTIMAL:
            status = Status.FEASIBLE  # the lowest new GLH rests on hours nobody has published: a bound
        return Search(request=req, status=status, pathways=pathways, unpublished_glh=unknown, rests_on=rests_on,
                      over_unknowns=over_unknowns, stopped=stopped,
                      proven=spec.names[:proven] if stopped else ())

    def recommend_formulation(self, formulated: Formulation, objective: Objective = Objective.MIN_GLH,
                              alternatives: int = 0) -> Recommendation:
        """The best pathway of a formulated request, described, and up to `alternatives` next-best ones."""
        found = self.search(formulated, objective, alternatives)
        f, spec, q = found.request.formulation, found.request.spec, self.qualification
        explanation = None
        if not found.pathways and found.status is Status.INFEASIBLE:
            explanation = explain(compile_formulation(f), f.requirements)
        described = [describe_pathway(f, p, objective, spec, possible=found.over_unknowns) for p in found.pathways]
        best = described[0] if described else None
        uncovered = tuple(g.goal.text for g in spec.goals if best is not None
                          and not covered(g, f.context.units, best.codes))
        return Recommendation(qualification=q.accreditation, objective=objective, status=found.status, pathway=best,
                              alternatives=tuple(described[1:]), explanation=explanation,
                              induction_hours=q.figures.induction_hours, tutorial_hours=q.figures.tutorial_hours,
                              learner=f.learner.name, order=spec.order(), goals=spec.goals,
                              unpublished_glh=found.unpublished_glh, rests_on=found.rests_on,
                              over_unknowns=found.over_unknowns, uncovered_goals=uncovered,
                              open_groups=tuple(g.name for g in q.open_groups()), open_imports=open_slots(f, best),
                              stopped=found.stopped, proven=tuple(TIER_WORDS[n][0] for n in found.proven))


def beyond(found: list[frozenset[str]], spec: ObjectiveSpec) -> list[Linear]:
    """An alternative is no unit set already found plus more units: each found set's units not all claimed again
    (a superset adds only units nothing needs, so it is no real alternative; the set itself is excluded too)."""
    units = [frozenset(c for c in spec.strip(p) if not is_auxiliary(c)) for p in found]
    return [Linear(tuple((c, 1) for c in sorted(p)), None, len(p) - 1) for p in units]


def open_slots(f: Formulation, best: Pathway | None) -> tuple[str, ...]:
    """The import slots a recommendation left open (nothing claimed from them), each with its candidates."""
    if f.learner.fill_imports:
        return ()
    claimed = best.codes if best else frozenset()
    rules = {r.id: r for r in f.rules}
    out = []
    for rule_id, codes in f.context.imported.items():
        if rule_id in rules and not claimed & set(codes):
            out.append(f"{rules[rule_id].describe(f.context)}: left open; {len(codes)} candidate unit"
                       f"{'' if len(codes) == 1 else 's'} in the catalogue")
    return tuple(out)


@dataclass(frozen=True, kw_only=True)
class Search:
    """What a solve found: the request solved, the answer's status and the unit sets, best first."""

    request: Request
    status: Status
    pathways: tuple[frozenset[str], ...]
    unpublished_glh: tuple[str, ...] = ()  # units of the best whose GLH is unpublished (its figure: a bound)
    rests_on: tuple[str, ...] = ()  # units whose unpublished credits the best is valid only for some values of
    over_unknowns: bool = False  # found over the values of unpublished credits (none valid whatever they are)
    stopped: Limit | None = None  # the limit that ended the best answer's search early, if any
    proven: tuple[str, ...] = ()  # names of the tiers proven before that stop


def recommend(catalogue: Catalogue, qualification: str | Qualification, learner: Learner = Learner(),
              objective: Objective | str = Objective.MIN_GLH, alternatives: int = 0,
              time_limit: float | None = None, work_limit: float | None = None,
              budget: Budget | None = None) -> Recommendation:
    """The best pathway toward `qualification` for `learner` (see Planner for many learners); `objective` by name
    ("min-glh") or as an Objective, converted once by `Planner.recommend`.

    Limits: `time_limit` wall-clock seconds, `work_limit` deterministic work units (the same answer on every run
    and machine), or a shared `budget`; with none, DEFAULT_WORK deterministic units. An answer a limit stopped
    is FEASIBLE (never OPTIMAL) and says which limit in `stopped`."""
    q = catalogue.qualification(qualification)
    return Planner(catalogue, q, time_limit, work_limit, budget).recommend(learner, objective, alternatives)
