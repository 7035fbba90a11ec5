"""The audit of a qualification or a catalogue: each regime's figures, then the findings of each family
(specification data, credits, hours, units, readings, equivalences). The families live in audit_*.py."""

from __future__ import annotations

from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.queries.audit_credits import credit_findings
from solver.queries.audit_data import data_findings, reading_findings, suspected_equivalences
from solver.queries.audit_hours import average_findings, glh_findings
from solver.queries.audit_records import (
    TQT_PER_CREDIT,
    AuditReport,
    Finding,
    QualificationAudit,
    Regime,
    RegimeAudit,
    credit_text,
)
from solver.queries.audit_regime import audit_regime, average_readings, regimes
from solver.queries.audit_units import unit_findings

__all__ = ["TQT_PER_CREDIT", "AuditReport", "Finding", "QualificationAudit", "Regime", "RegimeAudit", "audit",
           "audit_regime", "average_readings", "credit_text", "regimes", "suspected_equivalences"]


def audit(catalogue: Catalogue, qualification: Qualification | str | None = None) -> AuditReport:
    """Audit one qualification (or all of them): per regime facts, and the findings they raise."""
    if qualification is None:
        chosen = list(catalogue.qualifications)
    else:
        chosen = [catalogue.qualification(qualification)]
    audits: list[QualificationAudit] = []
    findings: list[Finding] = []
    for q in chosen:
        per_regime = [audit_regime(catalogue, q, r) for r in regimes(catalogue, q)]
        audits.append(QualificationAudit(qualification=q, regimes=tuple(per_regime)))
        findings += data_findings(catalogue, q)
        findings += credit_findings(catalogue, q, per_regime) + glh_findings(q, per_regime, catalogue)
        findings += average_findings(catalogue, q, per_regime) + unit_findings(catalogue, q, per_regime)
        findings += reading_findings(catalogue, q)
    if qualification is None:
        findings += suspected_equivalences(catalogue)
    else:
        findings += [f for f in suspected_equivalences(catalogue)
                     if any(c in chosen[0].unit_codes() for c in f.numbers["units"])]
    return AuditReport(qualifications=tuple(audits), findings=tuple(findings))
