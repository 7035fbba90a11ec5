"""The "count at scale" family: exact counting on synthetic qualifications of 16 to 200 units with overlapping
rules and wide GLH, against brute force where feasible and against the previous (dense) counter. The figures
are whatever way the counter found (one pass either way, or both ends met); `peak_states` is the largest
layer of the pass that counted."""

from __future__ import annotations

import itertools
import tempfile
import time

from benchmarks import previous_counter
from benchmarks.harness import Result
from benchmarks.scale import ScaleShape, exact_total_spec, heavy_glh_spec, scale_spec, write_spec

SHAPES = {  # name: (catalogue spec builder, brute force feasible)
    "16 units, 5 rules": (lambda: scale_spec(ScaleShape(units=16, groups=3, rules=5, seed=2)), True),
    "30 units, 5 rules": (lambda: scale_spec(ScaleShape(units=30, groups=3, rules=5)), False),
    "60 units, 10 rules": (lambda: scale_spec(ScaleShape(units=60, groups=6, rules=10)), False),
    "120 units, 20 rules": (lambda: scale_spec(ScaleShape(units=120, groups=12, rules=20)), False),
    "200 units, 40 rules": (lambda: scale_spec(ScaleShape(units=200, groups=20, rules=40)), False),
    "60 units, exact 60-credit total": (exact_total_spec, False),
    "40 units, GLH near 150": (heavy_glh_spec, False),
}


def _brute_force(f) -> int:
    units = f.variables
    return sum(1 for r in range(len(units) + 1) for combo in itertools.combinations(units, r)
               if f.valid(frozenset(combo)))


def _previous(f) -> tuple[float, str]:
    """The previous counter's dynamic programme alone (its fallback enumerated for 60 s of wall clock)."""
    problem = previous_counter.problem_of(f)
    started = time.perf_counter()
    try:
        count = int(previous_counter.frontier_count(problem).sum())
        outcome = f"{count:,}"
    except previous_counter.Unsupported as why:
        outcome = f"refused: {why}"
    return time.perf_counter() - started, outcome


def count_at_scale(only: list[str] | None = None) -> list[Result]:
    """One timed run per shape (each is seconds, not milliseconds; medians of one)."""
    from solver.engine.counting import count_formulation, unit_shares
    from solver.engine.frontier import Unsupported
    from solver.model.catalogue import load_catalogue
    from solver.request.formulation import formulate

    out = []
    for name, (build, brute) in SHAPES.items():
        if only and name not in only:
            continue
        with tempfile.TemporaryDirectory() as folder:
            write_spec(build(), folder)
            cat = load_catalogue(folder)
        f = formulate(cat, cat.qualifications[0])
        started = time.perf_counter()
        result = count_formulation(f)
        took = time.perf_counter() - started
        started = time.perf_counter()
        try:
            unit_shares(f)
            shares = "exact"
        except Unsupported:
            shares = "not computed"
        shares_took = time.perf_counter() - started
        old_took, old_outcome = _previous(f)
        if result.count is not None:
            exact = f"exact ({result.count:,})"
        else:
            high = f", at most {result.count_at_most:,}" if result.count_at_most is not None else ""
            exact = f"not exact: at least {result.count_at_least:,}{high} (proven bounds)"
        minimal = "exact" if result.minimal is not None else "not computed"
        spreads = "both" if result.distributions else \
            ", ".join(k for k, d in (("credits", result.by_credits), ("glh", result.by_glh)) if d) or "none"
        facts = {"count": result.count, "count_at_least": result.count_at_least,
                 "count_at_most": result.count_at_most, "minimal": result.minimal,
                 "peak_states": result.peak_states, "method": result.method, "distributions": spreads,
                 "units": len(f.variables), "notes": list(result.notes)}
        note = (f"count {exact}, minimal {minimal}, distributions: {spreads}, "
                f"peak {result.peak_states:,} states, {result.method}")
        if brute and result.count is not None:
            truth = _brute_force(f)
            facts["brute_force"] = truth
            note += f"; brute force {truth:,} ({'agrees' if truth == result.count else 'DISAGREES'})"
        out.append(Result(f"count at scale: {name}", "Pathways: count_formulation (all figures)", "s", [took],
                          None, note, facts))
        out.append(Result(f"count at scale: {name}", "Pathways: unit_shares", "s", [shares_took], None, shares))
        out.append(Result(f"count at scale: {name}", "previous counter: dense programme, count only", "s",
                          [old_took], None, old_outcome))
    return out
