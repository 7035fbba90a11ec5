"""What a designer should know about a qualification: achievable ranges, published figures, dead and forced units."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from solver.engine.compile import CompiledModel
from solver.engine.counting import (
    CountMethod,
    CountResult,
    Unsupported,
    count_formulation,
    frontier_count,
    problem_of,
    unit_shares,
)
from solver.engine.openworld import possible, shortfalls, unknown_credits
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import CreditRange, Qualification
from solver.model.learner import Learner
from solver.model.published import published_notes
from solver.queries.checking import surely_valid
from solver.queries.each_reading import reading_differences
from solver.request.formulation import Formulation, formulate
from solver.request.objectives import Objective, objective_tiers
from solver.rules import EquivalenceRule, Linear
from solver.rules.base import unit_of

if TYPE_CHECKING:
    import pandas as pd

TQT_PER_CREDIT = 10  # Ofqual: credit value = total qualification time / 10


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing worth a designer's attention, in one plain-English sentence, with the numbers behind it."""

    qualification: str
    regime: str
    kind: str
    sentence: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification, "regime": self.regime, "kind": self.kind,
                "sentence": self.sentence, "numbers": self.numbers}


@dataclass(frozen=True)
class Regime:
    """A registration window: learners registered in it are under the same rules (replacements, availability)."""

    label: str
    registered: dt.date | None


@dataclass(frozen=True, kw_only=True)
class RegimeAudit:
    """The achievable ranges, lowest-hours route, counts and unit shares for one qualification and regime."""

    regime: Regime
    status: Status  # OPTIMAL when every range below is proven, INFEASIBLE when no pathway exists
    min_credits: int | None
    max_credits: int | None
    min_glh: int | None
    max_glh: int | None
    lowest_glh_route: tuple[str, ...] | None
    counts: CountResult
    shares: dict[str, int]  # empty when not computed (see `notes`)
    average_glh: dict[str, float]  # candidate readings of a published average GLH, computed exactly
    notes: tuple[str, ...] = ()  # each figure not computed, and why, in one line
    unpublished_route: tuple[str, ...] = ()  # units of the lowest-hours route whose GLH is unpublished
    # When no pathway is valid for sure: whether some values of the unpublished credits make one, and each credit
    # minimum the listed units fall short of (what units not listed would have to carry).
    possible: frozenset[str] | None = None
    sure: bool = False  # `possible` is valid whatever the values are (a group's published total settles them)
    shortfalls: tuple[tuple[str, int], ...] = ()

    def bounds(self, measure: str) -> bool:
        """Whether the range of `measure` ('credits' or 'GLH') counts unpublished values as 0 in some counted
        pathway: then each end is a lower bound."""
        return any(f"claim units of unpublished {measure}" in n or f"may claim units of unpublished {measure}" in n
                   for n in self.counts.notes)

    @property
    def dead(self) -> list[str]:
        """Units in no valid pathway (empty when the shares were not computed)."""
        return [u for u, n in self.shares.items() if n == 0] if self.counts.count is not None else []

    @property
    def forced(self) -> list[str]:
        """Units in every valid pathway, mandatory ones included (empty when the shares were not computed)."""
        return [u for u, n in self.shares.items() if self.counts.count and n == self.counts.count]

    def to_dict(self) -> dict[str, Any]:
        count = self.counts.count
        return {"regime": self.regime.label,
                "registered": self.regime.registered.isoformat() if self.regime.registered else None,
                "status": self.status, "credits": [self.min_credits, self.max_credits],
                "glh": [self.min_glh, self.max_glh],
                **{f"{m.lower()}_are_lower_bounds": True for m in ("credits", "GLH") if self.bounds(m)},
                "lowest_glh_route": list(self.lowest_glh_route) if self.lowest_glh_route else None,
                "count": count, "minimal": self.counts.minimal, "method": self.counts.method,
                "count_at_least": self.counts.count_at_least, "count_at_most": self.counts.count_at_most,
                "minimal_at_least": self.counts.minimal_at_least,
                "dead": self.dead, "forced": self.forced,
                "shares": {u: {"pathways": n, "share": (n / count if count else 0.0)} for u, n in self.shares.items()},
                "average_glh_readings": self.average_glh, "notes": list(self.notes)}


