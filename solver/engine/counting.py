"""Exact counts of valid pathways, minimal ones, their spreads and unit shares, without enumerating."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cmp_to_key
from typing import TYPE_CHECKING, Any

import numpy as np

from solver.budget import Budget, Limit, portion
from solver.engine.dense import dense_count, layer_cells
from solver.engine.frontier import MAX_CELLS, MAX_STATES, Programme, Stopped, Sweep, Unsupported, unit_totals
from solver.engine.listing import LISTING_WORK, list_by_solver, tally
from solver.engine.meeting import meet, plan, widths
from solver.engine.meeting import shares as meeting_shares
from solver.engine.problem import Constraint, CountProblem, holds, is_minimal, problem_of
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.request.formulation import Formulation, formulate
from solver.rules.linear import Linear, is_auxiliary

if TYPE_CHECKING:
    import pandas as pd


class CountMethod(StrEnum):
    """How a count was had; a str, so JSON shows it as written."""

    DYNAMIC_PROGRAMMING = "dynamic-programming"  # exact, without enumerating
    ENUMERATION = "enumeration"  # CP-SAT listed every pathway (or as many as its work limit allowed)


class Figure(StrEnum):
    """A figure `count` can add to the count itself, each asked for on its own (each costs a pass or more)."""

    MINIMAL = "minimal"  # how many valid pathways are minimal
    DISTRIBUTIONS = "distributions"  # the spreads by credits and by GLH
    SHARES = "shares"  # for each unit, how many valid pathways claim it (`unit_shares`)


DP = CountMethod.DYNAMIC_PROGRAMMING
ENUMERATION = CountMethod.ENUMERATION
COUNT_FIGURES = frozenset({Figure.MINIMAL, Figure.DISTRIBUTIONS})  # what `count_formulation` computes by default
USEFUL_RATIO = 10 ** 6  # an upper bound more than this many times the lower bound is reported as no useful bound
PLAIN_CELLS = 1_000_000  # a single pass of vectors up to this many cells (~50 ms) is used without meeting
# A run costs about this many cells per unit whatever its states (numpy calls on small arrays): a meeting takes
# three runs (one backward to plan, two halves) where a plain pass takes one.
RUN_OVERHEAD_CELLS = 8_000
SPARSE_COST = 10  # a (state, total) pair costs about as much as this many cells of count vectors (measured)
SMALL_CELLS = 100_000  # count vectors up to this many cells are used straight away (a few milliseconds)
QUICK_STATES = 50_000  # the first state bound each way: most programmes fit, and a hopeless run stops soon
MEETING_ADVANTAGE = 2  # meet from both ends when estimated at under half a single pass of vectors
AGREEING_SHARES = (0.5, 0.7, 0.85)  # the middle of the order a lower bound may fix, fewest first
RELAXATIONS = 6  # tries at an upper bound by dropping the 1, 2, 4, ... longest-open constraints
RELAXED_STATES = 100_000  # the state budget of each such try (small: a refusal should come fast)

__all__ = ["COUNT_FIGURES", "DP", "ENUMERATION", "MAX_STATES", "Constraint", "CountMethod", "CountProblem",
           "CountResult", "Figure", "Stopped", "Unsupported", "count_formulation", "count_pathways", "frontier_count",
           "holds", "is_minimal", "problem_of", "unit_shares"]


def _track_ceiling(problem: CountProblem, track: Mapping[str, int]) -> int:
    """The largest tracked total a valid pathway can have: the total, or less where a maximum bounds a
    sum that weighs every unit at least as much as the tracked measure (states above it are dropped)."""
    ceiling = sum(track.values())
    for con in problem.constraints:
        if con.hi is None:
            continue
        if all(con.weights.get(v, 0) >= t for v, t in track.items() if t):
            ceiling = min(ceiling, max(con.hi, 0))
        # The fractional knapsack: the most tracked total the maximum allows, best ratios first, plus
        # every tracked unit outside the sum (an upper bound on what any valid pathway reaches). Exact in
        # integers (a rounding error must not cut a total): ratios compared by cross-multiplying, whole units
        # while they fit, then the floor of the fraction of the next.
        weights = con.weights
        outside = sum(t for v, t in track.items() if t and not weights.get(v, 0))
        inside = [(t, weights[v]) for v, t in track.items() if t and weights.get(v, 0)]
        inside.sort(key=cmp_to_key(_by_ratio))
        room, best = max(con.hi, 0), 0
        for t, w in inside:
            if w <= room:
                best, room = best + t, room - w
                continue
            best += room * t // w
            break
        ceiling = min(ceiling, outside + best)
    return ceiling


def _by_ratio(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Order (tracked, weight) pairs by tracked per weight, highest first, exactly (cross-multiplied)."""
    return b[0] * a[1] - a[0] * b[1]


