"""An exact dynamic programme over 0/1 variables under sums with non-negative weights, vectorised across requests.

The variables are taken in a fixed order; the state after each variable is the running value of every sum whose
variables are partly decided (a sum enters the state at its first variable and leaves it, checked against its
bounds, at its last). Sums over groups of a catalogue are contiguous in catalogue order, so the state stays small:
on the seed Certificate at most a few hundred states. Requests that share the sums (the shape) but differ in what
each variable costs and which variables are fixed are solved together, one numpy operation per variable for the
whole batch. The lexicographic objective is one weighted cost, as CP-SAT is given it, so the optimum is the same;
among equally good answers the DP keeps the same one every run (see `solve_batch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from solver.rules.linear import Linear

MAX_STATES = 50_000  # beyond this many states at one step the DP is not attempted (CP-SAT solves it)
INF = np.int64(1) << 61  # the cost of an impossible state; costs themselves stay below 2**58 (see `weighted_cost`)
HALF = INF >> 1
MAX_COST = 1 << 58


@dataclass(frozen=True)
class Step:
    """One variable's transition: candidates (previous state, taken or not) grouped by the state they lead to."""

    source: np.ndarray  # previous state of each candidate, candidates sorted by (target, taken, source)
    taken: np.ndarray  # bool: whether the candidate takes the variable
    offsets: np.ndarray  # where each target's candidates start
    table: np.ndarray  # (targets, most candidates of one target): each target's candidates in order, -1 after
    taken_at: np.ndarray  # the candidates that take the variable
    skipped_at: np.ndarray  # and those that do not


@dataclass(frozen=True)
class Shape:
    """The sums of a request over its variables, compiled into per-variable transitions."""

    variables: tuple[str, ...]  # as the requests' cost columns are
    order: tuple[str, ...]  # as the DP takes them
    steps: tuple[Step, ...]
    states: int  # the most states at any step (how much the DP costs)

    @property
    def position(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.variables)}


def dp_order(variables: Sequence[str], sums: Sequence[Linear]) -> list[str]:
    """Variables in the sums of most variables' company first, those of one set of sums together: a group cap
    inside a total is then decided before the rest of the total, while its value still equals the total's, so
    the states stay few. Otherwise the given (catalogue) order."""
    member: dict[str, list[int]] = {v: [] for v in variables}
    for k, lin in enumerate(sums):
        for v, _ in lin.terms:
            member[v].append(k)
    rank = {v: i for i, v in enumerate(variables)}
    return sorted(variables, key=lambda v: (-len(member[v]), member[v], rank[v]))


Kind = tuple[str, object]  # what one linear is to the DP: ("sum", Linear), ("fix", (var, may skip, may take)),
#                              ("none", None), ("broken", None) or ("mixed", None)


def kind_of(lin: Linear) -> Kind:
    """What one constraint is to the DP: a sum to carry (weights made non-negative), a bound on one variable, always
    true, never true (a sum without variables out of bounds), or mixed (weights of both signs: not covered)."""
    merged: dict[str, int] = {}
    for v, c in lin.terms:
        if c:
            merged[v] = merged.get(v, 0) + c
    merged = {v: c for v, c in merged.items() if c}
    if not merged:
        return ("none", None) if lin.admits(0) else ("broken", None)
    if len(merged) == 1:
        [(v, c)] = merged.items()
        return "fix", (v, lin.admits(0), lin.admits(c))
    lo, hi = lin.lo, lin.hi
    if all(c < 0 for c in merged.values()):  # -sum within [lo, hi] is sum within [-hi, -lo]
        merged = {v: -c for v, c in merged.items()}
        lo, hi = (None if hi is None else -hi), (None if lo is None else -lo)
    elif any(c < 0 for c in merged.values()):
        return "mixed", None
    most = sum(merged.values())
    lo = None if lo is None or lo <= 0 else lo
    if hi is not None and hi < 0:
        return "broken", None
    hi = None if hi is None or hi >= most else hi
    if lo is not None and lo > most:
        return "broken", None
    if lo is None and hi is None:
        return "none", None
    return "sum", Linear(tuple(merged.items()), lo, hi)


