"""The one module that talks to OR-Tools: compile requirements to CP-SAT, solve, find cores, enumerate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from solver.budget import Budget, Limit
from solver.engine.status import Status
from solver.request.objectives import Request, Tier
from solver.request.requirements import Origin, Requirement
from solver.rules.linear import Linear, is_auxiliary

# Measured (benchmarks/): for these small models one worker is fastest and deterministic; with the LP
# kept (linearization 2) but presolve, probing and symmetry off, seed solves are ~3x faster and 2,000-unit
# ones ~10x. CP-SAT must not take over Ctrl-C, or it leaves the OS default behind and Python cannot stop cleanly.
SOLVE_PARAMS = {"num_workers": 1, "random_seed": 7, "linearization_level": 2, "cp_model_presolve": False,
                "cp_model_probing_level": 0, "symmetry_level": 0, "add_lp_constraints_lazily": False,
                "catch_sigint_signal": False}
CORE_PARAMS = {"num_workers": 1, "random_seed": 7, "catch_sigint_signal": False}
# Enumeration with linearization off is an order of magnitude faster (no LP at each node).
ENUMERATE_PARAMS = {"num_workers": 1, "random_seed": 7, "linearization_level": 0,
                    "enumerate_all_solutions": True, "cp_model_presolve": False, "catch_sigint_signal": False}

STATUS = {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
          cp_model.INFEASIBLE: Status.INFEASIBLE, cp_model.UNKNOWN: Status.UNKNOWN,
          cp_model.MODEL_INVALID: Status.MODEL_INVALID}


@dataclass(frozen=True, kw_only=True)
class Solution:
    """What CP-SAT said: status, the units chosen (if any) and the objective and bound it reached."""

    status: Status
    pathway: frozenset[str] | None
    objective: int | None = None
    bound: float | None = None
    seconds: float = 0.0
    stopped: Limit | None = None  # the limit that ended the search before it finished, if any
    values: tuple[int, ...] = ()  # each tier's value, in order
    proven_tiers: int = 0  # how many tiers, from the first, are proven optimal (all of them: OPTIMAL)


def run(solver: cp_model.CpSolver, model: cp_model.CpModel, budget: Budget | None,
        callback: cp_model.CpSolverSolutionCallback | None = None) -> tuple[Status, Limit | None]:
    """Solve under `budget`: its limits become CP-SAT's, its work is charged, and a cancel (Ctrl-C, SIGTERM)
    stops the search. The solve runs in a helper thread so that the main thread keeps running Python and
    its signal handlers can fire; the thread is always joined, so no native search outlives the call."""
    if budget is None:
        status = STATUS.get(solver.solve(model, callback), Status.UNKNOWN)
        return status, _limit_reached(solver) if status in (Status.FEASIBLE, Status.UNKNOWN) else None
    for key, value in budget.cp_sat().items():  # the tighter of the caller's own limit and what is left
        current = getattr(solver.parameters, key)
        setattr(solver.parameters, key, min(current, value) if current > 0 else value)
    codes: list[Any] = []
    worker = threading.Thread(target=lambda: codes.append(solver.solve(model, callback)), daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.05)
        if budget.cancelled.is_set():
            solver.stop_search()
    budget.spend(solver.response_proto.deterministic_time)
    status = STATUS.get(codes[0], Status.UNKNOWN) if codes else Status.UNKNOWN
    stopped = (budget.stopped() or _limit_reached(solver)) if status in (Status.FEASIBLE, Status.UNKNOWN) else None
    return status, stopped


def _limit_reached(solver: cp_model.CpSolver) -> Limit | None:
    """Which of CP-SAT's own limits ended an unfinished search: the one it came nearer to (CP-SAT may stop a
    hair before the budget's clock says the time is up, and a solve may carry limits of its own)."""
    response, params = solver.response_proto, solver.parameters
    wall = response.wall_time / params.max_time_in_seconds if params.max_time_in_seconds > 0 else 0.0
    work = response.deterministic_time / params.max_deterministic_time if params.max_deterministic_time > 0 else 0.0
    if max(wall, work) < 0.9:  # far from both: something else stopped it (a callback that had enough)
        return None
    return Limit.TIME if wall >= work else Limit.WORK


def expression(take: dict[str, cp_model.IntVar], terms: Iterable[tuple[str, int]]) -> cp_model.LinearExprT:
    return sum(coef * take[var] for var, coef in terms if coef)


