"""Counting from both ends: a forward and a backward programme meet at a narrow layer, where each state's
counts are joined with those of every state on the other side that completes it.

Where the rules tie units together only through a few sums (a total over two groups, each with a window),
the states at the boundary between the groups are few from either side, while a single pass carries the
first group's sums on through the second. A backward run is a forward run over the reversed order, so
both halves are the same programme; the join checks each sum still open at the cut on the two partial sums
(saturated sums stay exact for it, see `frontier`) and each guessed slack class for agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from solver.budget import Budget
from solver.engine.frontier import CELLS_PER_WORK, ColumnKind, Frontier, Programme, Stopped, _Column, _Con, unit_totals

CHUNK_PAIRS = 2_000_000  # state pairs the join weighs at once (one boolean each)
MAX_PAIRS = 200_000_000  # state pairs a join may weigh in all (a work bound, never a clock)
MAX_CONVOLUTIONS = 20_000  # forward states whose vectors the join convolves one by one
MAX_COST = 100_000_000  # the estimated work a meeting may take, in cells of the programme (a few seconds)
CHUNK_CELLS = 4_000_000  # completions by tracked total the join holds at once (32 MB)
CONVOLUTION_COST = 0.01  # a multiply-add of the join costs about this many cells of the programme (measured)
EXACT_FLOAT = 2 ** 52  # below this, float64 sums of integers are exact (and far faster than int64 ones)


@dataclass(frozen=True)
class Plan:
    """Where to meet: after `cut` units of the forward order; `cost` estimates the work in cells."""

    cut: int
    cost: float


def widths(order: Sequence[str], track: Mapping[str, int] | None, ceiling: int) -> list[int]:
    """The count vectors' width after each unit of `order` (1 without tracking)."""
    out, reach = [], 0
    for unit in order:
        reach = min(ceiling, reach + (track or {}).get(unit, 0))
        out.append(reach + 1 if track is not None else 1)
    return out


def plan(order: Sequence[str], forward: Sequence[int], backward: Sequence[int],
         track: Mapping[str, int] | None, ceiling: int) -> Plan | None:
    """The cheapest cut, given the states of each layer a forward and a backward run reached (either may
    stop short), or None if no cut has both sides, a join within the bounds and a cost within MAX_COST."""
    n = len(order)
    ahead, behind = widths(order, track, ceiling), widths(order[::-1], track, ceiling)
    cost_f = np.concatenate([[0], np.cumsum([s * w for s, w in zip(forward, ahead)])])
    cost_b = np.concatenate([[0], np.cumsum([s * w for s, w in zip(backward, behind)])])
    best: Plan | None = None
    for cut in range(1, n):
        if cut > len(forward) or n - cut > len(backward):
            continue
        sf, sb = forward[cut - 1], backward[n - cut - 1]
        wf, wb = ahead[cut - 1], behind[n - cut - 1]
        if sf * sb > MAX_PAIRS or (wf > 1 and wb > 1 and sf > MAX_CONVOLUTIONS):
            continue
        cost = cost_f[cut] + cost_b[n - cut] + (sf * sb * wb + sf * wf * wb) * CONVOLUTION_COST
        if cost <= MAX_COST and (best is None or cost < best.cost):
            best = Plan(cut, float(cost))
    return best


def meet(programme: Programme, cut: int, track: Mapping[str, int] | None = None,
         fixed: Mapping[str, bool] | None = None, ceiling: int = 0) -> np.ndarray:
    """Counts by tracked total (width ceiling + 1) of every pathway the programme counts, by a forward run
    over the first `cut` units of its order and a backward run over the rest, joined."""
    n = len(programme.order)
    def half(turned: Programme, stop: int) -> Frontier | None:  # the join works on count vectors
        return turned.run(track, fixed, ceiling=ceiling, sparse_track=False, stop=stop).frontier

    ahead, behind = half(programme, cut), half(programme.variant(reverse=True), n - cut)
    if ahead is None or behind is None:  # some bound can never hold
        return np.zeros(ceiling + 1, dtype=programme.dtype)
    return join(ahead, behind, programme.cons, ceiling, programme.budget)


