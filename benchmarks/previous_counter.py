"""The previous counter (dense numpy frontier), frozen as it was before issue 10 for the "scale" comparison."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.request.formulation import Formulation, formulate
from solver.model.learner import Learner
from solver.rules import Linear

DP = "dynamic-programming"
ENUMERATION = "enumeration"
MAX_CELLS = 20_000_000  # the largest frontier (array cells) the dynamic programme may hold
MINIMAL_BY_LISTING = 100_000  # valid pathways few enough to test for minimality one by one
ENUMERATION_TIME = 60.0  # seconds a fallback count by enumeration may run unless told otherwise


class Unsupported(Exception):
    """The constraints fall outside what the dynamic programme covers (negative weights, huge state)."""


@dataclass(frozen=True)
class Constraint:
    """`lo <= sum(weights[u] * take[u]) <= hi` with positive weights; `minimality`: a rule, not a filter."""

    weights: Mapping[str, int]
    lo: int | None
    hi: int | None
    minimality: bool = True


@dataclass(frozen=True)
class Problem:
    """What the counter needs: the unit variables and every constraint (rules, learner asks, filters)."""

    variables: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    credits: Mapping[str, int] = field(default_factory=dict)
    glh: Mapping[str, int] = field(default_factory=dict)  # new GLH: achieved units cost nothing


def problem_of(f: Formulation, extra: Iterable[Linear] = ()) -> Problem:
    """The formulation's requirements (which define minimality) plus `extra` filters (which do not)."""
    cons = [_constraint(lin, True) for req in f.requirements for lin in req.linears]
    cons += [_constraint(lin, False) for lin in extra]
    units = f.context.units
    credits = {c: u.credits for c, u in units.items()}
    glh = {c: 0 if c in f.context.achieved else u.glh for c, u in units.items()}
    return Problem(f.variables, tuple(cons), credits, glh)


def _constraint(lin: Linear, minimality: bool) -> Constraint:
    weights: dict[str, int] = {}
    for code, coef in lin.terms:
        weights[code] = weights.get(code, 0) + coef
    return Constraint({c: w for c, w in weights.items() if w}, lin.lo, lin.hi, minimality)


def holds(problem: Problem, chosen: frozenset[str], rules_only: bool = False) -> bool:
    """Plain-Python check of every constraint (or only the rules) on a set of units."""
    for con in problem.constraints:
        if rules_only and not con.minimality:
            continue
        total = sum(w for c, w in con.weights.items() if c in chosen)
        if (con.lo is not None and total < con.lo) or (con.hi is not None and total > con.hi):
            return False
    return True


def is_minimal(problem: Problem, chosen: frozenset[str]) -> bool:
    """Valid under the rules, and no single unit can be dropped keeping them all."""
    return holds(problem, chosen, True) and not any(holds(problem, chosen - {u}, True) for u in chosen)


# --- the frontier dynamic programme -------------------------------------------------------------------

@dataclass
class _Axis:
    """One dimension of the frontier: the running sum of a constraint, or its guessed final slack."""

    kind: str  # "sum" | "guess" | "track"
    index: int
    size: int
    saturate: bool = False


@dataclass
class _Con:
    """Constraints on one weighted sum, merged: validity needs `lo <= sum <= hi`; minimality counts
    against `floor` (the largest minimum among the rules, filters excluded)."""

    weights: dict[str, int]
    lo: int | None
    hi: int | None
    floor: int | None
    guess: int  # 0: no slack guess; else the guess axis size (distinct weights + 1), minimal counting only
    size: int  # sum axis size
    saturate: bool


def _tightest(values: list[int | None], pick) -> int | None:
    known = [v for v in values if v is not None]
    return pick(known) if known else None


def _normalise(problem: Problem, minimal: bool) -> list[_Con] | None:
    """Merge constraints on the same sum, drop those that always hold; None if one can never hold.
    Raise Unsupported on negative weights."""
    if any(w < 0 for con in problem.constraints for w in con.weights.values()):
        raise Unsupported("a constraint has a negative weight")
    same: dict[tuple, list[Constraint]] = {}
    for con in problem.constraints:
        unknown = set(con.weights) - set(problem.variables)
        if unknown:
            raise ValueError(f"constraint over units that are not variables: {sorted(unknown)}")
        same.setdefault(tuple(sorted(con.weights.items())), []).append(con)
    out = []
    for key, cons in same.items():
        weights = dict(key)
        total = sum(weights.values())
        lo = _tightest([c.lo for c in cons], max)
        hi = _tightest([c.hi for c in cons], min)
        floor = _tightest([c.lo for c in cons if c.minimality], max)
        if (lo is not None and lo > total) or (hi is not None and hi < 0) or \
                (lo is not None and hi is not None and lo > hi):
            return None
        lo = lo if lo is not None and lo > 0 else None
        hi = hi if hi is not None and hi < total else None
        floor = floor if floor is not None and floor > 0 and minimal else None
        if lo is None and hi is None:
            continue
        top = max(weights.values())
        guess = len(set(weights.values())) + 1 if floor is not None else 0
        if hi is not None:
            size, saturate = hi + 1, False
        else:
            size, saturate = max(lo or 0, (floor or 0) + (top if guess else 0)) + 1, True
        out.append(_Con(weights, lo, hi, floor, guess, size, saturate))
    return out