def split_linears(variables: Sequence[str], linears: Sequence[Linear], memo: dict[Linear, Kind] | None = None
                  ) -> tuple[list[Linear], dict[str, tuple[bool, bool]], bool] | None:
    """The sums the state must carry, what single-variable bounds allow each variable ((may skip, may take)), and
    whether some constraint can never hold; None when a sum has weights of both signs or names a variable outside
    `variables`. `memo` keeps what each constraint is across requests that share it."""
    known = set(variables)
    sums: list[Linear] = []
    allowed: dict[str, tuple[bool, bool]] = {}
    broken = False
    for lin in linears:
        kind = memo.get(lin) if memo is not None else None
        if kind is None:
            if any(v not in known for v, _ in lin.terms):
                return None
            kind = kind_of(lin)
            if memo is not None:
                memo[lin] = kind
        what, detail = kind
        if what == "mixed":
            return None
        if what == "broken":
            broken = True
        elif what == "sum":
            sums.append(cast(Linear, detail))
        elif what == "fix":
            v, skip, take = cast(tuple[str, bool, bool], detail)
            was = allowed.get(v, (True, True))
            allowed[v] = (was[0] and skip, was[1] and take)
    return sums, allowed, broken


def compile_shape(variables: Sequence[str], sums: Sequence[Linear]) -> Shape | None:
    """The transitions of the DP over `variables` (in `dp_order`), or None when a step would exceed MAX_STATES."""
    order = dp_order(variables, sums)
    position = {v: i for i, v in enumerate(order)}
    n = len(order)
    weight = np.zeros((len(sums), n), dtype=np.int64)
    for k, lin in enumerate(sums):
        for v, c in lin.terms:
            weight[k, position[v]] += c
    first = [int(np.flatnonzero(weight[k]).min()) for k in range(len(sums))]
    last = [int(np.flatnonzero(weight[k]).max()) for k in range(len(sums))]
    # What each sum can still gain after position j: a state that cannot reach a minimum any more is dropped.
    still = np.cumsum(weight[:, ::-1], axis=1)[:, ::-1] - weight
    lo = [lin.lo for lin in sums]
    hi = [lin.hi for lin in sums]
    # A sum's value is carried up to its maximum, or (with only a minimum) up to the minimum, where it saturates.
    top = [h if h is not None else int(lo_) for lo_, h in zip(lo, hi)]  # type: ignore[arg-type]
    alive: list[int] = []
    values = np.zeros((1, 0), dtype=np.int64)  # one state, no sums yet
    steps: list[Step] = []
    widest = 1
    for j in range(n):
        entering = [k for k in range(len(sums)) if first[k] == j]
        dims = alive + entering
        base = np.concatenate([values, np.zeros((len(values), len(entering)), dtype=np.int64)], axis=1)
        add = weight[dims, j]
        kept = [k for k in dims if last[k] != j]
        candidates = []
        for taken in (False, True):
            now = base + add if taken else base
            ok = np.ones(len(now), dtype=bool)
            for col, k in enumerate(dims):
                least, most = lo[k], hi[k]
                if most is not None:
                    ok &= now[:, col] <= most
                else:
                    now[:, col] = np.minimum(now[:, col], top[k])
                if least is not None:
                    ok &= now[:, col] + still[k, j] >= least  # at the sum's last variable, `still` is 0
            source = np.flatnonzero(ok)
            candidates.append((source, now[ok][:, [dims.index(k) for k in kept]], taken))
        source = np.concatenate([c[0] for c in candidates])
        taken_flags = np.concatenate([np.full(len(c[0]), c[2]) for c in candidates])
        targets_values = np.concatenate([c[1] for c in candidates])
        if len(source) == 0:
            return Shape(tuple(variables), tuple(order), (), 0)  # no choice satisfies the sums
        radix = np.array([top[k] + 1 for k in kept], dtype=np.int64)
        multipliers = np.cumprod(np.concatenate([[1], radix[:-1]])) if len(kept) else np.zeros(0, dtype=np.int64)
        keys = targets_values @ multipliers if len(kept) else np.zeros(len(source), dtype=np.int64)
        unique_keys, target = np.unique(keys, return_inverse=True)
        if len(unique_keys) > MAX_STATES:
            return None
        widest = max(widest, len(unique_keys))
        by_target = np.lexsort((source, taken_flags, target))
        target_sorted = target[by_target]
        offsets = np.flatnonzero(np.r_[True, target_sorted[1:] != target_sorted[:-1]])
        counts = np.diff(np.r_[offsets, len(by_target)])
        table = np.full((len(offsets), int(counts.max())), -1, dtype=np.int64)
        rank = np.arange(len(by_target)) - np.repeat(offsets, counts)
        table[target_sorted, rank] = np.arange(len(by_target))
        flags = taken_flags[by_target]
        steps.append(Step(source[by_target].astype(np.int64), flags, offsets, table, np.flatnonzero(flags),
                          np.flatnonzero(~flags)))
        values = targets_values[by_target[offsets]]
        alive = kept
    return Shape(tuple(variables), tuple(order), tuple(steps), widest)


