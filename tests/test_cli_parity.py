"""Issue 22: named pathways and readings are chosen on every CLI command alike, answered as the Python API does.

The catalogue below has two named pathways and a rule with a second reading. Planning: the core (6 credits)
plus at least 4 Planning credits, 12 credits in all; Quality: at least 5 Quality credits. Read 'exactly' (12
credits, no more) Quality has no pathway at all (6 + 5 is 11, and every other unit takes it past 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from solver import count_by_pathway, recommend_pathway
from solver.cohort.recommend import read_learners, recommend_cohort
from solver.engine.counting import count_pathways
from solver.model.catalogue import Catalogue, load_catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.model.read_everywhere import read_everywhere
from solver.model.specialisations import following
from solver.queries.by_pathway import check_pathways
from solver.queries.checking import check
from solver.queries.recommendation import recommend
from solver.queries.whatif import compare, load_whatif

CATALOGUE = """\
units:
  - {code: A1, title: Core one, level: 3, credits: 3, glh: 10}
  - {code: A2, title: Core two, level: 3, credits: 3, glh: 12}
  - {code: P1, title: Planning one, level: 3, credits: 4, glh: 20}
  - {code: P2, title: Planning two, level: 3, credits: 4, glh: 15}
  - {code: Q1, title: Quality one, level: 3, credits: 5, glh: 25}
  - {code: Q2, title: Quality two, level: 3, credits: 2, glh: 8}
  - {code: O1, title: Other one, level: 3, credits: 3, glh: 9}
qualifications:
  - id: parity
    accreditation: 700/0001/1
    title: Parity Diploma
    level: 3
    awarding_body: Example Body
    groups:
      - {id: M, name: Mandatory, units: [A1, A2]}
      - {id: P, name: Planning, units: [P1, P2]}
      - {id: Q, name: Quality, units: [Q1, Q2]}
      - {id: O, name: Other, units: [O1]}
    rules:
      - {id: core, kind: mandatory, groups: [M]}
      - id: total
        kind: sum
        min: 12
        reading: at-least
        readings:
          exactly: {max: 12}
    pathways:
      - id: planning
        title: Planning Route
        rules:
          - {id: planning-credits, kind: sum, where: {groups: [P]}, min: 4}
      - id: quality
        title: Quality Route
        rules:
          - {id: quality-credits, kind: sum, where: {groups: [Q]}, min: 5}
"""
WHATIF = """\
name: Withdraw Quality two
qualification: parity
edits:
  - {kind: withdraw-unit, unit: Q2}
cohort:
  - {name: Ann, achieved: [A1, P1]}
