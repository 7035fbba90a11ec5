"""The audit under a budget: progress per family of checks, a deterministic stop that names what it did not
complete, an interruption that keeps the findings so far, and dead/forced units by batched search held against
the exact shares."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.budget import Budget, Limit, Step
from solver.cli.entry import app
from solver.engine.compile import CompiledModel
from solver.engine.counting import count_formulation, unit_shares
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.audit_membership import membership
from solver.queries.auditing import audit, regimes
from solver.request.formulation import formulate

ROOT = Path(__file__).resolve().parents[1] / "catalogue"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT)


def test_the_audit_reports_progress_for_each_family_of_checks(catalogue):
    steps: list[Step] = []
    report = audit(catalogue, "l2-cert-lts", budget=Budget(report=steps.append))
    notes = {s.note for s in steps if s.task.startswith("auditing l2-cert-lts")}
    assert {"achievable ranges", "counting pathways", "unit shares", "done"} <= notes
    assert report.complete and report.stopped_by is None


def test_a_work_limit_stops_the_audit_and_names_what_was_not_completed(catalogue):
    """Before: audit() took no budget and ran to the end however long that was."""
    report = audit(catalogue, "l2-cert-lts", budget=Budget(work=0.0001))
    assert report.stopped_by is Limit.WORK and not report.complete
    unfinished = [f for f in report.findings if f.kind == "not-completed"]
    assert unfinished and all("Not completed within the limit" in f.sentence for f in unfinished)
    data = report.to_dict()
    assert data["complete"] is False and data["stopped_by"] == "work limit"
    assert any(r["not_completed"] for q in data["qualifications"] for r in q["regimes"])
    # Deterministic: the same stop, the same report.
    assert audit(catalogue, "l2-cert-lts", budget=Budget(work=0.0001)).to_dict() == data


def test_an_interrupted_audit_keeps_its_findings_so_far_and_names_what_it_skipped(catalogue):
    budget = Budget()
    first = catalogue.qualifications[0].id

    def cancel_on_the_second_qualification(step: Step) -> None:
        if step.task.startswith("auditing") and f"auditing {first} " not in step.task:
            budget.cancel()

    budget.report = cancel_on_the_second_qualification
    report = audit(catalogue, budget=budget)
    assert report.stopped_by is Limit.INTERRUPTED
    assert any(f.qualification == first for f in report.findings)  # what was found before the stop
    audited = {q.qualification.id for q in report.qualifications}
    assert report.not_audited and not set(report.not_audited) & audited


def test_the_audit_command_takes_a_work_limit_and_says_where_it_stopped():
    out = CliRunner().invoke(app, ["audit", "l2-cert-lts", "--work-limit", "0.001", "--catalogue", str(ROOT)])
    assert out.exit_code == 0, out.output
    assert "[not-completed]" in out.stdout and "Stopped at the work limit" in out.stdout
    data = CliRunner().invoke(app, ["audit", "l2-cert-lts", "--work-limit", "0.001", "--json", "--catalogue",
                                    str(ROOT)])
    assert '"stopped_by": "work limit"' in data.stdout


@pytest.mark.parametrize("path", [ROOT, ROOT / "examples"], ids=lambda p: p.name)
def test_dead_and_forced_by_search_agree_with_the_exact_shares(path):
    """Each pathway a search finds clears many units at once; the result must equal the exact shares."""
    cat = load_catalogue(path)
    compared = 0
    for q in cat.qualifications:
        for regime in regimes(cat, q):
            f = formulate(cat, q, Learner(registered=regime.registered))
            try:
                shares = unit_shares(f)
            except Exception:  # out of the counter's reach: nothing to hold the search against
                continue
            if not shares or not any(shares.values()):
                continue
            top = count_formulation(f).count  # a forced unit is in every pathway
            if top is None:
                continue
            found = membership(CompiledModel(f.variables, f.requirements), f.variables)
            assert found.complete
            assert list(found.dead) == [u for u, n in shares.items() if n == 0], (q.id, regime.label)
            assert list(found.forced) == [u for u, n in shares.items() if n == top], (q.id, regime.label)
            assert found.solves <= 2 * len(f.variables)
            compared += 1
    assert compared


def test_a_stopped_search_leaves_units_undecided_rather_than_guessed(catalogue):
    q = catalogue.qualification("l2-cert-lts")
    f = formulate(catalogue, q, Learner(registered=regimes(catalogue, q)[-1].registered))
    found = membership(CompiledModel(f.variables, f.requirements), f.variables, budget=Budget(work=0.0001))
    assert not found.complete and found.undecided
    assert not set(found.dead) & set(found.undecided) and not set(found.forced) & set(found.undecided)
