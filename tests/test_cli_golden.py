"""Golden output: every command on the seeds, as text and as JSON, byte for byte against tests/golden/.

After a deliberate change of output, regenerate with `PATHWAYS_UPDATE_GOLDEN=1 python -m pytest
tests/test_cli_golden.py` and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli.entry import app
from solver.model.catalogue import bundled_catalogue

GOLDEN = Path(__file__).resolve().parent / "golden"
ROOT = Path(__file__).resolve().parent.parent
CERT, AWARD, L3 = "600/5962/X", "600/5928/X", "600/5788/9"
ADVISED = ("--achieved", "8000-250,8000-252,8000-308", "--registered", "2021-01-01")

# name -> (arguments, exit code); each is run as text and, where the command has it, as JSON.
COMMANDS: dict[str, tuple[tuple[str, ...], int]] = {
    "catalogue": (("catalogue",), 0),
    "catalogue-show-cert": (("catalogue", "show", CERT), 0),
    "catalogue-show-l3": (("catalogue", "show", L3), 0),
    "check-invalid": (("check", CERT, "8000-339", "8000-250", "--registered", "2021-01-01"), 1),
    "check-valid": (("check", L3, "8603-300", "8603-301", "8603-302"), 0),
    "recommend-2019": (("recommend", CERT, "--achieved", "8000-250,8000-252,8000-308", "--registered",
                        "2019-09-01"), 0),
    "recommend-2021-alternatives": (("recommend", CERT, *ADVISED, "--alternatives", "2"), 0),
    "recommend-budget-too-small": (("recommend", CERT, "--max-glh", "20"), 1),
    "recommend-progression": (("recommend", AWARD, CERT, "--registered", "2021-01-01"), 0),
    "recommend-scenario": (("recommend", "scenarios/cert-2019-with-achievements.yaml"), 0),
    "count-award": (("count", AWARD), 0),
    "count-cert-2019": (("count", CERT, "--registered", "2019-09-01"), 0),
    "enumerate-cert-glh": (("enumerate", CERT, "--registered", "2021-01-01", "--order", "glh", "--limit", "5"), 0),
    "enumerate-award-minimal": (("enumerate", AWARD, "--minimal", "--order", "units", "--limit", "5"), 0),
    "audit-cert": (("audit", CERT), 0),
    "whatif-group2-cap": (("whatif", "scenarios/whatif-cert-group2-cap.yaml"), 0),
    "goals-cert": (("goals", CERT, "customer service", "mental health at work"), 0),
    "tradeoff-coaching": (("tradeoff", CERT, "--goal", "coaching", "--registered", "2021-01-01"), 0),
    "recommend-cover": (("recommend", CERT, "--goal", "customer service", "--goal", "coaching", "--objective",
                         "cover", "--registered", "2021-01-01"), 0),
    "plan-cert-monthly": (("plan", CERT, "--registered", "2021-01-01", "--start", "2027-01", "--per-month-glh",
                           "12"), 0),
    "plan-cert-too-soon": (("plan", CERT, "--registered", "2021-01-01", "--start", "2027-01", "--per-month-glh",
                            "12", "--finish-by", "2027-02"), 1),
    "deliver-example": (("deliver", "scenarios/delivery-example.yaml"), 0),
}
NO_JSON = {"catalogue-show-l3"}  # shown as text only: its JSON is the same shape as the Certificate's


def _cases() -> list[tuple[str, tuple[str, ...], int]]:
    out = []
    for name, (args, code) in COMMANDS.items():
        out.append((f"{name}.txt", args, code))
        if name not in NO_JSON:
            out.append((f"{name}.json", (*args, "--json"), code))
    return out


def _normalised(text: str) -> str:
    """Output with the machine-specific parts (where the bundled catalogue is installed) named neutrally."""
    return re.sub(re.escape(str(bundled_catalogue())), "<bundled catalogue>", text)


@pytest.mark.parametrize(("golden", "args", "code"), _cases(), ids=[c[0] for c in _cases()])
def test_output_matches_golden(golden: str, args: tuple[str, ...], code: int, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "120")
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    text = _normalised(result.stdout)
    path = GOLDEN / golden
    if os.environ.get("PATHWAYS_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"output of {' '.join(args)} differs from {path}"


def test_every_command_has_golden_output() -> None:
    """A new command gets golden files too: the list above covers every registered command."""
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    covered = {args[0] for args, _ in COMMANDS.values()}
    # schema and cohort write files (below); import and serve have tests of their own (test_importing_cli,
    # test_web_api), a draft file and a running server being their outputs.
    assert names - covered <= {"schema", "cohort", "import", "serve"}, names - covered


def test_schema_and_cohort_outputs_are_golden(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "-o", str(tmp_path / "schema.json")]).exit_code == 0
    cohort = runner.invoke(app, ["cohort", "scenarios/cohort-example.csv", "-q", CERT, "-o",
                                 str(tmp_path / "out.csv"), "--workers", "1"])
    assert cohort.exit_code == 0, cohort.output
    for name, produced in (("schema.json", tmp_path / "schema.json"), ("cohort-example.csv", tmp_path / "out.csv")):
        text = produced.read_text(encoding="utf-8")
        if os.environ.get("PATHWAYS_UPDATE_GOLDEN") == "1":
            (GOLDEN / name).write_text(text, encoding="utf-8")
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name
