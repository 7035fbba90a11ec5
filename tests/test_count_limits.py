"""`count` within a limit: an honest partial answer at the work limit (the same on every run), progress lines,
Ctrl-C with the partial answer and exit 130, and only the figures asked for."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import solver.engine.counting as counting
from solver.budget import Budget, Limit
from solver.cli import count_cmd
from solver.cli.entry import app
from solver.engine.counting import DP, CountResult, Figure, count_formulation
from solver.model.catalogue import load_catalogue
from solver.request.formulation import formulate

CERT, AWARD = "600/5962/X", "600/5928/X"
BIG_UNITS = 1_000  # far past the counter's state bound: the count needs the listing fallback and its bounds


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.synthetic import Shape, write_synthetic

    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder, Shape(units=BIG_UNITS))
    return folder


def _count(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["count", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_default_work_limit_ends_a_large_count_with_an_honest_deterministic_answer(big, monkeypatch):
    # The default is 30 units (about 30 s of one core); a smaller default stops this 1,000-unit count the same
    # way without holding the test suite for a minute.
    monkeypatch.setattr(count_cmd, "DEFAULT_WORK", 2.0)
    monkeypatch.setenv("PATHWAYS_PROGRESS", "1")
    runs = [_count("synthetic", "--catalogue", str(big), "--json") for _ in range(2)]
    (code, out, err), (_, again, _) = runs
    assert code == 0
    assert out == again  # deterministic: the same stop, byte for byte
    data = json.loads(out)
    assert data["count"] is None and data["stopped_by"] == "work limit"
    assert data["figures"]["count"] in ("bounds", "not computed")
    assert data["count_at_least"] is None or data["count_at_least"] >= 1  # CP-SAT listed some valid pathways
    assert data["count_at_most"] is None or data["count_at_most_useful"] in (True, False)
    assert data["skipped"] == ["minimal", "distributions", "shares"]  # 1,000 units: the count alone by default
    assert any("--minimal" in s for s in data["said"]) and any("work limit (2 units" in s for s in data["said"])
    assert "counting pathways (forward" in err  # progress lines on stderr
    code, text, _ = _count("synthetic", "--catalogue", str(big))
    assert code == 0 and "Stopped at the work limit" in text and "Skipped" in text
    assert "at least" in text or "not computed" in text


def test_sigint_gives_the_partial_answer_and_exit_130(big):
    env = dict(os.environ, PATHWAYS_PROGRESS="1")
    entry = "from solver.cli.entry import main; main()"
    args = ["count", "synthetic", "--catalogue", str(big), "--work-limit", "1000"]
    proc = subprocess.Popen([sys.executable, "-c", entry, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 120  # a guard against a hung test, not a measurement
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if line.startswith("counting pathways") or not line:
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    err = "".join(seen) + err
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert "Interrupted" in out and "SYN/1000/20" in out


def test_count_computes_only_the_figures_asked_for(monkeypatch):
    minimal_passes = []
    original = counting.passes_of

    def watched(problem, minimal=False, *args, **kwargs):
        minimal_passes.append(minimal)
        return original(problem, minimal, *args, **kwargs)

    monkeypatch.setattr(counting, "passes_of", watched)
    code, out, _ = _count(CERT, "--distributions", "--json")
    data = json.loads(out)
    assert code == 0 and True not in minimal_passes  # no minimal pass was run
    assert data["minimal"] is None and data["figures"]["minimal"] == "skipped"
    assert data["skipped"] == ["minimal", "shares"]
    assert data["figures"]["by_glh"] == "exact" and sum(data["by_glh"].values()) == data["count"]
    assert any("--minimal" in s for s in data["said"])
    code, text, _ = _count(AWARD, "--minimal")
    assert "of them minimal" in text and "Valid pathways by GLH" not in text
    assert "the spreads by credits and GLH (--distributions)" in text
    code, text, _ = _count(AWARD, "--shares", "--json")
    data = json.loads(text)
    assert data["shares"] and data["minimal"] is None and data["by_glh"] == {}
    assert max(data["shares"].values()) <= data["count"]
    code, text, _ = _count(AWARD)  # a small qualification: every figure but the shares, nothing said skipped
    assert "of them minimal" in text and "Valid pathways by GLH" in text and "Skipped" not in text


def test_a_stage_stopped_by_the_budget_says_so_and_keeps_what_it_had():
    cat = load_catalogue()
    f = formulate(cat, cat.qualification(CERT))
    exact = count_formulation(f)
    assert exact.stopped_by is None and exact.status()["count"] == "exact"
    budget = Budget(work=1e-9)  # spent by the count's first unit
    stopped = count_formulation(f, budget=budget)
    assert stopped.count is None and stopped.stopped_by is Limit.WORK and stopped.status()["count"] == "not computed"
    assert count_formulation(f, budget=Budget(work=1e-9)) == stopped
    budget = Budget()
    budget.cancel()
    interrupted = count_formulation(f, budget=budget)
    assert interrupted.stopped_by is Limit.INTERRUPTED and interrupted.count is None
    # Enough for the count alone, not the minimal pass after it: the count stays exact.
    spent = Budget()
    count_formulation(f, budget=spent, figures=())
    partial = count_formulation(f, budget=Budget(work=spent.spent * 1.01))
    assert partial.count == exact.count and partial.stopped_by is Limit.WORK
    assert partial.minimal is None and any("minimal count not computed within the work limit" in n
                                           for n in partial.notes)


def test_an_upper_bound_far_above_the_lower_is_not_called_useful():
    def result(low: int, high: int) -> CountResult:
        return CountResult(qualification="q", accreditation="a", registered=None, count=None, minimal=None,
                           by_credits={}, by_glh={}, method=DP, complete=False, count_at_least=low,
                           count_at_most=high)

    assert result(451, 2 ** 930).useful_upper_bound is None
    assert result(451, 4_510).useful_upper_bound == 4_510
    assert "no useful upper bound" in count_cmd._count_line(result(451, 2 ** 930))
    assert "at most 4,510" in count_cmd._count_line(result(451, 4_510))
    assert Figure.SHARES not in count_cmd.asked_figures(30, False, False, False)
    assert count_cmd.asked_figures(5_000, False, False, False) == set()
