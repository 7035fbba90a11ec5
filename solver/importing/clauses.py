"""What one rules-of-combination sentence says: clauses with their group references as printed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Change = tuple[tuple[str, int | None], ...]  # the fields another reading changes, as (field, value) pairs


@dataclass(frozen=True)
class Clause:
    """One requirement read from a sentence, with its group references as printed ("1", "A", "OPTIONAL").

    kind: "sum", "mandatory", "barred", "only_from", "groups" (units from at least `min` of the groups) or
    "pathways" (the sum holds over one chosen pathway group)."""

    kind: str
    metric: str = "credits"
    min: int | None = None
    max: int | None = None
    groups: tuple[str, ...] = ()
    min_level: int | None = None
    max_level: int | None = None
    level: int | None = None
    count: int | None = None  # "all 3 units": the number printed, to check against the group
    codes: tuple[str, ...] = ()  # "(300, 301 and 302)": the codes printed, to check against the group
    block: int | None = None  # "2 blocks of 4 units": each group chosen must hold this many units
    reading: str | None = None  # where the wording admits several readings: the one the fields state ...
    alternatives: tuple[tuple[str, Change], ...] = ()  # ... and the others, by the fields they change

    def model_key(self) -> tuple[Any, ...]:
        """What a sum counts, over which units: two clauses with the same key bound the same sum."""
        return (self.metric, self.groups, self.min_level, self.max_level, self.level)
