"""Pathways: declarative rules of combination compiled to CP-SAT; the public Python API, loaded lazily."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> module that defines it; imported on first use so `import solver` (and the CLI) stays quick.
_API = {
    "load_catalogue": "solver.catalogue", "Catalogue": "solver.catalogue",
    "Learner": "solver.learner",
    "check": "solver.checking",
    "recommend": "solver.recommendation", "Planner": "solver.recommendation",
    "plan_progression": "solver.progression",
    "tradeoff_front": "solver.tradeoff",
    "Goal": "solver.goals",
    "match_goals": "solver.goals",
    "read_offer": "solver.offer",
    "load_scenario": "solver.scenario", "run_scenario": "solver.scenario",
    "count_pathways": "solver.counting",
    "enumerate_pathways": "solver.enumeration", "pathways_frame": "solver.enumeration",
    "audit": "solver.auditing",
    "run_whatif": "solver.whatif", "load_whatif": "solver.whatif",
    "recommend_cohort": "solver.cohort",
    "units_frame": "solver.reports", "qualifications_frame": "solver.reports",
    "import_specification": "solver.importing.draft",
    "Draft": "solver.importing.draft",
    "read_as": "solver.readings", "each_reading": "solver.readings", "ambiguous": "solver.readings",
    "recommend_pathway": "solver.specialisations", "count_by_pathway": "solver.specialisations",
    "check_pathways": "solver.specialisations", "following": "solver.specialisations",
    "Status": "solver.status", "Objective": "solver.learner",
    "CatalogueError": "solver.errors", "ScenarioError": "solver.errors", "InputError": "solver.errors",
    "LookupFailure": "solver.errors", "Problem": "solver.errors",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'solver' has no attribute {name!r}")
    return getattr(import_module(_API[name]), name)


def __dir__() -> list[str]:
    return __all__
