"""Section `plan`: every BACP instance (CSPLib 3 in both notations, generated 28) and every GBACP instance solved
by `pathways deliver` (large-neighbourhood search over its model), on GBACP by its whole model alone too, and by a
plain CP-SAT model of the same problem with default parameters (the peer), each under the same deterministic
work limit: objective, proven bound, status, seconds.
`python -m benchmarks.plan` prints the table as Markdown (benchmarks/README.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):  # run as `python benchmarks/plan.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Result  # noqa: E402

if TYPE_CHECKING:
    from solver.engine.schedule import DeliveryPlan

BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
LIMIT = 10.0  # deterministic seconds (CP-SAT's work measure) per instance and model


def instances(folder: Path = BENCH) -> list[Path]:
    csplib = sorted((folder / "bacp" / "csplib").glob("*.dat")) + sorted((folder / "bacp" / "csplib").glob("*.mzn"))
    generated = sorted((folder / "bacp" / "generated").glob("bacp-*.mzn"), key=lambda p: int(p.stem.split("-")[1]))
    return csplib + generated + sorted((folder / "gbac").glob("*.dzn"))


def plan_benchmarks(limit: float = LIMIT, only: str = "", shown: bool = False) -> list[Result]:
    from solver.engine.neighbourhood import deliver_lns
    from solver.engine.schedule import deliver
    from solver.planning.benchmarks import read_benchmark
    from solver.planning.delivery import cost, violations

    if not BENCH.is_dir():
        print(f"[plan: skipped, the public benchmarks are not at {BENCH}]", file=sys.stderr)
        return []
    results = []
    for path in (p for p in instances() if only in str(p)):
        problem = read_benchmark(path)
        # `pathways deliver` (the whole model, then neighbourhoods, then the whole model again); on GBACP also the
        # whole model alone for the whole limit (its proven bound); and the peer.
        variants: list[tuple[str, Callable[[], DeliveryPlan]]] = [
            ("pathways", partial(deliver_lns, problem, limit))]
        if path.parent.name == "gbac":
            variants.append(("pathways, whole model only", partial(deliver, problem, limit)))
        variants.append(("plain CP-SAT, default parameters", partial(deliver, problem, limit, plain=True, params={})))
        for variant, solve in variants:
            plan = solve()
            checked = plan.status.found and not violations(problem, plan.period) and \
                cost(problem, plan.period) == plan.objective
            results.append(Result(f"plan {path.parent.name}/{path.name}", variant, "s", [plan.seconds],
                                  note=f"{plan.status} objective {plan.objective} bound {plan.bound}",
                                  extra={"status": str(plan.status), "objective": plan.objective,
                                         "bound": plan.bound, "checked": checked, "work_limit": limit}))
            if shown:  # a row as soon as it is measured: the large instances take minutes
                print(markdown(results[-1:]).splitlines()[-1], flush=True)
    return results


def markdown(results: list[Result]) -> str:
    rows = ["| instance | model | status | objective | proven bound | seconds |", "|---|---|---|---|---|---|"]
    for r in results:
        bound = "" if r.extra["bound"] is None else f"{r.extra['bound']:g}"
        rows.append(f"| {r.benchmark.removeprefix('plan ')} | {r.variant} | {r.extra['status']} | "
                    f"{r.extra['objective']} | {bound} | {r.median:.2f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print("\n".join(markdown([]).splitlines()[:2]), flush=True)
    plan_benchmarks(float(sys.argv[1]) if len(sys.argv) > 1 else LIMIT, sys.argv[2] if len(sys.argv) > 2 else "",
                    shown=True)
