"""The benchmarks: each measures Pathways and its baseline in the same run, so their ratio holds on a noisy box."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass

from benchmarks.harness import Result, ratio, seconds
from solver.model.catalogue import Catalogue
from solver.model.learner import Learner

CERT, AWARD = "600/5962/X", "600/5928/X"
# CP-SAT's own defaults on one worker: the baseline that shows what the compile layer's tuning buys.
UNTUNED = {"num_workers": 1, "random_seed": 7, "catch_sigint_signal": False}
SINGLE_LEARNER = Learner(name="bench", registered=dt.date(2021, 3, 1), achieved=("8000-250", "8000-252", "8000-300"))


@dataclass(frozen=True)
class Settings:
    repeats: int = 5
    cohort: int = 10_000
    baseline_learners: int = 500
    enumerate_limit: int = 200_000
    baseline_enumerate_limit: int = 20_000
    workers: int = os.cpu_count() or 1
    startup_runs: int = 7


def single_recommend(cat: Catalogue, s: Settings) -> list[Result]:
    """One learner with a few achieved units on the seed Certificate: reused model vs a fresh one per call."""
    from solver.queries.recommendation import Planner, recommend
    from solver.request.formulation import formulate
    from solver.request.objectives import Objective, objective_tiers

    q = cat.qualification(CERT)
    planner = Planner(cat, q)
    want = recommend(cat, q, SINGLE_LEARNER)
    assert want.status == "OPTIMAL" and planner.recommend(SINGLE_LEARNER).new_glh == want.new_glh
    per_call = 50
    reused = seconds(lambda: planner.recommend(SINGLE_LEARNER), s.repeats, per_call)
    fresh = seconds(lambda: recommend(cat, q, SINGLE_LEARNER), s.repeats, per_call)
    name = "single recommend (seed Certificate)"
    out = [Result(name, "Pathways: Planner, one model reused", "ms", [x * 1e3 for x in reused], ("<=", 5.0),
                  f"new GLH {want.new_glh}, {len(want.pathway.units)} units, OPTIMAL"),
           Result(name, "baseline: recommend(), fresh model per call", "ms", [x * 1e3 for x in fresh])]
    # The solve alone: the compile layer's tuned SOLVE_PARAMS against CP-SAT's defaults (one worker).
    f = formulate(cat, q, SINGLE_LEARNER)
    model = planner.model_for(f)
    tiers = objective_tiers(f, Objective.MIN_GLH)
    asks = [lin for r in f.requirements if r.origin == "learner" for lin in r.linears]
    assert model.solve(tiers, extra=asks, params=UNTUNED).objective == model.solve(tiers, extra=asks).objective
    tuned = seconds(lambda: model.solve(tiers, extra=asks), s.repeats, per_call)
    untuned = seconds(lambda: model.solve(tiers, extra=asks, params=UNTUNED), s.repeats, per_call)
    out += [Result(name, "solve only: SOLVE_PARAMS (compile.py)", "ms", [x * 1e3 for x in tuned], None,
                   "presolve, probing and symmetry off, LP on"),
            Result(name, "baseline: solve only, CP-SAT defaults (1 worker)", "ms", [x * 1e3 for x in untuned], None,
                   "same optimum")]
    return out


def count(cat: Catalogue, s: Settings) -> list[Result]:
    """Exact count of the valid pathways of every seed qualification (a new learner): every figure (count, minimal,
    both spreads) against the previous dense counter (frozen before issue 10: the turn-2 counter) doing the same
    four figures, and the count alone against that counter's single pass, the two alternated in one run so that
    the machine's load falls on both alike."""
    from benchmarks import previous_counter

    try:
        from solver.engine.counting import count_formulation
    except ImportError:
        return [Result("count", "not available", "ms", [float("nan")], None, "solver.engine.counting is missing")]
    from solver.request.formulation import formulate

    out = []
    for q in cat.qualifications:
        f = formulate(cat, q)
        result = count_formulation(f)
        old = previous_counter.problem_of(f)
        pairs = {"all figures": (lambda f=f: count_formulation(f), lambda f=f: previous_counter.count_formulation(f)),
                 "count only": (lambda f=f: count_formulation(f, figures=()),
                                lambda old=old: previous_counter.frontier_count(old))}
        for what, (ours, theirs) in pairs.items():
            mine: list[float] = []
            peer: list[float] = []
            for _ in range(s.repeats):  # alternated: each sample of one beside a sample of the other
                mine += seconds(ours, 1, 5)
                peer += seconds(theirs, 1, 5)
            target = ("<=", 50.0) if what == "all figures" else None
            note = (f"{result.count:,} pathway{'' if result.count == 1 else 's'} ({result.minimal:,} minimal), "
                    f"{result.method}") if what == "all figures" else "figures=(): the count alone"
            a = Result(f"count {q.accreditation} ({what})", "Pathways: count_formulation", "ms",
                       [x * 1e3 for x in mine], target, note)
            b = Result(f"count {q.accreditation} ({what})", "previous dense counter (turn 2), same figures", "ms",
                       [x * 1e3 for x in peer], None, "benchmarks/previous_counter.py")
            out += [a, b, ratio(f"count {q.accreditation} ({what})", "Pathways / previous, same run", a, b, None)]
    return out


