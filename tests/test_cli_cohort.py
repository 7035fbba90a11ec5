"""`pathways cohort` as a user runs it: a CSV in, one row per learner out, clean errors with exit 2."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from test_cohort import BROKEN, CERT, cohort_rows


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_cohort_with_broken_rows_writes_one_row_per_learner(catalogue, tmp_path):
    rows = cohort_rows(catalogue, 40) + BROKEN + [{"learner": "budget", "registered": "2021-01-01",
                                                    "achieved": "", "max_glh": "5"}]
    pd.DataFrame(rows).to_csv(tmp_path / "in.csv", index=False)
    out = run("cohort", "in.csv", "--qualification", CERT, "-o", "out.csv", "--workers", "2", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar when stderr is not a terminal
    result = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(result.columns) == ["learner", "status", "units", "credits", "glh", "new_glh", "message"]
    assert list(result["learner"]) == [r["learner"] for r in rows]
    assert (result["status"] == "ERROR").sum() == len(BROKEN)
    assert result.iloc[-1]["status"] == "INFEASIBLE" and "your budget is 5" in result.iloc[-1]["message"]
    assert f"Wrote {len(rows)} rows to out.csv" in out.stdout
    again = run("cohort", "in.csv", "-q", CERT, "-o", "again.csv", "--workers", "1", cwd=tmp_path)
    assert again.returncode == 0
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()


def test_objective_option_is_the_default_for_rows_without_one(tmp_path):
    (tmp_path / "in.csv").write_text("learner,registered,achieved,objective\n"
                                     "a,2021-01-01,8000-250 8000-270,\nb,2021-01-01,8000-250 8000-270,min-glh\n")
    out = run("cohort", "in.csv", "-q", CERT, "-o", "out.csv", "--objective", "max-reuse", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    result = pd.read_csv(tmp_path / "out.csv")
    assert "8000-270" in result.loc[0, "units"]  # max-reuse keeps the achieved 3-credit unit
    assert result.loc[0, "new_glh"] >= result.loc[1, "new_glh"]


def assert_clean_error(out: subprocess.CompletedProcess, text: str) -> None:
    assert out.returncode == 2, out.stderr
    assert text in " ".join(out.stderr.split())
    assert "Traceback" not in out.stderr


def test_clean_errors_exit_2_and_write_nothing(tmp_path):
    (tmp_path / "in.csv").write_text("learner,registered,achieved\na,2021-01-01,8000-250\n")
    (tmp_path / "nocol.csv").write_text("learner,achieved\na,8000-250\n")
    (tmp_path / "empty.csv").write_text("")
    assert_clean_error(run("cohort", "missing.csv", "-q", CERT, "-o", "out.csv", cwd=tmp_path),
                       "cannot read missing.csv: no such file")
    assert_clean_error(run("cohort", "nocol.csv", "-q", CERT, "-o", "out.csv", cwd=tmp_path),
                       "no column 'registered'")
    assert_clean_error(run("cohort", "empty.csv", "-q", CERT, "-o", "out.csv", cwd=tmp_path),
                       "the file is empty")
    assert_clean_error(run("cohort", "in.csv", "-q", "9/9/9", "-o", "out.csv", cwd=tmp_path),
                       "no qualification '9/9/9'")
    assert_clean_error(run("cohort", "in.csv", "-q", CERT, "-o", "out.csv", "--objective", "cheap", cwd=tmp_path),
                       "expected one of min-glh")
    assert_clean_error(run("cohort", "in.csv", "-q", CERT, "-o", "no/such/dir/out.csv", cwd=tmp_path),
                       "expected a file in an existing folder")
    assert_clean_error(run("cohort", "in.csv", "-q", CERT, "-o", "out.csv", "--workers", "0", cwd=tmp_path),
                       "--workers")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "in.csv", "nocol.csv"]
