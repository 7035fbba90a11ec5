"""Dead and forced units found by a few solves rather than one per unit: each pathway found clears many units at
once (a unit in it is not dead, a unit outside it is not forced), and a solve that finds none proves the rest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from solver.budget import Budget
from solver.engine.compile import CompiledModel
from solver.engine.status import Status
from solver.rules import Linear

SOLVE_WORK = 1.0  # deterministic units one search may take: a long one is cut and the budget goes to the next
# Building and reading back one search costs Python time CP-SAT does not count (a 5,000-unit model: about 2 s of
# an idle core): charged per unit of the model, deterministically, so the work limit bounds the whole search.
OVERHEAD_PER_UNIT = 4e-4
TASK = "dead and forced units"


@dataclass(frozen=True, kw_only=True)
class Membership:
    """Units in no valid pathway and in every one; `complete` False when a limit left some units undecided
    (listed in `undecided`: neither list then holds them, and neither list is the whole answer)."""

    dead: tuple[str, ...]
    forced: tuple[str, ...]
    undecided: tuple[str, ...] = ()
    solves: int = 0

    @property
    def complete(self) -> bool:
        return not self.undecided


def membership(model: CompiledModel, variables: Iterable[str], seen: Iterable[frozenset[str]] = (),
               budget: Budget | None = None) -> Membership:
    """Which of `variables` are dead and which forced, over the valid pathways of `model`; `seen`: valid
    pathways already known (they clear their units without a solve). Each solve asks for a pathway claiming as
    many undecided units as it can (or leaving out as many): at most one solve per unit, usually a handful."""
    units = list(variables)
    live: set[str] = set()  # in some valid pathway: not dead
    free: set[str] = set()  # outside some valid pathway: not forced
    for pathway in seen:
        live.update(u for u in units if u in pathway)
        free.update(u for u in units if u not in pathway)
    dead: set[str] = set()
    forced: set[str] = set()
    solves = 0
    stopped = False
    for want_in in (True, False):
        while not stopped:
            open_ = [u for u in units if u not in (live | dead if want_in else free | forced)]
            if not open_:
                break
            _tell(budget, units, live, dead, free, forced)
            if budget is not None and budget.stopped() is not None:
                stopped = True
                break
            terms = tuple((u, -1 if want_in else 1) for u in open_)
            # At least one undecided unit claimed (or left out), as many as the search finds.
            ask = Linear(tuple((u, 1) for u in open_), 1, None) if want_in \
                else Linear(tuple((u, 1) for u in open_), None, len(open_) - 1)
            solution = model.solve(tiers=[terms], extra=[ask], budget=budget,
                                   params={"max_deterministic_time": SOLVE_WORK})
            solves += 1
            if budget is not None:
                budget.spend(OVERHEAD_PER_UNIT * len(units))
            if solution.status is Status.INFEASIBLE:
                (dead if want_in else forced).update(open_)
            elif solution.pathway is not None:
                live.update(u for u in units if u in solution.pathway)
                free.update(u for u in units if u not in solution.pathway)
            else:
                stopped = True  # neither a pathway nor a proof within the limits: the rest stay undecided
    _tell(budget, units, live, dead, free, forced)
    undecided = tuple(u for u in units if (u not in live and u not in dead) or (u not in free and u not in forced))
    return Membership(dead=tuple(u for u in units if u in dead), forced=tuple(u for u in units if u in forced),
                      undecided=undecided, solves=solves)


def _tell(budget: Budget | None, units: list[str], live: set[str], dead: set[str], free: set[str],
          forced: set[str]) -> None:
    if budget is not None:
        decided = sum(1 for u in units if (u in live or u in dead) and (u in free or u in forced))
        budget.tell(TASK, decided, len(units), f"{len(dead)} dead, {len(forced)} forced so far")
