"""`check`'s repair: the nearest valid pathway, held against brute force (minimum edit distance, then the lowest
new GLH) on small random catalogues, and as a learner meets it on the seed Certificate."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import catalogue_documents, learners, load, subsets

from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.request.formulation import formulate
from solver.request.requirements import new_glh_terms
from solver.rules.linear import total

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CERT = "600/5962/X"


@SETTINGS
@given(st.data())
def test_the_repair_is_the_nearest_valid_pathway_by_brute_force(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalogue = load(data.draw(catalogue_documents(max_units=8)), Path(tmp))
    assume(catalogue is not None)
    q = catalogue.qualifications[0]
    drawn = data.draw(learners(q.unit_codes()))
    learner = Learner(registered=drawn.registered, achieved=drawn.achieved, include=drawn.include,
                      exclude=drawn.exclude)
    units = data.draw(st.lists(st.sampled_from(q.unit_codes()), unique=True))
    result = check(catalogue, q, units, learner)
    if result.verdict != "invalid":
        assert result.repair is None
        return
    f = formulate(catalogue, q, learner)  # the rules and the learner's includes and excludes
    chosen = frozenset(units)
    glh = new_glh_terms(f.context)
    valid = [p for p in subsets(list(f.variables)) if f.valid(p)]
    repair = result.repair
    assert repair is not None
    if not valid:
        assert repair.best is None and repair.why
        return
    nearest = min(len(p ^ chosen) for p in valid)
    cheapest = min(total(glh, p) for p in valid if len(p ^ chosen) == nearest)
    assert repair.best is not None
    for change in (repair.best, *repair.alternatives):
        pathway = (chosen | set(change.add)) - set(change.remove)
        assert f.valid(frozenset(pathway))
        assert change.size == nearest and change.new_glh == cheapest
    ties = {p for p in valid if len(p ^ chosen) == nearest and total(glh, p) == cheapest}
    listed = {frozenset((chosen | set(c.add)) - set(c.remove)) for c in (repair.best, *repair.alternatives)}
    assert len(listed) == 1 + len(repair.alternatives) and listed <= ties
    assert len(listed) == min(len(ties), 4)


def test_one_coherent_change_for_a_learner_registered_after_the_replacement() -> None:
    catalogue = load_catalogue()
    learner = Learner(registered=dt.date(2021, 1, 1))
    result = check(catalogue, CERT, ["8000-339", "8000-250", "8000-252", "8000-255", "8000-259", "8000-268",
                                     "8000-272"], learner)
    assert result.repair is not None and result.repair.best is not None
    assert result.repair.best.remove == ("8000-339",) and result.repair.best.size == 2
    assert result.repair.sentence().startswith("Nearest valid pathway: add 8000-307; remove 8000-339 (2 changes")


def test_a_unit_of_another_qualification_is_removed_in_the_same_change() -> None:
    result = check(load_catalogue(), CERT, ["8000-250", "8603-300"], Learner(registered=dt.date(2021, 1, 1)))
    assert result.repair is not None and result.repair.best is not None
    assert "8603-300" in result.repair.best.remove


def test_no_valid_pathway_keeps_what_the_learner_insists_on_and_it_says_why() -> None:
    result = check(load_catalogue(), CERT, ["8000-250"], Learner(registered=dt.date(2021, 1, 1),
                                                                 include=("8000-339",)))
    assert result.repair is not None and result.repair.best is None
    assert "you asked to include 8000-339" in result.repair.sentence()


def test_a_valid_set_has_no_repair() -> None:
    from solver.queries.recommendation import recommend

    catalogue, learner = load_catalogue(), Learner(registered=dt.date(2021, 1, 1))
    best = recommend(catalogue, CERT, learner)
    result = check(catalogue, CERT, sorted(best.codes), learner)
    assert result.valid and result.repair is None and "repair" not in result.to_dict()
