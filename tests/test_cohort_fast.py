"""The cohort's DP fast path: the same objective values as CP-SAT on every learner, valid pathways, the same output
every run, and CP-SAT wherever the DP does not apply."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import catalogue_documents, construct_documents, learners, load

from solver.cohort import dp
from solver.cohort.fast import FastPath
from solver.cohort.recommend import recommend_cohort
from solver.cohort.solving import ProfileSolver
from solver.model.catalogue import Catalogue
from solver.model.goals import parse_goal
from solver.model.learner import Learner
from solver.request.formulation import formulate, open_imports
from solver.request.objectives import Objective, objective_named, request
from solver.rules.linear import Linear

CERT = "600/5962/X"
OBJECTIVES = ["min-glh", "min-units", "max-reuse", "weighted-goals", "cover", "within-budget"]


def learner_of(row: dict) -> Learner:
    codes = lambda key: tuple((row.get(key) or "").split())  # noqa: E731
    return Learner(registered=dt.date.fromisoformat(row["registered"]) if row.get("registered") else None,
                   achieved=codes("achieved"), include=codes("include"), exclude=codes("exclude"),
                   max_glh=int(row["max_glh"]) if row.get("max_glh") else None,
                   goals=[parse_goal(g.strip()) for g in (row.get("goals") or "").split(";") if g.strip()])


def objective_values(catalogue: Catalogue, qualification: str, row: dict, units: str) -> tuple[int, ...]:
    """The lexicographic objective of a row's answer, every tier, as recommend would weigh it."""
    f = formulate(catalogue, catalogue.qualification(qualification), learner_of(row))
    spec = request(open_imports(f), objective_named(row.get("objective") or "min-glh")).spec
    return spec.key(frozenset(units.split()))


def assert_same_optimum(catalogue: Catalogue, qualification: str, rows: list[dict]) -> pd.DataFrame:
    """The DP path against CP-SAT on every row: status, message, new GLH and every objective tier equal; each DP
    pathway valid for its learner; and the DP's output the same on a second run."""
    frame = pd.DataFrame(rows)
    fast = recommend_cohort(catalogue, qualification, frame, method="auto")
    exact = recommend_cohort(catalogue, qualification, frame, method="cp-sat")
    q = catalogue.qualification(qualification)
    for row, got, want in zip(rows, fast.to_dict("records"), exact.to_dict("records")):
        assert (got["status"], got["message"]) == (want["status"], want["message"]), row
        assert pd.isna(got["new_glh"]) == pd.isna(want["new_glh"]), row
        if want["status"] in ("OPTIMAL", "FEASIBLE"):
            assert got["new_glh"] == want["new_glh"], row
            assert objective_values(catalogue, qualification, row, got["units"]) == \
                objective_values(catalogue, qualification, row, want["units"]), row
            assert formulate(catalogue, q, learner_of(row)).valid(frozenset(got["units"].split())), row
    again = recommend_cohort(catalogue, qualification, frame, method="auto")
    assert again.to_csv(index=False) == fast.to_csv(index=False)
    return fast


# --- the DP itself, on inline data --------------------------------------------------------------------------

def test_the_dp_takes_the_cheapest_set_within_the_sums():
    # Credits a=2, b=2, c=3, d=1: at least 4 credits in total, at most 2 from {c, d}; costs 5, 4, 1, 1.
    variables = ("a", "b", "c", "d")
    total = Linear((("a", 2), ("b", 2), ("c", 3), ("d", 1)), 4, None)
    cap = Linear((("c", 3), ("d", 1)), None, 2)
    sums, allowed, broken = dp.split_linears(variables, [total, cap, Linear((("b", 1),), None, 0)])
    shape = dp.compile_shape(variables, sums)
    assert shape is not None and not broken
    cost = np.array([[5, 4, 1, 1], [5, 4, 1, 1]])
    may_skip = np.ones((2, 4), dtype=bool)
    may_take = np.array([[True, True, True, True], [allowed.get(v, (True, True))[1] for v in variables]])
    # c (3 credits) breaks the cap; a + b + d = 5 credits cost 10, but a + b (4 credits) costs 9; b excluded: none.
    assert dp.solve_batch(shape, cost, may_skip, may_take) == [(9, frozenset("ab")), None]


