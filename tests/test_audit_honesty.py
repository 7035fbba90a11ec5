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
