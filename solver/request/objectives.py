"""Each objective as named lexicographic tiers, with the goal, offer and preference asks it brings."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from solver.errors import LookupFailure
from solver.model.goals import (
    GoalMatches,
    coverage_links,
    coverage_terms,
    covered,
    covered_variable,
    match_goals,
    score_terms,
)
from solver.model.learner import Learner
from solver.model.offer import OFFER_ID
from solver.request.formulation import Formulation
from solver.request.requirements import Ask, Requirement, new_glh_terms
from solver.rules import Bound, Side, UnitFacts
from solver.rules.base import unit_of
from solver.rules.linear import Linear, Terms, total

Tier = tuple[tuple[str, int], ...]  # one objective tier: minimise sum(coef * take[var])


class Objective(StrEnum):
    """What `recommend` optimises, first tier first; a str, so CLI options and YAML read it as written."""

    MIN_GLH = "min-glh"
    MIN_UNITS = "min-units"
    MAX_REUSE = "max-reuse"
    WEIGHTED_GOALS = "weighted-goals"  # the summed goal weights of the claimed units ("best-fit" before)
    BEST_FIT = "weighted-goals"  # an alias: Objective.BEST_FIT is Objective.WEIGHTED_GOALS
    COVER = "cover"  # every goal covered, then the lowest new GLH
    WITHIN_BUDGET = "within-budget"  # the most (weighted) goals covered within the budget, then the lowest new GLH

    @classmethod
    def _missing_(cls, value: object) -> Objective | None:
        return cls.WEIGHTED_GOALS if value == "best-fit" else None  # the old name keeps scenario files working


# Accepted names: the enum's values and, in its place, the "best-fit" alias of weighted-goals.
OBJECTIVES: tuple[str, ...] = tuple(dict.fromkeys(
    ["min-glh", "best-fit", "min-units", "max-reuse", *(o.value for o in Objective)]))


def objective_named(name: str) -> Objective:
    """The objective called `name`, or a LookupFailure that lists the known ones: the one conversion, made where
    a name comes in (a CLI option, a scenario file, a web form, a cohort cell, the public Python API)."""
    try:
        return Objective(name)
    except ValueError:
        raise LookupFailure(f"unknown objective {name!r}; expected one of {', '.join(OBJECTIVES)}") from None


# Tier name -> (in words, whether it is maximised: minimised as its negative, shown as the natural number).
TIER_WORDS = {"new_glh": ("lowest new GLH", False), "units": ("fewest units", False),
              "new_units": ("fewest new units", False), "reused": ("most achieved units reused", True),
              "goal_score": ("highest weighted goal score", True), "goal_coverage": ("most goals covered", True),
              "preferred": ("most preferred units", True), "off_level": ("fewest new units off the preferred level",
                                                                      False)}
GOAL_OBJECTIVES = (Objective.WEIGHTED_GOALS, Objective.COVER, Objective.WITHIN_BUDGET)


@dataclass(frozen=True)
class NamedTier:
    name: str
    terms: Terms  # minimised

    @property
    def maximised(self) -> bool:
        return TIER_WORDS[self.name][1]


@dataclass(frozen=True)
class ObjectiveSpec:
    """What one request optimises: its tiers (first most important), the auxiliary Booleans and links they use."""

    objective: Objective
    tiers: tuple[NamedTier, ...]
    goals: tuple[GoalMatches, ...] = ()
    asks: tuple[Requirement, ...] = ()  # requirements the objective and the learner's asks add
    auxiliary: tuple[str, ...] = ()  # covered[goal] Booleans, fixed by the units through `links`
    links: tuple[Linear, ...] = ()
    units: Mapping[str, UnitFacts] | None = None

    @property
    def minimised(self) -> list[Terms]:
        return [t.terms for t in self.tiers]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiers)

    def order(self) -> str:
        """The tier order in words: 'lowest new GLH, then fewest units'."""
        return ", then ".join(TIER_WORDS[n][0] for n in self.names)

    @property
    def unmatched(self) -> tuple[str, ...]:
        return tuple(gm.goal.text for gm in self.goals if not gm.matches)

    def strip(self, chosen: Collection[str]) -> frozenset[str]:
        """The units of a solver answer, without the auxiliary Booleans."""
        return frozenset(chosen) - set(self.auxiliary)

    def complete(self, units: Collection[str]) -> frozenset[str]:
        """A unit set with the auxiliary Booleans it implies, computed in plain Python."""
        facts = self.units or {}
        return frozenset(units) | {covered_variable(gm) for gm in self.goals if gm.matches
                                   and covered_variable(gm) in self.auxiliary and covered(gm, facts, units)}

    def values(self, units: Collection[str]) -> dict[str, int]:
        """Each tier's value on a unit set, maximised tiers shown as the natural (positive) number."""
        full = self.complete(units)
        return {t.name: (-1 if t.maximised else 1) * total(t.terms, full) for t in self.tiers}

    def key(self, units: Collection[str]) -> tuple[int, ...]:
        """The lexicographic key minimised: compare two unit sets by it."""
        full = self.complete(units)
        return tuple(total(t.terms, full) for t in self.tiers)


def preference_tiers(learner: Learner, units: Mapping[str, UnitFacts], variables: Sequence[str],
                     free: Collection[str]) -> list[NamedTier]:
    """Soft preferences, as tiers placed after the objective's own and before the final 'fewest units'."""
    out = []
    if learner.prefer:
        out.append(NamedTier("preferred", tuple((c, -1) for c in variables if c in learner.prefer)))
    if learner.preferred_level is not None:
        out.append(NamedTier("off_level", tuple((c, 1) for c in variables
                                                if c not in free and units[c].level != learner.preferred_level)))
    return out


