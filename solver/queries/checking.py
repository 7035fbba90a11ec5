"""`check`: does a unit set satisfy a qualification? Rule by rule, with numbers, and the nearest valid pathway."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from solver.budget import Budget
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.request.formulation import Formulation, claim_named, formulate
from solver.request.requirements import new_glh_terms
from solver.request.unknowns import CreditBounds, credit_bounds
from solver.rules import Verdict
from solver.rules.linear import total

if TYPE_CHECKING:
    import pandas as pd

    from solver.queries.repair import Repair


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one unit set: valid or not, and every rule with what it needs and what it got."""

    qualification: str
    units: tuple[str, ...]
    verdicts: tuple[Verdict, ...]
    credits: int  # of the units whose credit values are published (see credit_bounds when some are not)
    glh: int
    new_glh: int
    unpublished: dict[str, tuple[str, ...]] = field(default_factory=dict)  # claimed unit -> values not published
    open_groups: tuple[str, ...] = ()  # groups listing only some units: the verdict is over the listed ones
    modes: dict[str, str] = field(default_factory=dict)  # unit named without a mode -> the mode it is claimed in
    repair: Repair | None = None  # for an invalid set: the nearest valid pathway, or why there is none
    credit_bounds: CreditBounds | None = None  # when claimed units' credits are unpublished: what they can total

    @property
    def glh_words(self) -> str:
        """'205 GLH (205 new)', or 'at least ...' naming the claimed units of unpublished GLH."""
        unknown = [c for c, values in self.unpublished.items() if "glh" in values]
        if not unknown:
            return f"{self.glh} GLH ({self.new_glh} new)"
        return f"at least {self.glh} GLH (at least {self.new_glh} new; {', '.join(unknown)} unpublished)"

    @property
    def credits_words(self) -> str:
        """The credits as known: '37 credits', or a bound naming the units that leave it open."""
        return self.credit_bounds.words() if self.credit_bounds else f"{self.credits} credits"

    @property
    def valid(self) -> bool:
        return all(v.holds for v in self.verdicts)

    @property
    def undetermined(self) -> list[Verdict]:
        """Verdicts that rest on unpublished values: neither holding nor failing until they are known."""
        return [v for v in self.verdicts if not v.determined]

    @property
    def verdict(self) -> str:
        """'valid', 'invalid', or 'undetermined' when nothing fails for sure but something rests on the unknown."""
        if self.valid:
            return "valid"
        return "undetermined" if all(v.holds or not v.determined for v in self.verdicts) else "invalid"

    @property
    def fixes(self) -> list[str]:
        return [v.fix for v in self.verdicts if v.fix]

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification, "valid": self.valid, "verdict": self.verdict,
                "units": list(self.units), **self._credits(), **self._glh(),
                "unpublished": {c: list(v) for c, v in self.unpublished.items()},
                "over_listed_units_only": list(self.open_groups),
                "rules": [{"id": v.id, "holds": v.holds, "determined": v.determined, "required": v.required,
                           "actual": v.actual, "description": v.sentence, "fix": v.fix, "note": v.note,
                           "source": v.source, "unknown": list(v.unknown)} for v in self.verdicts],
                "fixes": self.fixes, **({"modes": self.modes} if self.modes else {}),
                **({"repair": self.repair.to_dict()} if self.repair else {})}

    def _glh(self) -> dict[str, Any]:
        unknown = [c for c, values in self.unpublished.items() if "glh" in values]
        if not unknown:
            return {"glh": self.glh, "new_glh": self.new_glh}
        return {"glh": None, "new_glh": None, "glh_at_least": self.glh, "new_glh_at_least": self.new_glh,
                "glh_rests_on_unpublished": unknown}

    def _credits(self) -> dict[str, Any]:
        bounds = self.credit_bounds
        if bounds is None or bounds.exact:
            return {"credits": bounds.low if bounds else self.credits}
        return {"credits": None, **bounds.to_dict()}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.to_dict()["rules"])


def check(catalogue: Catalogue, qualification: str | Qualification, units: list[str] | tuple[str, ...],
          learner: Learner = Learner(), repair: bool = True, budget: Budget | None = None) -> CheckResult:
    """Evaluate `units` against every rule of `qualification` for this learner (registration, achievements); for an
    invalid set (and `repair`), also the nearest valid pathway that keeps the learner's includes and excludes (its
    solves under `budget`, which hears the progress)."""
    if budget is not None:
        budget.tell("checking the rules")
    q = catalogue.qualification(qualification)
    situation = Learner(registered=learner.registered, achieved=learner.achieved, exempt=learner.exempt)
    f = formulate(catalogue, q, situation)
    own, claims = f.context.units, f.context.claims
    chosen = tuple(dict.fromkeys(claim_named(catalogue, c) for c in units))
    foreign = [c for c in chosen if c not in own and c not in claims]
    verdicts = [Verdict(f"unit:{c}", False, "a unit of this qualification", "not part of it",
                        f"{c} is not a unit of {q.accreditation}"
                        + (" (nor of any qualification in the catalogue)" if c not in catalogue.units
                           else " and no import slot of it takes it" if f.context.imported else ""),
                        f"remove {c}") for c in foreign]
    pathway, modes = in_modes(f, frozenset(c for c in chosen if c in own), [c for c in chosen if c in claims])
    verdicts += [v for v in f.evaluate(pathway) if v.id not in ("availability", "modes") or not v.holds]
    bounds = credit_bounds(q, f.context, pathway)
    result = CheckResult(
        qualification=q.accreditation, units=chosen, verdicts=tuple(verdicts),
        credits=sum(own[c].credits or 0 for c in pathway), glh=sum(own[c].glh or 0 for c in pathway),
        new_glh=total(new_glh_terms(f.context), pathway),
        unpublished={c: own[c].unpublished for c in own if c in pathway and own[c].unpublished},
        open_groups=tuple(g.name for g in q.open_groups()), modes=modes,
        credit_bounds=bounds if bounds.unknown else None)
    if not repair or result.verdict != "invalid":
        return result
    # Only an invalid set needs the solver: a valid check stays free of OR-Tools (0.5 s to import).
    from solver.queries.repair import nearest_valid

    insisting = formulate(catalogue, q, situation.model_copy(update={"include": learner.include,
                                                                      "exclude": learner.exclude}))
    return replace(result, repair=nearest_valid(insisting, pathway, tuple(foreign), budget=budget))


def surely_valid(f: Formulation, pathway: frozenset[str]) -> bool:
    """Whether every requirement holds on `pathway` whatever its unpublished credits turn out to be (within
    their group totals)."""
    return f.valid(pathway)  # the evaluation settles what published group totals decide


def in_modes(f: Formulation, pathway: frozenset[str], bare: list[str]) -> tuple[frozenset[str], dict[str, str]]:
    """The pathway with each unit named without its mode claimed in one: the first assignment of modes (in
    the order the units list them) that makes the pathway valid, else the first; and the modes chosen."""
    if not bare:
        return pathway, {}
    options = [f.context.claims[c] for c in bare]
    # Beyond a dozen such units the 2^k assignments are not tried: the first modes are taken as named.
    tried = itertools.product(*options) if len(bare) <= 12 else iter([tuple(o[0] for o in options)])
    chosen: frozenset[str] | None = None
    for assignment in tried:
        candidate = pathway | set(assignment)
        if chosen is None or f.valid(candidate):
            chosen = candidate
        if f.valid(candidate):
            break
    chosen = chosen if chosen is not None else pathway
    return chosen, {c: f.context.units[claim].modes[0] for c in bare for claim in f.context.claims[c]
                    if claim in chosen}