def post(model: cp_model.CpModel, take: dict[str, cp_model.IntVar], lin: Linear,
         literal: cp_model.IntVar | None = None) -> None:
    """The one way a linear constraint reaches CP-SAT: its bounds, under `literal` when given."""
    expr = expression(take, lin.terms)
    for lo, hi in ((lin.lo, None), (None, lin.hi)):
        if lo is None and hi is None:
            continue
        if isinstance(expr, int):  # no terms: the bound holds or it does not
            if not Linear((), lo, hi).admits(expr):  # an empty clause is false: it can never hold
                model.add_bool_or([literal.Not()] if literal is not None else [])
            continue
        ct = model.add(expr >= lo) if lo is not None else model.add(expr <= hi)  # type: ignore[operator]
        if literal is not None:
            ct.only_enforce_if(literal)


def tier_weights(tiers: Sequence[Tier]) -> list[int]:
    """Weights that make a weighted sum of tiers lexicographic: each tier outweighs all below it."""
    weights = [1] * len(tiers)
    for i in range(len(tiers) - 2, -1, -1):
        spread = sum(abs(c) for _, c in tiers[i + 1])
        weights[i] = weights[i + 1] * (spread + 1)
    return weights


def _tighter(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _objective(take: dict[str, cp_model.IntVar], tier: Tier) -> cp_model.LinearExprT:
    return sum(coef * take[v] for v, coef in tier if coef)


class CompiledModel:
    """A CP-SAT model of requirements: one Boolean per unit, one enforcement literal per requirement.

    Built once and reused: each query works on a cheap clone, so learners and queries never leak into
    each other.
    """

    def __init__(self, variables: Sequence[str], requirements: Iterable[Requirement],
                 credits: dict[str, int] | None = None, fixed: Iterable[Linear] = ()):
        self.credits = credits or {}  # for reporting relaxations in the learner's terms
        self.model = cp_model.CpModel()
        self.variables = tuple(variables)
        self.take = {v: self.model.new_bool_var(f"take[{v}]") for v in self.variables}
        requirements = list(requirements)
        fixed = list(fixed)
        # A rule's own variables (auxiliaries) are Booleans like the units, but never part of a pathway.
        names = {v for lin in [*fixed, *(x for r in requirements for x in r.linears)] for v, _ in lin.terms}
        for v in sorted(n for n in names if n not in self.take and is_auxiliary(n)):
            self.take[v] = self.model.new_bool_var(v)
        for lin in fixed:  # structure that is never switched off (e.g. links between variables)
            post(self.model, self.take, lin)
        self.enabled: dict[str, cp_model.IntVar] = {}
        for req in requirements:
            literal = self.model.new_bool_var(f"on[{req.id}]")
            self.enabled[req.id] = literal
            for lin in req.linears:
                post(self.model, self.take, lin, literal)

    def _clone(self, extra: Iterable[Linear], nogoods: Iterable[frozenset[str]]
               ) -> tuple[cp_model.CpModel, dict[str, cp_model.IntVar]]:
        """A copy of the model with request-specific constraints added, and its unit variables."""
        model = self.model.clone()
        take = {v: model.get_bool_var_from_proto_index(x.index) for v, x in self.take.items()}  # auxiliaries too
        for lin in extra:
            post(model, take, lin)
        for chosen in nogoods:
            # Exclude exactly this pathway: at least one variable must differ from it.
            model.add_bool_or([take[v].Not() if v in chosen else take[v] for v in self.variables])
        return model, take

    def _switch(self, model: cp_model.CpModel, on: Iterable[str] | None = None, off: Iterable[str] = ()) -> None:
        """Fix enforcement literals: those in `off` false, those in `on` (default: all others) true."""
        off = set(off)
        for rid, lit in self.enabled.items():
            if rid in off or (on is not None and rid not in on):
                model.add_bool_and([model.get_bool_var_from_proto_index(lit.index).Not()])
            elif on is None:
                model.add_bool_and([model.get_bool_var_from_proto_index(lit.index)])

    @staticmethod
    def _solver(params: dict[str, Any], time_limit: float | None, work_limit: float | None = None) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        for key, value in params.items():
            setattr(solver.parameters, key, value)
        # A limit of 0 means "stop at once"; `run` reads a 0 as "not set", so it is held just above.
        if time_limit is not None:  # wall-clock seconds
            solver.parameters.max_time_in_seconds = max(time_limit, 1e-9)
        if work_limit is not None:
            # Deterministic time (CP-SAT's work measure, roughly seconds) rather than the wall clock, so a
            # search stopped by its limit stops at the same point and gives the same answer on every run.
            solver.parameters.max_deterministic_time = max(work_limit, 1e-9)
        return solver

    def solve(self, tiers: Sequence[Tier] = (), disabled: Iterable[str] = (), extra: Iterable[Linear] = (),
              nogoods: Iterable[frozenset[str]] = (), time_limit: float | None = None,
              params: dict[str, Any] | None = None, budget: Budget | None = None,
              work_limit: float | None = None) -> Solution:
        """Optimise the lexicographic `tiers` (or just find a pathway) with the requirements as given.

        `time_limit` is wall-clock seconds and `work_limit` deterministic work for this solve as a whole (as are
        `max_time_in_seconds`/`max_deterministic_time` in `params`); `budget` is the query's, shared with its
        other stages. Several tiers are solved as a sequence (see `_lexicographic`)."""
        model, take = self._clone(extra, nogoods)
        self._switch(model, off=disabled)
        params = dict(params or SOLVE_PARAMS)
        own = Budget(work=_tighter(work_limit, params.pop("max_deterministic_time", None)),
                     time=_tighter(time_limit, params.pop("max_time_in_seconds", None)))
        started = time.perf_counter()
        if len(tiers) > 1:
            return self._lexicographic(model, take, tiers, params, own, budget, started)
        if tiers:
            model.minimize(_objective(take, tiers[0]))
        solver = self._solver(params, own.time_left(), own.work_left())
        status, stopped = run(solver, model, budget)
        stopped = stopped or (own.stopped() if status in (Status.FEASIBLE, Status.UNKNOWN) else None)
        seconds = time.perf_counter() - started
        if status.found:
            chosen = frozenset(v for v in self.variables if solver.boolean_value(take[v]))
            objective = round(solver.objective_value) if tiers else None  # a float (27.999...): int() would cut below
            bound = solver.best_objective_bound if tiers else None
            return Solution(status=status, pathway=chosen, objective=objective, bound=bound, seconds=seconds,
                            stopped=stopped, values=(objective,) if objective is not None else (),
                            proven_tiers=1 if status is Status.OPTIMAL and tiers else 0)
        return Solution(status=status, pathway=None, seconds=seconds, stopped=stopped)

    def _lexicographic(self, model: cp_model.CpModel, take: dict[str, cp_model.IntVar], tiers: Sequence[Tier],
                       params: dict[str, Any], own: Budget, budget: Budget | None, started: float) -> Solution:
        """Optimise tier 1, hold it at its optimum with a constraint, optimise tier 2 from the previous answer
        as a hint, and so on. Measured (benchmarks/, large): one objective of weighted tiers could not be proven
        at 5,000 units within minutes, where each tier alone is proven in seconds. The answer is OPTIMAL only
        when every tier is proven; a limit reached part-way gives FEASIBLE with the tiers proven so far."""
        assignment: dict[str, bool] = {}  # every variable's value in the best answer so far
        chosen: frozenset[str] | None = None
        status: Status = Status.UNKNOWN
        stopped: Limit | None = None
        proven = 0
        bound = 0.0
        for tier in tiers:
            expr = _objective(take, tier)
            model.minimize(expr)
            solver = self._solver(params, own.time_left(), own.work_left())
            code, limit = run(solver, model, budget)
            own.spend(solver.response_proto.deterministic_time)
            limit = limit or (own.stopped() if code in (Status.FEASIBLE, Status.UNKNOWN) else None)
            if code is Status.INFEASIBLE and chosen is None or code is Status.MODEL_INVALID:
                status = code
                break
            if code.found:
                assignment = {v: solver.boolean_value(x) for v, x in take.items()}
                chosen = frozenset(v for v in self.variables if assignment[v])
            if code is not Status.OPTIMAL:
                bound = solver.best_objective_bound
                # Stopped in this tier: the best found so far (this tier's, or the previous tier's answer,
                # which the hint carried in) stands, proven in the tiers before it only.
                status, stopped = (Status.FEASIBLE if chosen is not None else code), limit
                break
            proven += 1
            status = Status.OPTIMAL
            model.add(expr <= round(solver.objective_value))
            model.clear_hints()
            for v, var in take.items():  # the optimum found is feasible for the next tier: start from it
                model.add_hint(var, assignment[v])
        seconds = time.perf_counter() - started
        if chosen is None:
            return Solution(status=status, pathway=None, seconds=seconds, stopped=stopped)
        values = [sum(c for v, c in tier if assignment.get(v)) for tier in tiers]
        weights = tier_weights(tiers)
        objective = sum(w * v for w, v in zip(weights, values))
        if proven < len(tiers):
            # What is proven: the tiers settled, the stopped tier's own bound, the rest at their least.
            at_least = sum(w * min(0, c) for w, tier in zip(weights[proven + 1:], tiers[proven + 1:]) for _, c in tier)
            bound = sum(w * v for w, v in zip(weights, values[:proven])) + weights[proven] * bound + at_least
        return Solution(status=status, pathway=chosen, objective=objective,
                        bound=float(objective) if proven == len(tiers) else bound, seconds=seconds, stopped=stopped,
                        values=tuple(values), proven_tiers=proven)

    def core(self, ids: Sequence[str], extra: Iterable[Linear] = ()) -> list[str] | None:
        """If the requirements `ids` together are infeasible, a subset that already is; else None."""
        model, _ = self._clone(extra, ())
        self._switch(model, on=set(ids))  # the rest off; `ids` left free for the assumptions
        index_of = {self.enabled[rid].index: rid for rid in ids}
        model.add_assumptions([model.get_bool_var_from_proto_index(self.enabled[rid].index) for rid in ids])
        solver = self._solver(CORE_PARAMS, None)
        if solver.solve(model) != cp_model.INFEASIBLE:
            return None
        return [index_of[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index_of]

    def feasible(self, ids: Iterable[str]) -> bool:
        """Whether the requirements `ids` (and no others) can all hold at once."""
        off = set(self.enabled) - set(ids)
        return self.solve(disabled=off).status.found

    def enumerate(self, on_pathway: Callable[[frozenset[str]], bool], disabled: Iterable[str] = (),
                  extra: Iterable[Linear] = (), time_limit: float | None = None,
                  work_limit: float | None = None, budget: Budget | None = None) -> Status:
        """Call `on_pathway` for every valid pathway until it returns False; return the final status."""
        model, take_by_unit = self._clone(extra, ())
        self._switch(model, off=disabled)
        take = [(v, take_by_unit[v]) for v in self.variables]

        class Collector(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                chosen = frozenset(v for v, x in take if self.boolean_value(x))
                if not on_pathway(chosen):
                    self.stop_search()

        solver = self._solver(ENUMERATE_PARAMS, time_limit, work_limit)
        return run(solver, model, budget, Collector())[0]

    def enumerate_masks(self, on_batch: Callable[[list[int]], bool], extra: Iterable[Linear] = (),
                        minimal: Sequence[Linear] | None = None, time_limit: float | None = None,
                        batch: int = 2048, sparse: bool = False, work_limit: float | None = None,
                        budget: Budget | None = None) -> Status:
        """Stream valid pathways as bit masks over `self.variables` (bit i set: variable i taken), handed
        over in batches to `on_batch` until it returns False; return the final status.

        `minimal`, if given, lists the lower-bounded sums that define minimality: each taken unit must be critical,
        i.e. dropping it would take some sum in `minimal` below its `lo`. All requirements are on.
        Measured on the seeds: with linearization off CP-SAT lists dense solution sets about 8x faster, but
        a sparse set (a tight GLH slice: 115 of 10^12) took 11 s against 0.02 s with
        `linearization_level=2`; `sparse` picks the latter.
        """
        model, take = self._clone(extra, ())
        self._switch(model)
        xs = [take[v] for v in self.variables]
        if minimal is not None:
            self._post_minimality(model, take, minimal, self.variables)
        chunks = [sum((1 << i) * x for i, x in enumerate(xs[k:k + 62])) for k in range(0, len(xs), 62)]
        pending: list[int] = []

        class Collector(cp_model.CpSolverSolutionCallback):
            stopped = False

            def on_solution_callback(self) -> None:
                if len(chunks) == 1:
                    pending.append(self.value(chunks[0]))
                else:
                    pending.append(sum(self.value(c) << (62 * k) for k, c in enumerate(chunks)))
                if len(pending) >= batch:
                    keep = on_batch(pending[:])
                    pending.clear()
                    if not keep:
                        self.stopped = True
                        self.stop_search()

        collector = Collector()
        params = dict(ENUMERATE_PARAMS, cp_model_probing_level=0, symmetry_level=0)
        if sparse:
            params["linearization_level"] = 2
        status, _ = run(self._solver(params, time_limit, work_limit), model, budget, collector)
        if pending and not collector.stopped:
            on_batch(pending[:])
        return status

    @staticmethod
    def _post_minimality(model: cp_model.CpModel, take: dict[str, cp_model.IntVar],
                         minimal: Sequence[Linear], units: Sequence[str]) -> None:
        """Each taken unit must be critical: some sum has slack below the unit's weight in it."""
        critical: dict[str, list[cp_model.IntVar]] = {v: [] for v in units}
        for k, lin in enumerate(minimal):
            if lin.lo is None:
                continue
            expr = expression(take, lin.terms)
            for w in sorted({c for _, c in lin.terms if c > 0}):
                tight = model.new_bool_var(f"tight[{k},{w}]")
                model.add(expr <= lin.lo + w - 1).only_enforce_if(tight)
                model.add(expr >= lin.lo + w).only_enforce_if(tight.Not())  # fully determined: no repeats
                for v, c in lin.terms:
                    if c == w and v in critical:
                        critical[v].append(tight)
        for v in units:
            model.add_bool_or([take[v].Not(), *critical[v]])


def compile_request(req: Request) -> CompiledModel:
    """A model with the objective's auxiliary Booleans and their links; the rules switchable, the asks posted per
    solve."""
    f = req.formulation
    rules = [r for r in f.requirements if r.origin is Origin.RULE]
    return CompiledModel((*f.variables, *req.spec.auxiliary), rules, f.credits(), req.spec.links)
