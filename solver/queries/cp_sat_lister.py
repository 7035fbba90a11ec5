"""The lister of one formulation: CP-SAT (or the block search) streams its pathways, each re-checked and described."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from solver.budget import Budget
from solver.engine.counting import Constraint, CountProblem, Unsupported, frontier_count, is_minimal, problem_of
from solver.engine.status import Status
from solver.errors import PathwayInvalid
from solver.queries.block_lister import block_masks
from solver.queries.listed_pathway import Filters, ListedPathway, ListingEnd, Order
from solver.request.formulation import Formulation
from solver.request.unknowns import credit_bounds
from solver.rules.linear import Linear, is_auxiliary

if TYPE_CHECKING:
    from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed

SPARSE = 50_000  # at most this many solutions (exact count): search with the LP on (see CompiledModel)
DENSITY = 1e-3  # the block search needs at least this share of pathways within the maximums to be valid
# Masks are decoded by per-byte tables up to this many variables; beyond, the tables take longer to build
# (80 s for 5,000 units) than summing over each pathway's units does for any listing a limit allows.
TABLES_UP_TO = 512
# Work charged per pathway decoded and re-checked in Python (the search's own work is charged apart): measured
# on the Award, about 27 microseconds of one core each.
WORK_PER_PATHWAY = 3e-5


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


class _Either(threading.Event):
    """Set when it is set itself or when `parent` is: a search's own stop, or the whole query's cancel."""

    def __init__(self, parent: threading.Event):
        super().__init__()
        self.parent = parent

    def is_set(self) -> bool:
        return super().is_set() or self.parent.is_set()


def share_of(budget: Budget | None) -> Budget:
    """A budget for one search within `budget`: what is left of its limits, its cancel, and a stop of its own
    (a consumer that has what it wants ends the search at once); charge it back with `budget.spend`."""
    if budget is None:
        return Budget()
    return Budget(work=budget.work_left(), time=budget.time_left(), cancelled=_Either(budget.cancelled))


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
        members = [frozenset(g.units) for g in f.qualification.groups]  # a set: 5,000 units in 20 groups
        self.per_group = [{u: c for u, c in self.problem.credits.items() if base(u) in units} for units in members]
        self.first_check = 2 + len(self.per_group)
        self.own_variables = {k for k, con in enumerate(self.problem.constraints, start=self.first_check)
                              if any(is_auxiliary(v) for v in con.weights)}
        self._tables: _Tables | None = None  # built on the first mask decoded (only masks need them)
        self._model: CompiledModel | None = None  # the CP-SAT model for next-value solves, built on first use
        self._total: int | Unsupported | None = None  # the count without extra constraints, once asked

    @property
    def tables(self) -> _Tables:
        if self._tables is None:
            sums = [dict(self.problem.credits), dict(self.problem.glh), *self.per_group,
                    *(dict(con.weights) for con in self.problem.constraints)]
            self._tables = _Tables(self.variables, sums)
        return self._tables

    def model(self) -> CompiledModel:
        """The CP-SAT model of the rules (the filters are posted per solve), built once."""
        from solver.engine.compile import CompiledModel

        if self._model is None:
            self._model = CompiledModel(self.variables, self.f.requirements)
        return self._model

    def metric(self, measure: Order) -> dict[str, int]:
        """Each variable's weight in `measure`: its new GLH, its credits, or 1 (a unit)."""
        if measure is Order.GLH:
            return dict(self.problem.glh)
        if measure is Order.CREDITS:
            return dict(self.problem.credits)
        return dict.fromkeys(self.variables, 1)

    def pathway(self, mask: int) -> ListedPathway:
        """Decode and re-check in plain Python every rule, learner constraint and filter, then describe."""
        if len(self.variables) > TABLES_UP_TO:
            return self.describe(frozenset(v for i, v in enumerate(self.variables) if mask >> i & 1))
        tables = self.tables
        for k, con in enumerate(self.problem.constraints, start=self.first_check):
            if k in self.own_variables:
                continue
            if not con.linear.admits(tables.total(k, mask)):  # the fast decode, the one bound check
                raise PathwayInvalid(f"CP-SAT returned a pathway the plain-Python check rejects: "
                                   f"{list(tables.units(mask))}")
        units = tables.units(mask)
        groups = tuple((g, tables.total(2 + i, mask)) for i, g in enumerate(self.group_ids))
        return self._described(units, tables.total(0, mask), tables.total(1, mask), groups)

    def describe(self, chosen: frozenset[str]) -> ListedPathway:
        """The same as `pathway` for a unit set (an optimal solve's answer): re-checked, then described. Sums
        run over the pathway's units, so a large catalogue costs what the pathway holds, not its size."""
        units = tuple(v for v in self.variables if v in chosen)
        for k, con in enumerate(self.problem.constraints, start=self.first_check):
            if k not in self.own_variables and not con.linear.admits(sum(con.weights.get(u, 0) for u in units)):
                raise PathwayInvalid(f"CP-SAT returned a pathway the plain-Python check rejects: {list(units)}")
        groups = tuple((g, sum(self.per_group[i].get(u, 0) for u in units)) for i, g in enumerate(self.group_ids))
        return self._described(units, sum(self.problem.credits.get(u, 0) for u in units),
                               sum(self.problem.glh.get(u, 0) for u in units), groups)

    def _described(self, units: tuple[str, ...], credits: int, glh: int,
                   groups: tuple[tuple[str, int], ...]) -> ListedPathway:
        if self.own_variables:  # a rule with its own variables (not in the mask): its plain-Python verdict
            self.f.verify(frozenset(units))
        if self.filters.minimal and not is_minimal(self.problem, frozenset(units)):
            raise PathwayInvalid(f"CP-SAT returned a pathway that is not minimal: {list(units)}")
        ctx = self.f.context
        bounds = credit_bounds(self.f.qualification, ctx, frozenset(units))
        hours = tuple(c for c in units if ctx.units[c].glh is None and c not in ctx.achieved)
        if not bounds.unknown and not hours:
            return ListedPathway(units=units, credits=credits, glh=glh, group_credits=groups)
        q = self.f.qualification
        by_group = {g.id: credit_bounds(q, ctx, frozenset(u for u in units if ctx.base(u) in g.units))
                    for g in q.groups}
        groups = tuple((g, by_group[g].low if g in by_group else n) for g, n in groups)
        return ListedPathway(units=units, credits=bounds.low, glh=glh, group_credits=groups,
                             credits_exact=bounds.exact, unpublished_credits=bounds.unknown, unpublished_glh=hours,
                             groups_at_least=tuple(g for g, b in by_group.items() if not b.exact))

    def minimality(self) -> list[Linear] | None:
        if not self.filters.minimal:
            return None
        if self.own_variables:
            raise Unsupported("minimal pathways are not listed for rules with their own variables (groups)")
        return [lin for req in self.f.requirements for lin in req.linears if lin.lo is not None and lin.lo > 0]

    def stream(self, extra: Iterable[Linear] = (), time_limit: float | None = None,
               expected: int | None = None, blocks: bool = False, budget: Budget | None = None,
               end: ListingEnd | None = None) -> Iterator[ListedPathway]:
        """Every pathway meeting the rules, the filters and `extra`, streamed as found.

        With `blocks`, where the exact counter applies (non-negative weights), minimality is not asked and
        the exact count says solutions are plentiful, a vectorised search over blocks of units lists them
        (measured on the Award: about 6x CP-SAT's rate, whose per-solution callback dominates; but its
        pruning is weak for tight minimums, so sparse sets go to CP-SAT). Otherwise CP-SAT lists them, with
        `expected` (an exact count, if known) picking its parameters. Each pathway is re-checked. Under
        `budget`, a search ended by a limit says so in `end.stopped`."""
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
            for masks in block_masks(problem, budget):
                for mask in masks.tolist():
                    yield self.pathway(mask)
                    if _charged(budget, end):
                        return
            if end is not None and budget is not None:
                end.stopped = budget.stopped()
            return
        from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed

        model = CompiledModel(self.variables, self.f.requirements)
        extra = [*self.extra, *extra]
        minimality = self.minimality()
        # An ordered slice (a measure fixed) is sparse by nature: without a count, list it as such.
        sparse = expected <= SPARSE if expected is not None else slice_
        own = share_of(budget)
        # Pathways are handed over in batches; over many units each costs the solver's callback dearly, so
        # the first ones come out after 64 rather than 2,048 (a --limit 5 waited for 2,048 on 5,000 units).
        batch = 64 if len(self.variables) > TABLES_UP_TO else 2048

        def run(take: Callable[[list[int]], bool]) -> Status:
            try:
                return model.enumerate_masks(take, extra, minimality, time_limit, sparse=sparse, budget=own,
                                             batch=batch)
            finally:
                if budget is not None:
                    budget.spend(own.spent)
        for pathway in _drain(run, self.pathway, own):
            yield pathway
            if _charged(budget, end):
                return
        if end is not None and budget is not None:
            end.stopped = budget.stopped()

    def next_value(self, metric: Order, extra: Iterable[Linear], above: int | None,
                   budget: Budget | None = None) -> int | None:
        """The least value of `metric` above `above` among pathways meeting the rules, filters and `extra`
        (an objective-bounded CP-SAT solve, proven optimal), or None if there is none or the budget ran out
        (`budget.stopped()` says which)."""
        terms = tuple(self.metric(metric).items())
        floor = [] if above is None else [Linear(terms, above + 1, None)]
        solution = self.model().solve(tiers=[terms], extra=[*self.extra, *extra, *floor], budget=budget)
        if solution.status is Status.INFEASIBLE or solution.stopped is not None:
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


def _charged(budget: Budget | None, end: ListingEnd | None) -> bool:
    """Charge one pathway's decoding; True (and `end.stopped` said) once a limit is reached."""
    if budget is None:
        return False
    budget.spend(WORK_PER_PATHWAY)
    limit = budget.stopped()
    if limit is not None and end is not None:
        end.stopped = limit
    return limit is not None


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


def _drain(run: Callable[[Callable[[list[int]], bool]], Status], convert: Callable[[int], ListedPathway],
           own: Budget) -> Iterator[ListedPathway]:
    """Run a callback-driven search in a worker thread and yield its results here, as they come: CP-SAT
    calls back from inside solve(), where a generator cannot yield. A consumer that stops early (or a
    second Ctrl-C) cancels `own`, the search's budget, which stops the native search at once; the worker is
    always joined, so no native search outlives the listing."""
    import queue

    handoff: queue.Queue[Any] = queue.Queue(maxsize=4)
    done = object()
    failure: list[BaseException] = []

    def take(masks: list[int]) -> bool:
        if own.cancelled.is_set():
            return False
        handoff.put(masks)
        return not own.cancelled.is_set()

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
        own.cancel()
        while thread.is_alive():  # unblock a worker waiting to hand over a batch
            try:
                handoff.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()