def test_each_constraint_is_classified_and_mixed_weights_are_not_covered():
    assert dp.kind_of(Linear((("a", 1), ("b", -1)), 0, None)) == ("mixed", None)
    assert dp.kind_of(Linear((("a", -2), ("b", -1)), None, -1)) == ("sum", Linear((("a", 2), ("b", 1)), 1, None))
    assert dp.kind_of(Linear((("a", 1),), 1, None)) == ("fix", ("a", False, True))
    assert dp.kind_of(Linear((("a", 1), ("b", 1)), None, 5)) == ("none", None)
    assert dp.kind_of(Linear((), 1, None)) == ("broken", None)
    assert dp.split_linears(("a", "b"), [Linear((("a", 1), ("b", -1)), 0, None)]) is None


def test_lexicographic_weights_keep_every_tier_ahead_of_the_next():
    tiers = [(("a", 3), ("b", 1)), (("a", 1), ("b", 1)), (("a", -1),)]
    weights = dp.tier_weights(tiers)
    assert weights == [6, 2, 1]  # tier 2 spans 2, so tier 1 weighs 3 times it; tier 3 spans 1


# --- against CP-SAT on every learner ------------------------------------------------------------------------

@st.composite
def cohorts(draw, documents=catalogue_documents):
    document = draw(documents(max_units=7))
    codes = [u["code"] for u in document["units"]]
    rows = []
    for i in range(draw(st.integers(1, 6))):
        learner = draw(learners(codes))
        goals = "; ".join(f"{g.text}={g.weight}" for g in learner.goals)
        rows.append({"learner": f"L{i}", "registered": learner.registered.isoformat() if learner.registered else "",
                     "achieved": " ".join(learner.achieved), "include": " ".join(learner.include),
                     "exclude": " ".join(learner.exclude), "max_glh": "" if learner.max_glh is None or i % 3
                     else str(learner.max_glh), "objective": draw(st.sampled_from(OBJECTIVES)), "goals": goals})
    return document, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cohorts())
def test_random_catalogues_give_cp_sat_s_optimum_to_every_learner(tmp_path, case):
    document, rows = case
    catalogue = load(document, tmp_path)
    if catalogue is None:
        return
    assert_same_optimum(catalogue, "Q/1", rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cohorts(construct_documents))
def test_random_catalogues_with_conditional_groups_and_windows(tmp_path, case):
    document, rows = case
    catalogue = load(document, tmp_path)
    if catalogue is None:
        return
    assert_same_optimum(catalogue, "Q/1", rows)


def seed_rows(catalogue: Catalogue, n: int, seed: int, popular: bool) -> list[dict]:
    """Learners of the seed Certificate: Zipf-popular or uniform achieved units, dates both sides of the cut-off,
    some with another objective, an include or exclude."""
    rng = random.Random(seed)
    codes = catalogue.qualification(CERT).unit_codes()
    weights = [1 / (i + 1) for i in range(len(codes))] if popular else None
    rows = []
    for i in range(n):
        achieved = set(rng.choices(codes, weights, k=rng.choice([0, 1, 2, 3, 4])))
        row = {"learner": f"L{i}", "registered": (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(1800))
                                                  ).isoformat(),
               "achieved": " ".join(sorted(achieved)), "objective": "", "include": "", "exclude": ""}
        roll = rng.random()
        if roll < 0.15:
            row["objective"] = rng.choice(["min-units", "max-reuse"])
        elif roll < 0.25:
            row["include"] = rng.choice(codes)
        elif roll < 0.35:
            row["exclude"] = " ".join(rng.sample(codes, 2))
        rows.append(row)
    return rows


@pytest.mark.parametrize("popular", [True, False], ids=["zipf", "uniform"])
def test_seed_certificate_cohorts_get_cp_sat_s_optimum_on_every_learner(catalogue, popular):
    rows = seed_rows(catalogue, 150, seed=11, popular=popular)
    out = assert_same_optimum(catalogue, CERT, rows)
    assert set(out["status"]) == {"OPTIMAL"}


def test_the_dp_answers_the_seed_certificate_and_workers_agree(catalogue, monkeypatch):
    rows = seed_rows(catalogue, 120, seed=3, popular=False)
    passed: list[object] = []
    original = ProfileSolver.solve
    monkeypatch.setattr(ProfileSolver, "solve", lambda self, p: passed.append(p) or original(self, p))
    one = recommend_cohort(catalogue, CERT, pd.DataFrame(rows), workers=1).to_csv(index=False)
    assert passed == []  # every row by the DP: no rule of the Certificate needs CP-SAT
    two = recommend_cohort(catalogue, CERT, pd.DataFrame(rows), workers=2).to_csv(index=False)
    assert one == two


# --- CP-SAT wherever the DP does not apply ------------------------------------------------------------------

