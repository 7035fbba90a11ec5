"""Audit findings on credits: achievable ranges against the published figures, TQT, no pathway."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from solver.budget import Budget
from solver.engine.compile import CompiledModel
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.request.formulation import formulate

if TYPE_CHECKING:
    pass

from solver.queries.audit_records import (
    TQT_PER_CREDIT,
    Finding,
    RegimeAudit,
    credit_text,
    open_values,
)
from solver.queries.audit_regime import optimum


def credit_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit],
                    budget: Budget | None = None) -> list[Finding]:
    out = []
    figures = q.figures
    # A unit of unpublished credits (or level, or hours a rule sums) leaves the achievable range unknown: no
    # mismatch is stated as fact.
    known = not open_values(catalogue, q)
    for r in audits:
        ctx = catalogue.context(q, registered=r.regime.registered)
        barred = [why for rule in q.rules if (why := rule.bars(ctx))]
        if not r.status.found and barred:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="registration-closed",
                               sentence=f"No pathway is open to learners {r.regime.label}: {'; '.join(barred)}.",
                               numbers={}))
            continue
        if not r.status.found and r.status is not Status.INFEASIBLE:
            continue  # not settled within the limit: the not-completed finding says so
        if not r.status.found and (q.open_groups() or not known or r.possible is not None):
            out.append(_unsure_no_pathway(catalogue, q, r))
            continue
        if not r.status.found:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="no-pathway",
                               sentence=f"No valid pathway exists for learners {r.regime.label}: the rules contradict "
                                        f"each other.", numbers={}))
            continue
        if r.min_credits is None:
            continue  # the range was not proven within the limit
        published = figures.credits
        achievable = (r.min_credits, r.max_credits if published is None or published.max is not None else None)
        settled = "" if known else (" (the unpublished credits settled by published group totals: the same "
                                    "whatever each value is)")
        if (known or r.credits_exact) and published and (published.min, published.max) != achievable:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="credits-mismatch",
                               sentence=f"{q.accreditation} publishes {credit_text(published)} credits but valid "
                                        f"pathways for learners {r.regime.label} range from {r.min_credits} to "
                                        f"{r.max_credits} credits{settled}.",
                               numbers={"published": [published.min, published.max],
                                        "achievable": [r.min_credits, r.max_credits]}))
    if known and figures.tqt is not None and audits and audits[0].status.found and audits[0].min_credits is not None:
        implied = Fraction(figures.tqt, TQT_PER_CREDIT)
        minimum = figures.credits.min if figures.credits else audits[0].min_credits
        if implied != minimum:
            out.append(Finding(qualification=q.id, regime="all", kind="tqt-mismatch",
                               sentence=f"{q.accreditation} publishes a TQT of {figures.tqt} hours, a credit value of "
                                        f"{float(implied):g} (TQT / {TQT_PER_CREDIT}), but its minimum is {minimum} "
                                        f"credits.",
                               numbers={"tqt": figures.tqt, "credit_value": float(implied), "min_credits": minimum}))
    return out + _tqt_findings(catalogue, q, audits, budget)


def _unsure_no_pathway(catalogue: Catalogue, q: Qualification, r: RegimeAudit) -> Finding:
    """No pathway over what is listed and published: said as that, never as rules that contradict each other."""
    unknown = open_values(catalogue, q)
    groups = [g.name for g in q.open_groups()]
    lists = f"{', '.join(groups)}, whose list{'s are' if len(groups) > 1 else ' is'} open" if groups else ""
    values = f"the unpublished values of {', '.join(unknown)}" if unknown else ""
    route = " ".join(sorted(r.possible or ()))
    if r.possible is not None and r.sure:
        sentence = (f"Valid pathways for learners {r.regime.label} rest on published group totals: {values} are "
                    f"settled by them (e.g. {route} is valid whatever each value is); the figures above count "
                    f"those credits as 0.")
        return Finding(qualification=q.id, regime=r.regime.label, kind="pathway-by-group-total", sentence=sentence,
                       numbers={"unpublished": unknown, "example": sorted(r.possible)})
    if r.possible is not None:
        sentence = (f"No pathway over the listed units is valid whatever {values} are, for learners "
                    f"{r.regime.label}; some values of them (within any published group total) make one "
                    f"(e.g. {route}).")
        return Finding(qualification=q.id, regime=r.regime.label, kind="no-sure-pathway", sentence=sentence,
                       numbers={"unpublished": unknown, "example": sorted(r.possible)})
    need = "; ".join(f"at least {n} more credits are needed toward '{rule}'" for rule, n in r.shortfalls)
    # The needs are measured with the unpublished credits at their most (within group totals): only units not
    # yet listed could meet them; without an open group, no values do, and the finding says that instead.
    source = (f"; they would have to come from units not yet listed ({lists})" if groups
              else f"; no values of {values} (within any published group total) make one either" if values else "")
    sentence = (f"No pathway over the listed units for learners {r.regime.label}"
                + (f": {need}" if need else "") + f"{source}.")
    return Finding(qualification=q.id, regime=r.regime.label, kind="no-pathway-over-listed-units",
                   sentence=sentence, numbers={"open_groups": groups, "unpublished": unknown,
                                               "shortfalls": {rule: n for rule, n in r.shortfalls}})


def _tqt_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit],
                  budget: Budget | None) -> list[Finding]:
    """The published TQT against the units' own TQT: the least and most a valid pathway's units add up to (only
    when every unit gives its TQT: a range over unknown values would be stated as fact)."""
    regime = next((r.regime for r in audits if r.status.found), None)
    if q.figures.tqt is None or regime is None or any(catalogue.units[c].tqt is None for c in q.unit_codes()):
        return []
    f = formulate(catalogue, q, Learner(registered=regime.registered))
    terms = tuple((c, u.tqt or 0) for c, u in f.context.units.items())
    model = CompiledModel(f.variables, f.requirements)
    (_, low), (_, high) = optimum(model, terms, 1, budget), optimum(model, terms, -1, budget)
    if low is None or high is None or low <= q.figures.tqt <= high:
        return []
    span = str(low) if low == high else f"{low} to {high}"
    return [Finding(qualification=q.id, regime=regime.label, kind="tqt-units-mismatch",
                    sentence=f"{q.accreditation} publishes a TQT of {q.figures.tqt} hours but the units' own TQT of "
                             f"valid pathways for learners {regime.label} adds up to {span} hours.",
                    numbers={"published": q.figures.tqt, "units": [low, high]})]
