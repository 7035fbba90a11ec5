"""`tradeoff`: the exact Pareto front of new GLH against goal coverage, by an epsilon-constraint sweep.

Coverage is the weighted number of goal-matching units claimed (a unit counts once for each goal it matches),
the weighted-goals score. Each point is the lowest new GLH for at least the next coverage level, then the most
coverage at that GLH, then the fewest units, and each is proven optimal by CP-SAT; so no pathway has both
less GLH and more coverage than a point, and every such trade-off is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solver.budget import Budget, Limit
from solver.engine.compile import CompiledModel
from solver.engine.explain import Explanation, explain
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.goals import GoalMatches, score_terms
from solver.model.learner import Learner
from solver.request.formulation import formulate
from solver.request.objectives import Objective, request
from solver.request.requirements import Origin, new_glh_terms
from solver.rules.linear import Linear, total

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, kw_only=True)
class FrontPoint:
    """One proven-optimal pathway of the front."""

    new_glh: int
    coverage: int
    credits: int
    units: tuple[str, ...]
    by_goal: dict[str, tuple[str, ...]]  # goal -> its matching units in this pathway
    status: Status

    def describe(self) -> str:
        """'33 GLH: 1 coaching unit (8000-253)'."""
        parts = [f"{len(codes)} '{goal}' unit{'s' if len(codes) != 1 else ''}"
                 + (f" ({', '.join(codes)})" if codes else "") for goal, codes in self.by_goal.items()]
        return f"{self.new_glh} new GLH: {'; '.join(parts) or 'no goals'}"

    def to_dict(self) -> dict[str, Any]:
        return {"new_glh": self.new_glh, "coverage": self.coverage, "credits": self.credits,
                "units": list(self.units), "by_goal": {g: list(c) for g, c in self.by_goal.items()},
                "status": self.status}


@dataclass(frozen=True, kw_only=True)
class TradeOff:
    """The front, cheapest point first; `status` is OPTIMAL only when every point is proven and the sweep ended
    because no more coverage is possible."""

    qualification: str
    learner: str
    status: Status
    points: tuple[FrontPoint, ...]
    goals: tuple[GoalMatches, ...]
    explanation: Explanation | None = None
    stopped: Limit | None = None  # the limit that ended the sweep early (the front then incomplete), if any

    def to_dict(self) -> dict[str, Any]:
        out = {"qualification": self.qualification, "learner": self.learner, "status": self.status,
               "points": [p.to_dict() for p in self.points], "goals": [g.to_dict() for g in self.goals],
               "unmatched_goals": [g.goal.text for g in self.goals if not g.matches],
               "stopped": self.stopped.value if self.stopped else None}
        if self.explanation is not None:
            out.update(self.explanation.to_dict())
        return out

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"new_glh": p.new_glh, "coverage": p.coverage, "credits": p.credits,
                              "units": " ".join(p.units), "status": p.status} for p in self.points],
                            columns=["new_glh", "coverage", "credits", "units", "status"])


FRONT_WORK = 60.0  # deterministic work units for a whole front when no limit is given


def tradeoff_front(catalogue: Catalogue, qualification: str | Qualification, learner: Learner,
                   time_limit: float | None = None, work_limit: float | None = None,
                   budget: Budget | None = None) -> TradeOff:
    """The Pareto front of new GLH against goal coverage for `learner` (their budget and limits still hold).

    The sweep as a whole runs within `time_limit` wall-clock seconds and/or `work_limit` deterministic units
    (FRONT_WORK when neither is given), or the caller's `budget`; a front a limit cut short says so."""
    q = catalogue.qualification(qualification)
    if budget is None:
        budget = Budget(work=work_limit if work_limit is not None or time_limit is not None else FRONT_WORK,
                        time=time_limit)
    req = request(formulate(catalogue, q, learner), Objective.WEIGHTED_GOALS)
    f, goals = req.formulation, req.spec.goals
    score = score_terms(goals, f.variables)
    new_glh = new_glh_terms(f.context)
    tiers = [new_glh, tuple((c, -s) for c, s in score), tuple((c, 1) for c in f.variables)]
    model = CompiledModel(f.variables, [r for r in f.requirements if r.origin is Origin.RULE], f.credits())
    asks = [lin for r in f.requirements if r.origin is Origin.LEARNER for lin in r.linears]
    points: list[FrontPoint] = []
    status = Status.OPTIMAL
    stopped: Limit | None = None
    at_least = 0
    while True:
        coverage = [Linear(score, at_least, None)] if score else []
        budget.tell("trade-off front", len(points), note=f"next: coverage at least {at_least}")
        solution = model.solve(tiers, extra=[*asks, *coverage], budget=budget)
        if solution.status is not Status.OPTIMAL or solution.pathway is None:
            # INFEASIBLE after a point: no more coverage is possible, the front is complete. Anything else
            # (a limit) leaves it incomplete, and says so.
            if solution.status is not Status.INFEASIBLE or not points:
                status = Status.FEASIBLE if points and solution.status is Status.UNKNOWN else solution.status
                stopped = solution.stopped
            break
        chosen = f.verify(solution.pathway)
        codes = tuple(c for c in f.variables if c in chosen)
        value = total(score, chosen)
        points.append(FrontPoint(new_glh=total(new_glh, chosen), coverage=value,
                                 credits=sum(f.context.units[c].credits or 0 for c in codes), units=codes,
                                 by_goal={gm.goal.text: tuple(c for c in gm.codes if c in chosen) for gm in goals},
                                 status=solution.status))
        at_least = value + 1
        if not score:  # no goal matches a unit: the cheapest pathway is the whole front
            break
    why = None
    if not points and status is Status.INFEASIBLE:
        why = explain(CompiledModel(f.variables, f.requirements, f.credits()), f.requirements)
    return TradeOff(qualification=q.accreditation, learner=learner.name, status=status, points=tuple(points),
                    goals=goals, explanation=why, stopped=stopped)