def preference_asks(learner: Learner, units: Mapping[str, UnitFacts], variables: Sequence[str],
                    free: Collection[str]) -> list[Requirement]:
    """The learner's hard limits: the provider's offer, at most N units, at most N new units."""
    out = []
    if learner.offer is not None:  # the GLH of every unit only when there is an offer to hold them against
        offer = offer_requirement(learner.offer, {c: units[c].glh or 0 for c in variables}, free)
        if offer is not None:
            out.append(offer)
    for rid, limit, terms, what in (
            ("max-units", learner.max_units, tuple((c, 1) for c in variables), "units"),
            ("max-new-units", learner.max_new_units, tuple((c, 1) for c in variables if c not in free), "new units")):
        if limit is not None:
            out.append(Requirement(rid, Ask.UNIT_LIMIT, f"You asked for at most {limit} {what}",
                                   (Linear(terms, None, limit),), bounds=(Bound(Side.MAX, limit, terms, what),)))
    return out


def cover_asks(goals: Sequence[GoalMatches], units: Mapping[str, UnitFacts]) -> list[Requirement]:
    """One requirement per matched goal: at least N of its units (or credits) in the pathway."""
    out = []
    for gm in goals:
        if gm.matches:
            terms = coverage_terms(gm, units)
            out.append(Requirement(f"goal:{gm.goal.text}", Ask.GOAL,
                                   f"You asked to cover '{gm.goal.text}' with at least {gm.goal.ask()} of "
                                   f"{', '.join(gm.codes)}", (Linear(terms, gm.goal.at_least, None),),
                                   bounds=(Bound(Side.MIN, gm.goal.at_least, terms, gm.goal.measure),)))
    return out


def build_spec(obj: Objective, learner: Learner, units: Mapping[str, UnitFacts],
               variables: Sequence[str], free: Collection[str], new_glh: Terms) -> ObjectiveSpec:
    """The tiers and asks of objective `obj` over unit `variables`; `free` units (achieved) cost nothing new."""
    goals = match_goals(learner.goals, {c: units[c] for c in variables}) if learner.goals else ()
    count = tuple((c, 1) for c in variables)
    glh = NamedTier("new_glh", new_glh)
    head: list[NamedTier] = {
        Objective.MIN_GLH: [glh],
        Objective.MIN_UNITS: [NamedTier("new_units", tuple((c, 0 if c in free else 1) for c in variables)), glh],
        Objective.MAX_REUSE: [NamedTier("reused", tuple((c, -1 if c in free else 0) for c in variables)), glh],
        Objective.WEIGHTED_GOALS: [NamedTier("goal_score", tuple((c, -s) for c, s in score_terms(goals, variables))),
                                   glh],
        Objective.COVER: [glh],
        Objective.WITHIN_BUDGET: [NamedTier("goal_coverage", tuple((covered_variable(gm), -gm.goal.weight)
                                                                   for gm in goals if gm.matches)), glh],
    }[obj]
    tiers = (*head, *preference_tiers(learner, units, variables, free), NamedTier("units", count))
    asks = preference_asks(learner, units, variables, free)
    if obj is Objective.COVER:
        asks += cover_asks(goals, units)
    auxiliary: tuple[str, ...] = ()
    links: tuple[Linear, ...] = ()
    if obj is Objective.WITHIN_BUDGET:
        matched = [gm for gm in goals if gm.matches]
        auxiliary = tuple(covered_variable(gm) for gm in matched)
        links = tuple(lin for gm in matched for lin in coverage_links(gm, units))
    return ObjectiveSpec(obj, tiers, goals, tuple(asks), auxiliary, links, units)


@dataclass(frozen=True)
class Request:
    """A formulation with the objective's asks added, the spec, and (when it needs Booleans beyond the units)
    the model to solve it on."""

    formulation: Formulation
    spec: ObjectiveSpec


def objective_spec(f: Formulation, objective: Objective) -> ObjectiveSpec:
    ctx = f.context
    return build_spec(objective, f.learner, ctx.units, f.variables, ctx.achieved, new_glh_terms(ctx))


def request(f: Formulation, objective: Objective) -> Request:
    """The request to solve for `objective`: `f` with the asks the objective and the learner's limits add."""
    spec = objective_spec(f, objective)
    return Request(replace(f, requirements=(*f.requirements, *spec.asks)), spec)


def objective_tiers(f: Formulation, objective: Objective) -> list[Tier]:
    """Lexicographic objective (first tier most important), each tier minimised."""
    return objective_spec(f, objective).minimised


def tier_values(tiers: list[Tier], pathway: frozenset[str]) -> tuple[int, ...]:
    return tuple(total(tier, pathway) for tier in tiers)


def offer_requirement(offer: Collection[str] | None, glh: Mapping[str, int],
                      free: Collection[str]) -> Requirement | None:
    """Claim only offered units of `glh` (code -> GLH); units already achieved (or credited) need no delivery."""
    if offer is None:
        return None
    # A unit offered is offered in each of its modes.
    outside = tuple((c, 1) for c in glh if c not in offer and unit_of(c) not in offer and c not in free)
    # The second form (no GLH outside the offer) is implied by the first; it carries the GLH that
    # smallest_addition (solver/engine/explain.py) breaks ties by.
    hours = Linear(tuple((c, glh[c]) for c, _ in outside), None, 0)
    return Requirement(OFFER_ID, Ask.OFFER, f"Your centre offers only {len(set(offer))} units",
                       (Linear(outside, None, 0), hours))
