"""Learner scenario files: who the learner is, what they target, and (for tests) the expected answer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from solver.budget import Budget
from solver.engine.status import Status
from solver.errors import Problem, ScenarioError
from solver.model.catalogue import Catalogue, load_catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.model.located_yaml import read_yaml
from solver.model.offer import read_offer
from solver.model.read_everywhere import read_everywhere
from solver.model.specialisations import following
from solver.model.timing import Timing, period_list_problems
from solver.model.validation import validate
from solver.queries.planning import StudyPlan, plan_study
from solver.queries.progression import ProgressionPlan, plan_progression
from solver.queries.recommendation import Recommendation, recommend
from solver.request.objectives import Objective


class Expected(BaseModel):
    """What a scenario's answer must be; every field given is checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status | None = None
    new_glh: int | None = None
    credits: int | None = None
    units: tuple[str, ...] | None = None  # exactly these units
    includes: tuple[str, ...] = ()  # at least these units
    excludes: tuple[str, ...] = ()  # none of these units
    alternatives: int | None = None
    alternative_new_glh: tuple[int, ...] | None = None
    conflict: tuple[str, ...] | None = None  # ids of the explained conflict, in any order
    relaxation_values: tuple[int, ...] | None = None
    unmatched_goals: tuple[str, ...] | None = None  # goals that match no unit, in order
    # A scenario with a `plan:` block (its learner's study in periods):
    finish: str | None = None  # the label of the last period studied ("March 2027")
    periods: Mapping[str, tuple[str, ...]] | None = None  # period label -> exactly these new units in it


class Scenario(BaseModel):
    """One learner's request, as a file an adviser can keep and rerun."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str | None = None
    catalogue: str | None = None  # relative to the scenario file; default: the bundled catalogue
    targets: Annotated[tuple[str, ...], Field(min_length=1)]
    learner: Learner = Learner()
    offer_file: str | None = None  # the centre's offer (solver/offer.py), relative to the scenario file
    objective: Objective = Objective.MIN_GLH
    alternatives: Annotated[int, Field(strict=True, ge=0, le=50)] = 0
    # The target read one way (a reading's name, or rule id -> reading) and followed on one named pathway, as
    # --reading and --pathway do; a target with named pathways needs `pathway`. One target only.
    pathway: str | None = None
    reading: str | dict[str, str] | None = None
    # When the learner studies (solver.model.timing): periods, start, finish_by, limits per period. With it the
    # scenario is a plan (`pathways plan FILE`): the units and the period of each, chosen together.
    plan: Timing | None = None
    expected: Expected | None = None
    _path: str = PrivateAttr(default="scenario")  # the file it was read from, to locate what only running finds


def load_scenario(path: str | Path) -> tuple[Scenario, Path]:
    """Read and validate a scenario file; raises ScenarioError with located problems."""
    doc, problems = read_yaml(Path(path))
    if doc is not None and not problems:
        scenario, problems = validate(Scenario, doc)
        if scenario is not None and scenario.plan is not None:
            if len(scenario.targets) > 1:
                problems = [doc.problem(("plan",), "expected one target for a plan, got "
                                                   f"{len(scenario.targets)}", at_key=True)]
            if not isinstance(scenario.plan.periods, str):
                problems += [doc.problem(("plan", "periods", *key), message)
                             for key, message in period_list_problems(scenario.plan.periods)]
            scenario = None if problems else scenario
        if scenario is not None and (scenario.pathway or scenario.reading) and len(scenario.targets) > 1:
            key = "pathway" if scenario.pathway else "reading"
            problems = [doc.problem((key,), f"expected one target for a {key}, got {len(scenario.targets)}",
                                    at_key=True)]
            scenario = None
        if scenario is not None:
            scenario._path = str(path)
            base = Path(path).resolve().parent
            if scenario.offer_file is not None:
                offer = read_offer(base / scenario.offer_file)
                scenario = scenario.model_copy(update={"learner": scenario.learner.model_copy(update={"offer": offer})})
            return scenario, base
    raise ScenarioError(problems)


def scenario_catalogue(scenario: Scenario, base: Path, default: Catalogue | None = None) -> Catalogue:
    if scenario.catalogue is None:
        return default or load_catalogue()
    return load_catalogue(base / scenario.catalogue)


def run_scenario(scenario: Scenario, catalogue: Catalogue) -> Recommendation | ProgressionPlan:
    """The scenario's recommendation (one target) or progression (several); a plan is run by plan_scenario."""
    if scenario.plan is not None:
        raise ScenarioError([Problem(scenario._path, 1, 1, "plan", "this scenario plans study in periods: run it "
                                                                   "with `pathways plan FILE` (plan_scenario)")])
    learner = scenario.learner.model_copy(update={"name": scenario.name})
    if len(scenario.targets) > 1:
        return plan_progression(catalogue, list(scenario.targets), learner, objective=scenario.objective)
    return recommend(catalogue, scenario_target(scenario, catalogue), learner, scenario.objective,
                     scenario.alternatives)


