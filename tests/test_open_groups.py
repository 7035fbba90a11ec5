"""Open and partial catalogues: a group that lists only some of its units, and groups with no units yet."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue
from solver.queries.checking import check
from solver.queries.recommendation import recommend

SPEC = """\
units:
  - {code: A1, title: Core, level: 3, credits: 3, glh: 12}
  - {code: B1, title: Listed option, level: 3, credits: 2, glh: 8}
qualifications:
  - id: open
    accreditation: 606/0000/6
    title: Diploma with an open group
    level: 3
    awarding_body: Example
    groups:
      - {id: A, name: Group A, units: [A1]}
      - {id: B, name: Group B, units: [B1], complete: false}   # "units include:" followed by a few
      - {id: C, name: Group C, units: [], complete: false}     # published as rules only, for now
    rules:
      - {id: core, kind: mandatory, groups: [A]}
      - {id: options, kind: sum, where: {groups: [B]}, min: 6}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "spec.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_a_rule_the_listed_units_cannot_meet_is_a_warning_for_an_open_group(tmp_path):
    catalogue = load_catalogue(write(tmp_path, SPEC))
    (warning,) = catalogue.warnings
    assert str(warning).endswith("qualifications[0].rules[1].min: the listed units give only 2 toward min 6 "
                                 "credits; the group lists only some of its units, so answers over the listed "
                                 "units find no pathway")
    with pytest.raises(CatalogueError, match="rule can never hold"):
        load_catalogue(write(tmp_path, SPEC.replace("units: [B1], complete: false", "units: [B1]")))


def test_every_answer_says_it_is_over_the_listed_units_only(tmp_path):
    catalogue = load_catalogue(write(tmp_path, SPEC.replace("min: 6", "min: 2")))
    answer = recommend(catalogue, "open")
    assert answer.to_dict()["over_listed_units_only"] == ["Group B", "Group C"]
    assert sorted(answer.codes) == ["A1", "B1"]
    assert check(catalogue, "open", ["A1", "B1"]).to_dict()["over_listed_units_only"] == ["Group B", "Group C"]


def test_the_cli_prints_the_warning_and_marks_open_groups(tmp_path):
    folder = write(tmp_path, SPEC)
    out = subprocess.run([sys.executable, "-m", "solver.cli", "catalogue", "show", "open", "--catalogue",
                          str(folder)], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stderr.startswith("warning: ") and "answers over the listed units find no pathway" in out.stderr
    assert "Group B (B): 1 unit listed (only some of its units)" in out.stdout
    advised = subprocess.run([sys.executable, "-m", "solver.cli", "recommend", "open", "--catalogue", str(folder)],
                             capture_output=True, text=True)
    assert advised.returncode == 1 and "INFEASIBLE" in advised.stdout
    assert "Over the listed units only: Group B, Group C" in advised.stdout
