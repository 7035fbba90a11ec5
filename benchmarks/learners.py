"""Deterministic synthetic learner cohorts for a qualification: dates both sides of a cut-off, a few units each."""

from __future__ import annotations

import datetime as dt
import random

from solver.model.catalogue import Catalogue

START, END = dt.date(2018, 1, 1), dt.date(2022, 12, 31)  # both sides of the 2020-07-01 replacement cut-off
ACHIEVED_COUNTS = (0, 1, 1, 2, 2, 2, 3, 3, 4)  # "a few achieved units", drawn uniformly from these


def synthetic_learners(catalogue: Catalogue, qualification: str, n: int, seed: int = 2020,
                       popularity: bool = True) -> list[dict[str, str]]:
    """`n` learner rows (learner, registered, achieved) for `qualification`, the same for the same seed.

    With `popularity`, achieved units follow a Zipf-like popularity (the i-th most popular unit weighs
    1/i, the order itself drawn from the seed), as in a real cohort where many learners bring the same
    few prior units; without it every unit is equally likely, so nearly every learner is distinct.
    """
    rng = random.Random(seed)
    codes = catalogue.qualification(qualification).unit_codes()
    order = rng.sample(codes, len(codes))
    weights = [1 / (i + 1) for i in range(len(order))] if popularity else [1.0] * len(order)
    span = (END - START).days
    rows = []
    for i in range(n):
        k = min(rng.choice(ACHIEVED_COUNTS), len(order))
        achieved: set[str] = set()
        while len(achieved) < k:
            achieved.add(rng.choices(order, weights)[0])
        registered = START + dt.timedelta(days=rng.randrange(span + 1))
        rows.append({"learner": f"L{i + 1:05d}", "registered": registered.isoformat(),
                     "achieved": " ".join(sorted(achieved, key=codes.index))})
    return rows


def distinct_learners(catalogue: Catalogue, qualification: str, n: int, seed: int = 2021) -> list[dict[str, str]]:
    """`n` learners no two of whom share a request: each has achieved a different set of 1 to 4 units, so nothing
    (not even a request shared between dates on one side of a cut-off) can be solved once for two of them."""
    rng = random.Random(seed)
    codes = catalogue.qualification(qualification).unit_codes()
    span = (END - START).days
    seen: set[frozenset[str]] = set()
    rows = []
    while len(rows) < n:
        achieved = frozenset(rng.sample(codes, min(len(codes), rng.choice(ACHIEVED_COUNTS[1:]))))
        if achieved in seen:
            continue
        seen.add(achieved)
        registered = START + dt.timedelta(days=rng.randrange(span + 1))
        rows.append({"learner": f"D{len(rows) + 1:05d}", "registered": registered.isoformat(),
                     "achieved": " ".join(sorted(achieved, key=codes.index))})
    return rows