@dataclass(frozen=True, kw_only=True)
class QualificationAudit:
    qualification: Qualification
    regimes: tuple[RegimeAudit, ...]

    def to_dict(self) -> dict[str, Any]:
        q = self.qualification
        return {"id": q.id, "accreditation": q.accreditation, "title": q.title,
                "published": q.figures.model_dump(mode="json", exclude_none=True),
                "regimes": [r.to_dict() for r in self.regimes]}


@dataclass(frozen=True, kw_only=True)
class AuditReport:
    """The audit of one qualification or a whole catalogue: per-regime facts and the findings they raise."""

    qualifications: tuple[QualificationAudit, ...]
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"qualifications": [q.to_dict() for q in self.qualifications],
                "findings": [f.to_dict() for f in self.findings]}

    def findings_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([f.to_dict() | {"numbers": None} for f in self.findings],
                            columns=["qualification", "regime", "kind", "sentence", "numbers"]).drop(columns="numbers")

    def regimes_frame(self) -> pd.DataFrame:
        """One row per qualification and regime: achievable ranges against the published figures."""
        import pandas as pd

        rows = []
        for qa in self.qualifications:
            figures = qa.qualification.figures
            for r in qa.regimes:
                rows.append({"qualification": qa.qualification.id, "accreditation": qa.qualification.accreditation,
                             "regime": r.regime.label, "min_credits": r.min_credits, "max_credits": r.max_credits,
                             "published_credits": credit_text(figures.credits) if figures.credits else None,
                             "min_glh": r.min_glh, "published_glh": figures.glh, "max_glh": r.max_glh,
                             "average_glh": figures.average_glh, "tqt": figures.tqt, "pathways": r.counts.count,
                             "minimal": r.counts.minimal, "dead": " ".join(r.dead), "forced": " ".join(r.forced)})
        return pd.DataFrame(rows)

    def shares_frame(self) -> pd.DataFrame:
        """One row per qualification, regime and unit: the exact number and share of pathways containing it."""
        import pandas as pd

        rows = []
        for qa in self.qualifications:
            for r in qa.regimes:
                for unit, n in r.shares.items():
                    rows.append({"qualification": qa.qualification.id, "regime": r.regime.label, "unit": unit,
                                 "pathways": n, "share": n / r.counts.count if r.counts.count else 0.0})
        return pd.DataFrame(rows, columns=["qualification", "regime", "unit", "pathways", "share"])


# --- regimes ----------------------------------------------------------------------------------------

def regimes(catalogue: Catalogue, q: Qualification) -> list[Regime]:
    """Registration windows split at every date a rule treats learners differently (replacement cut-offs,
    rule versions) and every unit availability date."""
    cuts: set[dt.date] = {d for r in (*q.rules, *(x for p in q.pathways for x in p.rules)) for d in r.cutoffs()}
    for code in q.unit_codes():
        unit = catalogue.units[code]
        if unit.available_from is not None:
            cuts.add(unit.available_from)
        if unit.available_until is not None:
            cuts.add(unit.available_until + dt.timedelta(days=1))
    if not cuts:
        return [Regime("registered on any date", None)]
    ordered = sorted(cuts)
    out = [Regime(f"registered before {ordered[0].isoformat()}", ordered[0] - dt.timedelta(days=1))]
    for i, day in enumerate(ordered):
        end = f" to {(ordered[i + 1] - dt.timedelta(days=1)).isoformat()}" if i + 1 < len(ordered) else ""
        out.append(Regime(f"registered from {day.isoformat()}{end}", day))
    return out


# --- per regime -------------------------------------------------------------------------------------

def _optimum(model: CompiledModel, terms: tuple[tuple[str, int], ...], sign: int) -> tuple[Status, int | None]:
    solution = model.solve(tiers=[tuple((c, sign * w) for c, w in terms)])
    if solution.status is not Status.OPTIMAL or solution.objective is None:
        return solution.status, None
    return solution.status, sign * int(solution.objective)


def _mean(distribution: dict[int, int]) -> Fraction | None:
    total = sum(distribution.values())
    return Fraction(sum(k * v for k, v in distribution.items()), total) if total else None


