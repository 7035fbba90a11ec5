"""`recommend_cohort`: one row per learner row in order, equal to per-learner `recommend`, any process count."""

from __future__ import annotations

import datetime as dt
import os
import random

import pandas as pd
import pytest

from solver.cohort.recommend import OUTPUT_COLUMNS, ProfileSolver, read_learners, recommend_cohort
from solver.errors import LookupFailure
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.recommendation import recommend

CERT = "600/5962/X"


def cohort_rows(catalogue, n: int, seed: int = 5) -> list[dict[str, str]]:
    """Learners with dates both sides of 2020-07-01, a few achieved units, some with asks and objectives."""
    rng = random.Random(seed)
    codes = catalogue.qualification(CERT).unit_codes()
    rows = []
    for i in range(n):
        day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(1800))
        row = {"learner": f"L{i}", "registered": day.isoformat(),
               "achieved": " ".join(rng.sample(codes, rng.randint(0, 4))), "objective": "", "max_glh": "",
               "include": "", "exclude": ""}
        roll = rng.random()
        if roll < 0.15:
            row["objective"] = rng.choice(["min-units", "max-reuse"])
        elif roll < 0.25:
            row["max_glh"] = str(rng.choice([5, 20, 40]))
        elif roll < 0.35:
            row["include"] = rng.choice(codes)
        elif roll < 0.45:
            row["exclude"] = " ".join(rng.sample(codes, 2))
        rows.append(row)
    return rows


BROKEN = [
    {"learner": "unknown-unit", "registered": "2021-01-01", "achieved": "8000-250 9999-999"},
    {"learner": "bad-date", "registered": "2021-02-30", "achieved": "8000-250"},
    {"learner": "bad-budget", "registered": "2021-01-01", "achieved": "", "max_glh": "lots"},
    {"learner": "negative-budget", "registered": "2021-01-01", "achieved": "", "max_glh": "-4"},
    {"learner": "bad-objective", "registered": "2021-01-01", "achieved": "", "objective": "cheapest"},
    {"learner": "foreign-include", "registered": "2021-01-01", "achieved": "", "include": "8603-300"},
]


def learner_of(row: dict) -> Learner:
    codes = lambda key: tuple((row.get(key) or "").split())  # noqa: E731
    return Learner(registered=dt.date.fromisoformat(row["registered"]) if row["registered"] else None,
                   achieved=codes("achieved"), include=codes("include"), exclude=codes("exclude"),
                   max_glh=int(row["max_glh"]) if row.get("max_glh") else None)


def test_every_row_matches_per_learner_recommend(catalogue):
    """With CP-SAT for every row; the DP path gives the same optima (tests/test_cohort_fast.py), its own tie-break."""
    rows = cohort_rows(catalogue, 80)
    out = recommend_cohort(catalogue, CERT, pd.DataFrame(rows), method="cp-sat")
    assert list(out.columns) == list(OUTPUT_COLUMNS)
    assert list(out["learner"]) == [r["learner"] for r in rows]
    statuses = set()
    for row, got in zip(rows, out.to_dict("records")):
        objective = row["objective"] or "min-glh"
        want = recommend(catalogue, CERT, learner_of(row), objective)
        statuses.add(want.status)
        assert got["status"] == want.status, row
        if want.pathway is None:
            assert pd.isna(got["new_glh"]) and got["units"] == ""
            assert got["message"] == " ".join(want.explanation.sentences())
            continue
        assert got["new_glh"] == want.new_glh, row
        units = tuple(got["units"].split())
        # Same parameters and tie-breaking as `pathways recommend`: the same units, not just the same cost.
        assert units == tuple(u.code for u in want.pathway.units), row
        verdict = check(catalogue, CERT, units, learner_of(row))
        assert verdict.valid and (verdict.credits, verdict.glh, verdict.new_glh) == (
            got["credits"], got["glh"], got["new_glh"])
    assert statuses == {"OPTIMAL", "INFEASIBLE"}  # the sample exercises both


