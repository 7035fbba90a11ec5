"""Learner scenario files name a pathway and a reading, as --pathway and --reading do on the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from solver.errors import ScenarioError
from solver.queries.scenario import load_scenario, run_scenario, scenario_catalogue

EXAMPLES = Path(__file__).resolve().parents[1] / "catalogue" / "examples"


def _scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


def _run(path: Path):
    scenario, base = load_scenario(path)
    return run_scenario(scenario, scenario_catalogue(scenario, base))


def test_a_scenario_follows_its_named_pathway(tmp_path):
    catalogue = EXAMPLES / "adult-care-diploma.yaml"
    for pathway, units, new_glh in (
            ("dementia", {"SHC 31", "SHC 32", "SHC 33", "SHC 34", "HSC 024", "HSC 3013", "DEM 301", "DEM 312"}, 137),
            ("end-of-life", {"SHC 31", "SHC 32", "SHC 33", "SHC 34", "HSC 024", "DEM 301", "EOL 306"}, 111)):
        path = _scenario(tmp_path, f"name: On {pathway}\ncatalogue: {catalogue}\ntargets: [adult-care-l3]\n"
                                   f"pathway: {pathway}\n")
        result = _run(path)
        assert set(result.to_dict()["units"]) == units and result.new_glh == new_glh


def test_a_target_with_named_pathways_and_no_pathway_is_refused_naming_them(tmp_path):
    path = _scenario(tmp_path, f"name: No pathway\ncatalogue: {EXAMPLES / 'adult-care-diploma.yaml'}\n"
                               "targets: [adult-care-l3]\n")
    with pytest.raises(ScenarioError, match=r"dementia \(Dementia Care\), end-of-life \(End of Life Care\)"):
        _run(path)
    done = subprocess.run([sys.executable, "-m", "solver.cli", "recommend", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "expected `pathway:`" in done.stderr


def test_a_scenario_is_read_as_its_reading(tmp_path):
    base = (f"catalogue: {EXAMPLES / 'teaching-certificate.yaml'}\ntargets: [cet-l4]\n"
            "learner: {registered: 2024-09-01}\n")
    assert _run(_scenario(tmp_path, "name: At least\nreading: at-least\n" + base)).new_glh == 129
    assert _run(_scenario(tmp_path, "name: Exactly\nreading: exactly\n" + base)).status.value == "INFEASIBLE"
    assert _run(_scenario(tmp_path, "name: Per rule\nreading: {optional-credits: exactly}\n" + base)
                ).status.value == "INFEASIBLE"


def test_a_pathway_with_several_targets_is_a_located_error(tmp_path):
    path = _scenario(tmp_path, "name: Two\ntargets: [600/5928/X, 600/5962/X]\npathway: dementia\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    problem = err.value.problems[0]
    assert problem.line == 3 and "expected one target for a pathway" in problem.message
