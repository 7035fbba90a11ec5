"""The README's examples work: its catalogue example loads and its quick start names real commands."""

from __future__ import annotations

import re
from pathlib import Path

from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.recommendation import recommend

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_catalogue_format_example_loads_and_solves(tmp_path):
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if b.startswith("source:"))
    (tmp_path / "example.yaml").write_text(block, encoding="utf-8")
    cat = load_catalogue(tmp_path)
    q = cat.qualification("603/0000/0")
    assert len(q.rules) == 8
    result = recommend(cat, q, Learner(registered=__import__("datetime").date(2021, 1, 1), achieved=("Y-210",)))
    assert result.status == "OPTIMAL"
    assert "X-402" not in result.codes  # replaced for a 2021 registration
    assert check(cat, q, sorted(result.codes), Learner(registered=__import__("datetime").date(2021, 1, 1))).valid


def test_quick_start_has_exactly_two_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    (block,) = re.findall(r"```bash\n(.*?)```", quick, re.S)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1] == "python -m pytest"


def test_python_api_example_runs(monkeypatch):
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "import solver" in b)
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["result"].status == "OPTIMAL" and namespace["result"].new_glh == 18
    assert len(namespace["units"]) == 81
