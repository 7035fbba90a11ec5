"""The one constraint shape every rule reduces to, `lo <= sum(coef * take[var]) <= hi`, and its plain-Python value."""

from __future__ import annotations

from collections.abc import Collection, Mapping
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


def spread_terms(terms: Terms, into: Mapping[str, tuple[str, ...]]) -> Terms:
    """Terms with each variable of `into` replaced by its parts, same coefficient: a unit offered in several
    modes is claimed as exactly one of its claims, so a sum over the unit is the sum over its claims."""
    if not into:
        return terms
    return tuple((part, coef) for var, coef in terms for part in into.get(var, (var,)))


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

    def spread(self, into: Mapping[str, tuple[str, ...]]) -> Linear:
        return Linear(spread_terms(self.terms, into), self.lo, self.hi) if into else self