def test_broken_rows_keep_their_place_with_a_message(catalogue):
    good = cohort_rows(catalogue, 3)
    rows = [good[0], *BROKEN, good[1]]
    out = recommend_cohort(catalogue, CERT, pd.DataFrame(rows))
    assert list(out["learner"]) == [r["learner"] for r in rows]
    by_name = out.set_index("learner")
    assert by_name.loc[good[0]["learner"], "status"] == "OPTIMAL"
    messages = {
        "unknown-unit": "achieved unit '9999-999' is not in the catalogue",
        "bad-date": "registered: expected a date (YYYY-MM-DD), got '2021-02-30'",
        "bad-budget": "max_glh: expected a whole number of hours, got 'lots'",
        "negative-budget": "max_glh: expected 0 or more hours, got -4",
        "bad-objective": "objective: unknown objective 'cheapest'; expected one of min-glh, best-fit, "
                         "min-units, max-reuse, weighted-goals, cover, within-budget",
        "foreign-include": "included unit '8603-300' is not a unit of 600/5962/X (l2-cert-lts)",
    }
    for name, message in messages.items():
        assert by_name.loc[name, "status"] == "ERROR"
        assert by_name.loc[name, "message"] == message
        assert by_name.loc[name, "units"] == "" and pd.isna(by_name.loc[name, "new_glh"])


def test_missing_cells_read_as_empty_and_numbers_may_be_numbers(catalogue):
    frame = pd.DataFrame([{"learner": "a", "registered": None, "achieved": float("nan"), "max_glh": 40},
                          {"learner": "b", "registered": "2019-01-01", "achieved": "8000-339", "max_glh": 40.0}])
    out = recommend_cohort(catalogue, CERT, frame)
    assert list(out["status"]) == ["OPTIMAL", "OPTIMAL"]
    assert out.loc[0, "new_glh"] == recommend(catalogue, CERT, Learner(max_glh=40)).new_glh


def test_duplicate_profiles_give_identical_rows_and_are_solved_once(catalogue, monkeypatch):
    base = {"registered": "2021-03-01", "achieved": "8000-250 8000-300"}
    rows = [{"learner": "a", **base}, {"learner": "b", "registered": "2021-03-01", "achieved": "8000-300 8000-250"},
            {"learner": "c", **base, "achieved": "8000-300,8000-250 8000-300"}, {"learner": "d", **base}]
    calls = []
    original = ProfileSolver.solve
    monkeypatch.setattr(ProfileSolver, "solve", lambda self, p: calls.append(p) or original(self, p))
    out = recommend_cohort(catalogue, CERT, pd.DataFrame(rows), method="cp-sat")
    assert len(calls) == 1
    for frame in (out, recommend_cohort(catalogue, CERT, pd.DataFrame(rows))):  # CP-SAT, then the DP
        fields = frame.drop(columns="learner").astype(str).drop_duplicates()
        assert len(fields) == 1 and fields.iloc[0]["status"] == "OPTIMAL"


def test_dates_on_the_same_side_of_every_cut_off_share_one_solve(catalogue, monkeypatch):
    from solver.engine.compile import CompiledModel

    solves = []
    original = CompiledModel.solve
    monkeypatch.setattr(CompiledModel, "solve", lambda self, *a, **k: solves.append(1) or original(self, *a, **k))
    rows = [{"learner": str(i), "registered": day, "achieved": "8000-250"}
            for i, day in enumerate(["2021-01-01", "2022-05-05", "2019-01-01", "2019-06-30"])]
    out = recommend_cohort(catalogue, CERT, pd.DataFrame(rows), method="cp-sat")
    assert len(solves) == 2  # one per regime
    assert out.loc[0, "units"] == out.loc[1, "units"] and out.loc[2, "units"] == out.loc[3, "units"]


def test_workers_give_byte_identical_csv(catalogue):
    frame = pd.DataFrame(cohort_rows(catalogue, 150, seed=9) + BROKEN)
    seen: list[tuple[int, int]] = []
    one = recommend_cohort(catalogue, CERT, frame, workers=1).to_csv(index=False)
    two = recommend_cohort(catalogue, CERT, frame, workers=2, progress=lambda d, n: seen.append((d, n)))
    assert one == two.to_csv(index=False)
    assert seen[-1] == (len(frame), len(frame)) and len(seen) > 2
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_unknown_default_objective_and_missing_columns_are_errors(catalogue):
    with pytest.raises(LookupFailure, match="unknown objective 'fastest'"):
        recommend_cohort(catalogue, CERT, pd.DataFrame(BROKEN), objective="fastest")
    with pytest.raises(LookupFailure, match="no column 'achieved'"):
        recommend_cohort(catalogue, CERT, pd.DataFrame([{"learner": "a", "registered": ""}]))


