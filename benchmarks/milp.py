"""The HiGHS peer: the same Formulation (linears and lexicographic tiers) solved as a MILP with highspy."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from solver.request.formulation import Formulation
from solver.request.objectives import Tier


@dataclass(frozen=True)
class MilpResult:
    status: str
    pathway: frozenset[str] | None
    objective: int | None


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence what the HiGHS library writes straight to file descriptor 1 (its banner)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def lexicographic_weights(tiers: Sequence[Tier]) -> list[int]:
    """The same weights as the compile layer: each tier outweighs everything below it."""
    weights = [1] * len(tiers)
    for i in range(len(tiers) - 2, -1, -1):
        weights[i] = weights[i + 1] * (sum(abs(c) for _, c in tiers[i + 1]) + 1)
    return weights


def solve_milp(f: Formulation, tiers: Sequence[Tier], time_limit: float = 60.0, sequence: bool = False
               ) -> MilpResult:
    """Minimise the weighted tiers over binary `take` variables subject to every requirement's linears,
    to a proven optimum (relative gap 0). With `sequence`, the tiers one at a time instead: minimise the first,
    hold it at its optimum with a row, minimise the next from the previous solution (HiGHS' own lexicographic
    route, the same as Pathways'); the objective reported is then the weighted value, comparable either way."""
    import highspy

    with _quiet():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 7)
    index = {v: i for i, v in enumerate(f.variables)}
    cost = [0.0] * len(index)
    for weight, tier in zip(lexicographic_weights(tiers), tiers):
        for var, coef in tier:
            cost[index[var]] += weight * coef
    inf = highspy.kHighsInf
    n = len(index)
    h.addCols(n, cost, [0.0] * n, [1.0] * n, 0, [], [], [])
    h.changeColsIntegrality(n, list(range(n)), [highspy.HighsVarType.kInteger] * n)
    for req in f.requirements:
        for lin in req.linears:
            coefs: dict[int, float] = {}
            for var, coef in lin.terms:
                coefs[index[var]] = coefs.get(index[var], 0.0) + coef
            lo = -inf if lin.lo is None else float(lin.lo)
            hi = inf if lin.hi is None else float(lin.hi)
            if not coefs:
                if lo > 0 or hi < 0:
                    return MilpResult("INFEASIBLE", None, None)
                continue
            h.addRow(lo, hi, len(coefs), list(coefs), list(coefs.values()))
    if not sequence:
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return MilpResult("INFEASIBLE", None, None)
        if status != highspy.HighsModelStatus.kOptimal:
            return MilpResult(h.modelStatusToString(status), None, None)
        values = h.getSolution().col_value
        chosen = frozenset(v for v, i in index.items() if values[i] > 0.5)
        return MilpResult("OPTIMAL", chosen, round(h.getInfo().objective_function_value))
    values = []
    for k, tier in enumerate(tiers):
        costs: dict[int, float] = {}
        for var, coef in tier:
            costs[index[var]] = costs.get(index[var], 0.0) + coef
        h.changeColsCost(n, list(range(n)), [costs.get(i, 0.0) for i in range(n)])
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            return MilpResult("INFEASIBLE" if status == highspy.HighsModelStatus.kInfeasible
                              else h.modelStatusToString(status), None, None)
        values = list(h.getSolution().col_value)
        best = round(h.getInfo().objective_function_value)
        if k + 1 < len(tiers):
            h.addRow(-inf, float(best), len(costs), list(costs), list(costs.values()))
            start = highspy.HighsSolution()
            start.col_value = values
            h.setSolution(start)  # the optimum just found is feasible for the next tier
    chosen = frozenset(v for v, i in index.items() if values[i] > 0.5)
    weights = lexicographic_weights(tiers)
    weighted = sum(w * sum(c for v, c in tier if v in chosen) for w, tier in zip(weights, tiers))
    return MilpResult("OPTIMAL", chosen, weighted)
