"""The exact counter's engine: a sparse dynamic programme over the reachable running sums, unit by unit.

A state is the tuple of running sums of the constraints that are open (some of their units seen, some not),
plus, when counting minimal pathways, a guessed class of each lower-bounded rule's final slack, plus, for a
distribution, the running tracked total (or a vector of counts by it, see `Programme.run`). Only reachable
states are kept (rows of an integer array, merged after every unit), in a canonical form so that states no
future can tell apart merge: once a sum cannot pass its maximum any more, everything at or above its
minimum is one state; a state that can no longer reach a minimum is dropped. Counts are exact (int64 up to
62 units, Python integers beyond). Every limit is a count of states, so the same input always gives the
same answer or the same refusal.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from solver.budget import Budget, Limit
from solver.errors import PathwaysError

MAX_STATES = 400_000  # rows a layer of the programme may hold (a work bound, never a clock)
OPEN_FACTOR = 4  # rows a layer may reach while opening rules, as a multiple of MAX_STATES, before pruning
LOOP_WIDTH = 256  # count vectors at least this wide are added up run by run (see `_gather`)
MAX_CELLS = 64_000_000  # counts a layer may hold: states times totals (about 0.5 GB; a pass peaks near 1.5 GB)
# The work a pass charges to its budget: each unit costs the cells it handles (candidate rows times their
# columns and counts) plus a fixed overhead (numpy calls on small arrays); CELLS_PER_WORK cells make one work
# unit, about a second of one idle core (measured: the 5,000-unit synthetic's refused passes, 12 s).
UNIT_OVERHEAD_CELLS = 4_000
CELLS_PER_WORK = 20_000_000
TELL_EVERY = 50  # units between progress reports of a pass
SETUP_WORK = 1e-6  # work units per unit and rule to set a programme up (its order: 0.6 s at 5,000 units, 122 rules)


class Stopped(PathwaysError):
    """A budget's limit ended a pass (deterministic for the work limit: the same unit on every run)."""

    def __init__(self, limit: Limit):
        super().__init__(f"stopped by the {limit}")
        self.limit = limit


class Unsupported(PathwaysError):
    """The constraints fall outside what the programme covers (negative weights, too many states);
    `sizes`: the states of each layer the run did complete (where a run from the other end may meet it)."""

    def __init__(self, message: str, sizes: Sequence[int] = ()):
        super().__init__(message)
        self.sizes = list(sizes)


@dataclass(frozen=True)
class SumBound:
    """`lo <= sum(weights[u] * take[u]) <= hi` with non-negative weights; `minimality`: a rule, not a filter."""

    weights: Mapping[str, int]
    lo: int | None
    hi: int | None
    minimality: bool = True


@dataclass
class _Con:
    """Bounds on one weighted sum, merged; `floor` (minimal counting only) is the largest minimum among the
    rules, filters excluded; `cap` is where the sum saturates once its maximum is out of reach."""

    weights: dict[str, int]
    lo: int
    hi: int | None
    floor: int | None
    distinct: np.ndarray  # the distinct unit weights, ascending (slack classes for minimality)
    cap: int

    @property
    def guesses(self) -> int:
        return len(self.distinct) + 1 if self.floor is not None else 0

    @property
    def top(self) -> int:
        return self.hi if self.hi is not None else self.cap

    def category(self, slack: np.ndarray) -> np.ndarray:
        """How many distinct weights fit in the slack: a unit of weight w is critical iff category < rank(w)."""
        return np.searchsorted(self.distinct, slack, side="right")


