"""List valid pathways, streamed as found, filtered, optionally minimal, ordered and capped, under a budget.

The parts, one job each: `listed_pathway` (what is listed, the filters, how a listing ended), `cp_sat_lister`
(CP-SAT's stream and the re-check), `block_lister` (the vectorised search for dense listings),
`ordered_listing` (the exact order by slices) and `lowest_first` (the k lowest by repeated optimisation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from solver.budget import Budget
from solver.engine.counting import Unsupported
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.queries.block_lister import BLOCK, CHUNK, block_masks
from solver.queries.cp_sat_lister import DENSITY, SPARSE, Lister
from solver.queries.listed_pathway import (
    ORDERS,
    TIE_BREAKS,
    Filters,
    ListedPathway,
    ListingEnd,
    Order,
    OrderMethod,
    order_named,
    pathways_frame,
)
from solver.queries.lowest_first import lowest_first
from solver.queries.ordered_listing import SORT_CAP, ordered, sort_key
from solver.request.formulation import Formulation, formulate

# Without an exact count, slices are sized by CP-SAT listings unit by unit: fine for a few dozen units, hopeless
# for hundreds (400 synthetic units: 34 s for the first 5, against 1.7 s by optimisation; 5,000: no answer in 300 s).
SLICED_UP_TO = 100

__all__ = ["BLOCK", "CHUNK", "DENSITY", "ORDERS", "SLICED_UP_TO", "SORT_CAP", "SPARSE", "TIE_BREAKS", "Filters",
           "ListedPathway", "Lister", "ListingEnd", "Order", "OrderMethod", "PathwayListing", "block_masks",
           "enumerate_formulation", "enumerate_pathways", "list_formulation", "lowest_first", "order_named",
           "ordered", "pathways_frame", "sort_key"]


def enumerate_formulation(f: Formulation, filters: Filters = Filters(), order: Order | None = None,
                          limit: int | None = None, time_limit: float | None = None,
                          lister: Lister | None = None, offset: int = 0, budget: Budget | None = None,
                          end: ListingEnd | None = None) -> Iterator[ListedPathway]:
    """Valid pathways of a formulation meeting `filters`, streamed; in `order` if given; the first `offset`
    skipped, then at most `limit`. `end` (if given) says how the listing ended once it has.

    An ordered listing is exact by slices (ties in catalogue order) where the exact counter reaches the
    pathways or there are at most SLICED_UP_TO units, and by repeated optimisation beyond (each pathway proven
    the next lowest; ties in the order found); minimal pathways are always listed by slices."""
    lister = lister if lister is not None else Lister(f, filters)
    end = end if end is not None else ListingEnd()
    source: Iterator[ListedPathway]
    if order is None:
        source = lister.stream(time_limit=time_limit, blocks=True, budget=budget, end=end)
    elif filters.minimal or len(lister.variables) <= SLICED_UP_TO or _countable(lister):
        end.method = OrderMethod.SLICES
        source = ordered(lister, order, time_limit, budget, end)
    else:
        end.method = OrderMethod.OPTIMISATION
        source = lowest_first(lister, order, budget, end)
    stop = None if limit is None else offset + limit
    if stop == 0:
        return
    for n, pathway in enumerate(source):
        if end.method is OrderMethod.SLICES:
            end.proven = n + 1  # slices yield only pathways whose place is proven
        if n >= offset:
            yield pathway
        if stop is not None and n + 1 >= stop:  # not one more: the next could cost a whole solve
            return
    end.exhausted = end.stopped is None


def _countable(lister: Lister) -> bool:
    """Whether the exact counter reaches the pathways (its answer is kept: asked again, it costs nothing)."""
    try:
        lister.count()
        return True
    except Unsupported:
        return False


@dataclass(kw_only=True)
class PathwayListing:
    """Pathways streamed (in order if asked), with the exact total of all of them (not only those listed) where
    the counter reaches it, or None and `note` saying why. An iterator: iterate it once; close it to stop the
    search early. `end` says, once iterated, whether a limit stopped it and how much of its order is proven."""

    pathways: Iterator[ListedPathway]
    total: int | None
    note: str | None = None
    open_groups: tuple[str, ...] = ()  # groups listing only some units: the pathways are over the listed ones
    end: ListingEnd = field(default_factory=ListingEnd)

    def __iter__(self) -> PathwayListing:
        return self

    def __next__(self) -> ListedPathway:
        return next(self.pathways)

    def close(self) -> None:
        close = getattr(self.pathways, "close", None)
        if close is not None:
            close()


def list_formulation(f: Formulation, filters: Filters = Filters(), order: Order | None = None, offset: int = 0,
                     limit: int | None = None, time_limit: float | None = None,
                     budget: Budget | None = None) -> PathwayListing:
    """The pathways of a formulation meeting `filters` (see `enumerate_formulation`), with their exact total
    (counted once: the listing reuses it)."""
    if budget is not None:
        budget.tell("counting pathways")
    lister = Lister(f, filters)
    try:
        total, note = lister.count(), None
    except Unsupported as why:
        total, note = None, f"total not counted: {why}"
    end = ListingEnd()
    pathways = enumerate_formulation(f, filters, order, limit, time_limit, lister, offset, budget, end)
    return PathwayListing(pathways=pathways, total=total, note=note, end=end,
                          open_groups=tuple(g.name for g in f.qualification.open_groups()))


def enumerate_pathways(catalogue: Catalogue, qualification: Qualification | str, learner: Learner = Learner(),
                       *, registered: dt.date | None = None, include: Iterable[str] = (),
                       exclude: Iterable[str] = (), min_glh: int | None = None, max_glh: int | None = None,
                       min_credits: int | None = None, max_credits: int | None = None, minimal: bool = False,
                       order: Order | str | None = None, offset: int = 0, limit: int | None = None,
                       time_limit: float | None = None, budget: Budget | None = None) -> PathwayListing:
    """Valid pathways for a learner (default: a new one), streamed as found; see `Filters` and `ordered`.

    `registered`, `include` and `exclude` adjust the learner; GLH means new GLH (total GLH when nothing is
    achieved). `order` by name ("glh") or as an Order; a page is `offset` pathways skipped, then at most
    `limit`. The answer iterates over the pathways and carries their exact `total` (None, with a `note`, where
    the counter cannot reach it); the CLI and the web explorer both list through here. Every pathway is
    re-checked in plain Python before it is yielded. Under `budget` the listing stops at its limits (or a
    cancel) with what it found; the answer's `end` says which limit and how much of the order is proven.
    """
    q = catalogue.qualification(qualification)
    sort = order_named(order) if order is not None else None  # the one conversion, at the public edge
    update: dict[str, Any] = {}
    if registered is not None:
        update["registered"] = registered
    if include:
        update["include"] = (*learner.include, *include)
    if exclude:
        update["exclude"] = (*learner.exclude, *exclude)
    f = formulate(catalogue, q, learner.model_copy(update=update) if update else learner)
    filters = Filters(min_glh, max_glh, min_credits, max_credits, minimal)
    return list_formulation(f, filters, sort, offset, limit, time_limit, budget)
