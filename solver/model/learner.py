"""A learner's situation and requests: who they are, what they achieved, and what they ask for."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from solver.model.goals import Goal, goals_from
from solver.rules import Code, Count, Date
from solver.rules.base import Claim


class Learner(BaseModel):
    """Who the learner is and what they ask for: shared by the CLI, scenarios and cohort rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "learner"
    registered: Date | None = None  # never a number: `registered: 0` is not 1970-01-01
    achieved: tuple[Claim, ...] = ()
    # Recognition of prior learning: an exempt unit meets a mandatory rule but gives no credit (unlike an
    # achieved unit, which is claimed and counts), so it is never claimed.
    exempt: tuple[Code, ...] = ()
    include: tuple[Claim, ...] = ()
    exclude: tuple[Claim, ...] = ()
    max_glh: Count | None = None  # every number within solver/limits.py
    goals: tuple[Goal, ...] = ()  # {coaching: 3}, [customer service, {text: coaching, at_least: 2}]
    offer: tuple[Claim, ...] | None = None  # the units the centre delivers (None: every unit)
    prefer: tuple[Claim, ...] = ()  # soft: claimed where the objective allows
    preferred_level: Annotated[int, Field(strict=True, ge=1, le=8)] | None = None  # soft
    max_units: Count | None = None
    max_new_units: Count | None = None
    known_only: bool = False  # claim only units whose level, credits and GLH are all published
    fill_imports: bool = False  # recommend may choose units of other qualifications for import slots

    @field_validator("goals", mode="before")
    @classmethod
    def _goal_forms(cls, value: object) -> object:
        return goals_from(value)
