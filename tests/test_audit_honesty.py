"""The audit of every example catalogue states nothing as fact that rests on an unpublished value or on a group
that lists only some of its units: such findings are bounds, hedged, or say what they rest on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from solver.model.catalogue import load_catalogue
from solver.queries.auditing import audit

ROOT = Path(__file__).resolve().parents[1] / "catalogue"
CATALOGUES = [ROOT, ROOT / "examples"]  # each loaded whole: an example may take units from another file
# Words by which a sentence says what it rests on, or that a figure is a bound.
HEDGES = re.compile(r"listed units|unpublished|at least|at most|undetermined|whatever|may|bounds?\b|open\b")
# Findings that state a fact about the valid pathways (their existence, units, ranges or readings).
FACTUAL = {"no-pathway", "forced-units", "dead-units", "credits-mismatch", "glh-mismatch", "glh-not-published",
           "ambiguous-rule", "tqt-mismatch", "tqt-units-mismatch", "average-glh-explained", "average-glh-mismatch"}


def _uncertain(catalogue, q) -> bool:
    """Whether any answer about `q` rests on an unknown: an unpublished value or an open group."""
    return bool(q.open_groups()) or any(catalogue.units[c].unpublished for c in q.unit_codes())


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_no_audit_sentence_states_as_fact_what_rests_on_an_unknown(path):
    catalogue = load_catalogue(path)
    report = audit(catalogue)
    uncertain = {q.id for q in report_qualifications(report) if _uncertain(catalogue, q)}
    for finding in report.findings:
        assert "contradict each other" not in finding.sentence or finding.qualification not in uncertain, finding
        if finding.qualification in uncertain and finding.kind in FACTUAL:
            assert HEDGES.search(finding.sentence), f"{path.name}: stated as fact: {finding.sentence}"


def report_qualifications(report):
    return [a.qualification for a in report.qualifications]


def test_the_scan_would_catch_a_bare_sentence():
    assert not HEDGES.search("U1, U2 are in every valid pathway for learners registered on any date without being "
                             "declared mandatory.")
    assert not HEDGES.search("No valid pathway exists for learners registered on any date: the rules contradict "
                             "each other.")


# Unknown levels and GLH: the level rule can be met only if an unpublished level turns out high enough; the GLH
# rule only if unpublished hours are enough. Neither is a contradiction, and no figure over them is a fact.
UNKNOWN_LEVELS_AND_HOURS = """\
units:
  - {code: L1, title: Level unknown one, level: null, credits: 6, glh: 40}
  - {code: L2, title: Level unknown two, level: null, credits: 6, glh: 40}
  - {code: K1, title: Known, level: 2, credits: 6, glh: 40}
  - {code: H1, title: Hours unknown, level: 3, credits: 6, glh: null}
  - {code: H2, title: Hours known, level: 3, credits: 6, glh: 10}
qualifications:
  - id: levels
    accreditation: 600/0000/7
    title: Award with unpublished levels and hours
    level: 3
    awarding_body: Example
    figures: {credits: {min: 12, max: 12}, glh: 80}
    groups:
      - {id: A, name: Group A, units: [L1, L2, K1]}
      - {id: B, name: Group B, units: [H1, H2]}
    rules:
      - {id: total, kind: sum, min: 12, max: 12}
      - {id: level3, kind: sum, where: {min_level: 3}, min: 12}
      - {id: hours, kind: sum, sum: glh, where: {groups: [B]}, min: 30}
"""


def test_no_audit_sentence_states_as_fact_what_rests_on_an_unknown_level_or_hours(tmp_path):
    """Before: '[no-pathway] ... the rules contradict each other': no pathway is valid whatever the levels and
    hours are, but some values make one (L1 and L2 at level 3; H1 with 20 hours or more)."""
    (tmp_path / "q.yaml").write_text(UNKNOWN_LEVELS_AND_HOURS, encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    report = audit(catalogue)
    assert report.findings
    for finding in report.findings:
        assert "contradict each other" not in finding.sentence, finding
        if finding.kind in FACTUAL:
            assert HEDGES.search(finding.sentence), f"stated as fact: {finding.sentence}"
    kinds = {f.kind for f in report.findings}
    assert "no-sure-pathway" in kinds, kinds
