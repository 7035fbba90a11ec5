"""Cohort files read line by line: a broken line is that row's ERROR with its true line number, every other row
is answered, and blank lines are skipped and said so."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from solver.cohort.recommend import read_learners, recommend_cohort
from solver.cohort.rows import ROW_ERROR
from solver.errors import LookupFailure
from solver.model.catalogue import load_catalogue

CERT = "600/5962/X"
HEADER = "learner,registered,achieved,max_glh"
GOOD = ["{name},2021-01-01,8000-250 8000-252,", "{name},2019-09-01,,", "{name},2021-01-01,8000-308,40",
        '{name},2021-01-01,"8000-250, 8000-252",']
BROKEN = {  # a broken line -> the start of the message its row gets
    "{name},2021-01-01,8000-250,,extra,fields": "line {line}: expected at most 4 fields (one per column), got 6",
    '{name},"2021-01-01,8000-250,': "line {line}: cannot be read as CSV: a quote is unbalanced or misplaced",
    "{name},2021-01-01,,99999999999999999999": "max_glh: expected at most 1,000,000 hours",
    "{name},2021-13-45,,": "registered: expected a date (YYYY-MM-DD), got '2021-13-45'",
}


def test_a_cohort_with_broken_lines_answers_every_row(tmp_path: Path) -> None:
    chooser = random.Random(5)
    lines, expected = [HEADER], {}
    for i in range(50_000):
        name = f"L{i}"
        if i % 20 == 7:  # 5% broken, of every kind
            shape = list(BROKEN)[(i // 20) % len(BROKEN)]
            expected[name] = BROKEN[shape].format(line=len(lines) + 1)
        else:
            shape = chooser.choice(GOOD)
        lines.append(shape.format(name=name))
        if i % 1000 == 999:
            lines.append("")  # a blank line now and then
    path = tmp_path / "cohort.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    table = read_learners(path)
    assert table.attrs["blank_lines"] == [n + 1 for n, line in enumerate(lines) if not line]
    out = recommend_cohort(load_catalogue(), CERT, table, workers=1)
    assert len(out) == 50_000 == sum(1 for line in lines[1:] if line)
    assert list(out["learner"]) == [f"L{i}" for i in range(50_000)]
    errors = out[out["status"] == "ERROR"].set_index("learner")["message"].to_dict()
    assert errors.keys() == expected.keys()
    assert all(errors[name].startswith(start) for name, start in expected.items())
    assert set(out[out["status"] != "ERROR"]["status"]) <= {"OPTIMAL", "INFEASIBLE"}


def test_a_quoted_cell_may_hold_a_line_break_and_other_lines_stay_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f'{HEADER}\na,2021-01-01,"8000-250\n8000-252",\nb,2021-01-01,,\n', encoding="utf-8")
    table = read_learners(path)
    assert list(table["learner"]) == ["a", "b"] and ROW_ERROR not in table.columns
    assert table["achieved"][0].split() == ["8000-250", "8000-252"]


def test_a_line_that_is_not_utf8_is_its_rows_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(f"{HEADER}\na,2021-01-01,,\n".encode() + b"b\xff,2021-01-01,,\n" + b"c,2021-01-01,,\n")
    table = read_learners(path)
    assert list(table[ROW_ERROR]) == ["", "line 3: not UTF-8 text (invalid start byte at byte 1)", ""]


def test_a_file_without_a_readable_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"\n\nlearner\xff,registered\n")
    with pytest.raises(LookupFailure, match="its header row \\(line 3\\) is not comma-separated UTF-8 text"):
        read_learners(path)


def test_the_cli_says_which_blank_lines_it_skipped(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from solver.cli.entry import app

    source = tmp_path / "c.csv"
    source.write_text(f"{HEADER}\na,2021-01-01,,\n\nb,2021-01-01,,,x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["cohort", str(source), "-q", CERT, "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "Skipped 1 blank line (line 3)."
    assert "line 4: expected at most 4 fields" in (tmp_path / "out.csv").read_text(encoding="utf-8")