@dataclass
class Passes:
    """What untracked runs learnt of a programme: `programme`, turned so that its order is the cheaper way
    through; the states of each layer along it (fewer than the units where the run stopped short) and, where
    known, from the other end."""

    programme: Programme
    forward: list[int]
    backward: list[int] | None = None

    @property
    def complete(self) -> bool:
        return self.programme.never or len(self.forward) == len(self.programme.order)


def passes_of(problem: CountProblem, minimal: bool = False, fixed: Mapping[str, bool] | None = None,
              max_states: int | None = None, budget: Budget | None = None, task: str = "counting pathways"
              ) -> tuple[np.ndarray, Passes]:
    """The untracked counts and what was learnt: in one pass from either end, first within QUICK_STATES
    then within MAX_STATES (the greedy order is often far narrower one way than the other: the 120-unit
    benchmark's peak is 44,591 states backwards against over 2.4 million forwards), else by meeting in the
    middle; else Unsupported (why). Every run charges `budget`, and Stopped ends them at its limit."""
    programme = Programme(problem.variables, problem.constraints, minimal, budget=budget, task=task)
    if max_states is not None:  # a smaller bound, never a larger one
        programme = programme.variant(max_states=min(max_states, programme.max_states))
    small = dense_count(programme, fixed=fixed)  # a few thousand cells a layer: one dense array is cheapest
    if small is not None:
        return small, Passes(programme, layer_cells(programme))
    why: Unsupported | None = None
    ways = [False, True]  # forward, backward
    reached: dict[bool, list[int]] = {}  # the layers each way reached
    for bound in (min(QUICK_STATES, programme.max_states), programme.max_states):
        for reverse in ways:
            way = "backward" if reverse else "forward"
            turned = programme.variant(reverse, bound, task=f"{task} ({way}, within {bound:,} states)")
            try:
                sweep = turned.run(None, fixed)
            except Unsupported as stopped:
                why, reached[reverse] = stopped, stopped.sizes
                continue
            return _array(sweep, 0), Passes(turned.variant(max_states=programme.max_states, task=task), sweep.sizes,
                                            reached.get(not reverse))
        met = _meeting(programme.variant(max_states=bound), None, fixed, 0, reached[False], reached[True])
        if met is not None:
            return met, Passes(programme, reached[False], reached[True])
        # With the larger bound, only the way that got further (a run that fails does most of its work in
        # its last, widest layers: the other way would more than double the time of a refusal).
        ways = [len(reached[True]) > len(reached[False])]
    assert why is not None
    raise why