SPREAD = {"units": [{"code": f"U{i}", "title": f"Unit {i}", "level": 2, "credits": 1 + i % 3, "glh": 5 + i}
                    for i in range(8)],
          "qualifications": [{"id": "q", "accreditation": "Q/1", "title": "Spread", "level": 2, "awarding_body": "T",
                              "groups": [{"id": "A", "name": "A", "units": ["U0", "U1", "U2", "U3"]},
                                         {"id": "B", "name": "B", "units": ["U4", "U5", "U6", "U7"]}],
                              "rules": [{"id": "total", "kind": "sum", "sum": "credits", "min": 6},
                                        {"id": "two", "kind": "groups", "groups": ["A", "B"], "min": 2}]}]}
SPREAD_ROWS = [{"learner": "a", "registered": "2021-01-01", "achieved": "U1"},
               {"learner": "b", "registered": "", "achieved": ""},
               {"learner": "c", "registered": "2019-05-01", "achieved": "U4 U7", "exclude": "U0"}]


def test_a_shape_wider_than_the_dp_allows_is_solved_by_cp_sat(tmp_path, monkeypatch):
    catalogue = load(SPREAD, tmp_path)
    assert catalogue is not None
    q = catalogue.qualification("Q/1")
    assert FastPath(catalogue, q).entry_of(formulate(catalogue, q, Learner()), Objective.MIN_GLH) is not None
    fast = recommend_cohort(catalogue, "Q/1", pd.DataFrame(SPREAD_ROWS))
    monkeypatch.setattr(dp, "MAX_STATES", 1)  # the groups rule's states no longer fit: the shape is not covered
    path = FastPath(catalogue, q)
    assert path.entry_of(formulate(catalogue, q, Learner()), Objective.MIN_GLH) is None
    passed: list[object] = []
    original = ProfileSolver.solve
    monkeypatch.setattr(ProfileSolver, "solve", lambda self, p: passed.append(p) or original(self, p))
    fallback = recommend_cohort(catalogue, "Q/1", pd.DataFrame(SPREAD_ROWS))
    exact = recommend_cohort(catalogue, "Q/1", pd.DataFrame(SPREAD_ROWS), method="cp-sat")
    assert len(passed) == 2 * len(SPREAD_ROWS)  # every row, in both runs, went to CP-SAT
    assert fallback.to_csv(index=False) == exact.to_csv(index=False)  # CP-SAT's own answers, units and all
    assert list(fast["new_glh"]) == list(exact["new_glh"])


def test_unpublished_values_budgets_and_goal_coverage_go_to_cp_sat(catalogue, tmp_path):
    q = catalogue.qualification(CERT)
    path = FastPath(catalogue, q)
    plain = formulate(catalogue, q, Learner(achieved=("8000-250",)))
    assert path.entry_of(plain, Objective.MIN_GLH) is not None
    assert path.entry_of(plain, Objective.WITHIN_BUDGET) is not None  # no goals: no coverage Booleans
    goals = formulate(catalogue, q, Learner(goals=[parse_goal("coaching")]))
    assert path.entry_of(goals, Objective.WITHIN_BUDGET) is None  # "goal covered" Booleans in the objective
    budget = formulate(catalogue, q, Learner(max_glh=30))
    assert path.entry_of(budget, Objective.MIN_GLH) is None  # the learner's own sum
    unknown = {"units": [{"code": "U1", "title": "One", "level": 2, "credits": None, "glh": 4},
                         {"code": "U2", "title": "Two", "level": 2, "credits": 3, "glh": 6}],
               "qualifications": [{"id": "q", "accreditation": "Q/1", "title": "U", "level": 2, "awarding_body": "T",
                                   "groups": [{"id": "G", "name": "G", "units": ["U1", "U2"]}],
                                   "rules": [{"id": "total", "kind": "sum", "sum": "credits", "min": 3}]}]}
    other = load(unknown, tmp_path)
    assert other is not None
    oq = other.qualification("Q/1")
    assert FastPath(other, oq).entry_of(formulate(other, oq, Learner()), Objective.MIN_GLH) is None


def test_dates_of_one_regime_give_the_same_constraints(catalogue):
    """The DP shares a request between dates on the same side of every cut-off: their constraints must be equal."""
    rng = random.Random(4)
    for q in catalogue.qualifications:
        path = FastPath(catalogue, q)
        codes = q.unit_codes()
        for _ in range(40):
            achieved = tuple(rng.sample(codes, min(len(codes), rng.randint(0, 3))))
            one, two = (dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(2500)) for _ in range(2))
            if path.regime(one) != path.regime(two):
                continue
            first, second = (formulate(catalogue, q, Learner(registered=d, achieved=achieved)) for d in (one, two))
            assert [(r.id, r.linears) for r in first.requirements] == [(r.id, r.linears) for r in second.requirements]
