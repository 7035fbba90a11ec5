"""The audit of a qualification with named pathways audits each pathway (its rules and the pathway's), as
`count --pathway` counts it; --pathway audits one; the JSON and the sentences name the pathway."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.budget import Budget, Step
from solver.cli.entry import app
from solver.errors import LookupFailure
from solver.model.catalogue import load_catalogue
from solver.queries.auditing import audit
from solver.queries.by_pathway import count_by_pathway

EXAMPLE = Path(__file__).resolve().parents[1] / "catalogue" / "examples" / "adult-care-diploma.yaml"

# Two pathways over one set of units: A needs U3, B needs U4; the qualification's own rules alone (U1 and at
# least 2 units) allow U1 with any non-empty subset of U2-U4 (7 sets). On A: U1 U3 plus any of U2, U4 (4 sets);
# on B: U1 U4 plus any of U2, U3 (4); distinct over both: 6.
TWO_PATHWAYS = """\
units:
  - {code: U1, title: One, level: 3, credits: 5, glh: 10}
  - {code: U2, title: Two, level: 3, credits: 5, glh: 20}
  - {code: U3, title: Three, level: 3, credits: 5, glh: 30}
  - {code: U4, title: Four, level: 3, credits: 5, glh: 40}
qualifications:
  - id: two-ways
    accreditation: 600/0000/1
    title: Two ways
    level: 3
    awarding_body: Example Body
    figures: {credits: {min: 10}}
    groups:
      - {id: M, name: Mandatory, units: [U1]}
      - {id: O, name: Optional, units: [U2, U3, U4]}
    rules:
      - {id: mandatory, kind: mandatory, groups: [M]}
      - {id: total, kind: sum, min: 10}
    pathways:
      - id: alpha
        title: Alpha Route
        rules:
          - {id: needs-u3, kind: mandatory, units: [U3]}
      - id: beta
        title: Beta Route
        rules:
          - {id: needs-u4, kind: mandatory, units: [U4]}
"""


@pytest.fixture(scope="module")
def example():
    return load_catalogue(EXAMPLE)


@pytest.fixture()
def two_ways(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(TWO_PATHWAYS)
    return load_catalogue(path)


def _counts(report) -> dict[str | None, list[int | None]]:
    return {qa.pathway: [r.counts.count for r in qa.regimes] for qa in report.qualifications}


def test_each_named_pathway_is_audited_with_its_own_rules(two_ways):
    """Before: one audit from the qualification's own rules, counting 7 pathways that no learner can follow."""
    report = audit(two_ways, "two-ways")
    assert _counts(report) == {"alpha": [4], "beta": [4]}
    alpha, beta = report.qualifications
    assert alpha.regimes[0].forced == ["U1", "U3"] and beta.regimes[0].forced == ["U1", "U4"]
    assert alpha.regimes[0].regime.pathway == "alpha"
    assert alpha.regimes[0].regime.label == "on the Alpha Route pathway, registered on any date"
    assert (alpha.regimes[0].min_glh, beta.regimes[0].min_glh) == (40, 50)
    hours = [f.sentence for f in report.findings if f.kind == "glh-not-published"]
    assert len(hours) == 2, hours  # one per pathway, each saying which
    assert "on the Alpha Route pathway, registered on any date is 40 GLH (U1 U3)" in hours[0]
    assert "on the Beta Route pathway, registered on any date is 50 GLH (U1 U4)" in hours[1]


def test_the_audit_counts_equal_count_by_pathway_on_the_example(example):
    per = count_by_pathway(example, "adult-care-l3")
    report = audit(example, "adult-care-l3")
    assert _counts(report) == {p: [c.count] for p, c in per.by_pathway.items()} == {"dementia": [7],
                                                                                    "end-of-life": [15]}
    assert per.distinct == 18  # the union, which the old audit's 21 (own rules alone) was not either