def _glh_distribution(f: Formulation, extra: list[Linear], minimal: bool) -> dict[int, int]:
    problem = problem_of(f, extra)
    counts = frontier_count(problem, track=problem.glh, minimal=minimal)
    return {k: int(v) for k, v in enumerate(counts.tolist()) if v}


def average_readings(f: Formulation, counts: CountResult) -> dict[str, float]:
    """What a published "average GLH" could mean, each computed exactly from the rules."""
    exact = counts.method is CountMethod.DYNAMIC_PROGRAMMING
    if not counts.count or not exact or not counts.by_glh or not counts.by_credits:
        return {}
    readings: dict[str, Fraction | None] = {"mean GLH over all valid pathways": _mean(counts.by_glh)}
    try:
        minimal = _glh_distribution(f, [], True)
        low = min(counts.by_credits)
        credit_terms = tuple((c, u.credits or 0) for c, u in f.context.units.items())
        at_min = _glh_distribution(f, [Linear(credit_terms, low, low)], False)
        if not minimal or not at_min:
            raise Unsupported("no minimal or minimum-credit pathways")
    except Unsupported:
        return {k: float(v) for k, v in readings.items() if v is not None}
    readings["mean GLH over minimal pathways"] = _mean(minimal)
    readings[f"mean GLH over minimum-credit ({low}) pathways"] = _mean(at_min)
    readings[f"midpoint of lowest and highest GLH among minimum-credit ({low}) pathways"] = \
        Fraction(min(at_min) + max(at_min), 2)
    readings["midpoint of lowest and highest GLH over all pathways"] = \
        Fraction(min(counts.by_glh) + max(counts.by_glh), 2)
    return {k: round(float(v), 4) for k, v in readings.items() if v is not None}


def audit_regime(catalogue: Catalogue, q: Qualification, regime: Regime) -> RegimeAudit:
    f = formulate(catalogue, q, Learner(registered=regime.registered))
    model = CompiledModel(f.variables, f.requirements)
    # Unpublished values count 0: the ranges are then bounds, and the findings say so rather than state them.
    credits = tuple((c, u.credits or 0) for c, u in f.context.units.items())
    glh = tuple((c, u.glh or 0) for c, u in f.context.units.items())
    status, min_credits = _optimum(model, credits, 1)
    _, max_credits = _optimum(model, credits, -1)
    _, max_glh = _optimum(model, glh, -1)
    route = model.solve(tiers=objective_tiers(f, Objective.MIN_GLH))
    if route.status not in (Status.OPTIMAL, Status.INFEASIBLE):
        raise RuntimeError(f"the lowest-hours route of {q.id} was not proven optimal: {route.status}")
    lowest = tuple(c for c in f.variables if c in route.pathway) if route.pathway is not None else None
    min_glh = sum(w for c, w in glh if c in lowest) if lowest is not None else None
    if lowest is not None and not f.valid(frozenset(lowest)):
        raise RuntimeError(f"CP-SAT's lowest-hours route fails the plain-Python check: {list(lowest)}")
    counts = count_formulation(f)
    for spread, low, high in ((counts.by_credits, min_credits, max_credits), (counts.by_glh, min_glh, max_glh)):
        if counts.count and spread and (min(spread), max(spread)) != (low, high):
            raise RuntimeError(f"CP-SAT and the exact count disagree on the ranges of {q.id} ({regime.label})")
    notes = list(counts.notes)
    shares: dict[str, int] = {}
    if counts.count is None:
        notes.append("unit shares, dead and forced units not computed: the exact count is out of reach")
    elif counts.count:
        try:
            shares = unit_shares(f)
        except Unsupported as why:
            notes.append(f"unit shares, dead and forced units not computed: {why}")
    readings = average_readings(f, counts)
    if q.figures.average_glh is not None and counts.count and not readings:
        notes.append("average GLH readings not computed: they need the exact GLH distribution")
    unknown = tuple(c for c in lowest or () if f.context.units[c].glh is None)
    maybe, sure, short = None, False, tuple[tuple[str, int], ...]()
    if lowest is None and (q.open_groups() or unknown_credits(f)):
        maybe = possible(f)
        sure = maybe is not None and surely_valid(f, maybe)
        short = tuple((req.rule.describe(f.context) if req.rule else req.description, n)
                      for req, n in ([] if maybe else shortfalls(f)))
    return RegimeAudit(possible=maybe, sure=sure, shortfalls=short,
                       regime=regime, status=status, min_credits=min_credits, max_credits=max_credits,
                       min_glh=min_glh, max_glh=max_glh, lowest_glh_route=lowest, counts=counts, shares=shares,
                       average_glh=readings, notes=tuple(notes), unpublished_route=unknown)


