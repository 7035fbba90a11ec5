"""The audit's records: findings, registration regimes, per-regime figures and the whole report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from solver.budget import Limit
from solver.engine.counting import (
    CountResult,
)
from solver.engine.status import Status
from solver.model.catalogue import Catalogue
from solver.model.documents import CreditRange, Qualification
from solver.queries.audit_membership import Membership

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
    pathway: str | None = None  # the named pathway whose learners it is about (None: the qualification's own)

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification, "pathway": self.pathway, "regime": self.regime,
                "kind": self.kind, "sentence": self.sentence, "numbers": self.numbers}


@dataclass(frozen=True)
class Regime:
    """A registration window: learners registered in it are under the same rules (replacements, availability)."""

    label: str
    registered: dt.date | None
    pathway: str | None = None  # the named pathway its learners follow (its name is in the label)


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
    # Dead and forced units found by solves when the shares are out of reach (None: not searched that way).
    members: Membership | None = None
    # The credit range over every completion of the unpublished credits (group totals used): exact when the
    # credits of every valid pathway are settled (then it replaces the range that counted them as 0).
    credits_exact: bool = False
    credits_bounded: bool = False  # the range rests on unpublished credits: least a lower bound, most an upper one
    glh_bounded: bool = False  # some unit has unpublished GLH: the GLH range counts it as 0, each end a lower bound
    unfinished: tuple[str, ...] = ()  # checks a limit stopped before they were complete, in words

    def bounds(self, measure: str) -> bool:
        """Whether the range of `measure` ('credits' or 'GLH') counts unpublished values as 0 in some counted
        pathway: then each end is a lower bound."""
        if measure == "credits" and (self.credits_exact or self.credits_bounded):
            return self.credits_bounded  # the open range: each end labelled by itself
        if measure == "GLH" and self.glh_bounded:
            return True  # said whether or not the count (which may have stopped) noted it
        return any(f"claim units of unpublished {measure}" in n or f"may claim units of unpublished {measure}" in n
                   for n in self.counts.notes)

    @property
    def dead(self) -> list[str]:
        """Units in no valid pathway (empty when neither the shares nor the search found them; when the search
        was stopped, those found so far: see `undecided`)."""
        if self.shares and self.counts.count is not None:
            return [u for u, n in self.shares.items() if n == 0]
        return list(self.members.dead) if self.members is not None else []

    @property
    def forced(self) -> list[str]:
        """Units in every valid pathway, mandatory ones included (as `dead`)."""
        if self.shares and self.counts.count:
            return [u for u, n in self.shares.items() if n == self.counts.count]
        return list(self.members.forced) if self.members is not None else []

    @property
    def units_known(self) -> bool:
        """Whether the dead and forced lists are complete (from the shares, or a search that finished)."""
        return bool(self.shares) or self.counts.count == 0 or (self.members is not None and self.members.complete)

    @property
    def undecided(self) -> list[str]:
        """Units a stopped search left undecided (neither shown dead nor live, or forced nor free)."""
        return list(self.members.undecided) if self.members is not None and not self.shares else []

    def to_dict(self) -> dict[str, Any]:
        count = self.counts.count
        return {"regime": self.regime.label,
                "registered": self.regime.registered.isoformat() if self.regime.registered else None,
                "status": self.status, "credits": [self.min_credits, self.max_credits],
                "glh": [self.min_glh, self.max_glh],
                **{f"{m.lower()}_are_lower_bounds": True for m in ("GLH",) if self.bounds(m)},
                **({"credits_are_lower_bounds": True} if self.bounds("credits") and not self.credits_bounded else {}),
                **({"credits_bounds": {"at_least": self.min_credits, "at_most": self.max_credits}}
                   if self.credits_bounded else {}),
                "lowest_glh_route": list(self.lowest_glh_route) if self.lowest_glh_route else None,
                "count": count, "minimal": self.counts.minimal, "method": self.counts.method,
                "count_at_least": self.counts.count_at_least, "count_at_most": self.counts.count_at_most,
                "minimal_at_least": self.counts.minimal_at_least,
                "dead": self.dead, "forced": self.forced, "dead_and_forced_complete": self.units_known,
                "undecided_units": self.undecided, "credits_exact": self.credits_exact,
                "not_completed": list(self.unfinished),
                "shares": {u: {"pathways": n, "share": (n / count if count else 0.0)} for u, n in self.shares.items()},
                "average_glh_readings": self.average_glh, "notes": list(self.notes)}


@dataclass(frozen=True, kw_only=True)
class QualificationAudit:
    """A qualification's regimes; with named pathways, one of these per pathway audited (`qualification` is then
    the qualification for a learner on `pathway`, its title naming it)."""

    qualification: Qualification
    regimes: tuple[RegimeAudit, ...]
    pathway: str | None = None

    def to_dict(self) -> dict[str, Any]:
        q = self.qualification
        return {"id": q.id, "accreditation": q.accreditation, "title": q.title, "pathway": self.pathway,
                "published": q.figures.model_dump(mode="json", exclude_none=True),
                "regimes": [r.to_dict() for r in self.regimes]}


@dataclass(frozen=True, kw_only=True)
class AuditReport:
    """The audit of one qualification or a whole catalogue: per-regime facts and the findings they raise."""

    qualifications: tuple[QualificationAudit, ...]
    findings: tuple[Finding, ...]
    stopped_by: Limit | None = None  # the limit that left some check unfinished (each regime says which)
    not_audited: tuple[str, ...] = ()  # qualifications a stop left with no audit at all

    @property
    def complete(self) -> bool:
        return self.stopped_by is None and not any(r.unfinished for q in self.qualifications for r in q.regimes)

    def to_dict(self) -> dict[str, Any]:
        return {"qualifications": [q.to_dict() for q in self.qualifications],
                "findings": [f.to_dict() for f in self.findings], "complete": self.complete,
                "stopped_by": self.stopped_by, "not_audited": list(self.not_audited)}

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



def credit_text(published: CreditRange) -> str:
    """A published credit value as words: '13-36', '14', or '20 or more'."""
    if published.max is None:
        return f"{published.min} or more"
    return str(published.min) if published.min == published.max else f"{published.min}-{published.max}"



def open_values(catalogue: Catalogue, q: Qualification) -> list[str]:
    """The units of `q` with an unpublished value its rules read: credits, a level, or GLH or TQT a rule sums."""
    rules = [*q.rules, *(r for p in q.pathways for r in p.rules)]
    summed = {getattr(r, "sum", None) for r in rules}
    return [c for c in q.unit_codes()
            if catalogue.units[c].credits is None or catalogue.units[c].level is None
            or any(m in summed and getattr(catalogue.units[c], m) is None for m in ("glh", "tqt"))]


def n_units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"
