"""With --json, every error is one JSON object on stdout ({"error": ..., "problems": [...]}) with the usual exit
code; without it, the same errors stay plain lines on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY = "import sys; from solver.cli.entry import main; sys.argv[0] = 'pathways'; main()"


def pathways(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize(("args", "error"), [
    (["recommend", "600/0000/0"], "no qualification '600/0000/0'"),
    (["recommend", "600/5962/X", "--bogus"], "No such option: --bogus"),
    (["recommend", "600/5962/X", "--max-glh", "99999999999999999999"],
     "--max-glh: Input should be less than or equal to 1000000"),
    (["count", "600/5962/X", "--registered", "2021-02-30"], "2021-02-30"),
])
def test_errors_in_json_mode_are_json(args: list[str], error: str) -> None:
    result = pathways(*args, "--json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"error", "problems"} and error in body["error"]


def test_a_bad_catalogue_in_json_mode_lists_its_located_problems(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text("units:\n  - {code: A1, title: A, level: 9, credits: 1, glh: 1}\n",
                                       encoding="utf-8")
    result = pathways("catalogue", "--catalogue", str(tmp_path), "--json")
    body = json.loads(result.stdout)
    assert result.returncode == 2 and body["error"].startswith("invalid catalogue")
    assert {"file": str(tmp_path / "cat.yaml"), "line": 2, "column": 33, "path": "units[0].level",
            "message": "expected a number <= 8, got 9"} in body["problems"]


def test_without_json_errors_stay_plain_lines_on_stderr() -> None:
    result = pathways("recommend", "600/5962/X", "--bogus")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == "Error: No such option: --bogus"


def test_cohort_and_schema_answer_in_json_too(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("learner,registered,achieved\na,2021-01-01,\n\nb,2021-01-01,,x\n",
                                     encoding="utf-8")
    cohort = pathways("cohort", "in.csv", "-q", "600/5962/X", "-o", "out.csv", "--json", cwd=tmp_path)
    assert cohort.returncode == 0, cohort.stderr
    assert json.loads(cohort.stdout) == {"output": "out.csv", "rows": 2, "statuses": {"ERROR": 1, "OPTIMAL": 1},
                                         "blank_lines": [3]}
    schema = pathways("schema", "-o", "schema.json", "--json", cwd=tmp_path)
    body = json.loads(schema.stdout)
    assert schema.returncode == 0 and body["output"] == "schema.json"
    assert body["bytes"] == (tmp_path / "schema.json").stat().st_size
    assert "$schema" in json.loads(pathways("schema", "--json").stdout)  # no -o: the schema itself, as ever