def scenario_target(scenario: Scenario, catalogue: Catalogue) -> Qualification:
    """The scenario's one target as it states it: read as its `reading`, followed on its `pathway`. A target
    with named pathways and no `pathway` is refused, naming them, as the CLI and the web refuse it."""
    q = catalogue.qualification(scenario.targets[0])
    if scenario.reading is not None:
        q = read_everywhere(q, scenario.reading)
    if scenario.pathway is not None:
        return following(q, scenario.pathway)
    if q.pathways:
        known = ", ".join(f"{p.id} ({p.title})" for p in q.pathways)
        raise ScenarioError([Problem(scenario._path, 1, 1, "pathway", f"{q.accreditation} has named pathways: "
                                                                      f"expected `pathway:` naming one of {known}")])
    return q


def plan_scenario(scenario: Scenario, catalogue: Catalogue, work_limit: float | None = 30.0,
                  budget: Budget | None = None) -> StudyPlan:
    """The plan of a scenario with a `plan:` block: its units and the period of each."""
    if scenario.plan is None:
        raise ScenarioError([Problem(scenario._path, 1, 1, "", "expected a plan: block (start, periods, limits) "
                                                               "to plan study in periods")])
    learner = scenario.learner.model_copy(update={"name": scenario.name})
    return plan_study(catalogue, scenario_target(scenario, catalogue), learner, scenario.plan, scenario.objective,
                      work_limit, budget)


def mismatches(expected: Expected, result: Recommendation | ProgressionPlan | StudyPlan) -> list[str]:
    """Every way `result` differs from `expected` (empty when it matches)."""
    data = result.to_dict()
    units = set(data.get("units") or [])
    out = []
    for key in ("status", "new_glh", "credits"):
        want = getattr(expected, key)
        if want is not None and data.get(key) != want:
            out.append(f"{key}: expected {want}, got {data.get(key)}")
    if expected.units is not None and units != set(expected.units):
        out.append(f"units: expected {sorted(expected.units)}, got {sorted(units)}")
    if missing := set(expected.includes) - units:
        out.append(f"units: expected to include {sorted(missing)}")
    if present := set(expected.excludes) & units:
        out.append(f"units: expected not to include {sorted(present)}")
    alternatives = data.get("alternatives", [])
    if expected.alternatives is not None and len(alternatives) != expected.alternatives:
        out.append(f"alternatives: expected {expected.alternatives}, got {len(alternatives)}")
    if expected.alternative_new_glh is not None:
        got = tuple(a["new_glh"] for a in alternatives)
        if got != expected.alternative_new_glh:
            out.append(f"alternative new_glh: expected {expected.alternative_new_glh}, got {got}")
    if expected.conflict is not None:
        got_ids = {c["id"] for c in data.get("conflict", [])}
        if got_ids != set(expected.conflict):
            out.append(f"conflict: expected {sorted(expected.conflict)}, got {sorted(got_ids)}")
    if expected.relaxation_values is not None:
        got_values = tuple(r["value"] for r in data.get("relaxations", []) if r["value"] is not None)
        if got_values != expected.relaxation_values:
            out.append(f"relaxations: expected values {expected.relaxation_values}, got {got_values}")
    if expected.unmatched_goals is not None and tuple(data.get("unmatched_goals", ())) != expected.unmatched_goals:
        out.append(f"unmatched goals: expected {list(expected.unmatched_goals)}, got {data.get('unmatched_goals', [])}")
    if expected.finish is not None:
        got_finish = (data.get("finish") or {}).get("label")
        if got_finish != expected.finish:
            out.append(f"finish: expected {expected.finish}, got {got_finish}")
    if expected.periods is not None:
        got_periods = {row["period"]: sorted(row["units"]) for row in data.get("periods", []) if row["units"]}
        want = {label: sorted(units) for label, units in expected.periods.items()}
        if got_periods != want:
            out.append(f"periods: expected {want}, got {got_periods}")
    return out
