"""`pathways count`, `enumerate`, `audit` and `whatif` as a new user runs them."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli.entry import app
from solver.engine.counting import count_pathways
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.request.formulation import formulate

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


def invoke(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_count_award_prints_the_exact_number(bundled):
    out = invoke("count", "600/5928/X").output
    assert "17,835,524 valid pathways, 1,178 of them minimal (exact, by dynamic programming)" in out
    data = json.loads(invoke("count", "600/5928/X", "--json").output)
    assert data["count"] == count_pathways(bundled, "600/5928/X").count == 17_835_524
    assert sum(data["by_credits"].values()) == sum(data["by_glh"].values()) == data["count"]


def test_count_with_filters_and_registration(bundled):
    data = json.loads(invoke("count", "600/5962/X", "--registered", "2019-01-01", "--max-glh", "30",
                             "--exclude", "8000-280", "--json").output)
    full = count_pathways(bundled, "600/5962/X", Learner(registered=__import__("datetime").date(2019, 1, 1),
                                                          exclude=("8000-280",)))
    assert data["count"] == sum(n for g, n in full.by_glh.items() if g <= 30)
    assert data["registered"] == "2019-01-01"


def test_enumerate_lowest_glh_in_order(bundled):
    data = json.loads(invoke("enumerate", "600/5962/X", "--registered", "2021-01-01", "--order", "glh",
                             "--limit", "20", "--json").output)
    glh = [p["glh"] for p in data["pathways"]]
    assert len(glh) == 20 and glh == sorted(glh) and glh[0] == 33
    registered = Learner(registered=__import__("datetime").date(2021, 1, 1))
    assert data["total"] == count_pathways(bundled, "600/5962/X", registered).count
    table = invoke("enumerate", "600/5962/X", "--registered", "2021-01-01", "--order", "glh", "--limit", "5").output
    assert "5 of 1,141,305,047,728 valid pathways, by glh" in table


def test_enumerate_csv_rows_are_valid(tmp_path, bundled):
    target = tmp_path / "award.csv"
    result = invoke("enumerate", "600/5928/X", "--csv", str(target), "--limit", "5000")
    assert "wrote 5,000 pathways" in result.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 5000 and list(rows[0]) == ["units", "n_units", "credits", "credits_G1", "glh"]
    f = formulate(bundled, bundled.qualification("600/5928/X"))
    assert all(f.valid(frozenset(r["units"].split())) for r in rows)
    assert not list(tmp_path.glob(".award.csv.*"))  # no temporary file left behind


def test_enumerate_interrupted_keeps_complete_rows(tmp_path, monkeypatch):
    import solver.queries.enumeration as enumeration

    real = enumeration.enumerate_formulation

    def interrupted(*args, **kwargs):
        for n, p in enumerate(real(*args, **kwargs)):
            if n == 123:
                raise KeyboardInterrupt
            yield p
    monkeypatch.setattr(enumeration, "enumerate_formulation", interrupted)
    target = tmp_path / "all.csv"
    result = invoke("enumerate", "600/5928/X", "--csv", str(target), code=130)
    partial = tmp_path / "all.partial.csv"
    assert f"interrupted; wrote 123 pathways to {partial} ({target} not written" in " ".join(result.output.split())
    assert not target.exists() and len(list(csv.DictReader(partial.open(encoding="utf-8")))) == 123


def test_enumerate_ctrl_c_in_a_real_process(tmp_path):
    """SIGINT to a run over 10^12 pathways: exit 130, and a CSV named partial holds only complete rows."""
    target = tmp_path / "cert.csv"
    proc = subprocess.Popen([sys.executable, "-m", "solver.cli", "enumerate", "600/5962/X", "--csv", str(target)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            partial = list(tmp_path.glob(".cert.csv.*"))
            if partial and partial[0].stat().st_size > 100_000:
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted; wrote" in err
    assert not target.exists()  # the requested name is only ever the whole list
    text = (tmp_path / "cert.partial.csv").read_text(encoding="utf-8")
    assert text.endswith("\n")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["units", "n_units", "credits", "credits_G1", "credits_G2", "glh"]
    assert len(rows) > 1 and all(len(r) == 6 for r in rows)


def test_enumerate_refuses_bad_options():
    result = runner.invoke(app, ["enumerate", "600/5928/X", "--order", "size"])
    assert result.exit_code == 2 and "expected one of glh, credits, units" in result.output


def test_audit_reports_the_real_findings():
    out = invoke("audit").output
    assert "600/5962/X publishes 28 GLH but the lowest achievable for learners registered from 2020-07-01 is 33" in \
        " ".join(out.split())
    assert "8000-308" in out and "8603-300" in out
    data = json.loads(invoke("audit", "600/5928/X", "--json").output)
    assert [q["accreditation"] for q in data["qualifications"]] == ["600/5928/X"]
    assert data["qualifications"][0]["regimes"][0]["count"] == 17_835_524
    shares = invoke("audit", "600/5788/9", "--shares").output
    assert "100.00%" in shares


def test_whatif_table_and_expected_block(tmp_path):
    path = REPO / "scenarios" / "whatif-cert-group2-cap.yaml"
    out = invoke("whatif", str(path)).output
    assert "3,741,198,290,125" in out and "Dev" in out
    data = json.loads(invoke("whatif", str(path), "--json").output)
    assert data["mismatches"] == [] and data["changed"] == ["Dev"]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(path.read_text(encoding="utf-8").replace("changed: [Dev]", "changed: [Cara]"), encoding="utf-8")
    result = runner.invoke(app, ["whatif", str(wrong)])
    assert result.exit_code == 1 and "expected mismatch" in result.output