def _order(variables: Sequence[str], cons: list[_Con]) -> list[str]:
    """A processing order that keeps the frontier small: greedily take the group of units (same
    constraints) whose processing opens the least, preferring groups that close constraints."""
    touching = {v: frozenset(i for i, c in enumerate(cons) if v in c.weights) for v in variables}
    groups: dict[frozenset[int], list[str]] = {}
    for v in variables:
        groups.setdefault(touching[v], []).append(v)
    remaining = [sum(1 for v in variables if v in c.weights) for c in cons]
    width = [math.log(c.size) + (math.log(c.guess) if c.guess else 0.0) for c in cons]
    opened: set[int] = set()
    order: list[str] = []
    pending = list(groups)
    while pending:
        def cost(sig: frozenset[int]) -> tuple[float, int, int]:
            peak = sum(width[i] for i in opened | sig)
            closes = sum(1 for i in sig if remaining[i] == len([v for v in groups[sig] if i in touching[v]]))
            return (peak, -closes, pending.index(sig))
        best = min(pending, key=cost)
        pending.remove(best)
        order += groups[best]
        opened |= best
        for i in best:
            remaining[i] -= len(groups[best])
        opened -= {i for i in best if remaining[i] == 0}
    return order


def _spans(order: list[str], cons: list[_Con]) -> tuple[dict[int, int], dict[int, int]]:
    """Where each constraint opens (its first unit in `order`) and closes (its last)."""
    position = {v: k for k, v in enumerate(order)}
    first = {i: min(position[v] for v in c.weights) for i, c in enumerate(cons)}
    last = {i: max(position[v] for v in c.weights) for i, c in enumerate(cons)}
    return first, last


def _peak_cells(order: list[str], cons: list[_Con], track: int) -> int:
    first, last = _spans(order, cons)
    peak = track
    for k in range(len(order)):
        cells = track
        for i, c in enumerate(cons):
            if first[i] <= k <= last[i]:
                cells *= c.size * (c.guess or 1)
        peak = max(peak, cells)
    return peak


def _track_ceiling(problem: Problem, track: Mapping[str, int]) -> int:
    """The largest tracked total a valid pathway can have: the total, or less where a maximum bounds a
    sum that weighs every unit at least as much as the tracked measure (states above it are dropped)."""
    ceiling = sum(track.values())
    for con in problem.constraints:
        if con.hi is not None and all(con.weights.get(v, 0) >= t for v, t in track.items() if t):
            ceiling = min(ceiling, max(con.hi, 0))
    return ceiling


def _shift(a: np.ndarray, axis: int, w: int, size: int, saturate: bool) -> np.ndarray:
    """Add `w` to the value indexed by `axis`: overflow is dropped, or piled on the top cell if saturating."""
    moved = np.moveaxis(a, axis, -1)
    out = np.zeros_like(moved)
    if w < size:
        out[..., w:] = moved[..., :size - w]
        if saturate and w:
            out[..., size - 1] += moved[..., size - w:].sum(axis=-1)
    elif saturate:
        out[..., size - 1] = moved.sum(axis=-1)
    return np.moveaxis(out, -1, axis)