# --- findings ---------------------------------------------------------------------------------------

def _cheaper_unseen(catalogue: Catalogue, q: Qualification) -> str:
    """Why a cheaper valid route than the lowest found may exist: units not yet listed, or pathways that become
    valid once unpublished credits or levels are known; '' when neither."""
    groups = [g.name for g in q.open_groups()]
    unknown = [c for c in q.unit_codes() if catalogue.units[c].credits is None or catalogue.units[c].level is None]
    return "; ".join([*([f"units {', '.join(groups)} does not list"] if groups else []),
                      *([f"pathways the unpublished credits or levels of {', '.join(unknown)} may make valid"]
                        if unknown else [])])


def _glh_findings(q: Qualification, audits: list[RegimeAudit], catalogue: Catalogue) -> list[Finding]:
    out = []
    published = q.figures.glh
    unseen = _cheaper_unseen(catalogue, q)
    for i, r in enumerate(audits):
        if r.min_glh is None:
            continue
        if published is None:
            route = " ".join(r.lowest_glh_route or ())
            if r.unpublished_route:
                route += (f"; {', '.join(r.unpublished_route)} {'has' if len(r.unpublished_route) == 1 else 'have'}"
                          f" unpublished GLH")
            if unseen:
                route += f"; {unseen} may cost less"
            figure = (f"is undetermined (the routes valid now need at least {r.min_glh} GLH)"
                      if r.unpublished_route and unseen
                      else f"is at least {r.min_glh} GLH" if r.unpublished_route
                      else f"is at most {r.min_glh} GLH" if unseen else f"is {r.min_glh} GLH")
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-not-published",
                               sentence=f"{q.accreditation} publishes no GLH; the lowest-hours route the rules imply "
                                        f"for learners {r.regime.label} {figure} ({route}).",
                               numbers={"lowest_glh": r.min_glh}))
            continue
        if r.unpublished_route:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-bound",
                               sentence=f"The lowest-hours route for learners {r.regime.label} is at least {r.min_glh} "
                                        f"GLH ({' '.join(r.lowest_glh_route or ())}), but "
                                        f"{', '.join(r.unpublished_route)} "
                                        f"{'has' if len(r.unpublished_route) == 1 else 'have'} unpublished GLH: it is "
                                        f"not held against the published {published} GLH.",
                               numbers={"published": published, "at_least": r.min_glh,
                                        "unpublished": list(r.unpublished_route)}))
            continue
        if published == r.min_glh:
            continue
        if unseen and r.min_glh > published:  # a cheaper route may lie beyond what is listed and published
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-bound",
                               sentence=f"The lowest-hours route over the listed units and published values for "
                                        f"learners {r.regime.label} is {r.min_glh} GLH, above the published "
                                        f"{published} GLH; {unseen} may cost less, so it is at most {r.min_glh}.",
                               numbers={"published": published, "at_most": r.min_glh}))
            continue
        why = ""
        earlier = next((a for a in audits[:i] if a.min_glh == published and a.lowest_glh_route), None)
        if earlier is not None:
            earlier_route = earlier.lowest_glh_route or ()
            lost = [u for u in earlier_route if r.shares.get(u, 0) == 0]
            if lost:
                why = (f"; the {published}-GLH route ({' '.join(earlier_route)}) needs "
                       f"{', '.join(lost)}, which learners {r.regime.label} cannot claim")
        relation = "above" if r.min_glh > published else "below"
        out.append(Finding(qualification=q.id, regime=r.regime.label, kind="glh-mismatch",
                           sentence=f"{q.accreditation} publishes {published} GLH but the lowest achievable for "
                                    f"learners {r.regime.label} is {r.min_glh} GLH ({r.min_glh - published:+d}, "
                                    f"{relation} the published figure; route: "
                                    f"{' '.join(r.lowest_glh_route or ())}){why}.",
                           numbers={"published": published, "lowest": r.min_glh}))
    return out


