"""`explain`: why a request is impossible — a deletion-minimal conflict and one-number relaxations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.engine.compile import CompiledModel
from solver.engine.status import Status
from solver.request.requirements import Ask, Origin, Requirement
from solver.rules import Bound, Side
from solver.rules.linear import Linear, total


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """One change that alone makes the whole request possible."""

    id: str
    sentence: str
    value: int | None = None
    side: Side | None = None  # which bound moves, for a relaxed number

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "value": self.value, "description": self.sentence}


@dataclass(frozen=True, kw_only=True)
class Explanation:
    """The conflict (removing any one member makes it possible) and the relaxations that fix it."""

    conflict: tuple[Requirement, ...]
    relaxations: tuple[Relaxation, ...]

    def sentences(self) -> list[str]:
        parts = "; ".join(_lower(r.description) for r in self.conflict)
        return [f"These cannot all hold together: {parts}.", *(r.sentence for r in self.relaxations)]

    def to_dict(self) -> dict[str, Any]:
        return {"conflict": [{"id": r.id, "origin": r.origin, "description": r.description, "source": r.source}
                             for r in self.conflict],
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
    n = sum(model.credits.get(c, 0) for c in pathway)
    return f"{n} credit{'s' if n != 1 else ''}"


def _moved(model: CompiledModel, req: Requirement, bound: Bound) -> Relaxation | None:
    """The value `bound` would need for the whole request to be possible, every other bound kept.

    A maximum is raised to the lowest sum the rest allows, a minimum lowered to the highest; the rule's
    other bound stays, so the answer never trades one side of a window for the other.
    """
    others = [b for b in req.bounds if b is not bound]
    kept = [Linear(b.terms, b.value, None) if b.side is Side.MIN else Linear(b.terms, None, b.value) for b in others]
    sign = 1 if bound.side is Side.MAX else -1
    best = model.solve(tiers=[tuple((v, sign * c) for v, c in bound.terms)], disabled={req.id}, extra=kept)
    if best.status is not Status.OPTIMAL or best.pathway is None:
        return None
    value = total(bound.terms, best.pathway)
    if (bound.side is Side.MAX and value <= bound.value) or (bound.side is Side.MIN and value >= bound.value):
        return None  # this bound is not what stands in the way
    if req.kind is Ask.BUDGET:
        sentence = (f"The lowest {bound.metric} that meets every other requirement is {value} "
                    f"({_credits(model, best.pathway)}); your budget is {bound.value}.")
    elif bound.side is Side.MAX:
        sentence = (f"{req.description}: the lowest {bound.metric} possible with every other requirement is "
                    f"{value}, so raising the maximum from {bound.value} to {value} would make it possible.")
    else:
        sentence = (f"{req.description}: the highest {bound.metric} possible with every other requirement is "
                    f"{value}, so lowering the minimum from {bound.value} to {value} would make it possible.")
    return Relaxation(id=req.id, sentence=sentence, value=value, side=bound.side)


def _dropped(model: CompiledModel, req: Requirement, everything: list[str]) -> Relaxation | None:
    """Dropping the whole requirement, if that alone makes the request possible."""
    if not model.feasible((set(model.enabled) - {req.id}) & set(everything)):
        return None
    sentence = {Ask.INCLUDE: f"Leaving out {req.unit} would make it possible.",
                Ask.EXCLUDE: f"Allowing {req.unit} would make it possible."}.get(
        req.kind, f"Without the requirement '{_lower(req.description)}' it would be possible.")
    return Relaxation(id=req.id, sentence=sentence)


def _relaxations(model: CompiledModel, req: Requirement, everything: list[str]) -> list[Relaxation]:
    if req.kind is Ask.OFFER:  # a provider's offer: name the fewest units to add, not a number
        added = smallest_addition(model, req)
        return [added] if added is not None else []
    if req.bounds:
        return [x for b in req.bounds if (x := _moved(model, req, b)) is not None]
    dropped = _dropped(model, req, everything)
    return [dropped] if dropped is not None else []


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
    relaxations = [x for r in conflict if r.origin is Origin.LEARNER for x in _relaxations(model, r, ids)]
    if not relaxations:
        relaxations = [x for r in conflict if r.origin is Origin.RULE for x in _relaxations(model, r, ids)]
    return Explanation(conflict=conflict, relaxations=tuple(relaxations))


def smallest_addition(model: CompiledModel, req: Requirement) -> Relaxation | None:
    """The fewest units outside the offer that make the request possible (a minimum-cardinality solve)."""
    outside, hours = req.linears[0].terms, req.linears[-1].terms
    best = model.solve(tiers=[outside, hours], disabled={req.id})  # fewest units, then the fewest GLH
    if best.status is not Status.OPTIMAL or best.pathway is None:
        return None
    added = [c for c, _ in outside if c in best.pathway]
    noun = "unit" if len(added) == 1 else "units"
    return Relaxation(id=req.id, sentence=f"The centre would have to add at least {len(added)} {noun} to its offer, "
                                          f"e.g. {', '.join(added)} (the fewest GLH of any such set); no smaller "
                                          f"set makes it possible.", value=len(added))
