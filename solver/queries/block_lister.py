"""The vectorised block search: valid pathways as bit masks, blocks of units at a time, for dense listings."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from solver.budget import Budget
from solver.engine.counting import CountProblem
from solver.engine.frontier import normalise

BLOCK = 12  # units per block: 4,096 subsets each
CHUNK = 1 << 20  # partial pathways times block subsets examined at once
# Work charged per (partial pathway, block subset) pair examined, in the budget's units (about seconds of one
# idle core): measured on the Certificate, about 10 million pairs a second with the pathways' decoding apart.
WORK_PER_PAIR = 1 / 10e6


def block_masks(problem: CountProblem, budget: Budget | None = None) -> Iterator[np.ndarray]:
    """Valid pathways as bit masks over `problem.variables`, in arrays, blocks of units at a time.

    Each block's subsets carry their contribution to every constraint; partial pathways are extended block
    by block, dropping any that exceed a maximum or can no longer reach a minimum with the units left.
    Non-negative weights only (as the counter); at most 62 variables (masks are int64). Under `budget`, each
    examined pair is charged and the search ends (between chunks) once a limit is reached.
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
            room = np.clip(hi[k] - total[..., k], 0, len(best) - 1)
            ok &= total[..., j] + best[room] >= lo[j]
        return ok

    def extend(level: int, partial: np.ndarray, masks: np.ndarray) -> Iterator[np.ndarray]:
        if level == len(starts):
            yield masks
            return
        block, shift = sums[level], starts[level]
        step = max(1, CHUNK // len(block))
        for first in range(0, len(partial), step):
            if budget is not None:
                if budget.stopped() is not None:
                    return
                budget.spend(min(step, len(partial) - first) * len(block) * WORK_PER_PAIR)
            total = partial[first:first + step, None, :] + block[None, :, :]
            rows, subsets = np.nonzero(feasible(total, level))
            if len(rows):
                yield from extend(level + 1, total[rows, subsets],
                                  masks[first:first + step][rows] | (subsets.astype(np.int64) << shift))

    yield from extend(0, np.zeros((1, width), dtype=np.int64), np.zeros(1, dtype=np.int64))


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