def tier_weights(tiers: Sequence[Sequence[tuple[str, int]]]) -> list[int]:
    """Weights that make one weighted sum of tiers lexicographic: each tier outweighs every tier below it (the
    weighting the compile layer gives CP-SAT)."""
    weights = [1] * len(tiers)
    for i in range(len(tiers) - 2, -1, -1):
        weights[i] = weights[i + 1] * (sum(abs(c) for _, c in tiers[i + 1]) + 1)
    return weights


def weighted_cost(variables: Sequence[str], tiers: Sequence[Sequence[tuple[str, int]]],
                  index: dict[str, int] | None = None) -> np.ndarray | None:
    """Each variable's cost in the one weighted objective; None when it would not fit the DP's integers or a tier
    names a variable outside `variables` (`index`: their positions, when already at hand)."""
    index = index if index is not None else {v: i for i, v in enumerate(variables)}
    cost = [0] * len(variables)
    for w, tier in zip(tier_weights(tiers), tiers):
        for v, c in tier:
            i = index.get(v)
            if i is None:
                return None
            cost[i] += w * c
    if sum(map(abs, cost)) >= MAX_COST:
        return None
    return np.array(cost, dtype=np.int64)


def solve_batch(shape: Shape, costs: np.ndarray, may_skip: np.ndarray, may_take: np.ndarray
                ) -> list[tuple[int, frozenset[str]] | None]:
    """The cheapest choice for each request (rows of `costs`, `may_skip`, `may_take`, one column per variable of
    `shape.variables`): its cost and the variables taken, or None when none satisfies the sums and the fixings.

    Ties are broken the same way every run: the answer is traced back from the last variable, and at each state
    the first best candidate is kept (not taken before taken, then the lower previous state).
    """
    batch = costs.shape[0]
    if not shape.steps:
        return [None if shape.variables else (0, frozenset())] * batch
    position = shape.position
    order = [position[v] for v in shape.order]
    skip_cost = np.where(may_skip, 0, INF)[:, order]
    take_cost = np.where(may_take, costs, INF)[:, order]
    values = [np.zeros((batch, 1), dtype=np.int64)]
    for j, step in enumerate(shape.steps):
        candidate = values[-1][:, step.source]
        candidate[:, step.taken_at] += take_cost[:, j:j + 1]
        if not may_skip[:, order[j]].all():
            candidate[:, step.skipped_at] += skip_cost[:, j:j + 1]
        best = np.minimum.reduceat(candidate, step.offsets, axis=1)
        best[best >= HALF] = INF
        values.append(best)
    final = values[-1][:, 0]
    taken = np.zeros((batch, len(shape.steps)), dtype=bool)
    state = np.zeros(batch, dtype=np.int64)
    rows = np.arange(batch)[:, None]
    for j in range(len(shape.steps) - 1, -1, -1):
        step = shape.steps[j]
        pick = step.table[state]  # (batch, widest): the candidates of each request's state, -1 past the end
        real = pick >= 0
        pick = np.where(real, pick, 0)
        took = step.taken[pick]
        worth = values[j][rows, step.source[pick]] + np.where(took, take_cost[:, j:j + 1], skip_cost[:, j:j + 1])
        hit = real & (worth == values[j + 1][rows[:, 0], state][:, None])
        first = np.argmax(hit, axis=1)  # rows without an answer pick anything: they are dropped below
        chosen = pick[rows[:, 0], first]
        taken[:, j] = step.taken[chosen]
        state = step.source[chosen]
    out: list[tuple[int, frozenset[str]] | None] = []
    for p in range(batch):
        if final[p] >= HALF:
            out.append(None)
        else:
            out.append((int(final[p]), frozenset(shape.order[j] for j in np.flatnonzero(taken[p]))))
    return out