def _tracked(passes: Passes, track: Mapping[str, int], fixed: Mapping[str, bool] | None, ceiling: int
             ) -> np.ndarray:
    """Counts by tracked total by the cheapest of three forms. Measured (benchmarks/count_scale.py and the
    seeds): the tracked total as a state column keeps only the reachable (state, total) pairs and wins by far
    where they are few (the 40-unit GLH case's credits: 9,290 pairs against 1.7 million vector cells, 0.04 s
    against 0.9 s), while a count vector per state wins where the pairs are many (the exact-total case's GLH:
    167,509 pairs, 1.2 s, against 604,422 cells, 0.6 s); a pair costs about SPARSE_COST cells. Meeting from
    both ends (`meeting`) wins where the layers between groups are narrow (the 40-unit case's GLH: 10.8 s of
    vectors or 5.6 s of pairs in one pass, 0.5 s met). So, past a few milliseconds of vectors, a meeting is
    tried if it is estimated at under half the vectors' cost, then the pairs within what the vectors would
    cost, then the vectors, then the pairs up to the state bound."""
    programme, sizes = passes.programme, passes.forward
    small = dense_count(programme, track, ceiling, fixed)
    if small is not None:
        return small
    cells = sum(s * w for s, w in zip(sizes, widths(programme.order, track, ceiling)))
    # A meeting costs two more runs than a plain pass, each with its fixed cost per unit (the seeds' counts paid
    # it four times over when every spread was met from both ends).
    overhead = 2 * RUN_OVERHEAD_CELLS * len(programme.order)
    if passes.complete and cells <= max(SMALL_CELLS, min(PLAIN_CELLS, overhead)):
        return _array(programme.run(track, fixed, ceiling=ceiling, sparse_track=False), ceiling)
    within = (cells - overhead) / MEETING_ADVANTAGE if passes.complete else None
    met = _meeting(programme, track, fixed, ceiling, sizes, passes.backward, within)
    if met is not None:
        return met
    if not passes.complete:
        raise Unsupported(f"the counting state would exceed {programme.max_states:,} states from either end, "
                          f"or {MAX_CELLS:,} counts", sizes)
    cells = max(sizes, default=1) * (ceiling + 1)
    budget = min(MAX_STATES, cells // SPARSE_COST)
    try:
        return _array(programme.variant(max_states=budget).run(track, fixed, ceiling=ceiling), ceiling)
    except Unsupported:
        if cells > MAX_CELLS and budget == MAX_STATES:
            raise
    if cells <= MAX_CELLS:
        try:
            return _array(programme.run(track, fixed, ceiling=ceiling, sparse_track=False), ceiling)
        except Unsupported:
            if budget == MAX_STATES:
                raise
    return _array(programme.run(track, fixed, ceiling=ceiling, sparse_track=True), ceiling)


def _meeting(programme: Programme, track: Mapping[str, int] | None, fixed: Mapping[str, bool] | None,
             ceiling: int, forward: list[int], backward: list[int] | None = None,
             within: float | None = None) -> np.ndarray | None:
    """Counts by a forward and a backward run meeting at the cheapest cut, if one exists (and is estimated
    below `within` cells) and both runs fit; else None."""
    if backward is None:
        try:
            backward = programme.variant(reverse=True).run(None, fixed).sizes
        except Unsupported as why:
            backward = why.sizes
    best = plan(programme.order, forward, backward, track, ceiling)
    if best is None or (within is not None and best.cost >= within):  # within <= 0: never worth it
        return None
    try:
        return meet(programme, best.cut, track, fixed, ceiling)
    except Unsupported:
        return None


def _array(sweep: Sweep, ceiling: int) -> np.ndarray:
    out = np.zeros(ceiling + 1, dtype=np.int64 if len(sweep.order) <= 62 else object)
    for value, n in sweep.by_track.items():
        out[value] = n
    return out


def frontier_count(problem: CountProblem, track: Mapping[str, int] | None = None, minimal: bool = False,
                   fixed: Mapping[str, bool] | None = None, passes: Passes | None = None,
                   budget: Budget | None = None, task: str = "counting pathways") -> np.ndarray:
    """Count pathways meeting every constraint (only minimal ones if asked), as an array indexed by the
    tracked total (a one-cell array without tracking). Units in `fixed` are forced in (True) or out;
    `passes`, what untracked runs learnt (with the same `fixed`), if known, pick how to track.
    Raises Unsupported on negative weights or when the state would grow past MAX_STATES from both ends, and
    Stopped at `budget`'s limit (a given `passes` carries the budget it was made with)."""
    if minimal and any(is_auxiliary(v) for v in problem.variables):
        # Minimality asks that every claimed unit be needed; a rule's own variables are not units.
        raise Unsupported("minimal pathways are not counted for rules with their own variables (groups)")
    if track is None:
        return passes_of(problem, minimal, fixed, budget=budget, task=task)[0]
    track = {v: track.get(v, 0) for v in problem.variables}
    if any(w < 0 for w in track.values()):
        raise Unsupported("a tracked measure has a negative weight")
    ceiling = _track_ceiling(problem, track)
    passes = passes or passes_of(problem, minimal, fixed, budget=budget)[1]
    passes = replace(passes, programme=passes.programme.variant(task=task))
    # Totals are multiples of the measure's common divisor (Access units of 3, 6 and 9 credits): tracked
    # in its steps, every vector is that many times narrower.
    step = math.gcd(*track.values()) or 1
    if step == 1:
        return _tracked(passes, track, fixed, ceiling)
    counts = _tracked(passes, {v: w // step for v, w in track.items()}, fixed, ceiling // step)
    out = np.zeros(ceiling + 1, dtype=counts.dtype)
    out[::step] = counts
    return out


# --- results ----------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class CountResult:
    """The number of valid pathways, of minimal ones, and their distributions by credits and GLH.

    `method` says how: "dynamic-programming" (exact, no enumeration) or "enumeration" (CP-SAT listed every
    pathway). A figure that could not be had exactly is None, with `count_at_least` / `minimal_at_least` a
    proven lower bound and `count_at_most` a proven upper bound where known, and `notes` saying why;
    `complete` is True when the count is exact; `distributions` is False when a spread was not computed
    (its dict is then empty). `skipped`: the figures not asked for; `stopped_by`: the budget's limit that
    ended some figure before it was had. GLH is new GLH: the hours of the claimed units the learner has not
    achieved.
    """

    qualification: str
    accreditation: str
    registered: dt.date | None
    count: int | None
    minimal: int | None
    by_credits: dict[int, int]
    by_glh: dict[int, int]
    method: CountMethod
    complete: bool = True
    distributions: bool = True
    count_at_least: int | None = None
    minimal_at_least: int | None = None
    count_at_most: int | None = None  # a proven upper bound when the count is not exact (a relaxed count)
    notes: tuple[str, ...] = ()
    peak_states: int = 0  # the largest layer of the counting programme (0 when it did not run)
    skipped: tuple[Figure, ...] = ()
    stopped_by: Limit | None = None

    @property
    def useful_upper_bound(self) -> int | None:
        """The proven upper bound when it says something: within USEFUL_RATIO of the lower bound (a relaxed
        count of 10^279 over a lower bound of 451 is proven, and useless)."""
        if self.count_at_most is None or self.count is not None:
            return None
        return self.count_at_most if self.count_at_most <= USEFUL_RATIO * max(self.count_at_least or 0, 1) else None

    def status(self) -> dict[str, str]:
        """For each figure: exact, bounds (an interval or a lower bound), not computed, or skipped (not asked)."""
        count = "exact" if self.count is not None else \
            "bounds" if self.count_at_least or self.count_at_most is not None else "not computed"
        minimal = "skipped" if Figure.MINIMAL in self.skipped else "exact" if self.minimal is not None else \
            "bounds" if self.minimal_at_least is not None else "not computed"
        spreads = {}
        for name, spread in (("by_credits", self.by_credits), ("by_glh", self.by_glh)):
            spreads[name] = "skipped" if Figure.DISTRIBUTIONS in self.skipped else \
                "exact" if spread or self.count == 0 else "not computed"
        return {"count": count, "minimal": minimal, **spreads}

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification, "accreditation": self.accreditation,
                "registered": self.registered.isoformat() if self.registered else None,
                "count": self.count, "minimal": self.minimal,
                "by_credits": {str(k): v for k, v in self.by_credits.items()},
                "by_glh": {str(k): v for k, v in self.by_glh.items()},
                "method": self.method, "complete": self.complete, "distributions": self.distributions,
                "count_at_least": self.count_at_least, "count_at_most": self.count_at_most,
                "minimal_at_least": self.minimal_at_least,
                "notes": list(self.notes), "figures": self.status(), "skipped": [str(x) for x in self.skipped],
                "stopped_by": self.stopped_by}

    def to_frame(self) -> pd.DataFrame:
        """One row per GLH value and one per credit value: metric, value, pathways."""
        import pandas as pd

        rows = [{"metric": "credits", "value": k, "pathways": v} for k, v in self.by_credits.items()]
        rows += [{"metric": "glh", "value": k, "pathways": v} for k, v in self.by_glh.items()]
        return pd.DataFrame(rows, columns=["metric", "value", "pathways"])


def count_formulation(f: Formulation, extra: Iterable[Linear] = (), time_limit: float | None = None,
                      budget: Budget | None = None, figures: Iterable[Figure] = COUNT_FIGURES) -> CountResult:
    """Count the pathways of a formulation meeting `extra` filters: exact by the sparse programme, else by
    listing them all with CP-SAT (up to LISTING_CAP; `time_limit`: CP-SAT deterministic seconds), else
    a lower bound labelled as such. Minimal count and spreads (`figures`: which of them) are exact or flagged,
    never guessed; a count over groups that list only some of their units says it covers the listed ones only.

    Under `budget` every stage charges its work and stops at the limit, and the result holds what was had by
    then (an exact figure, a proven bound, or a note that it was not computed) and `stopped_by`."""
    result = _count_formulation(f, tuple(extra), time_limit, budget, frozenset(figures))
    groups = [g.name for g in f.qualification.open_groups()]
    if not groups:
        return result
    note = (f"over the listed units only: {', '.join(groups)} list{'s' if len(groups) == 1 else ''} only some of "
            f"{'its' if len(groups) == 1 else 'their'} units, so more pathways may exist")
    return replace(result, notes=(note, *result.notes))


@dataclass
class _Run:
    """What one count has met on its way: the first limit that cut a stage short, and its notes."""

    budget: Budget | None
    stopped: Limit | None = None
    notes: list[str] = field(default_factory=list)

    def stop(self, limit: Limit, what: str) -> None:
        self.stopped = self.stopped or limit
        self.notes.append(f"{what} not computed within the {limit}" if limit is not Limit.INTERRUPTED
                          else f"{what} not computed: interrupted")


def _count_formulation(f: Formulation, extra: tuple[Linear, ...], time_limit: float | None,
                       budget: Budget | None, figures: frozenset[Figure]) -> CountResult:
    problem = problem_of(f, extra)
    q, reg = f.qualification, f.context.registered
    work = LISTING_WORK if time_limit is None else time_limit
    skipped = tuple(x for x in (Figure.MINIMAL, Figure.DISTRIBUTIONS) if x not in figures)
    run = _Run(budget)
    try:
        counts, passes = passes_of(problem, budget=budget)
    except Stopped as stop:
        run.stop(stop.limit, "count")
        return CountResult(qualification=q.id, accreditation=q.accreditation, registered=reg, count=None,
                           minimal=None, by_credits={}, by_glh={}, method=DP, complete=False, distributions=False,
                           notes=tuple(run.notes), skipped=skipped, stopped_by=run.stopped)
    except Unsupported as why:
        return replace(_count_by_listing(f, problem, extra, work, str(why), run, figures), skipped=skipped)
    count, peak = int(counts.sum()), max(passes.forward, default=0)
    notes = run.notes
    minimal: int | None = 0
    minimal_at_least = None
    if Figure.MINIMAL not in figures:
        minimal = None
    elif count and any(is_auxiliary(v) for v in problem.variables):
        # Minimality asks that every claimed unit be needed; a rule's own variables are not units, and neither the
        # programme nor a listing tells them apart: no figure rather than a wrong one.
        minimal = None
        notes.append("minimal count not computed: rules with their own variables (groups, when-used) are not "
                     "counted for minimality")
    elif count:
        try:
            minimal_counts, minimal_passes = passes_of(problem, minimal=True, budget=budget,
                                                       task="counting minimal pathways")
            minimal, peak = int(minimal_counts.sum()), max([peak, *minimal_passes.forward])
        except Stopped as stop:
            minimal = None
            run.stop(stop.limit, "minimal count")
        except Unsupported as why:
            with portion(budget, 1.0) as part:
                listed = list_by_solver(f, problem, extra, minimal=True, work=work, budget=part)
            if listed.complete:
                minimal = len(listed.pathways)
            else:
                minimal, minimal_at_least = None, len(listed.pathways)
                notes.append(f"minimal count not computed: {why}; CP-SAT listed {minimal_at_least:,} minimal "
                             f"pathways before its work limit (a lower bound)")
                if listed.stopped is not None:
                    run.stopped = run.stopped or listed.stopped
    spreads: dict[str, dict[int, int]] = {"credits": {}, "glh": {}}
    for name, weights in (("credits", problem.credits), ("glh", problem.glh)):
        if not count or Figure.DISTRIBUTIONS not in figures:
            continue
        label = name.replace("glh", "GLH")
        try:
            counts = frontier_count(problem, track=weights, passes=passes, task=f"{label} distribution")
            spreads[name] = {k: int(v) for k, v in enumerate(counts.tolist()) if v}
        except Stopped as stop:
            run.stop(stop.limit, f"{name} distribution")
        except Unsupported as why:
            notes.append(f"{name} distribution not computed: {why}")
    complete_spreads = all(spreads.values()) or not count
    notes += _unpublished_notes(f, problem, count, run) + _claim_notes(f, problem, count, run)
    return CountResult(qualification=q.id, accreditation=q.accreditation, registered=reg,
                       count=count, minimal=minimal, by_credits=spreads["credits"], by_glh=spreads["glh"],
                       method=DP, distributions=complete_spreads and Figure.DISTRIBUTIONS in figures,
                       minimal_at_least=minimal_at_least, notes=tuple(notes), peak_states=peak, skipped=skipped,
                       stopped_by=run.stopped)


def _unpublished_notes(f: Formulation, problem: CountProblem, count: int, run: _Run) -> list[str]:
    """How many counted pathways claim a unit of unpublished credits or GLH: their spreads are lower bounds."""
    out = []
    # Only a value some rule depends on leaves the count open ("exact when no rule depends on the unknown").
    depends = {c for r in f.rules for c in r.uncertain(f.context)}
    open_values = [c for c in f.context.units if c in depends]
    if open_values:
        out.append(f"counted: the pathways valid whatever the unpublished credits or levels of "
                   f"{', '.join(open_values)} turn out to be (more may be valid once they are published)")
    for measure in ("credits", "glh"):
        unknown = {c: False for c, u in f.context.units.items() if getattr(u, measure) is None
                   and not (measure == "glh" and c in f.context.achieved)}
        if not unknown or not count:
            continue
        word = "GLH" if measure == "glh" else "credits"
        try:
            touched = count - int(frontier_count(problem, fixed=unknown, budget=run.budget,
                                                 task=f"pathways with unpublished {word}").sum())
        except Stopped as stop:
            run.stop(stop.limit, f"the pathways claiming units of unpublished {word} ({', '.join(unknown)}):")
            continue
        except Unsupported:
            out.append(f"some pathways may claim units of unpublished {word} ({', '.join(unknown)}): not counted")
            continue
        if touched:
            out.append(f"{touched:,} of these pathways claim units of unpublished {word} ({', '.join(unknown)}): "
                       f"their {word} figures above count those as 0 (lower bounds)")
    return out


def _claim_notes(f: Formulation, problem: CountProblem, count: int, run: _Run) -> list[str]:
    """What the count is over besides the qualification's own units: import slots' candidates (and how many
    pathways import), and units offered in several modes (each mode claimed is a pathway of its own)."""
    ctx, out = f.context, []
    imported = list(dict.fromkeys(c for codes in ctx.imported.values() for c in codes))
    if imported and count:
        over = (f"counted over {len(imported)} units of other qualifications that import slots may take "
                f"as well")
        try:
            importing = count - int(frontier_count(problem, fixed=dict.fromkeys(imported, False), budget=run.budget,
                                                   task="pathways that import").sum())
            out.append(f"{over}: {importing:,} of these pathways import")
        except Stopped as stop:
            out.append(over)
            run.stop(stop.limit, "how many pathways import")
        except Unsupported:
            out.append(over)
    if ctx.claims:
        out.append(f"{', '.join(ctx.claims)} {'is' if len(ctx.claims) == 1 else 'are'} offered in several modes: "
                   f"a pathway claims each in one, and each mode claimed counts as a pathway of its own")
    return out


def _count_by_listing(f: Formulation, problem: CountProblem, extra: tuple[Linear, ...], work: float,
                      why: str, run: _Run, figures: frozenset[Figure] = COUNT_FIGURES) -> CountResult:
    """The count when the programme cannot: CP-SAT lists the pathways (half the work left), and if it cannot
    list them all, a lower bound from the agreeing count (half of the rest) and an upper bound from relaxed
    counts (what remains) bracket it."""
    q = f.qualification
    reg = f.context.registered
    budget = run.budget
    with portion(budget, 0.5) as part:
        listed = list_by_solver(f, problem, extra, work=work, budget=part)
    if listed.stopped is Limit.INTERRUPTED or listed.stopped is Limit.TIME:
        run.stopped = run.stopped or listed.stopped
    if not listed.complete:
        n = len(listed.pathways)
        notes = [f"count not computed exactly: {why}; CP-SAT listed {n:,} pathways before its work limit "
                 f"(a lower bound)"]
        if listed.stopped is Limit.WORK:
            run.stopped = run.stopped or Limit.WORK
        try:
            with portion(budget, 0.5) as part:
                agreeing, fixed = _agreeing_count(problem, listed.pathways[0], part) if listed.pathways else (None, 0)
        except Stopped as stop:
            agreeing, fixed = None, 0
            run.stop(stop.limit, "a lower bound from pathways that agree with a listed one")
        if agreeing is not None and agreeing > n:
            n = agreeing
            notes.append(f"at least {agreeing:,} valid pathways: the exact count of those that agree with one "
                         f"listed pathway on {fixed} of the {len(f.variables)} units (a lower bound)")
        try:
            with portion(budget, 1.0) as part:
                upper, dropped = _relaxed_count(problem, part)
        except Stopped as stop:
            upper, dropped = None, 0
            run.stop(stop.limit, "an upper bound from relaxed counts")
        if upper is not None:
            notes.append(f"at most {upper:,} valid pathways: the exact count without {dropped} of the "
                         f"{len(problem.constraints)} constraints (an upper bound)")
        return CountResult(qualification=q.id, accreditation=q.accreditation, registered=reg,
                           count=None, minimal=None, by_credits={}, by_glh={}, method=ENUMERATION,
                           complete=False, distributions=False, count_at_least=n, count_at_most=upper,
                           notes=tuple(notes + run.notes), stopped_by=run.stopped)
    pathways = listed.pathways
    auxiliary = any(is_auxiliary(v) for v in problem.variables)  # minimality over units only: not judged
    minimal = None if auxiliary or Figure.MINIMAL not in figures else \
        sum(1 for p in pathways if is_minimal(problem, p))
    spread = Figure.DISTRIBUTIONS in figures
    return CountResult(qualification=q.id, accreditation=q.accreditation, registered=reg,
                       count=len(pathways), minimal=minimal,
                       by_credits=tally(pathways, problem.credits) if spread else {},
                       by_glh=tally(pathways, problem.glh) if spread else {}, method=ENUMERATION,
                       distributions=spread, notes=tuple(run.notes), stopped_by=run.stopped)


def _agreeing_count(problem: CountProblem, pathway: frozenset[str], budget: Budget | None = None
                    ) -> tuple[int | None, int]:
    """A proven lower bound: the exact count of the valid pathways that take and leave the units in the
    middle of the counting order as `pathway` (valid) does, fixing more of the middle until the two free
    ends fit and meet; (None, 0) if none does. The pathways counted are valid and distinct, so no more
    than the true count."""
    order = Programme(problem.variables, problem.constraints).order
    units = [v for v in order if not is_auxiliary(v)]  # a rule's own variables follow from the units
    for share in AGREEING_SHARES:
        keep = round(len(units) * (1 - share) / 2)  # free units at each end
        fixed = {v: v in pathway for v in units[keep:len(units) - keep]}
        try:
            return int(passes_of(problem, fixed=fixed, max_states=QUICK_STATES, budget=budget,
                                 task="a lower bound (agreeing pathways)")[0].sum()), len(fixed)
        except Unsupported:
            continue
    return None, 0


def _relaxed_count(problem: CountProblem, budget: Budget | None = None) -> tuple[int | None, int]:
    """A proven upper bound: the exact count with the constraints that stay open longest dropped (every
    pathway meeting all constraints meets fewer), dropping more until the programme fits; (None, 0) if no
    relaxation within RELAXATIONS fits. Only maximums and minimums are dropped, never a unit."""
    cons = list(problem.constraints)
    position = {v: k for k, v in enumerate(problem.variables)}
    span = [max((position[v] for v in c.weights), default=0) - min((position[v] for v in c.weights), default=0)
            for c in cons]
    by_span = sorted(range(len(cons)), key=lambda i: (-span[i], i))
    for attempt in range(RELAXATIONS):
        dropped = set(by_span[:2 ** attempt])  # 1, 2, 4, ... constraints: the first that fits is the tightest
        kept = tuple(c for i, c in enumerate(cons) if i not in dropped)
        try:
            counts = passes_of(CountProblem(problem.variables, kept), max_states=RELAXED_STATES, budget=budget,
                               task=f"an upper bound (relaxation {attempt + 1} of {RELAXATIONS})")[0]
        except Unsupported:
            continue
        return int(counts.sum()), len(dropped)
    return None, 0


def count_pathways(catalogue: Catalogue, qualification: Qualification | str, learner: Learner = Learner(),
                   extra: Iterable[Linear] = (), time_limit: float | None = None, budget: Budget | None = None,
                   figures: Iterable[Figure] = COUNT_FIGURES) -> CountResult:
    """The exact number of valid pathways for a learner (default: a new learner with nothing achieved)."""
    q = catalogue.qualification(qualification)
    return count_formulation(formulate(catalogue, q, learner), extra, time_limit, budget, figures)


def unit_shares(f: Formulation, extra: Iterable[Linear] = (), budget: Budget | None = None) -> dict[str, int]:
    """For each unit, the exact number of valid pathways that contain it (one recorded sweep, forward
    counts times backward completions); else by a complete CP-SAT listing; else Unsupported (why).
    Stopped at `budget`'s limit."""
    extra = tuple(extra)
    problem = problem_of(f, extra)
    try:
        passes = passes_of(problem, budget=budget, task="unit shares")[1]  # the way through that fits, or the meeting
        if passes.complete:
            totals = unit_totals(passes.programme, passes.programme.run(record=True))
        else:
            best = plan(passes.programme.order, passes.forward, passes.backward or [], None, 0)
            assert best is not None  # the count met from both ends at some cut
            totals = meeting_shares(passes.programme, best.cut)
        return {v: totals[v] for v in f.variables}
    except Unsupported as why:
        listed = list_by_solver(f, problem, extra, budget=budget)
        if listed.stopped is not None and not listed.complete:
            raise Stopped(listed.stopped) from None
        if not listed.complete:
            raise Unsupported(f"{why}; and more than CP-SAT may list ({len(listed.pathways):,} listed)") from None
        shares = dict.fromkeys(f.variables, 0)
        for chosen in listed.pathways:
            for u in chosen:
                shares[u] += 1
        return shares
