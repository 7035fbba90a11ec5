"""`check` under a work limit: the nearest valid pathway's search stops where the limit says, deterministically,
and the answer says so (before: no --work-limit, and 25 s of silence on a 5,000-unit qualification)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.synthetic import Shape, write_synthetic
from solver.cli.entry import app


@pytest.fixture(scope="module")
def args(tmp_path_factory) -> list[str]:
    folder: Path = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, Shape(units=400))
    return ["check", "synthetic", "S00001", "--catalogue", str(folder)]


def test_check_stopped_by_the_work_limit_says_so_and_stays_invalid(args):
    runner = CliRunner()
    result = runner.invoke(app, [*args, "--work-limit", "0.001"])
    assert result.exit_code == 1, result.output  # still invalid: the stop is said, not turned into success
    assert "Stopped at the work limit (0.001 units" in " ".join(result.stdout.split())
    data = json.loads(runner.invoke(app, [*args, "--work-limit", "0.001", "--json"]).stdout)
    assert data["stopped"] == "work limit" and data["valid"] is False
    again = json.loads(runner.invoke(app, [*args, "--work-limit", "0.001", "--json"]).stdout)
    assert again == data  # deterministic: the same stop, the same answer


def test_check_within_its_default_limit_is_not_marked_stopped():
    data = json.loads(CliRunner().invoke(app, ["check", "600/5962/X", "8000-250", "--registered", "2021-01-01",
                                               "--json"]).stdout)
    assert "stopped" not in data and data["repair"]["status"] == "OPTIMAL"
