"""The audit of a qualification or a catalogue: each regime's figures, then the findings of each family
(specification data, credits, hours, units, readings, equivalences). The families live in audit_*.py."""

from __future__ import annotations

from dataclasses import replace

from solver.budget import Budget, Limit, ended_by
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.queries.audit_credits import credit_findings
from solver.queries.audit_data import data_findings, reading_findings, reading_findings_needed, suspected_equivalences
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
from solver.queries.audit_regime import audit_regime, average_readings, portion, regimes
from solver.queries.audit_units import unit_findings

__all__ = ["TQT_PER_CREDIT", "AuditReport", "Finding", "QualificationAudit", "Regime", "RegimeAudit", "audit",
           "audit_regime", "average_readings", "credit_text", "regimes", "suspected_equivalences"]


def audit(catalogue: Catalogue, qualification: Qualification | str | None = None,
          budget: Budget | None = None) -> AuditReport:
    """Audit one qualification (or all of them): per regime facts, and the findings they raise. Under `budget`
    each regime gets an even share of the work left, every stage reports progress, and a limit leaves the
    checks it stopped named in the report (and a finding) rather than guessed; an interruption skips what is
    left and says which qualifications were not audited."""
    if qualification is None:
        chosen = list(catalogue.qualifications)
    else:
        chosen = [catalogue.qualification(qualification)]
    windows = {q.id: regimes(catalogue, q) for q in chosen}
    left = sum(len(w) for w in windows.values())
    audits: list[QualificationAudit] = []
    findings: list[Finding] = []
    skipped: list[str] = []
    for q in chosen:
        if budget is not None and budget.stopped() is Limit.INTERRUPTED:
            skipped.append(q.id)
            continue
        per_regime = []
        for r in windows[q.id]:
            with portion(budget, 1 / left) as part:
                per_regime.append(audit_regime(catalogue, q, r, part))
            left -= 1
        audits.append(QualificationAudit(qualification=q, regimes=tuple(per_regime)))
        findings += data_findings(catalogue, q)
        findings += credit_findings(catalogue, q, per_regime, budget) + glh_findings(q, per_regime, catalogue)
        findings += average_findings(catalogue, q, per_regime) + unit_findings(catalogue, q, per_regime)
        if budget is None or budget.stopped() is None:
            findings += reading_findings(catalogue, q)
        elif reading_findings_needed(q):
            per_regime[-1] = replace(per_regime[-1], unfinished=(*per_regime[-1].unfinished, "the readings of "
                                                                 "ambiguous rules"))
            audits[-1] = QualificationAudit(qualification=q, regimes=tuple(per_regime))
        findings += unfinished_findings(q, per_regime)
    if qualification is None:
        findings += suspected_equivalences(catalogue)
    else:
        findings += [f for f in suspected_equivalences(catalogue)
                     if any(c in chosen[0].unit_codes() for c in f.numbers["units"])]
    return AuditReport(qualifications=tuple(audits), findings=tuple(findings), stopped_by=ended_by(budget),
                       not_audited=tuple(skipped))


def unfinished_findings(q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    """Each regime's checks a limit stopped: said, so that a finding not raised is never read as all clear."""
    return [Finding(qualification=q.id, regime=r.regime.label, kind="not-completed",
                    sentence=f"Not completed within the limit for learners {r.regime.label}: "
                             f"{'; '.join(r.unfinished)}; findings that rest on them may be missing.",
                    numbers={"checks": list(r.unfinished)})
            for r in audits if r.unfinished]
