"""`whatif` under a work limit: figures a limit left out are shown as not computed (never as an empty list), the
stop is said, and the run is deterministic (before: no limit at all, and 300 s of silence on 5,000 units)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from solver.cli.entry import app

SCENARIO = str(Path(__file__).resolve().parents[1] / "scenarios" / "whatif-cert-group2-cap.yaml")


def test_whatif_stopped_by_the_work_limit_says_what_it_did_not_compute():
    runner = CliRunner()
    table = runner.invoke(app, ["whatif", SCENARIO, "--work-limit", "0.001"])
    assert table.exit_code == 1, table.output  # the expected block cannot be confirmed
    text = " ".join(table.stdout.split())
    assert "Stopped at the work limit (0.001 units" in text
    assert "before.dead: expected ('8000-339', '8000-340'), not computed within the work limit" in text
    data = json.loads(runner.invoke(app, ["whatif", SCENARIO, "--work-limit", "0.001", "--json"]).stdout)
    assert data["stopped"] == "work limit" and data["before"]["dead"] is None and data["before"]["count"] is None
    again = json.loads(runner.invoke(app, ["whatif", SCENARIO, "--work-limit", "0.001", "--json"]).stdout)
    assert again == data  # deterministic