def normalise(variables: Sequence[str], bounds: Sequence[SumBound], minimal: bool) -> list[_Con] | None:
    """Merge bounds on the same sum and drop those that always hold; None if one can never hold."""
    if any(w < 0 for b in bounds for w in b.weights.values()):
        raise Unsupported("a constraint has a negative weight")
    known = set(variables)
    same: dict[tuple[tuple[str, int], ...], list[SumBound]] = {}
    for b in bounds:
        unknown = set(b.weights) - known
        if unknown:
            raise ValueError(f"constraint over units that are not variables: {sorted(unknown)}")
        key = tuple(sorted((c, w) for c, w in b.weights.items() if w))
        same.setdefault(key, []).append(b)
    out = []
    for key, group in same.items():
        weights = dict(key)
        total = sum(weights.values())
        los = [b.lo for b in group if b.lo is not None]
        his = [b.hi for b in group if b.hi is not None]
        floors = [b.lo for b in group if b.lo is not None and b.minimality]
        lo, hi = max(los, default=0), min(his, default=None)
        if lo > total or (hi is not None and (hi < 0 or lo > hi)):
            return None
        hi = hi if hi is not None and hi < total else None
        floor = max(floors) if floors and minimal and max(floors) > 0 else None
        if lo <= 0 and hi is None:
            continue
        distinct = np.array(sorted(set(weights.values())), dtype=np.int64)
        cap = max(lo, floor + int(distinct[-1])) if floor is not None else lo
        out.append(_Con(weights, max(lo, 0), hi, floor, distinct, cap))
    return out


def order_units(variables: Sequence[str], cons: list[_Con]) -> list[str]:
    """A processing order that keeps few constraints open at once: greedily take the group of units (same
    constraints) whose processing opens the least width, preferring groups that close constraints."""
    touching = {v: frozenset(i for i, c in enumerate(cons) if v in c.weights) for v in variables}
    groups: dict[frozenset[int], list[str]] = {}
    for v in variables:
        groups.setdefault(touching[v], []).append(v)
    remaining = [sum(1 for v in variables if v in c.weights) for c in cons]
    width = [math.log(c.top + 2) + (math.log(c.guesses) if c.guesses else 0.0) for c in cons]
    opened: set[int] = set()
    order: list[str] = []
    pending = list(groups)
    while pending:
        def cost(sig: frozenset[int], opened: set[int] = opened) -> tuple[float, int, int]:
            peak = sum(width[i] for i in opened | sig)
            closes = sum(1 for i in sig if remaining[i] == len(groups[sig]))
            return (peak, -closes, pending.index(sig))
        best = min(pending, key=cost)
        pending.remove(best)
        order += groups[best]
        opened |= best
        for i in best:
            remaining[i] -= len(groups[best])
        opened -= {i for i in best if remaining[i] == 0}
    return order


class ColumnKind(Enum):
    """What a column of the programme's state holds."""

    SUM = "sum"  # an open constraint's running sum
    GUESS = "guess"  # the guessed class of a lower-bounded rule's final slack (minimal counting)
    TRACK = "track"  # the running tracked total (a distribution)


@dataclass
class _Column:
    kind: ColumnKind
    con: int  # the constraint's index (-1 for the track)


@dataclass
class Sweep:
    """What one pass produced: counts by tracked total, the largest layer, and (if recorded) the layers."""

    by_track: dict[int, int]
    peak_states: int
    order: list[str]
    layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None  # counts, skip_to, take_to
    sizes: list[int] = field(default_factory=list)  # the states of each layer, after each unit
    frontier: Frontier | None = None  # the last layer, when the run stopped part way (see `run`'s `stop`)


@dataclass
class Frontier:
    """A layer of the programme: its states (rows, one column per open sum or guess), each state's counts
    by tracked total, and what each column holds."""

    states: np.ndarray
    counts: np.ndarray
    columns: list[_Column]