"""
LEARNERS = "learner,registered,achieved\nAnn,,A1 Q2\nBo,,\nCy,,P1\n"
NAMED = ("planning (Planning Route)", "quality (Quality Route)")  # every refusal names each pathway and title


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "cat.yaml").write_text(CATALOGUE)
    (tmp_path / "whatif.yaml").write_text(WHATIF)
    (tmp_path / "learners.csv").write_text(LEARNERS)
    return tmp_path


@pytest.fixture()
def cat(files: Path) -> Catalogue:
    return load_catalogue(files / "cat.yaml")


def run(files: Path, *args: str) -> tuple[int, str]:
    from solver.cli.entry import app

    out = CliRunner().invoke(app, [*args, "--catalogue", str(files / "cat.yaml")])
    return out.exit_code, out.output


def answer(files: Path, *args: str, code: int = 0) -> dict:
    got, text = run(files, *args, "--json")
    assert got == code, text
    return json.loads(text)


def refused(files: Path, *args: str) -> str:
    """The error text of a refused command (exit 2, no traceback), on one line (help boxes and wrapping undone)."""
    code, text = run(files, *args)
    assert code == 2, text
    assert "Traceback" not in text
    return " ".join(text.replace("│", " ").split())


def read(cat: Catalogue, reading: str | None = None, pathway: str | None = None) -> Qualification:
    q = cat.qualification("parity")
    q = read_everywhere(q, reading) if reading else q
    return following(q, pathway) if pathway else q


def test_the_catalogue_reads_as_the_docstring_says(cat):
    """Without this the tests below could agree on nothing: each pathway and reading gives a different count."""
    counts = {(r, p): count_pathways(cat, read(cat, r, p)).count
              for r in (None, "exactly") for p in ("planning", "quality")}
    assert counts[("exactly", "quality")] == 0
    assert len(set(counts.values())) == 4


@pytest.mark.parametrize("reading", [None, "exactly"])
def test_check_on_a_pathway_and_on_each(files, cat, reading):
    units = ("A1", "A2", "P1", "Q2")
    extra = ("--reading", reading) if reading else ()
    one = answer(files, "check", "parity", *units, "--pathway", "planning", *extra)
    assert one["valid"] == check(cat, read(cat, reading, "planning"), units).valid is True
    each = answer(files, "check", "parity", *units, *extra)
    expected = check_pathways(cat, read(cat, reading), units)
    assert {p: r["valid"] for p, r in each["pathways"].items()} == {p: r.valid for p, r in expected.items()}
    assert each["pathways"]["quality"]["valid"] is False


@pytest.mark.parametrize("reading", [None, "exactly"])
def test_recommend_on_a_pathway_and_the_best_of_them(files, cat, reading):
    extra = ("--reading", reading) if reading else ()
    one = answer(files, "recommend", "parity", "--achieved", "Q2", "--pathway", "quality", *extra,
                 code=1 if reading else 0)
    api = recommend(cat, read(cat, reading, "quality"), Learner(achieved=("Q2",)))
    assert (one["status"], one["new_glh"]) == (api.status, api.new_glh)
    best = answer(files, "recommend", "parity", "--achieved", "Q2", *extra)
    assert best == json.loads(json.dumps(recommend_pathway(cat, read(cat, reading), Learner(achieved=("Q2",)))
                                         .to_dict(), default=str))


@pytest.mark.parametrize("reading", [None, "exactly"])
def test_count_on_a_pathway_and_by_pathway(files, cat, reading):
    extra = ("--reading", reading) if reading else ()
    for p in ("planning", "quality"):
        one = answer(files, "count", "parity", "--pathway", p, *extra)
        assert one["count"] == count_pathways(cat, read(cat, reading, p)).count
    per = answer(files, "count", "parity", *extra)
    api = count_by_pathway(cat, read(cat, reading))
    assert per["distinct"] == api.distinct and per["stopped_by"] is None
    assert {p: c["count"] for p, c in per["pathways"].items()} == {p: c.count for p, c in api.by_pathway.items()}


def test_count_by_pathway_keeps_its_filters(files, cat):
    """--max-glh applies to each pathway's count (it was ignored without --pathway)."""
    per = answer(files, "count", "parity", "--max-glh", "50")
    for p in ("planning", "quality"):
        assert per["pathways"][p]["count"] == answer(files, "count", "parity", "--pathway", p, "--max-glh",
                                                     "50")["count"]
    assert per["pathways"]["planning"]["count"] < answer(files, "count", "parity", "--pathway",
                                                         "planning")["count"]


def test_count_by_pathway_stops_at_a_tiny_work_limit(files, cat):
    """The counts per pathway share the budget: at the limit each says so (JSON and text), what was had by
    then is exact (here the first pathway's count, its minimal count not) and nothing is made up."""
    per = answer(files, "count", "parity", "--work-limit", "0.001")
    assert per["stopped_by"] == "work limit" and per["distinct"] is None
    assert all(c["stopped_by"] == "work limit" for c in per["pathways"].values())
    assert per["pathways"]["quality"]["count"] is None
    assert per["pathways"]["planning"]["count"] in (None, count_pathways(cat, read(cat, None, "planning")).count)
    code, text = run(files, "count", "parity", "--work-limit", "0.001")
    assert code == 0 and "Stopped at the work limit" in text and "not computed" in text


def test_enumerate_on_a_pathway_lists_its_count(files, cat):
    listed = answer(files, "enumerate", "parity", "--pathway", "planning", "--reading", "exactly")
    assert len(listed["pathways"]) == count_pathways(cat, read(cat, "exactly", "planning")).count


def _whatif_api(files: Path, cat: Catalogue, pathway: str, reading: str | None = None) -> dict:
    scenario, base, _ = load_whatif(files / "whatif.yaml", cat)
    scenario = scenario.model_copy(update={"pathway": pathway})
    return json.loads(json.dumps(compare(scenario, base, read(base, reading)).to_dict(), default=str))


