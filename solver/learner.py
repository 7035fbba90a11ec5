"""A learner's situation and requests, and the constraints those requests add to a qualification."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from solver.errors import LookupFailure
from solver.linear import Linear, Terms, total
from solver.rules import Bound, Code, Context, Date, RuleBase, Side, Verdict


class Objective(StrEnum):
    """What `recommend` optimises, first tier first; a str, so CLI options and YAML read it as written."""

    MIN_GLH = "min-glh"
    BEST_FIT = "best-fit"
    MIN_UNITS = "min-units"
    MAX_REUSE = "max-reuse"


OBJECTIVES: tuple[str, ...] = tuple(o.value for o in Objective)


def objective_named(name: str) -> Objective:
    """The objective called `name`, or a LookupFailure that lists the known ones."""
    try:
        return Objective(name)
    except ValueError:
        raise LookupFailure(f"unknown objective {name!r}; expected one of {', '.join(OBJECTIVES)}") from None


class Learner(BaseModel):
    """Who the learner is and what they ask for: shared by the CLI, scenarios and cohort rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "learner"
    registered: Date | None = None  # never a number: `registered: 0` is not 1970-01-01
    achieved: tuple[Code, ...] = ()
    # Recognition of prior learning: an exempt unit meets a mandatory rule but gives no credit (unlike an
    # achieved unit, which is claimed and counts), so it is never claimed.
    exempt: tuple[Code, ...] = ()
    include: tuple[Code, ...] = ()
    exclude: tuple[Code, ...] = ()
    max_glh: Annotated[int, Field(strict=True, ge=0)] | None = None
    goals: dict[str, Annotated[int, Field(strict=True, ge=1)]] = Field(default_factory=dict)


class Ask(StrEnum):
    """What a requirement is, so nothing has to parse it back out of its id."""

    RULE = "rule"  # a rule of the qualification
    AVAILABILITY = "availability"  # units not claimable on the registration date
    EXEMPT = "exempt"
    INCLUDE = "include"
    EXCLUDE = "exclude"
    BUDGET = "budget"  # at most so many new GLH

    @property
    def origin(self) -> Origin:
        return Origin.RULE if self in (Ask.RULE, Ask.AVAILABILITY) else Origin.LEARNER


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
    """GLH a learner would still study for each unit: achieved (or credited) units cost nothing."""
    return tuple((c, 0 if c in ctx.achieved else u.glh) for c, u in ctx.units.items())


def learner_requirements(learner: Learner, new_glh: Terms) -> list[Requirement]:
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
        out.append(Requirement("max-glh", Ask.BUDGET, f"Your budget is at most {learner.max_glh} new GLH",
                               (Linear(new_glh, None, learner.max_glh),),
                               bounds=(Bound(Side.MAX, learner.max_glh, new_glh, "new GLH"),)))
    return out


def evaluate_requirement(req: Requirement, pathway: frozenset[str]) -> Verdict:
    """Plain-Python check of a learner constraint (rules evaluate themselves)."""
    ok = all(lin.holds(pathway) for lin in req.linears)
    got = total(req.bounds[0].terms, pathway) if req.bounds else None
    sentence = req.description + ("" if got is None else f"; this pathway needs {got}")
    return Verdict(req.id, ok, req.description, "" if got is None else str(got), sentence)


def goal_scores(learner: Learner, ctx: Context) -> dict[str, tuple[int, list[str]]]:
    """Each unit's fit to the learner's goals: goals match a tag exactly or a word of the title."""
    scores: dict[str, tuple[int, list[str]]] = {}
    for code, unit in ctx.units.items():
        tags = {t.lower() for t in unit.tags}
        title = unit.title.lower()
        matched = [g for g in learner.goals if g.lower() in tags or g.lower() in title]
        if matched:
            scores[code] = (sum(learner.goals[g] for g in matched), matched)
    return scores
