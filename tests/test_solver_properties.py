"""The solver held against brute force on small random catalogues with every rule kind."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import catalogue_documents, holds, learners, subsets

from solver.engine.compile import CompiledModel
from solver.engine.explain import minimal_conflict
from solver.queries.checking import check
from solver.queries.recommendation import compile_formulation, recommend
from solver.request.formulation import formulate
from solver.request.objectives import OBJECTIVES, objective_named, objective_tiers, tier_values

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scenario(data):
    document = data.draw(catalogue_documents())
    with tempfile.TemporaryDirectory() as tmp:
        from strategies import load

        catalogue = load(document, Path(tmp))
    # A drawn document the loader refuses (a rule that can never hold, say) is not an example: hypothesis
    # is told so, rather than the test passing on it.
    assume(catalogue is not None)
    q = catalogue.qualifications[0]
    learner = data.draw(learners(q.unit_codes()))
    return catalogue, q, learner


@SETTINGS
@given(st.data())
def test_optimum_equals_brute_force(data):
    catalogue, q, learner = _scenario(data)
    # Objectives that add no asks of their own; cover and within-budget: tests/test_goal_properties.py.
    objective = data.draw(st.sampled_from([o for o in OBJECTIVES if o not in ("cover", "within-budget")]))
    f = formulate(catalogue, q, learner)
    tiers = objective_tiers(f, objective_named(objective))
    valid = [p for p in subsets(list(f.variables)) if holds(f, p)]
    result = recommend(catalogue, q, learner, objective)
    if not valid:
        assert result.status == "INFEASIBLE"
        assert result.explanation is not None and result.explanation.conflict
        return
    assert result.status == "OPTIMAL"
    assert f.valid(result.codes) and holds(f, result.codes)
    assert tier_values(tiers, result.codes) == min(tier_values(tiers, p) for p in valid)


@SETTINGS
@given(st.data())
def test_check_agrees_with_brute_force_and_solver(data):
    catalogue, q, learner = _scenario(data)
    f = formulate(catalogue, q, learner.model_copy(update={"include": (), "exclude": (), "max_glh": None}))
    model = compile_formulation(f)
    codes = list(f.variables)
    for pathway in data.draw(st.lists(st.sampled_from(list(subsets(codes))), max_size=6)):
        verdict = check(catalogue, q, sorted(pathway), learner).valid
        fixed = [(((c, 1),), 1 if c in pathway else None, 0 if c not in pathway else None) for c in codes]
        from solver.rules import Linear

        feasible = model.solve(extra=[Linear(t, lo, hi) for t, lo, hi in fixed]).status == "OPTIMAL"
        assert verdict == holds(f, pathway) == feasible


@SETTINGS
@given(st.data())
def test_explained_conflict_is_minimal(data):
    catalogue, q, learner = _scenario(data)
    f = formulate(catalogue, q, learner)
    model = CompiledModel(f.variables, f.requirements)
    ids = [r.id for r in f.requirements]
    conflict = minimal_conflict(model, ids)
    everything = list(subsets(list(f.variables)))
    if conflict is None:
        assert any(holds(f, p) for p in everything)
        return
    assert not any(holds(f, p, set(conflict)) for p in everything)
    for rid in conflict:
        rest = set(conflict) - {rid}
        assert any(holds(f, p, rest) for p in everything), f"{rid} is not needed in {conflict}"