@pytest.mark.parametrize(("pathway", "reading"), [("planning", None), ("quality", None), ("planning", "exactly")])
def test_whatif_on_a_pathway_as_the_api(files, cat, pathway, reading):
    extra = ("--reading", reading) if reading else ()
    got = answer(files, "whatif", str(files / "whatif.yaml"), "--pathway", pathway, *extra)
    assert {k: v for k, v in got.items() if k != "mismatches"} == _whatif_api(files, cat, pathway, reading)
    assert got["before"]["count"] > got["after"]["count"]  # the withdrawal tells in every case
    assert got["pathway"] == pathway


def test_whatif_follows_its_files_pathway_and_refuses_another(files, cat):
    (files / "whatif.yaml").write_text(WHATIF + "pathway: Quality\n")
    expected = _whatif_api(files, cat, "quality")
    for same in ((), ("--pathway", "quality")):
        got = answer(files, "whatif", str(files / "whatif.yaml"), *same)
        assert {k: v for k, v in got.items() if k != "mismatches"} == expected
    text = refused(files, "whatif", str(files / "whatif.yaml"), "--pathway", "planning")
    assert "pathway 'quality' (its `pathway:` field), not 'planning'" in text


def test_cohort_on_a_pathway_as_the_api(files, cat):
    out = files / "out.csv"
    code, text = run(files, "cohort", str(files / "learners.csv"), "-q", "parity", "-o", str(out), "--pathway",
                     "planning", "--reading", "exactly", "--workers", "1")
    assert code == 0, text
    api = recommend_cohort(cat, read(cat, "exactly", "planning"), read_learners(files / "learners.csv"),
                           workers=1)
    got = pd.read_csv(out, keep_default_na=False, dtype=str)
    assert got.to_dict("records") == api.astype(str).replace({"None": "", "nan": ""}).to_dict("records")
    assert set(got["status"]) == {"OPTIMAL"}


def test_plan_and_tradeoff_on_a_pathway(files, cat):
    plan = answer(files, "plan", "parity", "--start", "2026-01", "--pathway", "quality")
    assert plan["status"] == "OPTIMAL" and {"Q1"} <= set(plan["units"])
    front = answer(files, "tradeoff", "parity", "--goal", "planning", "--pathway", "quality")
    assert front["points"] and all({"Q1"} <= set(p["units"]) for p in front["points"])


@pytest.mark.parametrize("command", [
    ("enumerate", "parity"),
    ("whatif", "{files}/whatif.yaml"),
    ("cohort", "{files}/learners.csv", "-q", "parity", "-o", "{files}/out.csv"),
    ("plan", "parity", "--start", "2026-01"),
    ("tradeoff", "parity", "--goal", "planning"),
])
def test_a_question_on_one_pathway_names_one(files, command):
    """Without --pathway a qualification with named pathways is refused, naming each (as the web's 422)."""
    text = refused(files, *(part.format(files=files) for part in command))
    assert "700/0001/1 has named pathways" in text and all(name in text for name in NAMED)
    assert not (files / "out.csv").exists()


def test_count_shares_name_the_pathways_too(files):
    text = refused(files, "count", "parity", "--shares")
    assert "planning" in text and "quality" in text and "--pathway" in text


def test_an_unknown_pathway_or_reading_is_refused_everywhere(files):
    from solver.errors import LookupFailure

    for command in (("whatif", str(files / "whatif.yaml")), ("check", "parity", "A1"), ("count", "parity")):
        for option, value, said in (("--pathway", "nursing", "has no pathway 'nursing'"),
                                    ("--reading", "loosely", "has a reading 'loosely'")):
            from solver.cli.entry import app

            out = CliRunner().invoke(app, [*command, option, value, "--catalogue", str(files / "cat.yaml")])
            assert isinstance(out.exception, LookupFailure) and said in str(out.exception)  # exit 2 in main


def test_a_progression_does_not_pick_a_pathway_silently(files):
    """Several targets: a named pathway cannot be chosen for one of them (it was judged on its own rules)."""
    text = refused(files, "recommend", "parity", "parity")
    assert "recommend 700/0001/1 alone with --pathway" in text and all(name in text for name in NAMED)
    assert "recommend it alone" in refused(files, "recommend", "parity", "parity", "--pathway", "planning")
