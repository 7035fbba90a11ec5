"""The vocabulary of a request: named requirements (a rule or a learner's ask) and the learner's asks as linears."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from solver.model.goals import match_goals, unit_scores
from solver.model.learner import Learner
from solver.rules import Bound, Context, RuleBase, Side, Verdict
from solver.rules.linear import Linear, Terms, total


class Ask(StrEnum):
    """What a requirement is, so nothing has to parse it back out of its id."""

    RULE = "rule"  # a rule of the qualification
    AVAILABILITY = "availability"  # units not claimable on the registration date
    EXEMPT = "exempt"
    INCLUDE = "include"
    OFFER = "offer"  # only the units a centre delivers
    UNIT_LIMIT = "unit-limit"  # at most so many (new) units
    GOAL = "goal"  # a goal to cover
    KNOWN_ONLY = "known-only"  # only units whose values are all published
    MODES = "modes"  # a unit offered in several modes is claimed in one
    IMPORTS = "imports"  # import slots left open: units of other qualifications only if achieved or asked for
    EXCLUDE = "exclude"
    BUDGET = "budget"  # at most so many new GLH

    @property
    def origin(self) -> Origin:
        return Origin.RULE if self in (Ask.RULE, Ask.AVAILABILITY, Ask.MODES) else Origin.LEARNER


class Origin(StrEnum):
    """Who can change a requirement: the awarding body (its rules) or the learner (their asks)."""

    RULE = "rule"
    LEARNER = "learner"


@dataclass(frozen=True)
class Requirement:
    """One named constraint of a request: a rule of the qualification (pointing at it) or a learner's ask."""

    id: str
    kind: Ask
    description: str
    linears: tuple[Linear, ...]
    rule: RuleBase | None = None  # the rule it states, for kind RULE
    unit: str | None = None  # the unit an include or exclude names
    bounds: tuple[Bound, ...] = ()  # the numbers that could be relaxed, one at a time
    source: str | None = None  # where its rule is written (file:line:column)

    @property
    def origin(self) -> Origin:
        return self.kind.origin


def new_glh_terms(ctx: Context) -> Terms:
    """GLH a learner would still study for each unit: achieved (or credited) units cost nothing; an unpublished
    GLH counts 0 here, so a total over such units is a lower bound (see `unpublished_glh`)."""
    return tuple((c, 0 if c in ctx.achieved or u.glh is None else u.glh) for c, u in ctx.units.items())


def unpublished_glh(ctx: Context) -> tuple[str, ...]:
    """Units a learner would still study whose GLH the specification does not publish."""
    return tuple(c for c, u in ctx.units.items() if u.glh is None and c not in ctx.achieved)


def unpublished(ctx: Context) -> tuple[str, ...]:
    """Units with any value (level, credits, GLH) the specification does not publish."""
    return tuple(c for c, u in ctx.units.items() if None in (u.level, u.credits, u.glh))


def learner_requirements(learner: Learner, new_glh: Terms, unknown_glh: tuple[str, ...] = (),
                         unknown: tuple[str, ...] = ()) -> list[Requirement]:
    """The learner's asks as requirements: include, exclude, and a budget on `new_glh` (GLH per variable)."""
    out = []
    for code in learner.exempt:
        out.append(Requirement(f"exempt:{code}", Ask.EXEMPT,
                               f"You are exempt from {code} (prior learning): it meets a mandatory rule but gives "
                               f"no credit, so it cannot also be claimed", (Linear(((code, 1),), None, 0),), unit=code))
    for code in learner.include:
        out.append(Requirement(f"include:{code}", Ask.INCLUDE, f"You asked to include {code}",
                               (Linear(((code, 1),), 1, None),), unit=code))
    for code in learner.exclude:
        out.append(Requirement(f"exclude:{code}", Ask.EXCLUDE, f"You asked to exclude {code}",
                               (Linear(((code, 1),), None, 0),), unit=code))
    if learner.max_glh is not None:
        # A unit of unpublished GLH might take any number of hours: within a budget it is not claimed.
        linears = (Linear(new_glh, None, learner.max_glh),
                   *([Linear(tuple((c, 1) for c in unknown_glh), None, 0)] if unknown_glh else []))
        out.append(Requirement("max-glh", Ask.BUDGET, f"Your budget is at most {learner.max_glh} new GLH", linears,
                               bounds=(Bound(Side.MAX, learner.max_glh, new_glh, "new GLH"),)))
    if learner.known_only and unknown:
        out.append(Requirement("known-only", Ask.KNOWN_ONLY, "You asked for units whose values are all published",
                               (Linear(tuple((c, 1) for c in unknown), None, 0),)))
    return out


def evaluate_requirement(req: Requirement, pathway: frozenset[str]) -> Verdict:
    """Plain-Python check of a learner constraint (rules evaluate themselves)."""
    ok = all(lin.holds(pathway) for lin in req.linears)
    got = total(req.bounds[0].terms, pathway) if req.bounds else None
    sentence = req.description + ("" if got is None else f"; this pathway needs {got}")
    return Verdict(req.id, ok, req.description, "" if got is None else str(got), sentence)


def goal_scores(learner: Learner, ctx: Context) -> dict[str, tuple[int, list[str]]]:
    """Each unit's fit to the learner's goals (solver/model/goals.py): the summed weights, and why it matches each."""
    return unit_scores(match_goals(learner.goals, ctx.units))