def _credit_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    out = []
    figures = q.figures
    # A unit of unpublished credits leaves the achievable range unknown: no mismatch is stated as fact.
    known = not any(catalogue.units[c].credits is None for c in q.unit_codes())
    for r in audits:
        ctx = catalogue.context(q, registered=r.regime.registered)
        barred = [why for rule in q.rules if (why := rule.bars(ctx))]
        if r.min_credits is None and barred:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="registration-closed",
                               sentence=f"No pathway is open to learners {r.regime.label}: {'; '.join(barred)}.",
                               numbers={}))
            continue
        if r.min_credits is None and (q.open_groups() or not known or r.possible is not None):
            out.append(_unsure_no_pathway(catalogue, q, r))
            continue
        if r.min_credits is None:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="no-pathway",
                               sentence=f"No valid pathway exists for learners {r.regime.label}: the rules contradict "
                                        f"each other.", numbers={}))
            continue
        published = figures.credits
        achievable = (r.min_credits, r.max_credits if published is None or published.max is not None else None)
        if known and published and (published.min, published.max) != achievable:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="credits-mismatch",
                               sentence=f"{q.accreditation} publishes {credit_text(published)} credits but valid "
                                        f"pathways for learners {r.regime.label} range from {r.min_credits} to "
                                        f"{r.max_credits} credits.",
                               numbers={"published": [published.min, published.max],
                                        "achievable": [r.min_credits, r.max_credits]}))
    if known and figures.tqt is not None and audits and audits[0].min_credits is not None:
        implied = Fraction(figures.tqt, TQT_PER_CREDIT)
        minimum = figures.credits.min if figures.credits else audits[0].min_credits
        if implied != minimum:
            out.append(Finding(qualification=q.id, regime="all", kind="tqt-mismatch",
                               sentence=f"{q.accreditation} publishes a TQT of {figures.tqt} hours, a credit value of "
                                        f"{float(implied):g} (TQT / {TQT_PER_CREDIT}), but its minimum is {minimum} "
                                        f"credits.",
                               numbers={"tqt": figures.tqt, "credit_value": float(implied), "min_credits": minimum}))
    return out + _tqt_findings(catalogue, q, audits)


def _unsure_no_pathway(catalogue: Catalogue, q: Qualification, r: RegimeAudit) -> Finding:
    """No pathway over what is listed and published: said as that, never as rules that contradict each other."""
    unknown = [c for c in q.unit_codes() if catalogue.units[c].credits is None]
    groups = [g.name for g in q.open_groups()]
    lists = f"{', '.join(groups)}, whose list{'s are' if len(groups) > 1 else ' is'} open" if groups else ""
    values = f"the unpublished credits of {', '.join(unknown)}" if unknown else ""
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


def _tqt_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    """The published TQT against the units' own TQT: the least and most a valid pathway's units add up to (only
    when every unit gives its TQT: a range over unknown values would be stated as fact)."""
    regime = next((r.regime for r in audits if r.min_credits is not None), None)
    if q.figures.tqt is None or regime is None or any(catalogue.units[c].tqt is None for c in q.unit_codes()):
        return []
    f = formulate(catalogue, q, Learner(registered=regime.registered))
    terms = tuple((c, u.tqt or 0) for c, u in f.context.units.items())
    model = CompiledModel(f.variables, f.requirements)
    (_, low), (_, high) = _optimum(model, terms, 1), _optimum(model, terms, -1)
    if low is None or high is None or low <= q.figures.tqt <= high:
        return []
    span = str(low) if low == high else f"{low} to {high}"
    return [Finding(qualification=q.id, regime=regime.label, kind="tqt-units-mismatch",
                    sentence=f"{q.accreditation} publishes a TQT of {q.figures.tqt} hours but the units' own TQT of "
                             f"valid pathways for learners {regime.label} adds up to {span} hours.",
                    numbers={"published": q.figures.tqt, "units": [low, high]})]