def test_one_pathway_is_audited_when_named(example):
    report = audit(example, "601/9999/1", pathway="End-Of-Life")
    assert _counts(report) == {"end-of-life": [15]}
    assert report.qualifications[0].qualification.title.endswith("(End of Life Care)")
    with pytest.raises(LookupFailure, match="no pathway 'nope'"):
        audit(example, "adult-care-l3", pathway="nope")
    with pytest.raises(LookupFailure, match="one qualification"):
        audit(example, pathway="dementia")


def test_one_budget_is_shared_by_every_pathway(two_ways):
    steps: list[Step] = []
    budget = Budget(report=steps.append)
    audit(two_ways, "two-ways", budget=budget)
    tasks = {s.task for s in steps if s.task.startswith("auditing two-ways")}
    assert len(tasks) == 2 and all("pathway" in t for t in tasks), tasks
    assert budget.spent > 0


def test_a_qualification_without_named_pathways_says_none(two_ways):
    plain = two_ways.qualification("two-ways").model_copy(update={"pathways": ()})
    report = audit(two_ways, plain)
    assert _counts(report) == {None: [7]}
    assert report.to_dict()["qualifications"][0]["pathway"] is None


def _run(*args: str):
    return CliRunner().invoke(app, ["audit", *args, "--catalogue", str(EXAMPLE)])


def test_the_cli_audits_each_pathway_and_its_json_names_it():
    result = _run("adult-care-l3", "--json")
    assert result.exit_code == 0, result.output
    sections = json.loads(result.output)["qualifications"]
    assert [(s["pathway"], s["regimes"][0]["count"]) for s in sections] == [("dementia", 7), ("end-of-life", 15)]
    findings = json.loads(result.output)["findings"]
    assert {(f["pathway"], f["kind"]) for f in findings} >= {("dementia", "glh-not-published"),
                                                              ("end-of-life", "glh-not-published")}
    text = _run("adult-care-l3")
    assert "(Dementia Care)" in text.output and "(End of Life Care)" in text.output


def test_the_cli_audits_the_pathway_named_and_refuses_one_without_a_qualification():
    result = _run("adult-care-l3", "--pathway", "dementia", "--json")
    assert result.exit_code == 0, result.output
    assert [s["pathway"] for s in json.loads(result.output)["qualifications"]] == ["dementia"]
    counted = CliRunner().invoke(app, ["count", "adult-care-l3", "--pathway", "dementia", "--json",
                                       "--catalogue", str(EXAMPLE)])
    assert json.loads(counted.output)["count"] == json.loads(result.output)["qualifications"][0]["regimes"][0]["count"]
    assert _run("--pathway", "dementia").exit_code == 2
    # The exit code 2 of a lookup failure is the entry point's (solver.cli.main), so through a process.
    unknown = subprocess.run([sys.executable, "-m", "solver.cli", "audit", "adult-care-l3", "--pathway", "nope",
                              "--catalogue", str(EXAMPLE)], capture_output=True, text=True, check=False)
    assert unknown.returncode == 2 and "dementia, end-of-life" in unknown.stderr, unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_the_web_audit_follows(example):
    pytest.importorskip("fastapi", reason="the web extra is not installed (pip install '.[web]')")
    from fastapi.testclient import TestClient

    from solver.web.app import create_app

    client = TestClient(create_app(example))
    every = client.get("/api/audit", params={"qualification": "adult-care-l3"}).json()
    assert [(s["pathway"], s["regimes"][0]["count"]) for s in every["qualifications"]] == [("dementia", 7),
                                                                                          ("end-of-life", 15)]
    one = client.get("/api/audit", params={"qualification": "adult-care-l3", "pathway": "end-of-life"}).json()
    assert [s["pathway"] for s in one["qualifications"]] == ["end-of-life"]
    assert client.get("/api/audit", params={"qualification": "adult-care-l3", "pathway": "nope"}).status_code == 404
