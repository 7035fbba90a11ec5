"""Codes and files as real specifications print them: sector codes with spaces, units-only files shared by
qualifications in other files, and YAML merge keys for pathway variants (within the alias guards)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from solver.cohort.recommend import recommend_cohort
from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.recommendation import recommend

UNITS = """\
# Shared by the qualifications of other files, as a regulator's unit data would be.
units:
  - {code: "SHC 31", title: Promote communication, level: 3, credits: 3, glh: 10}
  - {code: "SHC 32", title: Engage in personal development, level: 3, credits: 3, glh: 10}
  - {code: "SHC 33", title: Promote equality and inclusion, level: 3, credits: 2, glh: 8}
  - {code: HSC 3013, title: Support individuals, level: 3, credits: 4, glh: 30}
"""
QUALIFICATIONS = """\
qualifications:
  - &diploma
    id: diploma
    accreditation: 500/0000/1
    title: Level 3 Diploma
    level: 3
    awarding_body: Example
    groups:
      - {id: M, name: Mandatory, units: ["SHC 31", "SHC 32", "SHC 33"]}
      - {id: O, name: Optional, units: [HSC 3013]}
    rules:
      - {id: total, kind: sum, min: 8}
      - {id: core, kind: mandatory, units: ["SHC 31", "SHC 32"]}
  - <<: *diploma
    id: diploma-extended
    accreditation: 500/0000/2
    title: Level 3 Extended Diploma
    rules:
      - {id: total, kind: sum, min: 12}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "units.yaml", UNITS)
    write(tmp_path, "qualifications.yaml", QUALIFICATIONS)
    return tmp_path


def test_a_units_only_file_serves_qualifications_in_other_files(folder):
    catalogue = load_catalogue(folder)
    assert catalogue.qualification("diploma").unit_codes() == ["SHC 31", "SHC 32", "SHC 33", "HSC 3013"]


def test_a_merge_key_copies_a_qualification_and_its_own_keys_override(folder):
    catalogue = load_catalogue(folder)
    base, extended = catalogue.qualification("diploma"), catalogue.qualification("500/0000/2")
    assert (extended.title, extended.groups) == ("Level 3 Extended Diploma", base.groups)
    assert [r.id for r in base.rules] == ["total", "core"] and [r.id for r in extended.rules] == ["total"]
    # SHC 31 + SHC 32 (6 credits, 20 GLH) plus the cheapest 2 more: SHC 33 (8 GLH) -> 28 GLH; the extended
    # diploma needs 12 credits: all four units, 58 GLH.
    assert recommend(catalogue, "diploma").new_glh == 28
    assert recommend(catalogue, "diploma-extended").new_glh == 58


def test_merged_values_are_located_where_they_are_written(folder):
    text = QUALIFICATIONS.replace("      - {id: total, kind: sum, min: 8}", "      - {id: total, kind: sum, min: 80}")
    write(folder, "qualifications.yaml", text)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(folder)
    # The base's impossible rule is reported once, at its own line (the extended diploma has its own rules).
    assert [str(p) for p in err.value.problems] == [
        f"{folder / 'qualifications.yaml'}:12:37: qualifications[0].rules[0].min: rule can never hold: "
        f"min 80 credits but all 4 selected units give only 12"]


def test_merge_keys_stay_within_the_alias_guard(tmp_path):
    lines = ["a0: &a0 {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9, q: 10}"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("units:\n  - <<: *a8")
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(CatalogueError, match="expected a document of at most"):
        load_catalogue(tmp_path)


def test_codes_with_spaces_on_the_command_line(folder):
    def pathways(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "solver.cli", *args, "--catalogue", str(folder)],
                              capture_output=True, text=True)

    out = pathways("check", "diploma", "SHC 31", "SHC 32", "SHC 33")
    assert out.returncode == 0, out.stdout + out.stderr
    out = pathways("recommend", "diploma", "--achieved", "SHC 31,SHC 32", "--json")
    assert out.returncode == 0, out.stderr
    assert '"new_glh": 8' in out.stdout  # only SHC 33 left to study


def test_codes_with_spaces_in_python_and_cohort_cells(folder):
    catalogue = load_catalogue(folder)
    assert check(catalogue, "diploma", ["SHC 31", "SHC 32", "SHC 33"]).valid
    assert recommend(catalogue, "diploma", Learner(achieved=("SHC 31",))).new_glh == 18
    rows = pd.DataFrame([{"learner": "a", "registered": "", "achieved": "SHC 31; SHC 32"},
                         {"learner": "b", "registered": "", "achieved": "HSC 3013; SHC 33"}])
    out = recommend_cohort(catalogue, "diploma", rows)
    assert list(out["new_glh"]) == [8, 20]  # a: SHC 33; b: SHC 31 and SHC 32


def test_a_footnote_mark_is_still_not_part_of_a_code(tmp_path):
    write(tmp_path, "c.yaml", UNITS.replace('"SHC 33"', '"SHC 33 ^"'))
    with pytest.raises(CatalogueError, match="no footnote marks"):
        load_catalogue(tmp_path)
