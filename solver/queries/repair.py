"""The nearest valid pathway to an invalid unit set: the fewest units to add and remove, then the lowest new GLH."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.budget import Budget
from solver.engine.compile import CompiledModel
from solver.engine.explain import explain
from solver.engine.status import Status
from solver.request.formulation import Formulation
from solver.request.requirements import new_glh_terms
from solver.rules.linear import Linear, total

ALTERNATIVES = 3  # other changes as near and as cheap, shown beside the first


@dataclass(frozen=True, kw_only=True)
class Change:
    """One coherent change that makes a unit set valid."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    new_glh: int  # of the pathway the change leads to

    @property
    def size(self) -> int:
        return len(self.add) + len(self.remove)

    def sentence(self) -> str:
        parts = [f"add {_and(self.add)}" if self.add else "", f"remove {_and(self.remove)}" if self.remove else ""]
        return "; ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {"add": list(self.add), "remove": list(self.remove), "changes": self.size, "new_glh": self.new_glh}


@dataclass(frozen=True, kw_only=True)
class Repair:
    """The nearest valid pathway (`best`, with `alternatives` as near and as cheap), or why there is none."""

    status: Status
    best: Change | None = None
    alternatives: tuple[Change, ...] = ()
    why: tuple[str, ...] = ()  # when no valid pathway keeps what the learner insists on
    complete: bool = True  # False when the listing of equally near changes stopped at ALTERNATIVES

    def sentence(self) -> str:
        if self.best is None:
            return " ".join(self.why) or "No valid pathway was found within the limit."
        changes = f"{self.best.size} change{'s' if self.best.size != 1 else ''}"
        proven = "" if self.status is Status.OPTIMAL else " (a limit was reached: the nearest found, not proven)"
        text = f"Nearest valid pathway: {self.best.sentence()} ({changes}, {self.best.new_glh} new GLH){proven}."
        if self.alternatives:
            text += " Equally near: " + "; ".join(a.sentence() for a in self.alternatives) + "."
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "best": self.best.to_dict() if self.best else None,
                "alternatives": [a.to_dict() for a in self.alternatives], "why": list(self.why),
                "sentence": self.sentence()}


def nearest_valid(f: Formulation, chosen: frozenset[str], foreign: tuple[str, ...] = (),
                  alternatives: int = ALTERNATIVES, time_limit: float | None = 10.0,
                  budget: Budget | None = None) -> Repair:
    """The fewest additions and removals that turn `chosen` (claims of `f`) into a valid pathway, then the lowest
    new GLH; `foreign` units (not of the qualification) are always removed. Every change is re-checked. Under
    `budget` (its limits as well as `time_limit` per solve), progress is told and a stop ends the search."""
    if budget is not None:
        budget.tell("nearest valid pathway", 0, alternatives + 1)
    model = CompiledModel(f.variables, f.requirements, f.credits())
    # Edits = |chosen| - (units of chosen kept) + (units added): minimise -1 per kept unit, +1 per added one.
    edits = tuple((v, -1 if v in chosen else 1) for v in f.variables)
    glh = new_glh_terms(f.context)
    first = model.solve(tiers=[edits, glh], work_limit=time_limit, budget=budget)
    if first.pathway is None:
        if first.status is Status.INFEASIBLE:
            why = explain(model, f.requirements)
            return Repair(status=first.status, why=tuple(why.sentences()) if why else ("No valid pathway exists.",))
        return Repair(status=first.status)
    found = [_change(f, chosen, foreign, first.pathway, glh)]
    # Others exactly as near and as cheap: the same two totals, a different unit set each time.
    same = (Linear(edits, None, total(edits, first.pathway)), Linear(glh, None, total(glh, first.pathway)))
    seen = [first.pathway]
    while len(found) <= alternatives and (budget is None or budget.stopped() is None):
        if budget is not None:
            budget.tell("nearest valid pathway", len(found), alternatives + 1)
        other = model.solve(extra=same, nogoods=seen, work_limit=time_limit, budget=budget)
        if other.pathway is None:
            break
        seen.append(other.pathway)
        found.append(_change(f, chosen, foreign, other.pathway, glh))
    ordered = sorted(found[1:], key=lambda c: (c.remove, c.add))
    return Repair(status=first.status, best=found[0], alternatives=tuple(ordered[:alternatives]),
                  complete=len(found) <= alternatives)


def _change(f: Formulation, chosen: frozenset[str], foreign: tuple[str, ...], pathway: frozenset[str],
            glh: tuple[tuple[str, int], ...]) -> Change:
    pathway = f.verify(pathway, "repaired pathway")
    return Change(add=tuple(sorted(pathway - chosen)), remove=tuple(sorted(chosen - pathway)) + foreign,
                  new_glh=total(glh, pathway))


def _and(codes: tuple[str, ...]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + f" and {codes[-1]}"

