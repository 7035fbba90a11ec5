"""Pathways in an exact order by slices: exact counts (or CP-SAT's next value) split them until a slice is small."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from solver.budget import Budget
from solver.engine.counting import Unsupported
from solver.queries.cp_sat_lister import Lister
from solver.queries.listed_pathway import TIE_BREAKS, ListedPathway, ListingEnd, Order
from solver.rules.linear import Linear

SORT_CAP = 2_000  # an ordered slice is listed in full and sorted once the exact count says it is this small


def sort_key(lister: Lister, order: Order) -> Callable[[ListedPathway], tuple[int, ...]]:
    """The exact order: the order's measures (see TIE_BREAKS), then earlier catalogue units first."""
    position = {v: i for i, v in enumerate(lister.variables)}
    names = TIE_BREAKS[order]

    def key(p: ListedPathway) -> tuple[Any, ...]:
        return (*(p.measure(n) for n in names), tuple(position[u] for u in p.units))
    return key


def ordered(lister: Lister, order: Order, time_limit: float | None = None, budget: Budget | None = None,
            end: ListingEnd | None = None) -> Iterator[ListedPathway]:
    """Pathways in `order` (ties: the other two measures, then earlier catalogue units first), exactly.

    The pathways are split into slices, by each measure's value and then unit by unit, until a slice is
    small enough to list in full and sort; slices are visited in order, so the first pathways come out
    without listing the rest. Where the exact counter works, its counts and distributions size and split
    the slices; where it does not, CP-SAT finds the next value of the measure (an objective-bounded solve)
    and a slice is sized by listing at most SORT_CAP + 1 of its pathways.

    Under `budget`, the listing ends between slices once a limit is reached; a slice the limit cut short is
    not yielded (its order is not known), and `end.bound` keeps the measure's value there: every pathway
    not yielded has at least that much of it.
    """
    end = end if end is not None else ListingEnd()
    key = sort_key(lister, order)
    metrics = TIE_BREAKS[order]
    deepest = len(metrics) + len(lister.variables)
    counting = [True]  # a slice adds constraints, so once the counter refuses, it is not asked again

    def over() -> bool:
        if budget is not None and end.stopped is None:
            end.stopped = budget.stopped()
        return end.stopped is not None

    def size(extra: list[Linear]) -> int | None:
        if not counting[0]:
            return None
        try:
            return lister.count(extra)
        except Unsupported:
            counting[0] = False
            return None

    def values(metric: Order, extra: list[Linear], known: bool) -> Iterator[int]:
        if known:
            try:
                yield from sorted(lister.distribution(metric, extra))
                return
            except Unsupported:
                pass
        value = lister.next_value(metric, extra, None, budget)
        while value is not None and not over():
            yield value
            value = lister.next_value(metric, extra, value, budget)

    def whole(pathways: Iterator[ListedPathway], cap: int | None = None) -> list[ListedPathway] | None:
        """The slice's pathways, or None if the budget cut the listing short."""
        found = list(itertools.islice(pathways, cap))
        return None if over() else found

    def visit(extra: list[Linear], depth: int) -> Iterator[ListedPathway]:
        if over():
            return
        n = size(extra)
        if n == 0:
            return
        if n is not None and (n <= SORT_CAP or depth >= deepest):
            found = whole(lister.stream(extra, time_limit, n, budget=budget))
            if found is not None:
                yield from sorted(found, key=key)
            return
        if n is None:  # sized by listing: at most SORT_CAP + 1 of its pathways
            head = whole(lister.stream(extra, time_limit, -1, budget=budget), SORT_CAP + 1)
            if head is None:
                return
            if len(head) <= SORT_CAP:
                yield from sorted(head, key=key)
                return
        if depth < len(metrics):
            weights = tuple(lister.metric(metrics[depth]).items())
            for value in values(metrics[depth], extra, n is not None):
                if over():
                    return
                if depth == 0:  # slices are visited in rising order: nothing after this one is lower
                    end.bound = value
                yield from visit([*extra, Linear(weights, value, value)], depth + 1)
            return
        unit = lister.variables[depth - len(metrics)]
        for bit in (1, 0):
            yield from visit([*extra, Linear(((unit, 1),), bit, bit)], depth + 1)

    yield from visit([], 0)
