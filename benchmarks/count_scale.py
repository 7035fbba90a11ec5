"""The "count at scale" family: exact counting on synthetic qualifications of 16 to 200 units with overlapping
rules and wide GLH, against brute force where feasible and against the previous (dense) counter. The figures
are whatever way the counter found (one pass either way, or both ends met); `peak_states` is the largest
layer of the pass that counted."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from functools import partial

from benchmarks import previous_counter
from benchmarks.harness import Result, ratio, runs
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


def _previous_figures(f, figures: tuple[str, ...]) -> Callable[[], dict[str, str]]:
    """The previous counter's dense programme for `figures` (of count, minimal, credits, glh), each figure
    its own pass as that counter ran them; a refused figure is reported, not retried by enumeration (its
    fallback enumerated for 60 s of wall clock, which would time the clock, not the counter)."""
    problem = previous_counter.problem_of(f)
    passes = {"count": {}, "minimal": {"minimal": True}, "credits": {"track": problem.credits},
              "glh": {"track": problem.glh}}

    def run() -> dict[str, str]:
        said = {}
        for figure in figures:
            try:
                counts = previous_counter.frontier_count(problem, **passes[figure])  # type: ignore[arg-type]
                said[figure] = f"{int(counts.sum()):,}" if figure in ("count", "minimal") else "exact"
            except previous_counter.Unsupported:
                said[figure] = "refused"
        return said
    return run


def _ours_said(result) -> dict[str, str]:
    """Which figures a CountResult has exactly: count, minimal, credits, glh."""
    return {"count": f"{result.count:,}" if result.count is not None else "not exact",
            "minimal": f"{result.minimal:,}" if result.minimal is not None else "not computed",
            "credits": "exact" if result.by_credits else "not computed",
            "glh": "exact" if result.by_glh else "not computed"}


def count_at_scale(repeats: int = 5, only: list[str] | None = None) -> list[Result]:
    """Per shape, like with like in the same run: the count alone, Pathways (`figures=()`) against the previous
    dense programme's count; then every figure (count, minimal count, both distributions) against the dense
    programme's four passes, their ratio only where both computed the same figures; and unit shares."""
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
        bench = f"count at scale: {name}"

        # The count alone.
        alone = count_formulation(f, figures=())
        ours_t, ours_why = runs(partial(count_formulation, f, figures=()), repeats)
        previous_count = _previous_figures(f, ("count",))
        peer_said = previous_count()["count"]
        peer_t, peer_why = runs(previous_count, repeats) if peer_said != "refused" else ([0.0], "")
        if alone.count is not None:
            exact = f"exact ({alone.count:,})"
        else:
            high = f", at most {alone.count_at_most:,}" if alone.count_at_most is not None else ""
            exact = f"not exact: at least {alone.count_at_least:,}{high} (proven bounds)"
        note = f"count {exact}, {alone.method}"
        if brute and alone.count is not None:
            truth = _brute_force(f)
            note += f"; brute force {truth:,} ({'agrees' if truth == alone.count else 'DISAGREES'})"
        if peer_said == "refused":
            note += "; the previous counter refused it (its state would be too large): nothing to compare"
        ours = Result(bench, "Pathways: count only (figures=())", "s", ours_t, None, "; ".join(filter(None, (
            note, ours_why))))
        out.append(ours)
        if peer_said != "refused":
            peer = Result(bench, "previous counter: dense programme, count only", "s", peer_t, None,
                          "; ".join(filter(None, (peer_said, peer_why))))
            agree = alone.count is None or f"{alone.count:,}" == peer_said
            out += [peer, ratio(bench, "count only: Pathways / previous", ours, peer, None,
                                "same count" if agree else "COUNTS DIFFER")]

        # Every figure.
        result = count_formulation(f)
        all_t, all_why = runs(partial(count_formulation, f), repeats)
        said = _ours_said(result)
        facts = {"count": result.count, "count_at_least": result.count_at_least,
                 "count_at_most": result.count_at_most, "minimal": result.minimal,
                 "peak_states": result.peak_states, "method": result.method, "units": len(f.variables),
                 "notes": list(result.notes)}
        previous_all = _previous_figures(f, ("count", "minimal", "credits", "glh"))
        peer_all_said = previous_all()
        computed = {k for k, v in said.items() if v not in ("not exact", "not computed")}
        peer_computed = {k for k, v in peer_all_said.items() if v != "refused"}
        compared = "" if computed == peer_computed else (
            f"not compared: the previous counter computed {', '.join(sorted(peer_computed)) or 'none'}")
        ours_all = Result(bench, "Pathways: count_formulation, all figures", "s", all_t, None,
                          "; ".join(filter(None, (", ".join(f"{k} {v}" for k, v in said.items())
                                                  + f", peak {result.peak_states:,} states", all_why, compared))),
                          facts)
        out.append(ours_all)
        if peer_computed:
            peer_all_t, peer_all_why = runs(previous_all, repeats)
            out.append(Result(bench, "previous counter: dense programme, all figures", "s", peer_all_t, None,
                              "; ".join(filter(None, (", ".join(f"{k} {v}" for k, v in peer_all_said.items()),
                                                      peer_all_why)))))
            if not compared:
                out.append(ratio(bench, "all figures: Pathways / previous", ours_all, out[-1], None,
                                 "the same figures computed by both"))

        # Unit shares (no peer: the previous counter ran one count per unit).
        try:
            unit_shares(f)
            shares_t, shares_why = runs(partial(unit_shares, f), repeats)
            out.append(Result(bench, "Pathways: unit_shares", "s", shares_t, None, shares_why or "exact"))
        except Unsupported:
            ours_all.note += "; unit shares not computed"
    return out
