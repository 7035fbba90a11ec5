"""The audit of a qualification or a catalogue: each regime's figures, then the findings of each family
(specification data, credits, hours, units, readings, equivalences). The families live in audit_*.py."""

from __future__ import annotations

from dataclasses import replace

from solver.budget import Budget, Limit, ended_by, portion
from solver.errors import LookupFailure
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.specialisations import following, pathway_of
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
from solver.queries.audit_regime import audit_regime, average_readings, regimes
from solver.queries.audit_units import unit_findings

__all__ = ["TQT_PER_CREDIT", "AuditReport", "Finding", "QualificationAudit", "Regime", "RegimeAudit", "audit",
           "audit_regime", "average_readings", "credit_text", "regimes", "suspected_equivalences"]


def audit(catalogue: Catalogue, qualification: Qualification | str | None = None,
          budget: Budget | None = None, pathway: str | None = None) -> AuditReport:
    """Audit one qualification (or all of them): per regime facts, and the findings they raise. A qualification
    with named pathways is audited on each pathway (or only on `pathway`), as a learner on it is judged: its
    rules and the pathway's. Under `budget` each regime of each pathway gets an even share of the work left,
    every stage reports progress, and a limit leaves the checks it stopped named in the report (and a finding)
    rather than guessed; an interruption skips what is left and says which qualifications were not audited."""
    if qualification is None:
        if pathway is not None:
            raise LookupFailure(f"a pathway ({pathway!r}) is audited on one qualification: name it")
        chosen = list(catalogue.qualifications)
    else:
        chosen = [catalogue.qualification(qualification)]
    shapes = {q.id: audited_shapes(q, pathway) for q in chosen}
    windows = {(q.id, p): pathway_regimes(catalogue, on, p, q) for q in chosen for on, p in shapes[q.id]}
    left = sum(len(w) for w in windows.values())
    audits: list[QualificationAudit] = []
    findings: list[Finding] = []
    skipped: list[str] = []
    for q in chosen:
        if budget is not None and budget.stopped() is Limit.INTERRUPTED:
            skipped.append(q.id)
            continue
        findings += data_findings(catalogue, q)
        per_shape: list[tuple[Qualification, list[RegimeAudit]]] = []
        for on, p in shapes[q.id]:
            per_regime = []
            for r in windows[(q.id, p)]:
                with portion(budget, 1 / left) as part:
                    per_regime.append(audit_regime(catalogue, on, r, part))
                left -= 1
            audits.append(QualificationAudit(qualification=on, regimes=tuple(per_regime), pathway=p))
            per_shape.append((on, per_regime))
            found = credit_findings(catalogue, on, per_regime, budget) + glh_findings(on, per_regime, catalogue)
            found += average_findings(catalogue, on, per_regime) + unit_findings(catalogue, on, per_regime)
            findings += on_pathway(found, p)
        if budget is None or budget.stopped() is None:
            findings += reading_findings(catalogue, q)
        elif reading_findings_needed(q):
            on, per_regime = per_shape[-1]
            per_regime[-1] = replace(per_regime[-1], unfinished=(*per_regime[-1].unfinished, "the readings of "
                                                                 "ambiguous rules"))
            audits[-1] = replace(audits[-1], regimes=tuple(per_regime))
        for (on, per_regime), (_, p) in zip(per_shape, shapes[q.id], strict=True):
            findings += on_pathway(unfinished_findings(on, per_regime), p)
    if qualification is None:
        findings += suspected_equivalences(catalogue)
    else:
        findings += [f for f in suspected_equivalences(catalogue)
                     if any(c in chosen[0].unit_codes() for c in f.numbers["units"])]
    return AuditReport(qualifications=tuple(audits), findings=tuple(findings), stopped_by=ended_by(budget),
                       not_audited=tuple(skipped))


def on_pathway(findings: list[Finding], pathway: str | None) -> list[Finding]:
    """Findings about learners on `pathway`, said so in their records (their sentences say it already)."""
    return findings if pathway is None else [replace(f, pathway=pathway) for f in findings]


def audited_shapes(q: Qualification, pathway: str | None) -> list[tuple[Qualification, str | None]]:
    """What is audited of `q`: itself when it has no named pathways; else `q` for a learner on each pathway (or
    on `pathway` alone), as `count --pathway` counts it. A pathway asked of a qualification without any is an
    error (LookupFailure, naming none), as for every other query."""
    if pathway is not None:
        return [(following(q, pathway), pathway_of(q, pathway).id)]
    if not q.pathways:
        return [(q, None)]
    return [(following(q, p.id), p.id) for p in q.pathways]


def pathway_regimes(catalogue: Catalogue, on: Qualification, pathway: str | None, q: Qualification) -> list[Regime]:
    """The registration regimes of `on`, each labelled with the named pathway its learners follow, so that every
    finding's sentence ('for learners on the Dementia Care pathway, registered ...') says which."""
    if pathway is None:
        return regimes(catalogue, on)
    title = pathway_of(q, pathway).title
    return [replace(r, label=f"on the {title} pathway, {r.label}", pathway=pathway) for r in regimes(catalogue, on)]


def unfinished_findings(q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    """Each regime's checks a limit stopped: said, so that a finding not raised is never read as all clear."""
    return [Finding(qualification=q.id, regime=r.regime.label, kind="not-completed",
                    sentence=f"Not completed within the limit for learners {r.regime.label}: "
                             f"{'; '.join(r.unfinished)}; findings that rest on them may be missing.",
                    numbers={"checks": list(r.unfinished)})
            for r in audits if r.unfinished]
