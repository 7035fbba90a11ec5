"""The audit's findings on the bundled catalogue, and its ranges held against brute force."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from explore_strategies import catalogue_specs, valid_subsets, write_catalogue
from hypothesis import HealthCheck, given, settings

from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.auditing import audit, regimes
from solver.request.formulation import formulate


@pytest.fixture(scope="module")
def report():
    return audit(load_catalogue())


def kinds(report, qualification: str) -> dict[tuple[str, str], object]:
    return {(f.kind, f.regime): f for f in report.findings if f.qualification == qualification}


def test_certificate_lowest_glh_rises_after_the_replacement(report):
    found = kinds(report, "l2-cert-lts")
    after = found[("glh-mismatch", "registered from 2020-07-01")]
    assert after.numbers == {"published": 28, "lowest": 33}
    assert "8000-340" in after.sentence and "33 GLH" in after.sentence
    assert ("glh-mismatch", "registered before 2020-07-01") not in found  # 28 holds before the cut-off
    cert = next(q for q in report.qualifications if q.qualification.id == "l2-cert-lts")
    before, later = cert.regimes
    assert (before.min_glh, later.min_glh) == (28, 33)
    assert "8000-340" in before.lowest_glh_route and "8000-340" not in later.lowest_glh_route
    assert later.dead == ["8000-339", "8000-340"] and before.dead == []


def test_award_average_glh_is_explained(report):
    found = kinds(report, "l2-award-lts")
    explained = found[("average-glh-explained", "registered on any date")]
    assert "midpoint of lowest and highest GLH among minimum-credit (3) pathways" in explained.sentence
    assert not any(kind.endswith("mismatch") for kind, _ in found)


def test_certificate_average_glh_matches_no_reading(report):
    found = kinds(report, "l2-cert-lts")
    mismatch = found[("average-glh-mismatch", "registered before 2020-07-01")]
    assert mismatch.numbers["published"] == 42.5
    assert all(abs(v - 42.5) >= 0.05 for v in mismatch.numbers["readings"].values())


def test_level3_certificate(report):
    found = kinds(report, "l3-cert-leadership")
    assert found[("glh-not-published", "registered on any date")].numbers == {"lowest_glh": 43}
    l3 = next(q for q in report.qualifications if q.qualification.id == "l3-cert-leadership")
    assert l3.regimes[0].forced == ["8603-300", "8603-301", "8603-302"]
    assert ("forced-units", "registered on any date") not in found  # declared mandatory: no surprise


def test_suspected_equivalence_across_qualifications(report):
    suspects = [f for f in report.findings if f.kind == "suspected-equivalence"]
    assert [f.numbers["units"] for f in suspects] == [["8000-308", "8603-300"]]
    assert "Understanding Leadership" in suspects[0].sentence


def test_report_views(report):
    json.dumps(report.to_dict())
    frame = report.regimes_frame()
    assert len(frame) == 4 and set(frame["qualification"]) == {"l2-award-lts", "l2-cert-lts", "l3-cert-leadership"}
    shares = report.shares_frame()
    award = shares[shares["qualification"] == "l2-award-lts"]
    assert len(award) == 30 and award["share"].between(0, 1).all()
    assert len(report.findings_frame()) == len(report.findings)


def test_single_qualification_audit_keeps_its_own_suspects():
    report = audit(load_catalogue(), "600/5788/9")
    assert [q.qualification.id for q in report.qualifications] == ["l3-cert-leadership"]
    assert any(f.kind == "suspected-equivalence" for f in report.findings)


def test_forced_by_rules_and_availability_regimes(tmp_path):
    (tmp_path / "c.yaml").write_text("""
units:
  - {code: A, title: Alpha, level: 2, credits: 4, glh: 10}
  - {code: B, title: Beta, level: 2, credits: 1, glh: 5}
  - {code: C, title: Gamma, level: 2, credits: 1, glh: 5, available_from: 2022-01-01}
qualifications:
  - {id: q, accreditation: 1/2/3, title: T, level: 2, awarding_body: X,
     figures: {credits: {min: 5, max: 6}, glh: 15, tqt: 60},
     groups: [{id: G, name: G, units: [A, B, C]}],
     rules: [{kind: sum, min: 5}]}
""")
    cat = load_catalogue(tmp_path)
    q = cat.qualification("q")
    assert [r.label for r in regimes(cat, q)] == ["registered before 2022-01-01", "registered from 2022-01-01"]
    report = audit(cat, q)
    found = kinds(report, "q")
    assert found[("forced-units", "registered before 2022-01-01")].numbers == {"units": ["A", "B"]}
    assert found[("dead-units", "registered before 2022-01-01")].numbers == {"units": ["C"]}
    assert found[("forced-units", "registered from 2022-01-01")].numbers == {"units": ["A"]}
    assert found[("tqt-mismatch", "all")].numbers["credit_value"] == 6
    assert found[("credits-mismatch", "registered before 2022-01-01")].numbers["achievable"] == [5, 5]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=catalogue_specs(max_units=9))
def test_ranges_dead_and_forced_match_brute_force(spec):
    with tempfile.TemporaryDirectory() as tmp:
        cat = write_catalogue(spec, Path(tmp))
    q = cat.qualifications[0]
    report = audit(cat, q)
    for r in report.qualifications[0].regimes:
        f = formulate(cat, q, Learner(registered=r.regime.registered))
        valid = valid_subsets(f)
        credits = [sum(f.context.units[c].credits for c in p) for p in valid]
        glh = [sum(f.context.units[c].glh for c in p) for p in valid]
        if not valid:
            assert r.min_credits is None and r.status == "INFEASIBLE"
            continue
        assert (r.min_credits, r.max_credits, r.min_glh, r.max_glh) == (min(credits), max(credits), min(glh), max(glh))
        assert sum(f.context.units[c].glh for c in r.lowest_glh_route) == min(glh)
        assert r.dead == [u for u in f.variables if not any(u in p for p in valid)]
        assert r.forced == [u for u in f.variables if all(u in p for p in valid)]
