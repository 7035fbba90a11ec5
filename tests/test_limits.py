"""The limits of solver/limits.py, enforced at every entrance: catalogue files, scenario files, the CLI's options
and the Python API. A number beyond them is a located error, never a traceback or a runaway solve."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from solver.errors import CatalogueError, ScenarioError
from solver.limits import MAX_TOTAL, MAX_UNIT_CREDITS, MAX_UNIT_HOURS, MAX_WEIGHT
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.scenario import load_scenario

CATALOGUE = """\
units:
  - {{code: A1, title: Alpha, level: 3, credits: {credits}, glh: {glh}}}
  - {{code: A2, title: Beta, level: 3, credits: 5, glh: 40}}
qualifications:
  - id: q
    accreditation: 600/0000/1
    title: Limits
    level: 3
    awarding_body: Test
    groups: [{{id: g, name: Group, units: [A1, A2]}}]
    rules: [{{kind: sum, sum: credits, min: {minimum}}}]
"""


def catalogue(tmp_path: Path, credits: int = 5, glh: int = 40, minimum: int = 5) -> Path:
    path = tmp_path / "cat.yaml"
    path.write_text(CATALOGUE.format(credits=credits, glh=glh, minimum=minimum), encoding="utf-8")
    return path


def test_values_at_the_limits_load(tmp_path: Path) -> None:
    loaded = load_catalogue(catalogue(tmp_path, MAX_UNIT_CREDITS, MAX_UNIT_HOURS, MAX_UNIT_CREDITS))
    assert loaded.units["A1"].credits == MAX_UNIT_CREDITS and loaded.units["A1"].glh == MAX_UNIT_HOURS


@pytest.mark.parametrize(("values", "message"), [
    ({"credits": 2**31}, f"cat.yaml:2:49: units[0].credits: expected a number <= {MAX_UNIT_CREDITS:,}, got {2**31}"),
    ({"glh": 5 * 10**14}, f"cat.yaml:2:57: units[0].glh: expected a number <= {MAX_UNIT_HOURS:,}, got {5 * 10**14}"),
    ({"minimum": 2**64},
     f"cat.yaml:11:44: qualifications[0].rules[0].min: expected a number <= {MAX_TOTAL:,}, got {2**64}"),
])
def test_a_catalogue_value_beyond_its_limit_is_a_located_error(tmp_path: Path, values: dict[str, int],
                                                               message: str) -> None:
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue(tmp_path, **values))
    assert [str(p).replace(str(tmp_path) + "/", "") for p in err.value.problems] == [message]


def test_a_scenario_budget_beyond_the_limit_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "learner.yaml"
    path.write_text(textwrap.dedent("""\
        qualification: 600/5962/X
        learner:
          max_glh: 99999999999999999999
        """), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "learner.max_glh: expected a number <= 1,000,000" in err.value.render()


def test_the_python_api_refuses_a_budget_or_weight_beyond_the_limits() -> None:
    with pytest.raises(ValidationError):
        Learner(max_glh=MAX_TOTAL + 1)
    with pytest.raises(ValidationError):
        Learner(goals=({"text": "coaching", "weight": MAX_WEIGHT + 1},))
    assert Learner(max_glh=MAX_TOTAL).max_glh == MAX_TOTAL


def test_the_cli_refuses_a_huge_option_in_one_line_and_exit_2() -> None:
    code = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"
    result = subprocess.run([sys.executable, "-c", code, "recommend", "600/5962/X", "--max-glh",
                             "99999999999999999999"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == f"error: --max-glh: Input should be less than or equal to {MAX_TOTAL}\n"
