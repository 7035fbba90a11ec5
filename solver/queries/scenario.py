"""Learner scenario files: who the learner is, what they target, and (for tests) the expected answer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from solver.engine.status import Status
from solver.errors import ScenarioError
from solver.model.catalogue import Catalogue, load_catalogue
from solver.model.learner import Learner
from solver.model.located_yaml import read_yaml
from solver.model.offer import read_offer
from solver.model.validation import validate
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
    expected: Expected | None = None


def load_scenario(path: str | Path) -> tuple[Scenario, Path]:
    """Read and validate a scenario file; raises ScenarioError with located problems."""
    doc, problems = read_yaml(Path(path))
    if doc is not None and not problems:
        scenario, problems = validate(Scenario, doc)
        if scenario is not None:
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
    learner = scenario.learner.model_copy(update={"name": scenario.name})
    if len(scenario.targets) > 1:
        return plan_progression(catalogue, list(scenario.targets), learner, objective=scenario.objective)
    return recommend(catalogue, scenario.targets[0], learner, scenario.objective, scenario.alternatives)


def mismatches(expected: Expected, result: Recommendation | ProgressionPlan) -> list[str]:
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
    return out
