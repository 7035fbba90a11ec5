"""A learner's context shares the qualification's learner-free part, and is equal to the one built from scratch."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.request.formulation import base_context, formulate, learner_context

# B1 is offered graded or ungraded (two claims); X1 of another qualification fills an import slot.
SPEC = """\
units:
  - {code: A1, title: Own one, level: 3, credits: 4, glh: 30}
  - {code: A2, title: Own two, level: 2, credits: 4, glh: 40}
  - {code: B1, title: Modes, level: 3, credits: 4, glh: 50, modes: [graded, ungraded]}
  - {code: X1, title: Elsewhere one, level: 3, credits: 4, glh: 10}
qualifications:
  - id: core
    accreditation: 000/0000/1
    title: Core award
    level: 3
    awarding_body: Test
    groups:
      - {id: A, name: Group A, units: [A1, A2, B1]}
    rules:
      - {id: total, kind: sum, min: 8}
      - {id: high, kind: sum, min: 4, where: {min_level: 3}, registered_from: 2024-01-01}
      - {id: elsewhere, kind: import, sum: credits, max: 4, where: {min_level: 3}}
  - id: other
    accreditation: 000/0000/2
    title: Other award
    level: 3
    awarding_body: Test
    groups:
      - {id: X, name: Group X, units: [X1]}
    rules:
      - {kind: sum, min: 4}
"""

LEARNERS = [Learner(), Learner(achieved=("B1",)), Learner(achieved=("B1@graded", "X1"), exempt=("A2",)),
            Learner(registered=dt.date(2023, 5, 1), achieved=("A1",)), Learner(registered=dt.date(2024, 5, 1))]


@pytest.fixture
def catalogue(tmp_path: Path):
    (tmp_path / "cat.yaml").write_text(textwrap.dedent(SPEC))
    return load_catalogue(tmp_path)


@pytest.mark.parametrize("learner", LEARNERS)
def test_the_learner_context_is_the_catalogues(catalogue, learner):
    q = catalogue.qualification("core")
    expected = catalogue.context(q, learner.registered, frozenset(learner.achieved), frozenset(learner.exempt))
    got = learner_context(catalogue, q, learner)
    assert got == expected
    assert got.shared is base_context(catalogue, q).shared  # the learner-free store is shared


def test_requirements_are_the_same_whichever_learner_came_first(tmp_path, catalogue):
    """A rule's selection worked out for one learner serves the next unchanged: each learner's requirements and
    verdicts equal those of a catalogue loaded afresh (a store of its own) where it comes first."""
    q = catalogue.qualification("core")
    after_others = [formulate(catalogue, q, learner) for learner in LEARNERS]
    pathways = [frozenset(), frozenset({"A1", "A2"}), frozenset({"A1", "B1@graded", "X1"})]
    for learner, f in zip(LEARNERS, after_others):
        (tmp_path / "alone").mkdir(exist_ok=True)
        (tmp_path / "alone" / "cat.yaml").write_text(textwrap.dedent(SPEC))
        alone = load_catalogue(tmp_path / "alone")
        first = formulate(alone, alone.qualification("core"), learner)
        assert first.context.shared is not f.context.shared
        assert first.requirements == f.requirements
        assert [first.evaluate(p) for p in pathways] == [f.evaluate(p) for p in pathways]


def test_rules_made_on_the_fly_do_not_pile_up_in_the_store(catalogue):
    from solver.rules.base import SHARED_LIMIT

    q = catalogue.qualification("core")
    ctx = learner_context(catalogue, q, Learner())
    rule = q.rules[0]
    for n in range(SHARED_LIMIT + 10):
        edited = rule.model_copy(update={"min": n % 13})  # as an edit or a reading makes one
        assert edited.split(ctx)[0] == rule.split(ctx)[0]
    assert len(ctx.shared) <= SHARED_LIMIT