def shares(programme: Programme, cut: int) -> dict[str, int]:
    """For each unit, the number of pathways the (untracked) programme counts that contain it, from a forward
    run over the first `cut` units and a backward run over the rest, each recorded: the completions of each
    state at the cut come from the other side's agreeing states, and each side's recorded layers carry
    them back to every unit (`frontier.unit_totals`)."""
    n = len(programme.order)
    turned = programme.variant(reverse=True)
    ahead, behind = programme.run(record=True, stop=cut), turned.run(record=True, stop=n - cut)
    if ahead.frontier is None or behind.frontier is None:  # some bound can never hold
        return dict.fromkeys(programme.variables, 0)
    left, right = ahead.frontier, behind.frontier
    keys = [(col.kind, col.con) for col in left.columns]
    where = {(col.kind, col.con): p for p, col in enumerate(right.columns)}
    states = right.states[:, [where[k] for k in keys]]
    f, b = left.counts[:, 0], right.counts[:, 0]
    to_right = np.zeros(len(b), dtype=f.dtype)  # completions of each backward state: agreeing forward counts
    to_left = np.zeros(len(f), dtype=f.dtype)
    rows = max(1, CHUNK_PAIRS // max(1, len(states)))
    for start in range(0, len(left.states), rows):
        _charge(programme.budget, len(left.states[start:start + rows]) * len(states))
        m = _agree(left.states[start:start + rows], states, left.columns, programme.cons).astype(f.dtype)
        to_left[start:start + rows] = m @ b
        to_right += f[start:start + rows] @ m
    return unit_totals(programme, ahead, to_left) | unit_totals(turned, behind, to_right)


def join(ahead: Frontier, behind: Frontier, cons: list[_Con], ceiling: int, budget: Budget | None = None
         ) -> np.ndarray:
    """The counts by tracked total of every pair of a forward and a backward state that agree."""
    keys = [(col.kind, col.con) for col in ahead.columns]
    where = {(col.kind, col.con): p for p, col in enumerate(behind.columns)}
    if set(keys) != set(where):
        raise ValueError("the two runs stopped at different layers")
    right = behind.states[:, [where[k] for k in keys]]
    left, f, b = ahead.states, ahead.counts, behind.counts
    f, b = f[:, :_support(f)], b[:, :_support(b)]
    dtype = f.dtype
    out = np.zeros(ceiling + 1, dtype=dtype)
    if not len(left) or not len(right) or not f.shape[1] or not b.shape[1]:
        return out
    exact_float = dtype != np.dtype(object) and int(b.sum()) < EXACT_FLOAT  # m @ b is at most b's sum
    rows = max(1, min(CHUNK_PAIRS // len(right), CHUNK_CELLS // b.shape[1]))
    for start in range(0, len(left), rows):
        _charge(budget, len(left[start:start + rows]) * len(right) * (1 + b.shape[1] * f.shape[1] * CONVOLUTION_COST))
        m = _agree(left[start:start + rows], right, ahead.columns, cons)
        completions = _product(m, b, exact_float)  # for each forward state: its completions by total
        _convolve_into(out, f[start:start + rows], completions)
    return out


def _charge(budget: Budget | None, cells: float) -> None:
    """Stop at the budget's limit, else charge `cells` of the join's work (the programme's scale)."""
    if budget is None:
        return
    limit = budget.stopped()
    if limit is not None:
        raise Stopped(limit)
    budget.spend(cells / CELLS_PER_WORK)


def _support(counts: np.ndarray) -> int:
    """One past the last tracked total any state reaches (the rest of each vector is zeros)."""
    used = np.flatnonzero(counts.any(axis=0)) if counts.size else np.zeros(0, dtype=np.int64)
    return int(used[-1]) + 1 if len(used) else 0


def _agree(left: np.ndarray, right: np.ndarray, columns: list[_Column], cons: list[_Con]) -> np.ndarray:
    """Which forward and backward states complete each other: every open sum within its bounds on the two
    partial sums, and every guessed slack class the same on both sides and right for the final sum."""
    ok = np.ones((len(left), len(right)), dtype=bool)
    guess_at = {col.con: p for p, col in enumerate(columns) if col.kind is ColumnKind.GUESS}
    for p, col in enumerate(columns):
        if col.kind is ColumnKind.GUESS:
            ok &= left[:, p, None] == right[None, :, p]
        elif col.kind is ColumnKind.SUM:
            con, total = cons[col.con], left[:, p, None] + right[None, :, p]
            ok &= total >= con.lo
            if con.hi is not None:
                ok &= total <= con.hi
            if col.con in guess_at:
                ok &= con.category(total - con.floor) == left[:, guess_at[col.con], None]
    return ok


def _product(m: np.ndarray, b: np.ndarray, exact_float: bool) -> np.ndarray:
    if exact_float:  # BLAS, and exact: every partial sum is an integer below 2^52
        return np.rint(m.astype(np.float64) @ b.astype(np.float64)).astype(np.int64)
    return m.astype(b.dtype) @ b


def _convolve_into(out: np.ndarray, f: np.ndarray, g: np.ndarray) -> None:
    """out += the sum over rows of f[i] * g[i] as polynomials in the tracked total (cut at out's width)."""
    width = len(out)
    if f.shape[1] == 1 or g.shape[1] == 1:  # no tracking on one side: a weighted sum of the other's rows
        wide, narrow = (g, f) if f.shape[1] == 1 else (f, g)
        total = (narrow[:, :1] * wide).sum(axis=0)
        span = min(width, len(total))
        out[:span] += total[:span]
        return
    for row_f, row_g in zip(f, g):
        if not row_f.any() or not row_g.any():
            continue
        bound = int(row_f.sum()) * int(row_g.sum())  # every coefficient of the product is at most this
        if out.dtype != object and bound < EXACT_FLOAT:
            product = np.rint(np.convolve(row_f.astype(np.float64), row_g.astype(np.float64))).astype(np.int64)
        else:
            product = np.convolve(row_f, row_g)
        span = min(width, len(product))
        out[:span] += product[:span]


