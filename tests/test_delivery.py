"""Delivery plans: the BACP/GBACP readers (with the .dat traps), optima re-checked in plain Python, PLAN.yaml."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from solver.engine.schedule import Delivery, deliver
from solver.engine.status import Status
from solver.errors import InputError
from solver.planning.benchmarks import read_benchmark, strip_dat_comments
from solver.planning.delivery import cost, load_plan, solve_plan, violations

BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
needs_benchmarks = pytest.mark.skipif(not BENCH.is_dir(), reason=f"the public benchmarks are not at {BENCH}")


def test_an_unclosed_comment_ends_at_its_line_and_a_closed_one_may_span_lines() -> None:
    text = "c=2; /* two lines,\n  still comment*/\nd=10; /* never closed\np=8;\n"
    assert strip_dat_comments(text) == "c=2; \nd=10; \np=8;\n"


@needs_benchmarks
def test_the_dat_traps_are_survived_and_both_notations_agree() -> None:
    for n in (8, 10, 12):
        dat = read_benchmark(BENCH / "bacp" / "csplib" / f"bacp{n}.dat")
        mzn = read_benchmark(BENCH / "bacp" / "csplib" / f"curriculum_{n}.mzn")
        assert dat.n_periods == mzn.n_periods == n
        assert dat.load == mzn.load and dat.names == mzn.names
        assert set(dat.precedes) == set(mzn.precedes)  # pairs listed twice in bacp8.dat counted once
        assert (dat.min_load, dat.max_load, dat.min_courses, dat.max_courses) == ((10,), (24,), (2,), (10,))


# Optima this model proves; each plan is re-checked by `violations` and `cost`, which know nothing of CP-SAT.
PROVEN = {"bacp/csplib/bacp8.dat": 17, "bacp/csplib/bacp10.dat": 14, "bacp/csplib/bacp12.dat": 17,
          "bacp/generated/bacp-1.mzn": 28, "bacp/generated/bacp-5.mzn": 26, "gbac/toy-gbac.dzn": 191}


@needs_benchmarks
@pytest.mark.parametrize(("name", "optimum"), PROVEN.items())
def test_proven_optima_hold_in_plain_python(name: str, optimum: int) -> None:
    problem = read_benchmark(BENCH / name)
    plan = solve_plan(problem, 60.0)  # raises PathwayInvalid if the plain-Python check disagrees
    assert plan.status is Status.OPTIMAL and plan.objective == optimum == plan.bound
    assert violations(problem, plan.period) == [] and cost(problem, plan.period) == optimum


def small(loads: tuple[int, ...], precedes: tuple[tuple[int, int], ...], bad: tuple[tuple[int, int], ...],
          objective: str) -> Delivery:
    n = len(loads)
    return Delivery(name="small", n_periods=3, load=loads, names=tuple(map(str, range(n))),
                    curricula=(tuple(range(n)), tuple(range(0, n, 2))), min_courses=(0, 0), max_courses=(2, 2),
                    precedes=precedes, undesirable=bad, objective=objective)


@pytest.mark.parametrize("objective", ["max-load", "squares"])
@pytest.mark.parametrize("seed", range(6))
def test_small_plans_match_brute_force(objective: str, seed: int) -> None:
    import random

    rng = random.Random(seed)
    n = rng.randint(3, 5)
    loads = tuple(rng.randint(1, 6) for _ in range(n))
    precedes = tuple({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(2)) if a < b})
    bad = tuple({(rng.randrange(n), rng.randrange(3)) for _ in range(2)})
    problem = small(loads, precedes, bad, objective)
    costs = [cost(problem, p) for p in itertools.product(range(3), repeat=n) if not violations(problem, p)]
    plan = solve_plan(problem)
    if not costs:
        assert plan.status is Status.INFEASIBLE
    else:
        assert plan.status is Status.OPTIMAL and plan.objective == min(costs)


def test_a_work_limit_hit_is_feasible_with_its_gap_never_optimal() -> None:
    import random

    rng = random.Random(3)  # four curricula of 25 of 60 courses over 6 periods: far from proven in 0.2 units
    n = 60
    problem = Delivery(name="r", n_periods=6, load=tuple(rng.randint(1, 9) for _ in range(n)),
                       names=tuple(map(str, range(n))),
                       curricula=tuple(tuple(sorted(rng.sample(range(n), 25))) for _ in range(4)),
                       min_courses=(2,) * 4, max_courses=(6,) * 4, objective="squares",
                       precedes=tuple(sorted({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n))
                                                                  for _ in range(40)) if a < b})))
    plan = deliver(problem, 0.2)
    assert plan.status is Status.FEASIBLE and plan.bound is not None and plan.objective is not None
    assert plan.bound < plan.objective and violations(problem, plan.period) == []
    assert cost(problem, plan.period) == plan.objective
    assert deliver(problem, 0.2).period == plan.period  # deterministic: the same plan on every run


def test_a_plan_file_names_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("periods: 2\nunits:\n  - {code: A, load: 3}\nqualifications:\n  - {id: q, units: [A, B]}\n"
                    "colour: red\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_plan(path)
    assert "colour" in str(err.value) and "plan.yaml:6" in str(err.value)
    path.write_text("periods: 2\nunits:\n  - {code: A, load: 3}\nqualifications:\n  - {id: q, units: [A, B]}\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="units not listed under `units`: B"):
        load_plan(path)


def test_the_example_plan_balances_both_qualifications() -> None:
    problem, limit = load_plan(Path(__file__).resolve().parents[1] / "scenarios" / "delivery-example.yaml")
    plan = solve_plan(problem, limit)
    assert plan.status is Status.OPTIMAL and violations(problem, plan.period) == []
    assert cost(problem, plan.period) == plan.objective


def test_neighbourhood_search_improves_its_first_plan_and_is_deterministic() -> None:
    """Large-neighbourhood search: better than the whole model's plan after the same first share of the work,
    every constraint re-checked, the bound proven by the whole model, and the same plan on every run."""
    import random

    from solver.engine.neighbourhood import FIRST_SHARE, deliver_lns

    rng = random.Random(5)  # five overlapping curricula of 12 of 48 courses over 6 periods, some tutors away
    n = 48
    problem = Delivery(name="r", n_periods=6, load=tuple(rng.randint(1, 9) for _ in range(n)),
                       names=tuple(map(str, range(n))),
                       curricula=tuple(tuple(range(k * 8, k * 8 + 12)) for k in range(5)),
                       min_courses=(1,) * 5, max_courses=(4,) * 5, objective="squares",
                       undesirable=tuple((c, rng.randrange(6)) for c in range(0, n, 5)),
                       precedes=tuple(sorted({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n))
                                                                  for _ in range(30)) if a < b})))
    first = deliver(problem, 1.0 * FIRST_SHARE)
    plan = deliver_lns(problem, 1.0)
    assert plan.status.found and plan.objective is not None and first.objective is not None
    assert plan.objective < first.objective and plan.bound is not None and plan.bound <= plan.objective
    assert violations(problem, plan.period) == [] and cost(problem, plan.period) == plan.objective
    again = deliver_lns(problem, 1.0)  # deterministic: seeded neighbourhoods, one worker, limits in work
    assert (again.period, again.objective, again.bound, again.status) == (plan.period, plan.objective, plan.bound,
                                                                          plan.status)
