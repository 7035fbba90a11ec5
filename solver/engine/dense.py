"""The exact counter's small-case pass: the programme's layers as one dense array over the open sums.

Where the open rules' value ranges multiply to a few thousand cells, a layer is cheapest as a dense array
(one axis per open sum, guessed slack class and the tracked total): each unit is a handful of whole-array
shifts and adds, where the sparse pass (`frontier`) pays some thirty numpy calls a unit to keep only the
reachable rows (on the seeds, 0.5 ms against 7 ms for a count). The same normalised rules, order and
semantics as the sparse pass: a sum with a maximum drops what passes it, one without saturates at its cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from solver.engine.frontier import CELLS_PER_WORK, UNIT_OVERHEAD_CELLS, Programme, Stopped, _Con

DENSE_CELLS = 50_000  # a layer of at most this many cells is counted densely (measured on the seeds)


@dataclass(frozen=True)
class _Axis:
    kind: str  # "track", "sum" or "guess"
    con: int  # the constraint's index (-1 for the track)
    size: int
    saturate: bool = False


def layer_cells(programme: Programme, track_size: int = 1, limit: int | None = None) -> list[int]:
    """The cells of each layer of the dense array (after each unit of the programme's order); with `limit`,
    only up to the first layer past it (its cells are then the last entry)."""
    opens: dict[int, int] = {}
    closes: dict[int, int] = {}
    for i, con in enumerate(programme.cons):
        width = (con.top + 1) * (con.guesses or 1)
        opens[programme.first[i]] = opens.get(programme.first[i], 1) * width
        closes[programme.last[i]] = closes.get(programme.last[i], 1) * width
    cells, out = track_size, []
    for k in range(len(programme.order)):
        cells *= opens.get(k, 1)
        out.append(cells)
        if limit is not None and cells > limit:
            break
        cells //= closes.get(k, 1)
    return out


def dense_count(programme: Programme, track: Mapping[str, int] | None = None, ceiling: int = 0,
                fixed: Mapping[str, bool] | None = None, limit: int | None = None) -> np.ndarray | None:
    """Counts by tracked total (width ceiling + 1) of every pathway the programme counts (only minimal ones if
    it is minimal), or None when some layer would pass `limit` (DENSE_CELLS) cells; charged to the programme's
    budget."""
    # Never more cells than the programme's state bound allows rows (a bound set low forces the other ways).
    limit = min(DENSE_CELLS if limit is None else limit, programme.max_states)
    track_size = ceiling + 1 if track is not None else 1
    if programme.never:
        return np.zeros(track_size, dtype=programme.dtype)
    sizes = layer_cells(programme, track_size, limit)
    if max(sizes, default=track_size) > limit:
        return None
    fixed, track = dict(fixed or {}), dict(track or {})
    cons, budget = programme.cons, programme.budget
    axes = [_Axis("track", -1, track_size)]
    state = np.zeros(track_size, dtype=programme.dtype)
    state[0] = 1
    for k, unit in enumerate(programme.order):
        if budget is not None:
            stop = budget.stopped()
            if stop is not None:
                raise Stopped(stop)
            budget.spend((sizes[k] * 3 + UNIT_OVERHEAD_CELLS / 4) / CELLS_PER_WORK)
        for i, con in enumerate(cons):
            if programme.first[i] == k:
                state, axes = _open(state, axes, i, con)
        taken = state
        for pos, axis in enumerate(axes):
            w = track.get(unit, 0) if axis.kind == "track" else \
                cons[axis.con].weights.get(unit, 0) if axis.kind == "sum" else 0
            if w:
                taken = _shift(taken, pos, w, axis.size, axis.saturate)
        if programme.minimal:
            taken = taken * _critical(unit, axes, cons)
        choice = fixed.get(unit)
        state = taken if choice is True else state if choice is False else state + taken
        for i, con in enumerate(cons):
            if programme.last[i] == k:
                state, axes = _close(state, axes, i, con)
    return state.reshape(track_size)


def _open(state: np.ndarray, axes: list[_Axis], i: int, con: _Con) -> tuple[np.ndarray, list[_Axis]]:
    size = con.top + 1
    grown = np.zeros((*state.shape, size), dtype=state.dtype)
    grown[..., 0] = state
    axes = [*axes, _Axis("sum", i, size, con.hi is None)]
    if con.guesses:  # every guess of the final slack class starts with the same counts
        grown = np.repeat(grown[..., np.newaxis], con.guesses, axis=-1)
        axes = [*axes, _Axis("guess", i, con.guesses)]
    return grown, axes


def _shift(a: np.ndarray, axis: int, w: int, size: int, saturate: bool) -> np.ndarray:
    """Add `w` to the value indexed by `axis`: what passes the top is dropped, or piled on it if saturating."""
    moved = np.moveaxis(a, axis, -1)
    out = np.zeros_like(moved)
    if w < size:
        out[..., w:] = moved[..., :size - w]
        if saturate:
            out[..., size - 1] += moved[..., size - w:].sum(axis=-1)
    elif saturate:
        out[..., size - 1] = moved.sum(axis=-1)
    return np.moveaxis(out, -1, axis)


def _close(state: np.ndarray, axes: list[_Axis], i: int, con: _Con) -> tuple[np.ndarray, list[_Axis]]:
    """Sum out a finished rule, keeping the values that meet its minimum (and whose slack class was guessed)."""
    s = next(p for p, a in enumerate(axes) if a.kind == "sum" and a.con == i)
    values = np.arange(axes[s].size)
    ok = values >= con.lo
    if not con.guesses:
        return np.moveaxis(state, s, -1)[..., ok].sum(axis=-1), axes[:s] + axes[s + 1:]
    g = next(p for p, a in enumerate(axes) if a.kind == "guess" and a.con == i)
    category = con.category(values - (con.floor or 0))
    match = ok[:, None] & (category[:, None] == np.arange(con.guesses)[None, :])
    moved = np.moveaxis(state, (s, g), (-2, -1))
    kept = (moved * match.astype(state.dtype)).sum(axis=(-2, -1))
    return kept, [a for p, a in enumerate(axes) if p not in (s, g)]


def _critical(unit: str, axes: list[_Axis], cons: list[_Con]) -> np.ndarray | int:
    """Where taking `unit` keeps a pathway minimal: some rule's guessed final slack class is below the unit's
    weight in it (dropping the unit would break that rule); 0 where the unit is in no rule with a minimum."""
    mask: np.ndarray | None = None
    for pos, axis in enumerate(axes):
        w = cons[axis.con].weights.get(unit, 0) if axis.kind == "guess" else 0
        if not w:
            continue
        shape = [1] * len(axes)
        shape[pos] = axis.size
        rank = int(np.searchsorted(cons[axis.con].distinct, w, side="right"))
        here = (np.arange(axis.size) < rank).reshape(shape)
        mask = here if mask is None else (mask | here)
    return 0 if mask is None else mask.astype(np.int64)

