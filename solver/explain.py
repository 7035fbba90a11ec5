"""`explain`: why a request is impossible — a deletion-minimal conflict and one-number relaxations."""

from __future__ import annotations

from dataclasses import dataclass

from solver.compile import CompiledModel
from solver.learner import Requirement
from solver.offer import OFFER_ID, smallest_addition

METRIC_NAMES = {"max-glh": "new GLH"}


@dataclass(frozen=True)
class Relaxation:
    """One change that alone makes the whole request possible."""

    id: str
    sentence: str
    value: int | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "value": self.value, "description": self.sentence}


@dataclass(frozen=True)
class Explanation:
    """The conflict (removing any one member makes it possible) and the relaxations that fix it."""

    conflict: tuple[Requirement, ...]
    relaxations: tuple[Relaxation, ...]

    def sentences(self) -> list[str]:
        parts = "; ".join(_lower(r.description) for r in self.conflict)
        return [f"These cannot all hold together: {parts}.", *(r.sentence for r in self.relaxations)]

    def to_dict(self) -> dict:
        return {"conflict": [{"id": r.id, "origin": r.origin, "description": r.description} for r in self.conflict],
                "relaxations": [r.to_dict() for r in self.relaxations]}


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def minimal_conflict(model: CompiledModel, ids: list[str]) -> list[str] | None:
    """A deletion-minimal infeasible subset of `ids`, or None if they can all hold together."""
    core = model.core(ids)
    if core is None:
        return None
    conflict = [rid for rid in ids if rid in set(core)]  # keep request order: deterministic output
    for rid in list(conflict):
        trial = [r for r in conflict if r != rid]
        smaller = model.core(trial)
        if smaller is not None:  # still impossible without it: it is not needed
            conflict = [r for r in trial if r in set(smaller)]
    return conflict


def _credits(model: CompiledModel, pathway: frozenset[str]) -> str:
    total = sum(model.credits.get(c, 0) for c in pathway)
    return f"{total} credit{'s' if total != 1 else ''}"


def _relax(model: CompiledModel, req: Requirement, everything: list[str]) -> Relaxation | None:
    """The single number for `req` that makes the whole request possible, or dropping it if that does."""
    if req.id == OFFER_ID:  # a provider's offer: name the fewest units to add, not a number
        return smallest_addition(model, req)
    others = set(model.enabled) - {req.id}
    if req.bound is not None and req.terms:
        kind, limit = req.bound
        sign = 1 if kind == "max" else -1
        best = model.solve(tiers=[tuple((v, sign * c) for v, c in req.terms)], disabled={req.id})
        if best.status != "OPTIMAL" or best.pathway is None:
            return None
        value = sum(c for v, c in req.terms if v in best.pathway)
        what = METRIC_NAMES.get(req.id, "total")
        if req.id == "max-glh":
            sentence = (f"The lowest new GLH that meets every other requirement is {value} "
                        f"({_credits(model, best.pathway)}); your budget is {limit}.")
        elif kind == "max":
            sentence = (f"{req.description}: the lowest {what} possible with every other requirement is {value}, "
                        f"so raising the maximum to {value} would make it possible.")
        else:
            sentence = (f"{req.description}: the highest {what} possible with every other requirement is {value}, "
                        f"so lowering the minimum to {value} would make it possible.")
        return Relaxation(req.id, sentence, value)
    if model.feasible(others & set(everything)):
        kind, _, code = req.id.partition(":")
        sentence = {"include": f"Leaving out {code} would make it possible.",
                    "exclude": f"Allowing {code} would make it possible."}.get(
            kind, f"Without the requirement '{_lower(req.description)}' it would be possible.")
        return Relaxation(req.id, sentence)
    return None


def explain(model: CompiledModel, requirements: tuple[Requirement, ...]) -> Explanation | None:
    """Explain an impossible request; None when it is possible."""
    ids = [r.id for r in requirements]
    conflict_ids = minimal_conflict(model, ids)
    if conflict_ids is None:
        return None
    by_id = {r.id: r for r in requirements}
    conflict = tuple(by_id[rid] for rid in conflict_ids)
    # A learner can change their own asks, not the qualification's rules: offer rule relaxations (for
    # designers) only when no learner-side change is enough.
    relaxations = [x for r in conflict if r.origin == "learner" if (x := _relax(model, r, ids)) is not None]
    if not relaxations:
        relaxations = [x for r in conflict if r.origin == "rule" if (x := _relax(model, r, ids)) is not None]
    return Explanation(conflict, tuple(relaxations))