def _average_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    published = q.figures.average_glh
    if published is None or any(catalogue.units[c].glh is None for c in q.unit_codes()):
        return []  # an average over pathways of unpublished GLH would rest on hours nobody has published
    out = []
    for r in audits:
        if not r.average_glh:
            continue
        matches = [name for name, value in r.average_glh.items() if abs(value - published) < 0.05]
        readings = "; ".join(f"{name} {value:g}" for name, value in r.average_glh.items())
        if matches:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="average-glh-explained",
                               sentence=f"{q.accreditation}'s published average of {published:g} GLH is reproduced for "
                                        f"learners {r.regime.label} by the {matches[0]}.",
                               numbers={"published": published, "readings": r.average_glh}))
        else:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="average-glh-mismatch",
                               sentence=f"{q.accreditation}'s published average of {published:g} GLH matches no "
                                        f"reading of the rules for learners {r.regime.label}: {readings}.",
                               numbers={"published": published, "readings": r.average_glh}))
    return out


def _unit_findings(catalogue: Catalogue, q: Qualification, audits: list[RegimeAudit]) -> list[Finding]:
    out = []
    ctx = catalogue.context(q)
    mandatory = {c for r in q.rules for c in r.forced(ctx)}
    for r in audits:
        if not r.counts.count or not r.shares:
            continue
        unknown = [u for u in r.dead if catalogue.units[unit_of(u)].unpublished]
        if unknown:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="unclaimable-until-published",
                               sentence=f"{', '.join(unknown)} cannot be claimed in a pathway that is valid whatever "
                                        f"{'its' if len(unknown) == 1 else 'their'} unpublished values turn out to be "
                                        f"(a rule's maximum depends on them), for learners {r.regime.label}.",
                               numbers={"units": unknown}))
        imports = {c for codes in ctx.imported.values() for c in codes}
        never = [u for u in r.dead if u in imports and u not in unknown]
        if never:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="unusable-imports",
                               sentence=f"{', '.join(never)} {'is' if len(never) == 1 else 'are'} offered by an import "
                                        f"slot of {q.accreditation} but in no valid pathway for learners "
                                        f"{r.regime.label}.",
                               numbers={"units": never}))
        dead = [u for u in r.dead if u not in unknown and u not in imports]
        if dead:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="dead-units",
                               sentence=f"{_units(len(dead))} of {q.accreditation} {'is' if len(dead) == 1 else 'are'} "
                                        f"in no valid pathway for learners {r.regime.label}{_unsure(catalogue, q)}: "
                                        f"{', '.join(dead)}.",
                               numbers={"units": dead}))
        surprising = [u for u in r.forced if u not in mandatory]
        if surprising:
            out.append(Finding(qualification=q.id, regime=r.regime.label, kind="forced-units",
                               sentence=f"{', '.join(surprising)} {'is' if len(surprising) == 1 else 'are'} in every "
                                        f"valid pathway for learners {r.regime.label} without being declared "
                                        f"mandatory{_unsure(catalogue, q)}.",
                               numbers={"units": surprising}))
    return out


def _unsure(catalogue: Catalogue, q: Qualification) -> str:
    """What a finding over the valid pathways rests on, when they are not all known: the listed units of open
    groups, and the pathways valid whatever unpublished credits turn out to be."""
    unknown = [c for c in q.unit_codes() if catalogue.units[c].credits is None]
    groups = [g.name for g in q.open_groups()]
    parts = ([f"over the listed units of {', '.join(groups)}"] if groups else []) + \
        ([f"among the pathways valid whatever the unpublished credits of {', '.join(unknown)} are"] if unknown else [])
    return f" ({'; '.join(parts)}: it may not hold once more is published)" if parts else ""


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _normal_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


