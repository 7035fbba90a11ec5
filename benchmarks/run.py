"""Run every benchmark and print the table (medians, min, max, targets); `--json FILE` saves it too."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import cases  # noqa: E402
from benchmarks.harness import Result, table  # noqa: E402

SECTIONS = ("single", "cohort", "count", "enumerate", "large", "startup", "scale", "import", "plan", "serve")


def load_average() -> tuple[float, float, float] | None:
    return os.getloadavg() if hasattr(os, "getloadavg") else None


def loads(values: tuple[float, float, float] | None) -> str:
    return ", ".join(f"{x:.2f}" for x in values or ())


def environment() -> dict:
    from importlib.metadata import version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except Exception:
            return None

    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "load_average": load_average(),
            "ortools": installed("ortools"), "highspy": installed("highspy"), "pandas": installed("pandas"),
            "date": time.strftime("%Y-%m-%d %H:%M")}


def run(sections: list[str], settings: cases.Settings) -> list[Result]:
    from solver.model.catalogue import load_catalogue

    cat = load_catalogue()
    results: list[Result] = []
    for section in sections:
        started = time.perf_counter()
        if section == "single":
            results += cases.single_recommend(cat, settings)
        elif section == "cohort":
            from benchmarks.cohort import cohort

            results += cohort(cat, settings.cohort, settings.workers, settings.repeats)
        elif section == "count":
            results += cases.count(cat, settings)
        elif section == "enumerate":
            results += cases.enumeration(cat, settings)
        elif section == "large":
            results += cases.large(settings)
        elif section == "startup":
            from benchmarks.startup import startup

            results += startup(settings.startup_runs)
        elif section == "scale":
            from benchmarks.count_scale import count_at_scale

            results += count_at_scale(settings.repeats)
        elif section == "import":
            from benchmarks.import_docs import import_documents

            results += import_documents()
        elif section == "serve":
            from benchmarks.serve import serve_load

            results += serve_load(settings.repeats)
        elif section == "plan":
            from benchmarks.plan import plan_benchmarks

            results += plan_benchmarks()
        # The load other engineers' jobs put on the shared box, section by section: it moves every absolute figure.
        print(f"[{section}: {time.perf_counter() - started:.1f} s, load average {loads(load_average())}]",
              file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--json", metavar="FILE", help="also write the results and environment as JSON")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--quick", action="store_true", help="smaller inputs (2,000 learners, 3 runs)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the cohort")
    args = parser.parse_args(argv)
    settings = cases.Settings(repeats=max(1, args.repeats), workers=max(1, args.workers))
    if args.quick:
        settings = replace(settings, repeats=min(settings.repeats, 3), cohort=2_000, baseline_learners=200,
                           enumerate_limit=50_000, baseline_enumerate_limit=5_000, startup_runs=5)
    env = environment()
    print(f"Pathways benchmarks {env['date']}: Python {env['python']}, OR-Tools {env['ortools']}, HiGHS "
          f"{env['highspy']}, {env['cpus']} CPUs ({env['cpus_usable']} usable), load average at the start "
          f"{loads(env['load_average'])} (1, 5, 15 min)", flush=True)
    results = run(list(args.only or SECTIONS), settings)
    env["load_average_end"] = load_average()
    print(f"load average at the end {loads(env['load_average_end'])}")
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps({"environment": env, "settings": asdict(settings),
                                               "results": [r.to_dict() for r in results]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