def test_read_learners_reports_unreadable_files(tmp_path):
    with pytest.raises(LookupFailure, match="no such file"):
        read_learners(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LookupFailure, match="the file is empty"):
        read_learners(tmp_path / "empty.csv")
    (tmp_path / "binary.csv").write_bytes(b"learner,registered,achieved\n\xff\xfe,\x00\n")
    assert read_learners(tmp_path / "binary.csv")["_row_error"].tolist() == [
        "line 2: not UTF-8 text (invalid start byte at byte 0)"]  # that row's error, not the whole file's
    (tmp_path / "ok.csv").write_text("\ufefflearner, registered ,achieved\n007,,8000-250\n")
    frame = read_learners(tmp_path / "ok.csv")
    assert frame.to_dict("records") == [{"learner": "007", "registered": "", "achieved": "8000-250"}]


def test_crash_mid_run_leaves_no_output_file(catalogue, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    source = tmp_path / "learners.csv"
    pd.DataFrame(cohort_rows(catalogue, 30)).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    calls = []

    def failing(self, profiles):  # a chunk of profiles, DP or CP-SAT
        calls.append(profiles)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return original(self, profiles)

    original = ProfileSolver.solve_all
    monkeypatch.setattr(ProfileSolver, "solve_all", failing)
    result = CliRunner().invoke(app, ["cohort", str(source), "-q", CERT, "-o", str(target), "--workers", "1"])
    assert isinstance(result.exception, RuntimeError) and len(calls) == 3
    assert sorted(os.listdir(tmp_path)) == ["learners.csv"]


def test_crash_while_writing_keeps_the_previous_file(catalogue, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    source = tmp_path / "learners.csv"
    pd.DataFrame(cohort_rows(catalogue, 5)).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    target.write_text("previous\n")
    original = pd.DataFrame.to_csv

    def half_then_fail(self, stream=None, **kwargs):
        stream.write(original(self, None, **kwargs)[:40])
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    result = CliRunner().invoke(app, ["cohort", str(source), "-q", CERT, "-o", str(target), "--workers", "1"])
    assert result.exit_code != 0
    assert target.read_text() == "previous\n"
    assert sorted(os.listdir(tmp_path)) == ["learners.csv", "out.csv"]


def test_ctrl_c_still_raises_keyboard_interrupt_after_an_explained_row():
    """A CP-SAT solve that catches SIGINT leaves the OS default behind; the compile layer's parameters tell
    it not to, so Ctrl-C stays a KeyboardInterrupt after any solve (explanations too) and the CLI can clean up."""
    import subprocess
    import sys

    script = (
        "import os, signal, pandas as pd\n"
        "from solver.model.catalogue import load_catalogue\n"
        "from solver.cohort.recommend import recommend_cohort\n"
        "out = recommend_cohort(load_catalogue(), '600/5962/X', pd.DataFrame("
        "[{'learner': 'a', 'registered': '', 'achieved': '', 'max_glh': '5'}]))\n"
        "assert out.loc[0, 'status'] == 'INFEASIBLE'\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    signal.pause() if hasattr(signal, 'pause') else None\n"
        "except KeyboardInterrupt:\n"
        "    raise SystemExit(7)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 7, (done.returncode, done.stderr)


def test_a_full_cache_evicts_without_changing_answers(catalogue, monkeypatch):
    import solver.cohort.solving

    frame = pd.DataFrame(cohort_rows(catalogue, 40, seed=4))
    full = recommend_cohort(catalogue, CERT, frame).to_csv(index=False)
    monkeypatch.setattr(solver.cohort.solving, "CACHE_LIMIT", 2)
    assert recommend_cohort(catalogue, CERT, frame).to_csv(index=False) == full
