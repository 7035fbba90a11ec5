"""Progression plans held against brute force: two random qualifications over a shared pool of units."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import CUTOFF, catalogue_documents, load, subsets

from solver.model.learner import Learner
from solver.queries.progression import plan_progression
from solver.request.formulation import formulate


@st.composite
def two_qualifications(draw) -> dict:
    document = draw(catalogue_documents(max_units=7))
    codes = [u["code"] for u in document["units"]]
    chosen = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    cap = sum(u["credits"] for u in document["units"] if u["code"] in chosen)
    rules = [{"id": "total", "kind": "sum", "sum": "credits", "min": draw(st.integers(0, cap))}]
    if draw(st.booleans()):
        source = draw(st.sampled_from(codes))
        rules.append({"id": "eq", "kind": "equivalence", "unit": source, "counts_as": draw(st.sampled_from(chosen))})
    document["qualifications"].append({"id": "r", "accreditation": "R/1", "title": "Second", "level": 2,
                                       "awarding_body": "Test", "groups": [{"id": "G", "name": "G", "units": chosen}],
                                       "rules": rules})
    return document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_qualifications(), st.sampled_from([None, CUTOFF]), st.data())
def test_lowest_total_new_glh_equals_brute_force(document, registered, data):
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = load(document, Path(tmp))
    assume(catalogue is not None)  # a document the loader refuses is not an example, not a pass
    q, r = catalogue.qualifications
    achieved = tuple(data.draw(st.lists(st.sampled_from(sorted(catalogue.units)), max_size=2, unique=True)))
    learner = Learner(registered=registered, achieved=achieved)
    forms = [formulate(catalogue, x, learner) for x in (q, r)]
    equivalents = {e.counts_as: e.unit for e in r.rules if e.kind == "equivalence"}
    pool = sorted(catalogue.units)
    best = None
    for studied in subsets(pool):
        have = studied | set(achieved)
        ok = all(any(f.valid(p) for p in subsets([c for c in f.variables if c in have or
                                                   (f is forms[1] and equivalents.get(c) in have)]))
                 for f in forms)
        if ok:
            cost = sum(catalogue.units[c].glh for c in studied if c not in achieved)
            best = cost if best is None else min(best, cost)
    plan = plan_progression(catalogue, [q, r], learner)
    if best is None:
        assert plan.status == "INFEASIBLE" and plan.explanation is not None
    else:
        assert plan.status == "OPTIMAL" and plan.new_glh == best
