"""List valid pathways, streamed as CP-SAT finds them, filtered, optionally minimal, ordered and capped."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from solver.engine.counting import Constraint, CountProblem, Unsupported, frontier_count, is_minimal, problem_of
from solver.engine.frontier import normalise
from solver.engine.status import Status
from solver.errors import PathwayInvalid
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.request.formulation import Formulation, formulate
from solver.request.unknowns import credit_bounds
from solver.rules.linear import Linear, is_auxiliary

if TYPE_CHECKING:
    import pandas as pd

    from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed


class Order(StrEnum):
    """A listing order (`enumerate --order`), and the measure it sorts by; a str, so JSON shows it as written."""

    GLH = "glh"  # new GLH
    CREDITS = "credits"
    UNITS = "units"  # the number of units


ORDERS: tuple[str, ...] = tuple(o.value for o in Order)


def order_named(name: str) -> Order:
    """The order called `name` (as `--order` or the web form writes it), or a ValueError naming the known ones."""
    try:
        return Order(name)
    except ValueError:
        raise ValueError(f"unknown order '{name}'; expected one of {', '.join(ORDERS)}") from None


# Each order's measures, most important first: ties go to the other two, then to earlier catalogue units.
TIE_BREAKS = {Order.GLH: (Order.GLH, Order.CREDITS, Order.UNITS),
              Order.CREDITS: (Order.CREDITS, Order.GLH, Order.UNITS),
              Order.UNITS: (Order.UNITS, Order.GLH, Order.CREDITS)}
SORT_CAP = 2_000  # an ordered slice is listed in full and sorted once the exact count says it is this small
SPARSE = 50_000  # at most this many solutions (exact count): search with the LP on (see CompiledModel)
DENSITY = 1e-3  # the block search needs at least this share of pathways within the maximums to be valid


@dataclass(frozen=True, kw_only=True)
class ListedPathway:
    """One valid pathway: its units (catalogue order), credits, new GLH and credits per group."""

    units: tuple[str, ...]
    credits: int  # unpublished credits counted as 0 unless a group's published total settles them
    glh: int  # unpublished GLH counted as 0: then a lower bound
    group_credits: tuple[tuple[str, int], ...]
    credits_exact: bool = True  # False: `credits` is a lower bound resting on `unpublished_credits`
    unpublished_credits: tuple[str, ...] = ()
    unpublished_glh: tuple[str, ...] = ()  # claimed units (not achieved) whose GLH is unpublished
    groups_at_least: tuple[str, ...] = ()  # groups whose credits here are a lower bound (unpublished values)

    def group_text(self, group: str) -> str:
        value = dict(self.group_credits).get(group, 0)
        return f"at least {value}" if group in self.groups_at_least else str(value)

    def credits_text(self) -> str:
        return str(self.credits) if self.credits_exact else f"at least {self.credits}"

    def glh_text(self) -> str:
        return f"at least {self.glh}" if self.unpublished_glh else str(self.glh)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"units": list(self.units), "credits": self.credits if self.credits_exact else None,
                     "glh": None if self.unpublished_glh else self.glh, "group_credits": dict(self.group_credits)}
        if self.groups_at_least:
            out["group_credits_at_least"] = list(self.groups_at_least)
        if not self.credits_exact:
            out.update(credits_at_least=self.credits, credits_rest_on_unpublished=list(self.unpublished_credits))
        if self.unpublished_glh:
            out.update(glh_at_least=self.glh, glh_rests_on_unpublished=list(self.unpublished_glh))
        return out


@dataclass(frozen=True)
class Filters:
    """What to keep beyond the rules: GLH and credit bounds, and only minimal pathways if asked."""

    min_glh: int | None = None
    max_glh: int | None = None
    min_credits: int | None = None
    max_credits: int | None = None
    minimal: bool = False

    def for_formulation(self, f: Formulation) -> list[Linear]:
        """The filters as linear constraints over the formulation's units (GLH: new GLH)."""
        return self.linears(problem_of(f))

    def linears(self, problem: CountProblem) -> list[Linear]:
        out = []
        glh = tuple(problem.glh.items())
        credits = tuple(problem.credits.items())
        if self.min_glh is not None or self.max_glh is not None:
            out.append(Linear(glh, self.min_glh, self.max_glh))
        if self.min_credits is not None or self.max_credits is not None:
            out.append(Linear(credits, self.min_credits, self.max_credits))
        return out


