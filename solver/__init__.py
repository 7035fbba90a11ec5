"""Pathways: declarative rules of combination compiled to CP-SAT; the public Python API, loaded lazily.

The package is layered; a module imports only from its own layer or the layers below it (tests/test_layers.py
checks this, with no import circles):

    cli, web           front ends: the `pathways` command and the web explorer / HTTP API
    importing, cohort  specifications to draft catalogues; recommendations for a whole cohort
    queries            check, recommend, progression, trade-off, enumerate, audit, what-if, scenarios, reports
    engine             compile (the only module that imports OR-Tools), explain, the exact counter
    request            requirements, the formulation of a request, objectives
    model              located YAML, validation, documents, catalogue, learner, goals, offers, readings
    rules              the rule kinds and the one linear shape they share
    errors, files,     the package's errors (one base class), atomic file writing, the largest numbers
    limits, budget     accepted, and a query's work/time limits and progress: used by every layer
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # editors and mypy see the real signatures; at run time each name is imported on first use
    from solver.cohort.recommend import recommend_cohort as recommend_cohort
    from solver.engine.counting import count_pathways as count_pathways
    from solver.engine.status import Status as Status
    from solver.errors import CatalogueError as CatalogueError
    from solver.errors import InputError as InputError
    from solver.errors import LookupFailure as LookupFailure
    from solver.errors import PathwaysError as PathwaysError
    from solver.errors import Problem as Problem
    from solver.errors import ScenarioError as ScenarioError
    from solver.importing.draft import Draft as Draft
    from solver.importing.specification import import_specification as import_specification
    from solver.model.catalogue import Catalogue as Catalogue
    from solver.model.catalogue import load_catalogue as load_catalogue
    from solver.model.goals import Goal as Goal
    from solver.model.goals import match_goals as match_goals
    from solver.model.learner import Learner as Learner
    from solver.model.offer import read_offer as read_offer
    from solver.model.readings import ambiguous as ambiguous
    from solver.model.readings import read_as as read_as
    from solver.model.specialisations import following as following
    from solver.model.timing import Timing as Timing
    from solver.queries.auditing import audit as audit
    from solver.queries.by_pathway import check_pathways as check_pathways
    from solver.queries.by_pathway import count_by_pathway as count_by_pathway
    from solver.queries.by_pathway import recommend_pathway as recommend_pathway
    from solver.queries.checking import check as check
    from solver.queries.each_reading import each_reading as each_reading
    from solver.queries.enumeration import enumerate_pathways as enumerate_pathways
    from solver.queries.enumeration import pathways_frame as pathways_frame
    from solver.queries.planning import StudyPlan as StudyPlan
    from solver.queries.planning import plan_study as plan_study
    from solver.queries.progression import plan_progression as plan_progression
    from solver.queries.recommendation import Planner as Planner
    from solver.queries.recommendation import recommend as recommend
    from solver.queries.reports import qualifications_frame as qualifications_frame
    from solver.queries.reports import units_frame as units_frame
    from solver.queries.scenario import load_scenario as load_scenario
    from solver.queries.scenario import run_scenario as run_scenario
    from solver.queries.tradeoff import tradeoff_front as tradeoff_front
    from solver.queries.whatif import load_whatif as load_whatif
    from solver.queries.whatif import run_whatif as run_whatif
    from solver.request.objectives import Objective as Objective

# name -> module that defines it; imported on first use so `import solver` (and the CLI) stays quick.
_API = {
    "load_catalogue": "solver.model.catalogue",
    "Catalogue": "solver.model.catalogue",
    "Learner": "solver.model.learner",
    "Goal": "solver.model.goals",
    "match_goals": "solver.model.goals",
    "read_offer": "solver.model.offer",
    "read_as": "solver.model.readings",
    "ambiguous": "solver.model.readings",
    "following": "solver.model.specialisations",
    "Objective": "solver.request.objectives",
    "Status": "solver.engine.status",
    "count_pathways": "solver.engine.counting",
    "check": "solver.queries.checking",
    "recommend": "solver.queries.recommendation",
    "Planner": "solver.queries.recommendation",
    "plan_progression": "solver.queries.progression",
    "plan_study": "solver.queries.planning",
    "StudyPlan": "solver.queries.planning",
    "Timing": "solver.model.timing",
    "tradeoff_front": "solver.queries.tradeoff",
    "load_scenario": "solver.queries.scenario",
    "run_scenario": "solver.queries.scenario",
    "enumerate_pathways": "solver.queries.enumeration",
    "pathways_frame": "solver.queries.enumeration",
    "audit": "solver.queries.auditing",
    "run_whatif": "solver.queries.whatif",
    "load_whatif": "solver.queries.whatif",
    "units_frame": "solver.queries.reports",
    "qualifications_frame": "solver.queries.reports",
    "each_reading": "solver.queries.each_reading",
    "recommend_pathway": "solver.queries.by_pathway",
    "count_by_pathway": "solver.queries.by_pathway",
    "check_pathways": "solver.queries.by_pathway",
    "recommend_cohort": "solver.cohort.recommend",
    "import_specification": "solver.importing.specification",
    "Draft": "solver.importing.draft",
    "PathwaysError": "solver.errors",
    "CatalogueError": "solver.errors",
    "ScenarioError": "solver.errors",
    "InputError": "solver.errors",
    "LookupFailure": "solver.errors",
    "Problem": "solver.errors",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'solver' has no attribute {name!r}")
    return getattr(import_module(_API[name]), name)


def __dir__() -> list[str]:
    return __all__
