"""What one request may ask of the server, and a Planner whose solves stop at a deterministic limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from solver.budget import Budget
from solver.engine.compile import SOLVE_PARAMS, CompiledModel, Solution
from solver.engine.status import Status
from solver.errors import PathwaysError
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.queries.recommendation import Planner
from solver.request.formulation import Formulation
from solver.request.objectives import Tier
from solver.rules import Linear
from solver.web.ceiling import current


@dataclass(frozen=True)
class Limits:
    """Bounds on one request; generous for real qualifications, small enough that no request hogs the server."""

    max_body_bytes: int = 256 * 1024
    max_units: int = 500  # unit codes in one list (units, achieved, include, exclude)
    max_goals: int = 50
    max_alternatives: int = 5
    max_page: int = 200  # pathways in one enumerate page
    max_offset: int = 2_000  # how deep paging may go (ordered listing visits every earlier pathway)
    max_edits: int = 50
    max_cohort_rows: int = 2_000
    max_cohort_bytes: int = 512 * 1024  # one cohort CSV: the README's "512 KiB (524,288 bytes)"
    max_document_bytes: int = 8 * 1024 * 1024  # one uploaded specification (real PDFs with pictures run to MBs)
    solve_time: float = 5.0  # CP-SAT deterministic time per solve: the same answer on every run and machine
    enumerate_seconds: float = 5.0  # wall-clock limit on one page of pathways, and on counting by enumeration
    max_concurrent: int = 4  # requests solving at once; more wait for a free slot
    max_per_client: int = 3  # of those, held by one client address: another client always finds one or is next
    wall_seconds: float = 20.0  # wall-clock ceiling on one request's solving, whatever the load: then partial
    body_seconds: float = 30.0  # the whole request body must arrive within this (a client at 2 bytes/s is cut)
    max_periods: int = 520  # periods from a plan's start to its finish_by (a plan's own horizon is at most this)
    remembered: int = 512  # answers kept for identical later requests (0: none)


def cohort_file_limit(limits: Limits) -> str:
    """The cohort upload limit in words, the same on the page, in the 413 and in the README."""
    return f"at most {limits.max_cohort_bytes:,} bytes ({limits.max_cohort_bytes // 1024:,} KiB) per cohort file"


class LimitExceeded(PathwaysError):
    """A request larger than the server's limits: answered 413 with what the limit is."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


class _LimitedModel(CompiledModel):
    """A compiled model whose solves, unless told otherwise, stop at a deterministic time limit."""

    deterministic_time: float = 5.0

    def solve(self, tiers: Sequence[Tier] = (), disabled: Iterable[str] = (), extra: Iterable[Linear] = (),
              nogoods: Iterable[frozenset[str]] = (), time_limit: float | None = None,
              params: dict[str, Any] | None = None, budget: Budget | None = None, *more: Any,
              **named: Any) -> Solution:
        # `more` and `named`: whatever else CompiledModel.solve takes, passed on as given.
        params = params or dict(SOLVE_PARAMS, max_deterministic_time=self.deterministic_time)
        bound = current()
        if bound is None:
            return super().solve(tiers, disabled, extra, nogoods, time_limit, params, budget, *more, **named)
        # The request's wall-clock ceiling too: whichever limit comes first stops the search.
        solution = super().solve(tiers, disabled, extra, nogoods, time_limit,
                                 dict(params, max_time_in_seconds=bound.left()), budget, *more, **named)
        if bound.left() == 0.0 and solution.status in (Status.FEASIBLE, Status.UNKNOWN):
            bound.reached = True
        return solution


class DeterministicPlanner(Planner):
    """Planner whose solves are bounded by CP-SAT's deterministic time, not the wall clock.

    The public `recommend` takes only a wall-clock `time_limit`, whose answer could differ between a busy and
    a quiet server; this keeps a limit-stopped answer (FEASIBLE, never called optimal) the same every time.
    """

    def __init__(self, catalogue: Catalogue, qualification: Qualification, deterministic_time: float = 5.0):
        super().__init__(catalogue, qualification, time_limit=None)
        self.deterministic_time = deterministic_time

    def model_for(self, f: Formulation) -> CompiledModel:
        key = tuple(r for r in f.requirements if r.origin == "rule")
        if key not in self._models:
            model = _LimitedModel(f.variables, key, f.credits())
            model.deterministic_time = self.deterministic_time
            self._models[key] = model
        return self._models[key]