class _Tables:
    """Per-byte lookup tables that decode a bit mask over the variables into units and weighted sums."""

    def __init__(self, variables: tuple[str, ...], weights: list[dict[str, int]]):
        chunks = [variables[k:k + 8] for k in range(0, len(variables), 8)]
        self.codes = [[tuple(v for j, v in enumerate(chunk) if b >> j & 1) for b in range(256)] for chunk in chunks]
        self.sums = [[[sum(w.get(v, 0) for j, v in enumerate(chunk) if b >> j & 1) for b in range(256)]
                      for chunk in chunks] for w in weights]

    def units(self, mask: int) -> tuple[str, ...]:
        out: tuple[str, ...] = ()
        for table in self.codes:
            out += table[mask & 255]
            mask >>= 8
        return out

    def total(self, which: int, mask: int) -> int:
        out = 0
        for table in self.sums[which]:
            out += table[mask & 255]
            mask >>= 8
        return out


class Lister:
    """Lists the pathways of one formulation with CP-SAT and turns its bit masks into checked `ListedPathway`s."""

    def __init__(self, f: Formulation, filters: Filters):
        self.f = f
        self.filters = filters
        self.extra = filters.linears(problem_of(f))
        self.problem = problem_of(f, self.extra)
        self.variables = f.variables
        self.group_ids = [g.id for g in f.qualification.groups]
        base = f.context.base  # a unit claimed in a mode is in its unit's group
        per_group = [{u: c for u, c in self.problem.credits.items() if base(u) in g.units}
                     for g in f.qualification.groups]
        sums = [dict(self.problem.credits), dict(self.problem.glh), *per_group,
                *(dict(con.weights) for con in self.problem.constraints)]
        self.tables = _Tables(self.variables, sums)
        self.first_check = 2 + len(per_group)
        self.own_variables = {k for k, con in enumerate(self.problem.constraints, start=self.first_check)
                              if any(is_auxiliary(v) for v in con.weights)}
        self._model: CompiledModel | None = None  # the CP-SAT model for next-value solves, built on first use
        self._total: int | Unsupported | None = None  # the count without extra constraints, once asked

    def metric(self, measure: Order) -> dict[str, int]:
        """Each variable's weight in `measure`: its new GLH, its credits, or 1 (a unit)."""
        if measure is Order.GLH:
            return dict(self.problem.glh)
        if measure is Order.CREDITS:
            return dict(self.problem.credits)
        return dict.fromkeys(self.variables, 1)

    def pathway(self, mask: int) -> ListedPathway:
        """Decode and re-check in plain Python every rule, learner constraint and filter, then describe."""
        tables = self.tables
        for k, con in enumerate(self.problem.constraints, start=self.first_check):
            if k in self.own_variables:
                continue
            if not con.linear.admits(tables.total(k, mask)):  # the fast decode, the one bound check
                raise PathwayInvalid(f"CP-SAT returned a pathway the plain-Python check rejects: "
                                   f"{list(tables.units(mask))}")
        units = tables.units(mask)
        if self.own_variables:  # a rule with its own variables (not in the mask): its plain-Python verdict
            self.f.verify(frozenset(units))
        if self.filters.minimal and not is_minimal(self.problem, frozenset(units)):
            raise PathwayInvalid(f"CP-SAT returned a pathway that is not minimal: {list(units)}")
        groups = tuple((g, tables.total(2 + i, mask)) for i, g in enumerate(self.group_ids))
        ctx = self.f.context
        bounds = credit_bounds(self.f.qualification, ctx, frozenset(units))
        hours = tuple(c for c in units if ctx.units[c].glh is None and c not in ctx.achieved)
        if not bounds.unknown and not hours:
            return ListedPathway(units=units, credits=tables.total(0, mask), glh=tables.total(1, mask),
                                 group_credits=groups)
        q = self.f.qualification
        by_group = {g.id: credit_bounds(q, ctx, frozenset(u for u in units if ctx.base(u) in g.units))
                    for g in q.groups}
        groups = tuple((g, by_group[g].low if g in by_group else n) for g, n in groups)
        return ListedPathway(units=units, credits=bounds.low, glh=tables.total(1, mask), group_credits=groups,
                             credits_exact=bounds.exact, unpublished_credits=bounds.unknown, unpublished_glh=hours,
                             groups_at_least=tuple(g for g, b in by_group.items() if not b.exact))

    def minimality(self) -> list[Linear] | None:
        if not self.filters.minimal:
            return None
        if self.own_variables:
            raise Unsupported("minimal pathways are not listed for rules with their own variables (groups)")
        return [lin for req in self.f.requirements for lin in req.linears if lin.lo is not None and lin.lo > 0]

    def stream(self, extra: Iterable[Linear] = (), time_limit: float | None = None,
               expected: int | None = None, blocks: bool = False) -> Iterator[ListedPathway]:
        """Every pathway meeting the rules, the filters and `extra`, streamed as found.

        With `blocks`, where the exact counter applies (non-negative weights), minimality is not asked and
        the exact count says solutions are plentiful, a vectorised search over blocks of units lists them
        (measured on the Award: about 6x CP-SAT's rate, whose per-solution callback dominates; but its
        pruning is weak for tight minimums, so sparse sets go to CP-SAT). Otherwise CP-SAT lists them, with
        `expected` (an exact count, if known) picking its parameters. Each pathway is re-checked."""
        from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed

        extra = list(extra)
        if expected is None:
            try:
                expected = self.count(extra)
            except Unsupported:
                expected = None
        elif expected < 0:  # the caller knows the count is out of reach: do not try it again
            expected = None
        slice_ = bool(extra)
        if expected == 0:
            return
        problem = problem_of(self.f, [*self.extra, *extra])
        if blocks and not self.filters.minimal and len(self.variables) <= 62 and _dense(problem, expected):
            for masks in block_masks(problem):
                for mask in masks.tolist():
                    yield self.pathway(mask)
            return
        model = CompiledModel(self.variables, self.f.requirements)
        extra = [*self.extra, *extra]
        minimality = self.minimality()
        # An ordered slice (a measure fixed) is sparse by nature: without a count, list it as such.
        sparse = expected <= SPARSE if expected is not None else slice_

        def run(take: Callable[[list[int]], bool]) -> Status:
            return model.enumerate_masks(take, extra, minimality, time_limit, sparse=sparse)
        yield from _drain(run, self.pathway)

    def next_value(self, metric: Order, extra: Iterable[Linear], above: int | None) -> int | None:
        """The least value of `metric` above `above` among pathways meeting the rules, filters and `extra`
        (an objective-bounded CP-SAT solve, proven optimal), or None if there is none."""
        from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed

        if self._model is None:
            self._model = CompiledModel(self.variables, self.f.requirements)
        model = self._model
        terms = tuple(self.metric(metric).items())
        floor = [] if above is None else [Linear(terms, above + 1, None)]
        solution = model.solve(tiers=[terms], extra=[*self.extra, *extra, *floor])
        if solution.status is Status.INFEASIBLE:
            return None
        if solution.status is not Status.OPTIMAL or solution.pathway is None or solution.objective is None:
            raise Unsupported(f"CP-SAT could not prove the next {metric} value ({solution.status})")
        self.f.verify(solution.pathway, "the next-value pathway")
        return int(solution.objective)

    def count(self, extra: Iterable[Linear] = ()) -> int:
        """The exact number of pathways meeting the rules, filters and `extra` (Unsupported if out of reach;
        the answer without `extra` is kept, as the CLI and the ordered listing both ask for it)."""
        extra = tuple(extra)
        if not extra and self._total is not None:
            if isinstance(self._total, Unsupported):
                raise self._total
            return self._total
        problem = problem_of(self.f, [*self.extra, *extra])
        try:
            total = int(frontier_count(problem, minimal=self.filters.minimal).sum())
        except Unsupported as why:
            if not extra:
                self._total = why
            raise
        if not extra:
            self._total = total
        return total

    def distribution(self, metric: Order, extra: Iterable[Linear] = ()) -> dict[int, int]:
        problem = problem_of(self.f, [*self.extra, *extra])
        counts = frontier_count(problem, track=self.metric(metric), minimal=self.filters.minimal)
        return {k: int(v) for k, v in enumerate(counts.tolist()) if v}


