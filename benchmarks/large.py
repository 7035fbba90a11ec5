"""The large family: lowest-GLH recommend() to a proven lexicographic optimum at 2,000-20,000 units on two
generators (benchmarks/synthetic.py, benchmarks/independent.py), against HiGHS on the same Formulation and the
same lexicographic objective (weighted, and tier by tier); loading and formulating as rows of their own.

Every sample of a size is taken in one interleaved round (load, formulate, Pathways, HiGHS weighted, HiGHS
tier by tier), so load on the shared machine falls on all alike; the ratio row divides medians of the same run.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import Result, ratio

SIZES = (2_000, 5_000, 10_000, 20_000)
# At 20,000 units one round takes about a minute of one core (load ~10 s, HiGHS ~15 s twice): 3 rounds there.
RUNS_AT_20K = 3
LIMIT = 600.0  # seconds for any one solve: far above what any of them takes, so every answer is proven


def _generators() -> dict[str, Callable[[str, int], Path]]:
    from benchmarks.independent import Layout, write_independent
    from benchmarks.synthetic import Shape, write_synthetic

    return {"synthetic": lambda folder, n: write_synthetic(folder, Shape(units=n)),
            "independent": lambda folder, n: write_independent(folder, Layout(units=n))}


def large_family(repeats: int, sizes: tuple[int, ...] = SIZES) -> list[Result]:
    from benchmarks.milp import solve_milp
    from solver.engine.status import Status
    from solver.model.catalogue import load_catalogue
    from solver.queries.recommendation import compile_formulation, recommend
    from solver.request.formulation import formulate
    from solver.request.objectives import Objective, objective_tiers, tier_values

    results: list[Result] = []
    for generator, write in _generators().items():
        for n in sizes:
            folder = tempfile.mkdtemp(prefix="pathways-large-")
            try:
                write(folder, n)
                runs = min(repeats, RUNS_AT_20K) if n >= 20_000 else repeats
                samples: dict[str, list[float]] = {k: [] for k in ("load", "formulate", "ours", "solve", "weighted",
                                                                   "seq")}
                note = ""
                for _ in range(runs):
                    started = time.perf_counter()
                    cat = load_catalogue(folder)
                    samples["load"].append(time.perf_counter() - started)
                    q = cat.qualifications[0]
                    started = time.perf_counter()
                    f = formulate(cat, q)
                    samples["formulate"].append(time.perf_counter() - started)
                    tiers = objective_tiers(f, Objective.MIN_GLH)
                    started = time.perf_counter()
                    ours = recommend(cat, q, work_limit=LIMIT)
                    samples["ours"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    solved = compile_formulation(f).solve(tiers, work_limit=LIMIT)
                    samples["solve"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    weighted = solve_milp(f, tiers, LIMIT)
                    samples["weighted"].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    seq = solve_milp(f, tiers, LIMIT, sequence=True)
                    samples["seq"].append(time.perf_counter() - started)
                    assert ours.status is Status.OPTIMAL and ours.pathway, (generator, n, ours.status, ours.stopped)
                    values = tier_values(tiers, ours.pathway.codes)
                    assert solved.status is Status.OPTIMAL and solved.values == tuple(values), (generator, n)
                    for peer in (weighted, seq):
                        assert peer.status == "OPTIMAL" and peer.pathway, (generator, n, peer.status)
                        assert tier_values(tiers, peer.pathway) == values, (generator, n, "optima differ")
                    note = (f"proven optimum {values[0]} new GLH, {values[1]} units (all three agree); "
                            f"{len(q.rules)} rules, {len(q.groups)} groups")
                print(f"[large: {generator} {n:,} done]", file=sys.stderr, flush=True)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            name = f"large {generator} {n:,} units"
            ours_r = Result(name, "Pathways: recommend() lowest GLH, proven (formulate, compile, solve tier by tier, "
                            "check)", "s", samples["ours"], None, note)
            weighted_r = Result(name, "peer: HiGHS MILP, weighted tiers (build and solve)", "s", samples["weighted"],
                                None, "highspy, 1 thread, mip_rel_gap 0")
            seq_r = Result(name, "peer: HiGHS MILP, tier by tier (build and solve)", "s", samples["seq"], None,
                           "each tier's optimum held by a row, the next started from it")
            solve_r = Result(name, "Pathways: compile and solve tier by tier (CP-SAT, SOLVE_PARAMS)", "s",
                             samples["solve"])
            best = min((weighted_r, seq_r), key=lambda r: r.median)
            results += [ours_r, solve_r, weighted_r, seq_r,
                        ratio(name, "compile and solve / faster HiGHS (build and solve)", solve_r, best, ("<=", 1.0)),
                        Result(name, f"load the {n:,}-unit catalogue YAML", "s", samples["load"], None,
                               "located YAML (libyaml) and validation"),
                        Result(name, "formulate (rules to linear requirements)", "s", samples["formulate"])]
    return results