class Programme:
    """The programme for one set of bounds over `variables`: run it to count, track or record layers."""

    def __init__(self, variables: Sequence[str], bounds: Sequence[SumBound], minimal: bool = False,
                 max_states: int | None = None, order: Sequence[str] | None = None, budget: Budget | None = None,
                 task: str = "counting pathways"):
        self.budget, self.task = budget, task  # charged and checked after every unit of every run
        self.variables = tuple(variables)
        self.bounds = tuple(bounds)
        self.minimal = minimal
        self.max_states = max_states if max_states is not None else MAX_STATES
        normalised = normalise(self.variables, bounds, minimal)
        self.never = normalised is None  # some bound can never hold: no pathway at all
        self.cons: list[_Con] = normalised or []
        self._arrange(list(order) if order is not None else order_units(self.variables, self.cons))
        if budget is not None:
            budget.spend(len(self.variables) * (len(self.cons) + 1) * SETUP_WORK)
        self.dtype = np.int64 if len(self.variables) <= 62 else object

    def _arrange(self, order: list[str]) -> None:
        """What depends on the order: where each constraint opens and closes, and rest[i][k], the weight of
        constraint i's units after position k (what its sum can still gain)."""
        self.order = order
        position = {v: k for k, v in enumerate(order)}
        self.first, self.last, self.rest = [], [], []
        for c in self.cons:
            at = np.fromiter((position[v] for v in c.weights), dtype=np.int64, count=len(c.weights))
            weight = np.zeros(len(order) + 1, dtype=np.int64)
            weight[at] = np.fromiter(c.weights.values(), dtype=np.int64, count=len(c.weights))
            after = np.cumsum(weight[::-1])[::-1]  # after[k]: the weight at positions k and beyond
            self.first.append(int(at.min()))
            self.last.append(int(at.max()))
            self.rest.append(after[1:].tolist() + [0])

    def variant(self, reverse: bool = False, max_states: int | None = None, task: str | None = None) -> Programme:
        """The same programme over the reversed order (if asked), with another state bound or progress label."""
        other = copy.copy(self)  # the bounds stay normalised; only what depends on the order is redone
        other.max_states = max_states if max_states is not None else self.max_states
        other.task = task if task is not None else self.task
        if reverse:
            other._arrange(self.order[::-1])
        return other

    def run(self, track: Mapping[str, int] | None = None, fixed: Mapping[str, bool] | None = None,
            record: bool = False, ceiling: int | None = None, sparse_track: bool = True,
            stop: int | None = None) -> Sweep:
        """Count every pathway meeting the bounds (only minimal ones if the programme is minimal), by
        tracked total; units in `fixed` forced in (True) or out; `record` keeps the layers (no minimality).

        With `sparse_track` the tracked total so far is one more column of the state (few states when the
        totals reachable from each state are few); without, each state carries a vector of counts by
        tracked total (a polynomial), as few states as without tracking but every total stored.
        With `stop`, the run ends after that many units and returns its last layer as `frontier`."""
        if self.never:
            return Sweep({}, 0, self.order, [] if record else None)
        if record and (self.minimal or track is not None):
            raise ValueError("layers are recorded only without minimality or tracking")
        fixed = dict(fixed or {})
        if track is not None and any(w < 0 for w in track.values()):
            raise Unsupported("a tracked measure has a negative weight")
        ceiling = ceiling if ceiling is not None else sum((track or {}).values())
        in_state = track is not None and sparse_track
        columns: list[_Column] = [_Column(ColumnKind.TRACK, -1)] if in_state else []
        states = np.zeros((1, len(columns)), dtype=np.int64)
        counts = np.ones((1, 1), dtype=self.dtype)  # rows: states; columns: tracked total so far
        peak, reach = 1, 0
        layers: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        sizes: list[int] = []
        budget, units = self.budget, len(self.order[:stop])
        opening: dict[int, list[int]] = {}
        for i, at in enumerate(self.first):
            opening.setdefault(at, []).append(i)
        for k, unit in enumerate(self.order[:stop]):
            if budget is not None:
                limit = budget.stopped()
                if limit is not None:
                    raise Stopped(limit)
                if k % TELL_EVERY == 0:
                    budget.tell(self.task, k, units)
            for i in opening.get(k, ()):
                states, counts, columns = self._open(states, counts, columns, i)
                if budget is not None:
                    budget.spend(states.size / CELLS_PER_WORK)
                if len(states) > OPEN_FACTOR * self.max_states:  # guessed slack classes multiply the rows
                    raise Unsupported(f"the counting state would exceed {self.max_states:,} states (at unit "
                                      f"{k + 1} of {len(self.order)}, opening a rule)", sizes)
            n = len(states)
            step = np.array([(track or {}).get(unit, 0) if col.kind is ColumnKind.TRACK else self._weight(col, unit)
                             for col in columns], dtype=np.int64)
            choice = fixed.get(unit)
            skip_rows = np.arange(n) if choice is not True else np.zeros(0, dtype=np.int64)
            take_rows = np.arange(n) if choice is not False else np.zeros(0, dtype=np.int64)
            if self.minimal and len(take_rows):
                take_rows = take_rows[self._critical(states[take_rows], columns, unit)]
            skipped = states if len(skip_rows) == n else states[skip_rows]  # every row, mostly: no copy
            taken = states if len(take_rows) == n else states[take_rows]
            candidates = np.concatenate([skipped, taken + step])
            keep = self._canonical(candidates, columns, k)
            if in_state:
                keep &= candidates[:, 0] <= ceiling
            closing = [p for p, col in enumerate(columns)
                       if col.kind is not ColumnKind.TRACK and self.last[col.con] == k]
            if closing:
                columns = [col for p, col in enumerate(columns) if p not in closing]
                candidates = np.delete(candidates, closing, axis=1)
            merged, target = self._merge(candidates[keep], columns, ceiling)
            w = (track or {}).get(unit, 0) if not in_state else 0
            reach = min(ceiling, reach + w)
            if len(merged) > self.max_states or len(merged) * (reach + 1) > MAX_CELLS:
                raise Unsupported(f"the counting state would exceed {self.max_states:,} states or "
                                  f"{MAX_CELLS:,} counts (at unit {k + 1} of {len(self.order)})", sizes)
            new_counts = _gather(counts, skip_rows, take_rows, w, reach + 1, np.flatnonzero(keep), target,
                                 len(merged))
            if record:
                to = np.full(len(candidates), -1, dtype=np.int64)
                to[np.flatnonzero(keep)] = target
                skip_to = np.full(n, -1, dtype=np.int64)
                take_to = np.full(n, -1, dtype=np.int64)
                skip_to[skip_rows] = to[:len(skip_rows)]
                take_to[take_rows] = to[len(skip_rows):]
                layers.append((counts[:, 0], skip_to, take_to))
            if budget is not None:
                budget.spend((candidates.size + new_counts.size + UNIT_OVERHEAD_CELLS) / CELLS_PER_WORK)
            states, counts = merged, new_counts
            peak = max(peak, len(states))
            sizes.append(len(states))
        if stop is not None:
            return Sweep({}, peak, self.order, layers if record else None, sizes, Frontier(states, counts, columns))
        by_track: dict[int, int] = {}
        if in_state:
            for value, c in zip(states[:, 0].tolist(), counts[:, 0].tolist()):
                by_track[value] = by_track.get(value, 0) + int(c)
        else:
            totals = counts.sum(axis=0).tolist() if len(counts) else []
            by_track = {value: int(c) for value, c in enumerate(totals) if c}
        return Sweep(by_track, peak, self.order, layers if record else None, sizes)

    def _weight(self, col: _Column, unit: str) -> int:
        return self.cons[col.con].weights.get(unit, 0) if col.kind is ColumnKind.SUM else 0

    def _open(self, states: np.ndarray, counts: np.ndarray, columns: list[_Column], i: int
              ) -> tuple[np.ndarray, np.ndarray, list[_Column]]:
        con = self.cons[i]
        states = np.hstack([states, np.zeros((len(states), 1), dtype=np.int64)])
        columns = [*columns, _Column(ColumnKind.SUM, i)]
        if con.guesses:  # every guess of the final slack class starts with the same counts
            g = con.guesses
            states = np.hstack([np.repeat(states, g, axis=0), np.tile(np.arange(g), len(states))[:, None]])
            counts = np.repeat(counts, g, axis=0)
            columns = [*columns, _Column(ColumnKind.GUESS, i)]
        return states, counts, columns

    def _critical(self, states: np.ndarray, columns: list[_Column], unit: str) -> np.ndarray:
        """Rows where taking `unit` keeps the pathway minimal: some rule's guessed final slack is below the
        unit's weight in it, so dropping the unit would break that rule."""
        ok = np.zeros(len(states), dtype=bool)
        for p, col in enumerate(columns):
            w = self.cons[col.con].weights.get(unit, 0) if col.kind is ColumnKind.GUESS else 0
            if w:
                rank = int(np.searchsorted(self.cons[col.con].distinct, w, side="right"))
                ok |= states[:, p] < rank
        return ok

    def _canonical(self, rows: np.ndarray, columns: list[_Column], k: int) -> np.ndarray:
        """Drop rows that break a maximum or can no longer reach a minimum (or their guessed slack class),
        and saturate sums whose maximum is out of reach, in place; return the rows kept."""
        keep = np.ones(len(rows), dtype=bool)
        guess_at = {col.con: p for p, col in enumerate(columns) if col.kind is ColumnKind.GUESS}
        by_column = rows.T.copy()  # each column contiguous: the checks below read and write whole columns
        for p, col in enumerate(columns):
            s = by_column[p]
            if col.kind is not ColumnKind.SUM:
                continue
            con, rest = self.cons[col.con], self.rest[col.con][k]
            if con.hi is not None:
                keep &= s <= con.hi
            keep &= s + rest >= con.lo
            if col.con in guess_at:
                g = by_column[guess_at[col.con]]
                keep &= con.category(s - con.floor) <= g  # the slack only grows
                keep &= con.category(s + rest - con.floor) >= g  # ... and cannot grow past s + rest
            if con.hi is not None:  # a sum that can no longer pass its maximum saturates at its cap
                free = s + rest <= con.hi
                np.copyto(s, np.minimum(s, con.cap), where=free)
            else:
                np.minimum(s, con.cap, out=s)
        rows[...] = by_column.T
        return keep

    def _merge(self, rows: np.ndarray, columns: list[_Column], ceiling: int) -> tuple[np.ndarray, np.ndarray]:
        """The distinct rows and, for each input row, the index of its distinct row."""
        if not columns:
            return np.zeros((1 if len(rows) else 0, 0), dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
        sizes = [ceiling + 1 if col.kind is ColumnKind.TRACK
                 else self.cons[col.con].guesses if col.kind is ColumnKind.GUESS
                 else self.cons[col.con].top + 1 for col in columns]
        if math.prod(sizes) < 2 ** 62:  # one integer key per row: a much faster unique
            radix = np.cumprod([1, *sizes[:-1]]).astype(np.int64)
            keys = rows @ radix
            unique, first, target = np.unique(keys, return_index=True, return_inverse=True)
            return rows[first], target.reshape(-1)
        # Too wide for one key: a key per run of columns that fits, then a lexicographic sort of the keys
        # (numpy's unique over rows took 8 s for 380,000 rows of 12 columns; this takes a fraction of one).
        groups: list[list[int]] = [[]]
        width = 1
        for p, size in enumerate(sizes):
            if groups[-1] and width * size >= 2 ** 62:
                groups.append([])
                width = 1
            groups[-1].append(p)
            width *= size
        parts = [rows[:, g] @ np.cumprod([1, *(sizes[p] for p in g[:-1])]).astype(np.int64) for g in groups]
        order = np.lexsort(parts[::-1])
        ordered = np.stack([k[order] for k in parts])
        new = np.concatenate(([True], (ordered[:, 1:] != ordered[:, :-1]).any(axis=0))) if len(order) else \
            np.zeros(0, dtype=bool)
        target = np.empty(len(rows), dtype=np.int64)
        target[order] = np.cumsum(new) - 1
        return rows[order[new]], target


def unit_totals(programme: Programme, sweep: Sweep, after: np.ndarray | None = None) -> dict[str, int]:
    """For each unit, the number of counted pathways containing it, from a recorded sweep: forward counts
    times backward completions through the unit's take transitions; `after`, the completions of each state
    of the last layer (a sweep stopped part way), else 1 for the final (empty) state."""
    assert sweep.layers is not None
    dtype = programme.dtype
    covered = programme.variables if after is None else sweep.order[:len(sweep.layers)]
    if after is None:
        after = np.ones(1 if sweep.by_track else 0, dtype=dtype)
    totals: dict[str, int] = {}
    for k in range(len(sweep.layers) - 1, -1, -1):
        counts, skip_to, take_to = sweep.layers[k]
        padded = np.concatenate([after, np.zeros(1, dtype=dtype)])  # index -1: a dead transition
        via_take = padded[take_to]
        totals[sweep.order[k]] = int((counts * via_take).sum())
        after = padded[skip_to] + via_take
    return {v: totals.get(v, 0) for v in covered}


def _gather(counts: np.ndarray, skip_rows: np.ndarray, take_rows: np.ndarray, shift: int, width: int,
            kept: np.ndarray, target: np.ndarray, n: int) -> np.ndarray:
    """The next layer's count vectors: each kept candidate's vector (a skip as it was, a take moved up by
    `shift` tracked units, totals past `width` dropped), added up by target state."""
    out = np.zeros((n, width), dtype=counts.dtype)
    if not len(kept):
        return out
    if width == 1 and counts.dtype != object:
        # One count per state (no vectors): an unbuffered add by target, a third of the sort-and-reduce below
        # on the seeds' small layers (measured), and exact in int64.
        takes = counts[take_rows, 0] if shift == 0 else np.zeros(len(take_rows), dtype=counts.dtype)
        np.add.at(out[:, 0], target, np.concatenate([counts[skip_rows, 0], takes])[kept])
        return out
    order = np.argsort(target, kind="stable")
    picked, ordered = kept[order], target[order]  # candidates in target order
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    ends = np.append(starts[1:], len(ordered))
    alone = ends - starts == 1
    # A target reached by one candidate takes its vector straight from the source row.
    _vectors(counts, skip_rows, take_rows, shift, width, picked[starts[alone]], out, ordered[starts[alone]])
    if alone.all():
        return out
    shared = np.repeat(~alone, ends - starts)  # the candidates that meet others, still in target order
    rows = np.zeros((int(shared.sum()), width), dtype=counts.dtype)
    _vectors(counts, skip_rows, take_rows, shift, width, picked[shared], rows, np.arange(len(rows)))
    lengths = (ends - starts)[~alone]
    runs = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    targets = ordered[starts[~alone]]
    if width < LOOP_WIDTH:
        out[targets] = np.add.reduceat(rows, runs, axis=0)
        return out
    # Wide vectors: numpy's reduceat down the rows costs about 12 ns a count, a sum over each run of rows
    # about 1.5 ns a count and 3 us a run (measured).
    for t, start, length in zip(targets.tolist(), runs.tolist(), lengths.tolist()):
        np.sum(rows[start:start + length], axis=0, out=out[t])
    return out


def _vectors(counts: np.ndarray, skip_rows: np.ndarray, take_rows: np.ndarray, shift: int, width: int,
             picked: np.ndarray, out: np.ndarray, at: np.ndarray) -> None:
    """Write the count vectors of the candidates `picked` (indices: skips first, then takes), `width` wide,
    into the rows `at` of `out` (zeros beforehand)."""
    ns = len(skip_rows)
    skips = picked < ns
    span = min(counts.shape[1], width)
    out[at[skips], :span] = counts[skip_rows[picked[skips]], :span]
    span = min(counts.shape[1], width - shift)
    if span > 0:
        takes = ~skips
        out[at[takes], shift:shift + span] = counts[take_rows[picked[takes] - ns], :span]