BLOCK = 12  # units per block: 4,096 subsets each
CHUNK = 1 << 20  # partial pathways times block subsets examined at once


def block_masks(problem: CountProblem) -> Iterator[np.ndarray]:
    """Valid pathways as bit masks over `problem.variables`, in arrays, blocks of units at a time.

    Each block's subsets carry their contribution to every constraint; partial pathways are extended block
    by block, dropping any that exceed a maximum or can no longer reach a minimum with the units left.
    Non-negative weights only (as the counter); at most 62 variables (masks are int64).
    """
    cons = normalise(problem.variables, problem.constraints, minimal=False)
    if cons is None:
        return
    n = len(problem.variables)
    width = max(len(cons), 1)
    weights = np.zeros((n, width), dtype=np.int64)
    for j, con in enumerate(cons):
        for i, v in enumerate(problem.variables):
            weights[i, j] = con.weights.get(v, 0)
    big = np.iinfo(np.int64).max // 4
    lo = np.array([c.lo if c.lo > 0 else -big for c in cons] or [-big], dtype=np.int64)
    hi = np.array([c.hi if c.hi is not None else big for c in cons] or [big], dtype=np.int64)
    starts = list(range(0, n, BLOCK))
    sums = []
    for start in starts:
        k = min(BLOCK, n - start)
        bits = (np.arange(1 << k)[:, None] >> np.arange(k)[None, :]) & 1
        sums.append(bits @ weights[start:start + k])
    after = [weights[start + BLOCK:].sum(axis=0) for start in starts]
    pairs = [(j, k) for j, a in enumerate(cons) for k, b in enumerate(cons)
             if j != k and a.lo > 0 and b.hi is not None]
    reach = [{(j, k): _knapsack(weights[start + BLOCK:, j], weights[start + BLOCK:, k], cons[k].hi or 0)
              for j, k in pairs} for start in starts]

    def feasible(total: np.ndarray, level: int) -> np.ndarray:
        ok = ((total <= hi) & (total + after[level] >= lo)).all(axis=-1)
        for (j, k), best in reach[level].items():  # the minimum j is still reachable within maximum k
            budget = np.clip(hi[k] - total[..., k], 0, len(best) - 1)
            ok &= total[..., j] + best[budget] >= lo[j]
        return ok

    def extend(level: int, partial: np.ndarray, masks: np.ndarray) -> Iterator[np.ndarray]:
        if level == len(starts):
            yield masks
            return
        block, shift = sums[level], starts[level]
        step = max(1, CHUNK // len(block))
        for first in range(0, len(partial), step):
            total = partial[first:first + step, None, :] + block[None, :, :]
            rows, subsets = np.nonzero(feasible(total, level))
            if len(rows):
                yield from extend(level + 1, total[rows, subsets],
                                  masks[first:first + step][rows] | (subsets.astype(np.int64) << shift))

    yield from extend(0, np.zeros((1, width), dtype=np.int64), np.zeros(1, dtype=np.int64))


def _dense(problem: CountProblem, expected: int | None) -> bool:
    """Plentiful solutions, and a fair share of those within the maximums: the block search prunes by
    maximums exactly but by minimums only approximately, so it wastes little work only then."""
    if expected is None or expected <= SPARSE:
        return False
    ceiling = CountProblem(problem.variables, tuple(Constraint(c.weights, None, c.hi, c.minimality)
                                               for c in problem.constraints))
    try:
        return expected >= DENSITY * int(frontier_count(ceiling).sum())
    except Unsupported:
        return False


def _knapsack(gain: np.ndarray, cost: np.ndarray, capacity: int) -> np.ndarray:
    """best[c]: the largest total `gain` of a subset whose total `cost` is at most c (0/1 knapsack)."""
    best = np.zeros(capacity + 1, dtype=np.int64)
    for g, c in zip(gain.tolist(), cost.tolist()):
        if g <= 0:
            continue
        if c == 0:
            best += g
        elif c <= capacity:
            best[c:] = np.maximum(best[c:], best[:-c] + g)
    return best


def _drain(run: Callable[[Callable[[list[int]], bool]], Status], convert: Callable[[int], ListedPathway]
           ) -> Iterator[ListedPathway]:
    """Run a callback-driven search in a worker thread and yield its results here, as they come: CP-SAT
    calls back from inside solve(), where a generator cannot yield. A consumer that stops early stops the
    search at its next batch."""
    import queue
    import threading

    handoff: queue.Queue[Any] = queue.Queue(maxsize=4)
    stop = threading.Event()
    done = object()
    failure: list[BaseException] = []

    def take(masks: list[int]) -> bool:
        if stop.is_set():
            return False
        handoff.put(masks)
        return not stop.is_set()

    def worker() -> None:
        try:
            run(take)
        except BaseException as err:  # handed to the consumer, raised there
            failure.append(err)
        finally:
            handoff.put(done)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        while True:
            item = handoff.get()
            if item is done:
                break
            for mask in item:
                yield convert(mask)
        if failure:
            raise failure[0]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a worker waiting to hand over a batch
            try:
                handoff.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


def sort_key(lister: Lister, order: Order) -> Callable[[ListedPathway], tuple[int, ...]]:
    position = {v: i for i, v in enumerate(lister.variables)}
    names = TIE_BREAKS[order]

    def key(p: ListedPathway) -> tuple[Any, ...]:
        values = {Order.GLH: p.glh, Order.CREDITS: p.credits, Order.UNITS: len(p.units)}
        return (*(values[n] for n in names), tuple(position[u] for u in p.units))
    return key


def ordered(lister: Lister, order: Order, time_limit: float | None = None) -> Iterator[ListedPathway]:
    """Pathways in `order` (ties: the other two measures, then earlier catalogue units first), exactly.

    The pathways are split into slices, by each measure's value and then unit by unit, until a slice is
    small enough to list in full and sort; slices are visited in order, so the first pathways come out
    without listing the rest. Where the exact counter works, its counts and distributions size and split
    the slices; where it does not, CP-SAT finds the next value of the measure (an objective-bounded solve)
    and a slice is sized by listing at most SORT_CAP + 1 of its pathways.
    """
    key = sort_key(lister, order)
    metrics = TIE_BREAKS[order]
    deepest = len(metrics) + len(lister.variables)
    counting = [True]  # a slice adds constraints, so once the counter refuses, it is not asked again

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
        value = lister.next_value(metric, extra, None)
        while value is not None:
            yield value
            value = lister.next_value(metric, extra, value)

    def visit(extra: list[Linear], depth: int) -> Iterator[ListedPathway]:
        n = size(extra)
        if n == 0:
            return
        if n is not None and (n <= SORT_CAP or depth >= deepest):
            yield from sorted(lister.stream(extra, time_limit, n), key=key)
            return
        if n is None:  # sized by listing: at most SORT_CAP + 1 of its pathways
            head = list(itertools.islice(lister.stream(extra, time_limit, -1), SORT_CAP + 1))
            if len(head) <= SORT_CAP:
                yield from sorted(head, key=key)
                return
        if depth < len(metrics):
            weights = tuple(lister.metric(metrics[depth]).items())
            for value in values(metrics[depth], extra, n is not None):
                yield from visit([*extra, Linear(weights, value, value)], depth + 1)
            return
        unit = lister.variables[depth - len(metrics)]
        for bit in (1, 0):
            yield from visit([*extra, Linear(((unit, 1),), bit, bit)], depth + 1)

    yield from visit([], 0)


def enumerate_formulation(f: Formulation, filters: Filters = Filters(), order: Order | None = None,
                          limit: int | None = None, time_limit: float | None = None,
                          lister: Lister | None = None, offset: int = 0) -> Iterator[ListedPathway]:
    """Valid pathways of a formulation meeting `filters`, streamed; in `order` if given; the first `offset`
    skipped, then at most `limit`."""
    lister = lister if lister is not None else Lister(f, filters)
    source = ordered(lister, order, time_limit) if order else lister.stream(time_limit=time_limit, blocks=True)
    end = None if limit is None else offset + limit
    for n, pathway in enumerate(source):
        if end is not None and n >= end:
            return
        if n >= offset:
            yield pathway


@dataclass(kw_only=True)
class PathwayListing:
    """Pathways streamed (in order if asked), with the exact total of all of them (not only those listed) where
    the counter reaches it, or None and `note` saying why. An iterator: iterate it once; close it to stop the
    search early."""

    pathways: Iterator[ListedPathway]
    total: int | None
    note: str | None = None
    open_groups: tuple[str, ...] = ()  # groups listing only some units: the pathways are over the listed ones

    def __iter__(self) -> PathwayListing:
        return self

    def __next__(self) -> ListedPathway:
        return next(self.pathways)

    def close(self) -> None:
        close = getattr(self.pathways, "close", None)
        if close is not None:
            close()


def list_formulation(f: Formulation, filters: Filters = Filters(), order: Order | None = None, offset: int = 0,
                     limit: int | None = None, time_limit: float | None = None) -> PathwayListing:
    """The pathways of a formulation meeting `filters` (see `enumerate_formulation`), with their exact total
    (counted once: the listing reuses it)."""
    lister = Lister(f, filters)
    try:
        total, note = lister.count(), None
    except Unsupported as why:
        total, note = None, f"total not counted: {why}"
    return PathwayListing(pathways=enumerate_formulation(f, filters, order, limit, time_limit, lister, offset),
                          total=total, note=note, open_groups=tuple(g.name for g in f.qualification.open_groups()))


def enumerate_pathways(catalogue: Catalogue, qualification: Qualification | str, learner: Learner = Learner(),
                       *, registered: dt.date | None = None, include: Iterable[str] = (),
                       exclude: Iterable[str] = (), min_glh: int | None = None, max_glh: int | None = None,
                       min_credits: int | None = None, max_credits: int | None = None, minimal: bool = False,
                       order: Order | str | None = None, offset: int = 0, limit: int | None = None,
                       time_limit: float | None = None) -> PathwayListing:
    """Valid pathways for a learner (default: a new one), streamed as found; see `Filters` and `ordered`.

    `registered`, `include` and `exclude` adjust the learner; GLH means new GLH (total GLH when nothing is
    achieved). `order` by name ("glh") or as an Order; a page is `offset` pathways skipped, then at most
    `limit`. The answer iterates over the pathways and carries their exact `total` (None, with a `note`, where
    the counter cannot reach it); the CLI and the web explorer both list through here. Every pathway is
    re-checked in plain Python before it is yielded.
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
    return list_formulation(f, filters, sort, offset, limit, time_limit)


def pathways_frame(pathways: Iterable[ListedPathway], groups: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per pathway: units (space-separated), number of units, credits, credits per group, GLH."""
    import pandas as pd

    rows = []
    group_ids = list(groups) if groups is not None else None
    for p in pathways:
        if group_ids is None:
            group_ids = [g for g, _ in p.group_credits]
        per_group = dict(p.group_credits)
        rows.append({"units": " ".join(p.units), "n_units": len(p.units), "credits": p.credits,
                     **{f"credits_{g}": per_group.get(g, 0) for g in group_ids}, "glh": p.glh,
                     "credits_at_least": not p.credits_exact, "glh_at_least": bool(p.unpublished_glh)})
    columns = ["units", "n_units", "credits", *[f"credits_{g}" for g in group_ids or []], "glh"]
    # Where a figure rests on unpublished values it is a lower bound: a column says which rows (only then).
    columns += [c for c in ("credits_at_least", "glh_at_least") if any(r[c] for r in rows)]
    return pd.DataFrame(rows, columns=columns)
