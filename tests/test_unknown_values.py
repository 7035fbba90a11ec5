"""Unpublished values (`null` level, credits or GLH): loaded as published, never treated as 0 or guessed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from solver.cli.entry import app
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.queries.checking import check
from solver.queries.recommendation import recommend

SPEC = """\
units:
  - {code: A, title: Alpha, level: 3, credits: 2, glh: null}   # GLH not published
  - {code: B, title: Beta, level: 3, credits: 2, glh: 10}
  - {code: C, title: Gamma, level: 3, credits: 2, glh: 12}
  - {code: D, title: Delta, level: 3, credits: null, glh: 5}  # credit value not published
  - {code: E, title: Epsilon, level: null, credits: 2, glh: 4}  # level not published
qualifications:
  - id: q
    accreditation: 605/0000/5
    title: Certificate with gaps
    level: 3
    awarding_body: Example
    groups:
      - {id: G, name: Group, units: [A, B, C, D, E]}
    rules:
      - {id: total, kind: sum, min: 4, max: 6}
      - {id: level-3, kind: sum, where: {min_level: 3}, min: 4}
"""


@pytest.fixture
def catalogue(tmp_path: Path):
    (tmp_path / "q.yaml").write_text(textwrap.dedent(SPEC), encoding="utf-8")
    return load_catalogue(tmp_path)


def test_a_file_with_unpublished_values_loads_and_shows_them(catalogue):
    assert catalogue.units["A"].glh is None and catalogue.units["A"].unpublished == ("glh",)
    out = CliRunner().invoke(app, ["catalogue", "show", "q", "--catalogue", catalogue.root])
    assert out.exit_code == 0 and "unpublished" in out.stdout


def test_the_lowest_new_glh_rests_on_an_unpublished_figure_so_it_is_a_bound(catalogue):
    """D's credits are unknown: under the 6-credit maximum any value could break it, so D is never claimed.
    E's level is unknown: it counts nothing toward the level-3 minimum, but 4 credits of level-3 units are
    still needed. A's GLH is unknown: counted 0, A + B (10 GLH) is the cheapest, and that 10 is only a
    lower bound, never OPTIMAL. Avoiding units with any unpublished value: B + C, 22 GLH, proven."""
    answer = recommend(catalogue, "q")
    assert (sorted(answer.codes), answer.new_glh, answer.status) == (["A", "B"], 10, "FEASIBLE")
    assert answer.to_dict()["unpublished_glh"] == ["A"] and answer.to_dict()["new_glh_is_lower_bound"]
    known = recommend(catalogue, "q", Learner(known_only=True))
    assert (sorted(known.codes), known.new_glh, known.status) == (["B", "C"], 22, "OPTIMAL")
    # Within a budget a unit of unknown hours is not claimed: B + E would be 14 GLH but E's level is unknown,
    # so level-3 credits come from B and C: 22 GLH.
    assert sorted(recommend(catalogue, "q", Learner(max_glh=30)).codes) == ["B", "C"]


def test_a_verdict_that_rests_on_an_unknown_is_undetermined(catalogue):
    # B + D: 2 credits plus D's unknown value, against "at least 4 and at most 6": could go either way.
    result = check(catalogue, "q", ["B", "D"])
    assert (result.valid, result.verdict) == (False, "undetermined")
    (total,) = [v for v in result.verdicts if v.id == "total"]
    assert not total.determined and total.unknown == ("D",) and total.sentence.endswith("undetermined")
    assert result.unpublished == {"D": ("credits",)}
    # B + C meets both rules whatever the unknowns: valid; B alone fails for sure: invalid, not undetermined.
    assert check(catalogue, "q", ["B", "C"]).verdict == "valid"
    assert check(catalogue, "q", ["B"]).verdict == "invalid"
    # E's level is unknown: B + E has 4 credits (determined) but only 2 for sure at level 3 or above.
    level = {v.id: v for v in check(catalogue, "q", ["B", "E"]).verdicts}["level-3"]
    assert not level.determined and level.unknown == ("E",)


def test_the_cli_says_undetermined_and_at_least(catalogue):
    runner = CliRunner()
    checked = runner.invoke(app, ["check", "q", "B", "D", "--catalogue", catalogue.root])
    assert checked.exit_code == 1 and "Undetermined: the verdict rests on the unpublished values of D." in \
        " ".join(checked.stdout.split())
    advised = runner.invoke(app, ["recommend", "q", "--catalogue", catalogue.root])
    assert advised.exit_code == 0
    text = " ".join(advised.stdout.split())
    assert "FEASIBLE (a lower bound: some GLH are unpublished)" in text and "At least 10 new GLH: A has" in text


def test_counts_and_audit_state_nothing_as_fact_that_rests_on_an_unknown(catalogue):
    """Valid whatever the unknowns: D is never claimed (the 6-credit maximum depends on it); the rest need 4-6
    credits with 4 for sure at level 3 (A, B, C; E's level unknown counts nothing there): A+B, A+C, B+C and
    A+B+C, each with or without E where the total stays within 6: A+B, A+C, B+C, A+B+C (6), A+B+E, A+C+E,
    B+C+E (6 each) -> 7. Of these, 5 claim A, whose GLH is unpublished."""
    from solver.engine.counting import count_pathways
    from solver.queries.auditing import audit

    counts = count_pathways(catalogue, "q")
    assert counts.count == 7
    assert any("5 of these pathways claim units of unpublished GLH (A)" in n for n in counts.notes)
    kinds = {f.kind: f.sentence for f in audit(catalogue, "q").findings}
    assert "dead-units" not in kinds and "glh-mismatch" not in kinds
    assert kinds["unpublished-values"].startswith("3 units of 605/0000/5 have values the specification does not")
    # A's GLH is unpublished (A B: at least 10) and D + E (9 GLH) may become valid once D's credits and E's level
    # are published: the lowest-hours route is undetermined, not 'at least 10'.
    route = kinds["glh-not-published"]
    assert "is undetermined (the routes valid now need at least 10 GLH) (A B; A has unpublished GLH; " \
           "pathways the unpublished credits or levels of D, E may make valid may cost less)" in route
    assert kinds["unclaimable-until-published"].startswith("D cannot be claimed")


def test_a_unit_of_unknown_level_counts_its_published_credits_under_a_level_cap(tmp_path):
    """At most 5 credits at level 3+: U1 (level unpublished, 2 credits) and U2 (level 3, 2 credits) give at
    most 4 whatever U1's level, so all four subsets hold for sure."""
    from solver.engine.counting import count_pathways

    (tmp_path / "q.yaml").write_text(textwrap.dedent("""\
        units:
          - {code: U1, title: One, level: null, credits: 2, glh: 5}
          - {code: U2, title: Two, level: 3, credits: 2, glh: 9}
        qualifications:
          - id: q
            accreditation: Q/1
            title: Cap
            level: 3
            awarding_body: Test
            groups:
              - {id: G, name: Group, units: [U1, U2]}
            rules:
              - {id: cap, kind: sum, where: {min_level: 3}, max: 5}
              - {id: floor, kind: sum, where: {min_level: 3}, min: 2}
        """), encoding="utf-8")
    cat = load_catalogue(tmp_path)
    # The floor holds for sure only with U2: U1's level may be below 3.
    assert count_pathways(cat, "q").count == 2
    both = check(cat, "q", ["U1", "U2"])
    assert both.valid and both.verdict == "valid"
    alone = check(cat, "q", ["U1"])
    assert alone.verdict == "undetermined"
    assert recommend(cat, "q").codes == {"U2"}