def _data_findings(catalogue: Catalogue, q: Qualification) -> list[Finding]:
    """What the specification leaves open or contradicts: unpublished values, groups that list only some units,
    and group totals its units' values disagree with."""
    out = []
    gaps = {c: catalogue.units[c].unpublished for c in q.unit_codes() if catalogue.units[c].unpublished}
    if gaps:
        listed = "; ".join(f"{c} ({', '.join(v)})" for c, v in gaps.items())
        out.append(Finding(qualification=q.id, regime="all", kind="unpublished-values",
                           sentence=f"{_units(len(gaps))} of {q.accreditation} {'has' if len(gaps) == 1 else 'have'} "
                                    f"values the specification does not publish: {listed}; figures that rest on them "
                                    f"are bounds.",
                           numbers={"units": {c: list(v) for c, v in gaps.items()}}))
    for g in q.groups:
        mismatch = g.total_mismatch(catalogue.units)
        if mismatch:
            out.append(Finding(qualification=q.id, regime="all", kind="group-total-mismatch",
                               sentence=f"{mismatch} ({q.accreditation}).",
                               numbers={"group": g.id, "published": g.credits}))
    for g in q.open_groups():
        out.append(Finding(qualification=q.id, regime="all", kind="open-group",
                           sentence=f"{g.name} of {q.accreditation} lists only some of its units ({len(g.units)} "
                                    f"listed): every figure here is over the listed units only.",
                           numbers={"group": g.id}))
    return out + [Finding(qualification=q.id, regime="all", kind=n.kind, sentence=n.sentence, numbers=n.numbers)
                  for n in published_notes(q, catalogue.units)]


def _reading_findings(catalogue: Catalogue, q: Qualification) -> list[Finding]:
    """Each ambiguous rule, and what its readings change for a new learner."""
    return [Finding(qualification=q.id, regime="a new learner", kind="ambiguous-rule", sentence=d.sentence(),
                    numbers={"rule": d.rule, "readings": {n: list(v) for n, v in d.readings.items()}})
            for d in reading_differences(catalogue, q)]


def credit_text(published: CreditRange) -> str:
    """A published credit value as words: '13-36', '14', or '20 or more'."""
    if published.max is None:
        return f"{published.min} or more"
    return str(published.min) if published.min == published.max else f"{published.min}-{published.max}"


def suspected_equivalences(catalogue: Catalogue) -> list[Finding]:
    """Units of different codes in different qualifications with the same title, level, credits and GLH,
    not already declared equivalent: for a designer to confirm (declare) or reject."""
    homes: dict[str, list[str]] = {}
    for q in catalogue.qualifications:
        for code in q.unit_codes():
            homes.setdefault(code, []).append(q.accreditation)
    declared = {frozenset((r.unit, r.counts_as)) for q in catalogue.qualifications for r in q.rules
                if isinstance(r, EquivalenceRule)}
    by_key: dict[tuple[object, ...], list[str]] = {}
    for code in homes:
        u = catalogue.units[code]
        by_key.setdefault((_normal_title(u.title), u.level, u.credits, u.glh), []).append(code)
    out = []
    for (_, level, credits, glh), codes in sorted(by_key.items()):
        for i, a in enumerate(codes):
            for b in codes[i + 1:]:
                if set(homes[a]) == set(homes[b]) or frozenset((a, b)) in declared:
                    continue
                u = catalogue.units[a]
                out.append(Finding(
                    qualification="catalogue", regime="all", kind="suspected-equivalence",
                    sentence=f"{a} ({', '.join(homes[a])}) and {b} ({', '.join(homes[b])}) are both \"{u.title}\" at "
                             f"level {level}, {credits} credits, {glh} GLH: confirm and declare an equivalence, or "
                             f"reject.",
                    numbers={"units": [a, b], "level": level, "credits": credits, "glh": glh}))
    return out


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
        findings += _data_findings(catalogue, q)
        findings += _credit_findings(catalogue, q, per_regime) + _glh_findings(q, per_regime, catalogue)
        findings += _average_findings(catalogue, q, per_regime) + _unit_findings(catalogue, q, per_regime)
        findings += _reading_findings(catalogue, q)
    if qualification is None:
        findings += suspected_equivalences(catalogue)
    else:
        findings += [f for f in suspected_equivalences(catalogue)
                     if any(c in chosen[0].unit_codes() for c in f.numbers["units"])]
    return AuditReport(qualifications=tuple(audits), findings=tuple(findings))
