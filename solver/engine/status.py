"""The solver's answers, kept distinct: OPTIMAL, FEASIBLE (a limit was hit), INFEASIBLE and UNKNOWN."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """CP-SAT's status as Pathways reports it; a str, so JSON and comparisons with text keep working."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"  # a limit stopped the search: the best found, not proven optimal
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"  # a limit stopped the search before any answer
    MODEL_INVALID = "MODEL_INVALID"

    @property
    def found(self) -> bool:
        """Whether a pathway came back (proven best or not)."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)
