"""The one constraint shape every rule reduces to, `lo <= sum(coef * take[var]) <= hi`, and its plain-Python value."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

Terms = tuple[tuple[str, int], ...]
AUXILIARY = "aux:"  # unit codes cannot hold a colon, so this marks a rule's own variable, never a unit


def auxiliary(name: str) -> str:
    """The variable a rule declares for itself (e.g. "group G is left unused"), beside the unit variables."""
    return AUXILIARY + name


def is_auxiliary(var: str) -> bool:
    return AUXILIARY in var  # also when renamed with a prefix (progression plans prefix the qualification)


def total(terms: Terms, chosen: Collection[str]) -> int:
    """The weighted sum of the chosen variables: the one formula for credits, GLH, new GLH and rule sums."""
    return sum(coef for var, coef in terms if var in chosen)


@dataclass(frozen=True)
class Linear:
    """`lo <= sum(coef * take[var]) <= hi`; a missing bound is unbounded."""

    terms: Terms
    lo: int | None = None
    hi: int | None = None

    def value(self, chosen: Collection[str]) -> int:
        return total(self.terms, chosen)

    def admits(self, value: int) -> bool:
        return (self.lo is None or value >= self.lo) and (self.hi is None or value <= self.hi)

    def holds(self, chosen: Collection[str]) -> bool:
        """The plain-Python check of this constraint on a set of chosen variables."""
        return self.admits(self.value(chosen))