def frontier_count(problem: Problem, track: Mapping[str, int] | None = None, minimal: bool = False,
                   fixed: Mapping[str, bool] | None = None) -> np.ndarray:
    """Count pathways meeting every constraint (only minimal ones if asked), as an array indexed by the
    tracked total (a one-cell array without tracking). Units in `fixed` are forced in (True) or out."""
    fixed = dict(fixed or {})
    track = {v: track.get(v, 0) for v in problem.variables} if track is not None else None
    track_size = _track_ceiling(problem, track) + 1 if track is not None else 1
    cons = _normalise(problem, minimal)
    dtype = np.int64 if len(problem.variables) <= 62 else object
    if cons is None:
        return np.zeros(track_size, dtype=dtype)
    order = _order(problem.variables, cons)
    if _peak_cells(order, cons, track_size) > MAX_CELLS:
        raise Unsupported("the dynamic programme's state would be too large")
    first, last = _spans(order, cons)
    axes = [_Axis("track", -1, track_size)]
    state = np.zeros(track_size, dtype=dtype)
    state[0] = 1
    for k, unit in enumerate(order):
        for i in (i for i, c in enumerate(cons) if first[i] == k):
            state, axes = _open(state, axes, i, cons[i])
        taken = state
        for pos, axis in enumerate(axes):
            w = (track or {}).get(unit, 0) if axis.kind == "track" else (
                cons[axis.index].weights.get(unit, 0) if axis.kind == "sum" else 0)
            if w:
                taken = _shift(taken, pos, w, axis.size, axis.saturate)
        if minimal:
            taken = taken * _critical_mask(unit, axes, cons)
        choice = fixed.get(unit)
        state = taken if choice is True else state if choice is False else state + taken
        for i in (i for i, c in enumerate(cons) if last[i] == k):
            state, axes = _close(state, axes, i, cons[i])
    return state


def _open(state: np.ndarray, axes: list[_Axis], i: int, con: _Con) -> tuple[np.ndarray, list[_Axis]]:
    grown = np.zeros(state.shape + (con.size,), dtype=state.dtype)
    grown[..., 0] = state
    axes = axes + [_Axis("sum", i, con.size, con.saturate)]
    if con.guess:  # every guess of the final slack starts with the same counts
        grown = np.repeat(grown[..., np.newaxis], con.guess, axis=-1)
        axes = axes + [_Axis("guess", i, con.guess)]
    return grown, axes


def _close(state: np.ndarray, axes: list[_Axis], i: int, con: _Con) -> tuple[np.ndarray, list[_Axis]]:
    """Sum out a finished constraint, keeping the states that meet it (and whose slack matches the guess)."""
    s = next(p for p, a in enumerate(axes) if a.kind == "sum" and a.index == i)
    values = np.arange(con.size)
    ok = values >= (con.lo or 0)
    if not con.guess:
        moved = np.moveaxis(state, s, -1)
        return moved[..., ok].sum(axis=-1), axes[:s] + axes[s + 1:]
    g = next(p for p, a in enumerate(axes) if a.kind == "guess" and a.index == i)
    category = np.array([_category(con, v - (con.floor or 0)) for v in values])
    match = ok[:, None] & (category[:, None] == np.arange(con.guess)[None, :])
    moved = np.moveaxis(state, (s, g), (-2, -1))
    kept = (moved * match.astype(state.dtype)).sum(axis=(-2, -1))
    return kept, [a for p, a in enumerate(axes) if p not in (s, g)]


def _category(con: _Con, slack: int) -> int:
    """The final slack as far as minimality cares: how many distinct unit weights fit within it
    (a unit of weight w is critical iff slack < w iff category < rank of w). The saturated top cell
    holds slacks of at least the largest weight, so its category is the top one either way."""
    return sum(1 for d in set(con.weights.values()) if d <= slack)


def _critical_mask(unit: str, axes: list[_Axis], cons: list[_Con]) -> np.ndarray | int:
    """Where taking `unit` is allowed in a minimal pathway: some rule's guessed final slack is below the
    unit's weight in it, so dropping the unit would break that rule."""
    shape = [1] * len(axes)
    mask = None
    for pos, axis in enumerate(axes):
        w = cons[axis.index].weights.get(unit, 0) if axis.kind == "guess" else 0
        if not w:
            continue
        shape_here = list(shape)
        shape_here[pos] = axis.size
        here = (np.arange(axis.size) < _category(cons[axis.index], w)).reshape(shape_here)
        mask = here if mask is None else (mask | here)
    if mask is None:
        return 0  # the unit is in no rule with a minimum: it can always be dropped
    return mask.astype(np.int64)


# --- results ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountResult:
    """The exact number of valid pathways, of minimal ones, and their distributions by credits and GLH.

    `method` says how: "dynamic-programming" (exact, no enumeration) or "enumeration" (CP-SAT listed every
    pathway); `complete` is False only when an enumeration stopped at its time limit (counts are then lower
    bounds); `distributions` is False when a spread needed too large a state (its dict is left empty). GLH is new GLH: the hours of the claimed units the learner has not already achieved.
    """

    qualification: str
    accreditation: str
    registered: dt.date | None
    count: int
    minimal: int
    by_credits: dict[int, int]
    by_glh: dict[int, int]
    method: str
    complete: bool = True
    distributions: bool = True  # False when a spread was too large to compute (its dict is then empty)

    def to_dict(self) -> dict:
        return {"qualification": self.qualification, "accreditation": self.accreditation,
                "registered": self.registered.isoformat() if self.registered else None,
                "count": self.count, "minimal": self.minimal,
                "by_credits": {str(k): v for k, v in self.by_credits.items()},
                "by_glh": {str(k): v for k, v in self.by_glh.items()},
                "method": self.method, "complete": self.complete, "distributions": self.distributions}

    def to_frame(self):
        """One row per GLH value and one per credit value: metric, value, pathways."""
        import pandas as pd

        rows = [{"metric": "credits", "value": k, "pathways": v} for k, v in self.by_credits.items()]
        rows += [{"metric": "glh", "value": k, "pathways": v} for k, v in self.by_glh.items()]
        return pd.DataFrame(rows, columns=["metric", "value", "pathways"])


