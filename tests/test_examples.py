"""The example specifications in catalogue/examples/ load, and give the answers worked out by hand below."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from solver.engine.counting import count_pathways
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.model.readings import read_as
from solver.queries.by_pathway import recommend_pathway
from solver.queries.recommendation import recommend

EXAMPLES = Path(__file__).resolve().parent.parent / "catalogue" / "examples"
BEFORE, AFTER = Learner(registered=dt.date(2023, 9, 1)), Learner(registered=dt.date(2024, 9, 1))


@pytest.fixture(scope="module")
def examples():
    return load_catalogue(EXAMPLES)


def test_teaching_certificate_versions_and_readings(examples):
    """Mandatory units: 21 credits (18 at level 4+), 84 GLH. Optional credits read 'at least 6' (stated)
    or 'exactly 6'. Before 2024-08-01 (27-36 credits) the optional sets of 6+ credits are 0054+0055, 0056,
    0054+0056, 0055+0056 and all three (5; 'exactly': the first two); the cheapest, 30 GLH, is 0054+0055
    or 0056, fewest units breaking the tie: 114 GLH. From 2024-08-01 (30-36) the options need 9+ credits:
    3 sets, the cheapest 45 GLH (129 in all); read 'exactly 6', none: 21 + 6 = 27 < 30."""
    q = examples.qualification("cet-l4")
    exactly = read_as(q, "exactly")
    assert [count_pathways(examples, x, who).count for x in (q, exactly) for who in (BEFORE, AFTER)] == [5, 3, 2, 0]
    best = recommend(examples, q, BEFORE)
    assert (best.new_glh, sorted(best.codes)[-1]) == (114, "H/505/0056")
    assert recommend(examples, q, AFTER).new_glh == 129
    assert recommend(examples, exactly, AFTER).status == "INFEASIBLE"


def test_adult_care_pathways_and_numbers(examples):
    """Mandatory: 12 credits (9 at level 3), 59 GLH; 20 credits in all and 14 at level 3+. Dementia adds
    DEM 301 + DEM 312 (7 credits, 52 GLH) and one more credit at least: HSC 3013 (26) is cheapest: 137.
    End of life: EOL 306 (5 credits, 30 GLH) and 3 more credits: DEM 301 (22): 111, the better route."""
    assert examples.qualification("601/9999/2").id == "adult-care-l3"
    choice = recommend_pathway(examples, "adult-care-l3")
    assert {p: r.new_glh for p, r in choice.by_pathway.items()} == {"dementia": 137, "end-of-life": 111}
    assert choice.chosen == "end-of-life"
    assert sorted(choice.recommendation.codes) == ["DEM 301", "EOL 306", "HSC 024", "SHC 31", "SHC 32", "SHC 33",
                                                    "SHC 34"]


def test_education_award_unpublished_glh_and_open_group(examples):
    """Mandatory: ET-301 + ET-302, 9 credits, 36 GLH; 3 more optional credits from ET-303 (GLH unpublished),
    ET-304 (15) or ET-305 (18): the lowest new GLH is at least 36 (ET-303), never OPTIMAL; known values only,
    ET-304: 51. Valid sets: the mandatory pair with any non-empty subset of the three options, 7, of which
    the 4 with ET-303 have unknown GLH. The published 48 GLH is not held against a bound."""
    q = examples.qualification("aet-l3")
    bound = recommend(examples, q)
    assert (bound.status, bound.new_glh, bound.unpublished_glh) == ("FEASIBLE", 36, ("ET-303",))
    known = recommend(examples, q, Learner(known_only=True))
    assert (known.status, known.new_glh, known.open_groups) == ("OPTIMAL", 51, ("Optional units",))
    counted = count_pathways(examples, q)
    assert counted.count == 7
    assert any("4 of these pathways claim units of unpublished GLH (ET-303)" in n for n in counted.notes)
    assert any("over the listed units only" in n for n in counted.notes)  # Optional units is an open group
    from solver.queries.auditing import audit

    kinds = {f.kind for f in audit(examples, q).findings}
    assert {"unpublished-values", "open-group", "glh-bound"} <= kinds and "glh-mismatch" not in kinds


def test_certificate_counted_in_units_with_groups_rule_and_import_slot(examples):
    """6 units: the 3 core and 3 electives, at least 2 of them from the elective groups (A: 2 units, D: 2,
    H: 1) and those from at least two groups; at most 1 imported from the adult care diploma at level 3 (9
    candidates: all but HSC 024). No import: any 3 of the 5 (no group has 3): 10. One import: a pair from two
    groups (10 pairs less the 2 within A or D: 8) times 9: 72. In all 82. Core 150 GLH; cheapest electives
    HOM-1 15 + AGE-1 20 + AGE-2 25: 210 with the slot left open; filled, SHC 34 (5 GLH) replaces AGE-2: 190;
    with DEM 301 achieved (credit transfer, 0 new GLH): 185."""
    q = examples.qualification("isc-iii")
    assert q.awarding_body is None and examples.imports(q)["imported"][0] == "SHC 31"
    assert len(examples.imports(q)["imported"]) == 9
    counted = count_pathways(examples, q)
    assert counted.count == 82 and not any("whatever the unpublished" in n for n in counted.notes)
    assert any(n.endswith("72 of these pathways import") for n in counted.notes)
    open_slot = recommend(examples, q)
    assert (open_slot.new_glh, len(open_slot.open_imports)) == (210, 1)
    filled = recommend(examples, q, Learner(fill_imports=True))
    assert filled.new_glh == 190 and "SHC 34" in filled.codes
    transfer = recommend(examples, q, Learner(achieved=("DEM 301",)))
    assert transfer.new_glh == 185 and "DEM 301" in transfer.codes and not transfer.open_imports


def test_access_diploma_graded_and_ungraded(examples):
    """30 credits (ten 3-credit steps): 24+ graded at level 3, 3-6 ungraded. Per step: SKL2 15 (ungraded only),
    SKL1 18 (either way), PSY1 20, SKL3 20 (ungraded), SOC1 22, BIO1 and BIO2 22.5, MAT1 24, CHE1 24. Two steps
    ungraded as SKL2 + SKL3 (35) leave eight graded of the ten graded steps: leaving out CHE1 (48) is cheapest,
    SKL1 graded + PSY1 + SOC1 + BIO1 + BIO2 + MAT1 = 174: 209 in all. SKL2 + SKL1 ungraded (33) needs eight of
    the nine other graded steps, leaving out MAT1: 213; one ungraded step (SKL2) needs nine graded: 213."""
    import itertools

    from solver.queries.checking import check
    from solver.request.formulation import formulate

    q = examples.qualification("access-health")
    best = recommend(examples, q)
    assert (best.status, best.new_glh) == ("OPTIMAL", 209)
    assert {"AHS-SKL1@graded", "AHS-SKL2", "AHS-SKL3"} <= best.codes and "AHS-CHE1" not in best.codes
    f = formulate(examples, q)
    brute = sum(f.valid(frozenset(s)) for n in range(len(f.variables) + 1)
                for s in itertools.combinations(f.variables, n))
    assert count_pathways(examples, q).count == brute == 24
    subjects = ["AHS-BIO1", "AHS-BIO2", "AHS-CHE1", "AHS-PSY1", "AHS-SOC1"]
    assert check(examples, q, [*subjects, "AHS-SKL1", "AHS-SKL2"]).modes == {"AHS-SKL1": "graded"}
    assert check(examples, q, [*subjects, "AHS-MAT1", "AHS-SKL1"]).modes == {"AHS-SKL1": "ungraded"}


def pathways(*args: str):
    from typer.testing import CliRunner

    from solver.cli.entry import app

    return CliRunner().invoke(app, [*args, "--catalogue", str(EXAMPLES)])


def test_cli_recommends_the_best_pathway_or_the_one_asked_for():
    best = pathways("recommend", "adult-care-l3")
    assert best.exit_code == 0 and "Best: pathway end-of-life." in best.stdout
    assert "Pathway dementia (Dementia Care): OPTIMAL, 137 new GLH" in best.stdout
    chosen = pathways("recommend", "601/9999/2", "--pathway", "dementia", "--json")
    assert chosen.exit_code == 0 and '"new_glh": 137' in chosen.stdout


def test_cli_checks_under_a_reading_and_against_each_pathway():
    mandatory = ["A/650/6127", "A/650/6128", "A/650/6129", "H/505/0053"]
    stated = pathways("check", "cet-l4", *mandatory, "H/505/0054", "H/505/0055", "--registered", "2023-01-01")
    exactly = pathways("check", "cet-l4", *mandatory, "H/505/0054", "H/505/0055", "--registered", "2025-01-01",
                       "--reading", "optional-credits=exactly")
    assert (stated.exit_code, exactly.exit_code) == (0, 1)
    # Read 'exactly', no valid pathway exists at all: the answer is why, not a hint that cannot work.
    assert "These cannot all hold together" in exactly.stdout and "from 30 to 27" in exactly.stdout
    per_pathway = pathways("check", "adult-care-l3", "SHC 31", "SHC 32", "SHC 33", "SHC 34", "HSC 024", "EOL 306",
                           "DEM 301", "--json")
    assert per_pathway.exit_code == 0
    assert '"valid": true' in per_pathway.stdout and "Pathway" not in per_pathway.stdout


def test_cli_refuses_an_unknown_reading_or_pathway():
    from solver.cli.entry import main  # noqa: F401  (exit codes: the CLI maps LookupFailure to 2)

    for args, message in ((("recommend", "cet-l4", "--reading", "nope"), "no rule of cet-l4 has a reading 'nope'"),
                          (("recommend", "adult-care-l3", "--pathway", "nursing"), "has no pathway 'nursing'")):
        out = subprocess.run([sys.executable, "-m", "solver.cli", *args, "--catalogue", str(EXAMPLES)],
                             capture_output=True, text=True)
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_cli_counts_each_pathway_and_the_distinct_unit_sets():
    """Dementia: the 12 mandatory credits plus DEM 301 and 312 (19) need one more unit of the three others:
    any non-empty subset of HSC 3013, EOL 301, EOL 306 (7). End of life: EOL 306 alone (17 credits) needs a
    non-empty subset of HSC 3013, DEM 301, DEM 312 (7); EOL 301 with 306 (20) takes any subset of them (8):
    15. Both: DEM 301, DEM 312, EOL 306 in, HSC 3013 and EOL 301 free: 4. Distinct: 7 + 15 - 4 = 18."""
    out = pathways("count", "adult-care-l3")
    assert out.exit_code == 0
    text = " ".join(out.stdout.split())
    assert "Pathway dementia (Dementia Care): 7 valid pathways" in text
    assert "Distinct valid unit sets over all pathways: 18." in text
