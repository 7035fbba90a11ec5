"""Queries by named pathway: the best pathway for a learner, pathways counted per pathway, a unit set on each."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from solver.budget import Budget, Limit, ended_by
from solver.engine.counting import COUNT_FIGURES, CountResult, Figure, count_formulation
from solver.engine.status import Status
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.model.specialisations import following, pathway_of
from solver.queries.checking import CheckResult, check
from solver.queries.listed_pathway import Filters
from solver.queries.recommendation import Planner, Recommendation
from solver.request.formulation import formulate
from solver.request.objectives import Objective, objective_named, objective_tiers, tier_values

MAX_FOR_UNION = 12  # pathways whose distinct unit sets are counted exactly by inclusion-exclusion (2^n counts)


@dataclass(frozen=True, kw_only=True)
class PathwayRecommendation:
    """The best pathway (named specialisation) for a learner, with the best unit set on each one."""

    qualification: str
    chosen: str | None  # the pathway of the best recommendation; None when no pathway has one
    status: Status  # OPTIMAL only when every pathway's answer is proven
    by_pathway: dict[str, Recommendation]
    stopped: Limit | None = None  # the budget's limit that ended a pathway's search early (its answer says which)

    @property
    def recommendation(self) -> Recommendation | None:
        return self.by_pathway[self.chosen] if self.chosen is not None else None

    def to_dict(self) -> dict[str, Any]:
        best = self.recommendation
        return {"qualification": self.qualification, "pathway": self.chosen, "status": self.status,
                "stopped": self.stopped, "recommendation": best.to_dict() if best is not None else None,
                "pathways": {p: {"status": r.status, "new_glh": r.new_glh,
                                 "units": sorted(r.codes) if r.codes is not None else []}
                             for p, r in self.by_pathway.items()}}


def recommend_pathway(catalogue: Catalogue, qualification: str | Qualification, learner: Learner = Learner(),
                      objective: Objective | str = Objective.MIN_GLH, pathway: str | None = None,
                      budget: Budget | None = None) -> PathwayRecommendation:
    """The best unit set on each pathway (or only on `pathway`), and the pathway whose best is best overall
    under `objective` (by name or as an Objective; ties: the pathway listed first). Every pathway's search
    shares `budget` (without one, each has the Planner's own default)."""
    q = catalogue.qualification(qualification)
    ids = [pathway_of(q, pathway).id] if pathway is not None else [p.id for p in q.pathways]
    if not ids:
        raise LookupFailure(f"{q.accreditation} declares no pathways; use recommend")
    goal = objective_named(objective)  # the one conversion, at the public edge
    on = {p: following(q, p) for p in ids}
    forms = {p: formulate(catalogue, on[p], learner) for p in ids}
    answers = {p: Planner(catalogue, on[p], budget=budget).recommend_formulation(forms[p], goal) for p in ids}
    scored = []
    for i, (p, answer) in enumerate(answers.items()):
        if answer.codes is not None:
            scored.append((tier_values(objective_tiers(forms[p], goal), answer.codes), i, p))
    chosen = min(scored)[2] if scored else None
    statuses = {a.status for a in answers.values()}
    if chosen is None:
        status = Status.INFEASIBLE if statuses == {Status.INFEASIBLE} else Status.UNKNOWN
    else:
        status = Status.OPTIMAL if statuses <= {Status.OPTIMAL, Status.INFEASIBLE} else Status.FEASIBLE
    return PathwayRecommendation(qualification=q.accreditation, chosen=chosen, status=status, by_pathway=answers,
                                 stopped=next((a.stopped for a in answers.values() if a.stopped), None))


@dataclass(frozen=True, kw_only=True)
class PathwayCounts:
    """Valid unit sets per pathway, and how many distinct unit sets the qualification has over all of them."""

    qualification: str
    by_pathway: dict[str, CountResult]
    distinct: int | None  # None when there are too many pathways to count the union exactly, or a limit hit
    stopped_by: Limit | None = None  # the budget's limit that ended the counts early (what was had is kept)

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification, "distinct": self.distinct,
                "pathways": {p: c.to_dict() for p, c in self.by_pathway.items()}, "stopped_by": self.stopped_by}


def count_by_pathway(catalogue: Catalogue, qualification: str | Qualification, learner: Learner = Learner(),
                     filters: Filters | None = None, budget: Budget | None = None,
                     figures: frozenset[Figure] = COUNT_FIGURES) -> PathwayCounts:
    """Exact counts per pathway (with `figures`, among those meeting `filters`); the distinct total by
    inclusion-exclusion (a unit set valid on two pathways is one unit set): the union of n sets is the alternating
    sum of the counts of their intersections, and the intersection of pathways is the qualification with all
    their rules. Every count shares `budget`: at its limit the counts had by then are kept, the rest say they
    were not computed, and the distinct total is None."""
    q = catalogue.qualification(qualification)
    ids = [p.id for p in q.pathways]
    if not ids:
        raise LookupFailure(f"{q.accreditation} declares no pathways; use count")

    def counted(on: Qualification, asked: frozenset[Figure]) -> CountResult:
        f = formulate(catalogue, on, learner)
        extra = filters.for_formulation(f) if filters is not None else []
        return count_formulation(f, extra, budget=budget, figures=asked)

    by_pathway = {p: counted(following(q, p), figures) for p in ids}
    distinct: int | None = None
    if len(ids) <= MAX_FOR_UNION:
        total = 0
        for size in range(1, len(ids) + 1):
            for group in combinations(ids, size):
                # An intersection's count alone: its figures are not shown.
                n = by_pathway[group[0]].count if size == 1 else counted(following(q, *group), frozenset()).count
                if n is None:  # a count out of exact reach: the union is then not exact either
                    break
                total += n if size % 2 else -n
            else:
                continue
            break
        else:
            distinct = total
    return PathwayCounts(qualification=q.accreditation, by_pathway=by_pathway, distinct=distinct,
                         stopped_by=ended_by(budget))


def check_pathways(catalogue: Catalogue, qualification: str | Qualification, units: list[str] | tuple[str, ...],
                   learner: Learner = Learner(), budget: Budget | None = None) -> dict[str, CheckResult]:
    """The verdict on a unit set under each pathway: the pathways it satisfies are those whose result is valid.
    The searches for the nearest valid pathway share `budget`."""
    q = catalogue.qualification(qualification)
    if not q.pathways:
        raise LookupFailure(f"{q.accreditation} declares no pathways; use check")
    return {p.id: check(catalogue, following(q, p.id), units, learner, budget=budget) for p in q.pathways}