def _distribution(counts: np.ndarray) -> dict[int, int]:
    return {k: int(v) for k, v in enumerate(counts.tolist()) if v}


def count_formulation(f: Formulation, extra: Iterable[Linear] = (), time_limit: float | None = None) -> CountResult:
    """Count the pathways of a formulation meeting `extra` filters; exact by DP, else by enumeration."""
    extra = tuple(extra)
    problem = problem_of(f, extra)
    q, reg = f.qualification, f.context.registered
    limit = ENUMERATION_TIME if time_limit is None else time_limit
    try:
        count = int(frontier_count(problem).sum())
    except Unsupported:
        return _count_by_enumeration(f, problem, extra, limit)
    try:
        minimal = int(frontier_count(problem, minimal=True).sum()) if count else 0
    except Unsupported:
        # Minimality adds a slack axis per lower bound, so its state can outgrow the count's. Few pathways
        # are listed and tested one by one instead; many keep the exact count from a full enumeration.
        if count > MINIMAL_BY_LISTING:
            return _count_by_enumeration(f, problem, extra, limit)
        listed = _count_by_enumeration(f, problem, extra, limit)
        if not listed.complete or listed.count != count:
            return listed
        minimal = listed.minimal
    distributions = {}
    for name, weights in (("credits", problem.credits), ("glh", problem.glh)):
        try:
            distributions[name] = _distribution(frontier_count(problem, track=weights))
        except Unsupported:  # the count is exact; this spread would need too large a state
            distributions[name] = {}
    return CountResult(q.id, q.accreditation, reg, count, minimal, distributions["credits"],
                       distributions["glh"], DP, distributions=all(distributions.values()) or not count)


def _count_by_enumeration(f: Formulation, problem: Problem, extra: tuple[Linear, ...],
                          time_limit: float | None) -> CountResult:
    from solver.engine.compile import CompiledModel

    by_credits: dict[int, int] = {}
    by_glh: dict[int, int] = {}
    tally = {"count": 0, "minimal": 0}

    def seen(chosen: frozenset[str]) -> bool:
        if not holds(problem, chosen):
            raise RuntimeError(f"CP-SAT returned a pathway the plain-Python check rejects: {sorted(chosen)}")
        tally["count"] += 1
        tally["minimal"] += is_minimal(problem, chosen)
        credits = sum(problem.credits[c] for c in chosen)
        glh = sum(problem.glh[c] for c in chosen)
        by_credits[credits] = by_credits.get(credits, 0) + 1
        by_glh[glh] = by_glh.get(glh, 0) + 1
        return True

    status = CompiledModel(f.variables, f.requirements).enumerate(seen, extra=extra, time_limit=time_limit)
    q = f.qualification
    return CountResult(q.id, q.accreditation, f.context.registered, tally["count"], tally["minimal"],
                       dict(sorted(by_credits.items())), dict(sorted(by_glh.items())), ENUMERATION,
                       status == "OPTIMAL")


def count_pathways(catalogue: Catalogue, qualification: Qualification | str, learner: Learner = Learner(),
                   extra: Iterable[Linear] = (), time_limit: float | None = None) -> CountResult:
    """The exact number of valid pathways for a learner (default: a new learner with nothing achieved)."""
    q = catalogue.qualification(qualification) if isinstance(qualification, str) else qualification
    return count_formulation(formulate(catalogue, q, learner), extra, time_limit)


def unit_shares(f: Formulation, extra: Iterable[Linear] = ()) -> dict[str, int]:
    """For each unit, the exact number of valid pathways that contain it (one forced count per unit)."""
    problem = problem_of(f, tuple(extra))
    try:
        return {u: int(frontier_count(problem, fixed={u: True}).sum()) for u in f.variables}
    except Unsupported:
        shares = dict.fromkeys(f.variables, 0)

        def seen(chosen: frozenset[str]) -> bool:
            for u in chosen:
                shares[u] += 1
            return True

        from solver.engine.compile import CompiledModel

        CompiledModel(f.variables, f.requirements).enumerate(seen, extra=tuple(extra))
        return shares