def enumeration(cat: Catalogue, s: Settings) -> list[Result]:
    """Pathways of the seed Award written to CSV: enumerate_pathways vs a plain CP-SAT callback enumeration."""
    from solver.engine.compile import CompiledModel
    from solver.request.formulation import formulate

    try:
        from solver.queries.enumeration import enumerate_pathways
    except ImportError:
        return [Result("enumeration", "not available", "pathways/s", [float("nan")], None,
                       "solver.queries.enumeration is missing")]
    q = cat.qualification(AWARD)
    folder = tempfile.mkdtemp(prefix="pathways-bench-")

    def listed() -> int:
        with open(os.path.join(folder, "listed.csv"), "w", newline="") as stream:
            out = csv.writer(stream)
            out.writerow(["units", "credits", "glh"])
            n = 0
            for p in enumerate_pathways(cat, q, limit=s.enumerate_limit):
                out.writerow([" ".join(p.units), p.credits, p.glh])
                n += 1
        return n

    f = formulate(cat, q)
    units = f.context.units

    def plain() -> int:
        with open(os.path.join(folder, "plain.csv"), "w", newline="") as stream:
            out = csv.writer(stream)
            out.writerow(["units", "credits", "glh"])
            seen = [0]

            def write(chosen: frozenset[str]) -> bool:
                codes = [c for c in units if c in chosen]
                out.writerow([" ".join(codes), sum(units[c].credits for c in codes), sum(units[c].glh for c in codes)])
                seen[0] += 1
                return seen[0] < s.baseline_enumerate_limit

            CompiledModel(f.variables, f.requirements).enumerate(write)
        return seen[0]

    try:
        fast, slow = [], []
        for _ in range(s.repeats):
            started = time.perf_counter()
            n = listed()
            fast.append(n / (time.perf_counter() - started))
            started = time.perf_counter()
            m = plain()
            slow.append(m / (time.perf_counter() - started))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    name = f"enumerate {AWARD} to CSV"
    best = Result(name, "Pathways: enumerate_pathways", "pathways/s", fast, (">=", 50_000.0),
                  f"first {n:,} pathways per run, each re-checked in plain Python")
    base = Result(name, "baseline: CompiledModel.enumerate callback", "pathways/s", slow, None,
                  f"first {m:,} pathways per run")
    return [best, base, ratio(name, "speed-up over the baseline", best, base, None)]


def large(s: Settings) -> list[Result]:
    """The large family (benchmarks/large.py): 2,000-20,000 units on two generators against HiGHS."""
    from benchmarks.large import large_family

    return large_family(s.repeats)
