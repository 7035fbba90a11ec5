"""Pathways listed by CP-SAT where the programme cannot count them: capped by a work bound (the same stop
every run), each re-checked against the constraints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from solver.budget import Budget, Limit
from solver.engine.problem import Check, CountProblem
from solver.engine.status import Status
from solver.errors import PathwayInvalid
from solver.request.formulation import Formulation
from solver.rules.linear import Linear

LISTING_CAP = 10_000  # pathways CP-SAT may list when the programme cannot count: a work bound, not a clock
LISTING_WORK = 30.0  # CP-SAT deterministic seconds such a listing may take (the same stop every run)
# Reading each listed pathway back costs Python time CP-SAT's deterministic time does not see (on 5,000 units,
# 451 pathways took 69 s against 2 deterministic seconds): charged per variable of each pathway listed.
LISTED_VARIABLE_WORK = 3e-5


@dataclass(kw_only=True)
class Listing:
    """Pathways CP-SAT listed up to the work cap: complete when it proved there are no more."""

    pathways: list[frozenset[str]]
    complete: bool
    stopped: Limit | None = None  # the budget's limit that ended the listing, if one did


def list_by_solver(f: Formulation, problem: CountProblem, extra: tuple[Linear, ...], minimal: bool = False,
                  work: float = LISTING_WORK, budget: Budget | None = None) -> Listing:
    """List at most LISTING_CAP pathways (minimal ones if asked) with CP-SAT, each re-checked in plain Python;
    under `budget`, charged (CP-SAT's deterministic time and the reading back) and stopped at its limit."""
    from solver.engine.compile import CompiledModel  # OR-Tools (0.5 s to import) only once a solve is needed

    cap = LISTING_CAP

    found: list[frozenset[str]] = []
    overflow = [False]
    variables = f.variables
    check = Check(problem, variables)

    def take(masks: list[int]) -> bool:
        if budget is not None:
            budget.spend(len(masks) * len(variables) * LISTED_VARIABLE_WORK)
            budget.tell("listing pathways with CP-SAT", len(found) + len(masks), cap)
            if budget.stopped() is not None:
                overflow[0] = True  # not known to be all of them
                for mask in masks:  # what was read back is kept (each still checked)
                    found.append(_checked(mask))
                return False
        for mask in masks:
            if len(found) >= cap:
                overflow[0] = True
                return False
            found.append(_checked(mask))
        return True

    def _checked(mask: int) -> frozenset[str]:
        chosen = _members(mask, variables)
        if not check.holds(chosen) or (minimal and not check.is_minimal(chosen)):
            raise PathwayInvalid(f"CP-SAT returned a pathway the plain-Python check rejects: {sorted(chosen)}")
        return chosen

    floors = [lin for req in f.requirements for lin in req.linears if lin.lo is not None and lin.lo > 0]
    status = CompiledModel(variables, f.requirements).enumerate_masks(
        take, extra, floors if minimal else None, work_limit=work, batch=min(cap + 1, 2048 if budget is None else 16),
        budget=budget)
    complete = status in (Status.OPTIMAL, Status.INFEASIBLE) and not overflow[0]
    stopped = budget.stopped() if budget is not None and not complete else None
    return Listing(pathways=found, complete=complete, stopped=stopped)


def tally(listed: list[frozenset[str]], weights: Mapping[str, int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for chosen in listed:
        value = sum(weights[c] for c in chosen)
        out[value] = out.get(value, 0) + 1
    return dict(sorted(out.items()))


def _members(mask: int, variables: tuple[str, ...]) -> frozenset[str]:
    """The variables whose bits are set, lowest first: one step per member, not per variable."""
    out = []
    while mask:
        low = mask & -mask
        out.append(variables[low.bit_length() - 1])
        mask ^= low
    return frozenset(out)
