"""Goals in people's words, the goal objectives, the trade-off front and a provider's offer, on the seed Certificate.

Every expected figure below is worked out by hand from catalogue/ilm-l2-leadership-team-skills.yaml.

The Certificate (600/5962/X) needs 13-36 credits with at most 6 from Group 2; a learner registered from
2020-07-01 cannot claim 8000-339 or 8000-340. Writing each unit as credits/GLH, the only units cheaper than
3 GLH a credit are 8000-280 (G1, 3/6), 8000-307 (G2, 2/4) and 8000-343 (G2, 2/5); they save 3, 2 and 1 GLH
against 3 a credit. Every other unit costs 3 a credit or more ("extra" = GLH - 3 x credits), and there are
1- and 2-credit G1 units at exactly 3 a credit (8000-273/274/275/276, 8000-259/268/272/255) to fill any
remainder. So a pathway costs at least 3 x 13 - savings + extras, and the minimum is 39 - 6 = 33 GLH with all
three cheap units (G2 then holds 4 credits: room for 2 more).

Coaching units open to a new learner: 8000-253 (G1 1/6, extra 3), 8000-254 (G1 2/8, extra 2), 8000-317
(G2 2/7, extra 1), 8000-359 (G2 3/9, extra 0), 8000-360 (G2 4/12, extra 0). Two G2 coaching units take at
least 5 of the 6 G2 credits, three cannot fit (2 + 3 + 4 = 9).
- 1 coaching unit: 360 leaves G2 room 2 for 307 only (savings 5): 34; 359 leaves room 3 for 307 (+316 at
  3 a credit): 34; 317 keeps 307 and 343 (savings 6, extra 1): 34; 254: 35; 253: 36. And 33 is impossible:
  it needs 280, 307 and 343, leaving G2 room 2, and no coaching unit costs 3 a credit in 2 credits. So 34.
- 2: 360+254, 359+254 (savings 5, extra 2) and 317+254 (savings 6, extras 3): 36; 360+317, 359+317: 37;
  with 253: 37 or more. So 36.
- 3: 254+253 with one G2 unit (360, 359: savings 5, extras 5; 317: savings 6, extras 6): 39; 254 with two G2
  units (317+360 or 317+359: savings 3, extras 3): 39. So 39.
- 4: 253+254 and two G2 units (317 with 359 or 360): savings 3 (280 only), extras 6: 42. Five cannot fit.
Customer units: 8000-275 (1/3) and 8000-255 (2/6) cost exactly 3 a credit, so a customer unit costs nothing
extra as filler: covering coaching and customer service costs what coaching alone does, 34.
Fewest units at 34: no pathway has 4 units (with G2 at most 6 credits, four units reach at most 4 + 2 + 3 +
3 = 12 credits), and the only 5-unit pathways at 34 are 280, 307, 360 and two 2-credit G1 units at 3 a credit
(359 or 317 need six units); a customer unit of 2 credits at 3 a credit is only 8000-255.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

from solver.cohort.recommend import recommend_cohort
from solver.errors import InputError
from solver.model.goals import Goal, match_goal, parse_goal
from solver.model.learner import Learner
from solver.model.offer import read_offer
from solver.queries.progression import plan_progression
from solver.queries.recommendation import recommend
from solver.queries.tradeoff import tradeoff_front

CERT = "600/5962/X"
NEW = dt.date(2021, 1, 1)
COACHING = {"8000-253", "8000-254", "8000-317", "8000-339", "8000-340", "8000-359", "8000-360"}
CUSTOMERS = {"8000-275", "8000-257", "8000-271", "8000-279", "8000-255"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver.cli", *args], capture_output=True, text=True)


def units_of(catalogue, qualification=CERT):
    return {c: catalogue.units[c] for c in catalogue.qualification(qualification).unit_codes()}


# --- goals as people write them ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("coaching", COACHING),  # the tag, and the title word of each
    ("coaching skills", COACHING),  # no unit says "skills": the units with "coaching" are the best there is
    ("customer service", CUSTOMERS),  # tagged customers; no unit says "service"
    ("Customers", CUSTOMERS),
    ("mental health at work", {"8000-343"}),  # 8000-260's "health" and "working" weigh less than "mental"
    ("health and safety", {"8000-260"}),
    ("team communication", {"8000-263", "8000-264"}),  # both words; 8000-265 has only "communication"
    ("golf", set()),
])
def test_free_text_goals_match_the_units_an_adviser_would_pick(catalogue, text, expected):
    assert set(match_goal(Goal(text=text), units_of(catalogue)).codes) == expected


def test_each_match_says_which_words_and_where(catalogue):
    matched = match_goal(Goal(text="customer service"), units_of(catalogue))
    why = {m.code: m.why() for m in matched.matches}
    assert why["8000-279"] == "customer in tag 'customers', 1 of 2 words"  # "Understanding Sales in the Workplace"
    assert why["8000-255"] == "customer in tag 'customers' and title, 1 of 2 words"
    assert matched.missing == ("service",)


@pytest.mark.parametrize("text, doc", [
    ("coaching", {"text": "coaching"}),
    ("coaching=3", {"text": "coaching", "weight": 3}),
    ("coaching>=2", {"text": "coaching", "at_least": 2, "measure": "units"}),
    ("coaching >= 4 credits = 2", {"text": "coaching", "at_least": 4, "measure": "credits", "weight": 2}),
])
def test_goal_syntax(text, doc):
    assert parse_goal(text) == doc


def test_bad_goal_syntax_is_refused():
    with pytest.raises(ValueError, match="expected TEXT"):
        parse_goal(">=2")


def test_goal_forms_people_write_in_scenario_files():
    as_weights = Learner(goals={"coaching": 3, "customers": 1}).goals
    assert as_weights == (Goal(text="coaching", weight=3), Goal(text="customers"))
    mixed = Learner(goals=["customer service", {"text": "coaching", "at_least": 2}]).goals
    assert mixed == (Goal(text="customer service"), Goal(text="coaching", at_least=2))
    assert Learner(goals={"coaching": {"at_least": 4, "measure": "credits"}}).goals[0].ask() == "4 credits"


# --- the objectives ----------------------------------------------------------------------------------

def test_cover_coaching_and_customer_service_at_the_lowest_new_glh(catalogue):
    learner = Learner(registered=NEW, goals=["customer service", "coaching"])
    result = recommend(catalogue, CERT, learner, "cover")
    assert (result.status, result.new_glh, result.pathway.credits, len(result.codes)) == ("OPTIMAL", 34, 13, 5)
    forced = {"8000-280", "8000-307", "8000-360", "8000-255"}
    assert forced <= result.codes and len(result.codes - forced) == 1
    assert result.codes - forced <= {"8000-259", "8000-268", "8000-272"}
    why = {u.code: "; ".join(u.reasons) for u in result.pathway.units}
    assert why["8000-360"].startswith("matches goal 'coaching'")
    assert why["8000-255"].startswith("matches goal 'customer service'")
    assert result.to_dict()["order"] == "lowest new GLH, then fewest units"


def test_cover_at_least_two_coaching_units_costs_36(catalogue):
    result = recommend(catalogue, CERT, Learner(registered=NEW, goals=[parse_goal("coaching>=2")]), "cover")
    assert result.new_glh == 36 and len(result.codes & COACHING) == 2


def test_within_budget_covers_what_the_hours_allow(catalogue):
    goals = ["coaching", "customer service", "mental health at work"]
    tight = recommend(catalogue, CERT, Learner(registered=NEW, max_glh=33, goals=goals), "within-budget")
    # 33 GLH forces 280, 307 and 343 (mental health) with 3-a-credit fillers (a customer unit costs nothing
    # extra) and leaves no room for coaching: two goals of three.
    assert (tight.new_glh, tight.pathway.objective["goal_coverage"]) == (33, 2)
    assert not tight.codes & COACHING and "8000-343" in tight.codes and tight.codes & CUSTOMERS
    # 34 GLH: 317 beside 307 and 343 (savings 6, extra 1) covers all three.
    roomy = recommend(catalogue, CERT, Learner(registered=NEW, max_glh=34, goals=goals), "within-budget")
    assert (roomy.new_glh, roomy.pathway.objective["goal_coverage"]) == (34, 3)
    assert {"8000-317", "8000-307", "8000-343"} <= roomy.codes


def test_best_fit_is_kept_as_an_alias_of_weighted_goals(catalogue):
    learner = Learner(registered=NEW, goals={"coaching": 3, "customers": 1})
    old, new = recommend(catalogue, CERT, learner, "best-fit"), recommend(catalogue, CERT, learner, "weighted-goals")
    assert old.codes == new.codes and old.pathway.objective == new.pathway.objective


def test_unmatched_goals_are_reported_not_ignored(catalogue):
    data = recommend(catalogue, CERT, Learner(registered=NEW, goals=["golf", "coaching"]), "cover").to_dict()
    assert data["unmatched_goals"] == ["golf"] and data["new_glh"] == 34


def test_preferences_are_tiers_stated_in_order(catalogue):
    learner = Learner(registered=NEW, prefer=("8000-253",), preferred_level=2)
    result = recommend(catalogue, CERT, learner, "min-glh")
    assert result.to_dict()["order"] == ("lowest new GLH, then most preferred units, then fewest new units off "
                                         "the preferred level, then fewest units")
    # 8000-253 costs 3 GLH more than a filler: soft, below GLH, so left out; 33 keeps its two G2 units.
    assert result.new_glh == 33 and "8000-253" not in result.codes


def test_at_most_n_units_is_a_hard_limit_with_its_relaxation(catalogue):
    result = recommend(catalogue, CERT, Learner(registered=NEW, max_units=4))
    # Four units reach at most 12 credits (see the module docstring): five is the fewest possible.
    assert result.status == "INFEASIBLE"
    assert [(r.id, r.value) for r in result.explanation.relaxations] == [("max-units", 5)]


# --- the trade-off front -----------------------------------------------------------------------------

def test_tradeoff_front_for_coaching(catalogue):
    front = tradeoff_front(catalogue, CERT, Learner(registered=NEW, goals=["coaching"]))
    assert front.status == "OPTIMAL"
    assert [(p.new_glh, p.coverage) for p in front.points] == [(33, 0), (34, 1), (36, 2), (39, 3), (42, 4)]
    for point in front.points:
        assert len(set(point.units) & COACHING) == point.coverage == len(point.by_goal["coaching"])
        assert point.status == "OPTIMAL" and point.credits >= 13
    assert front.points[1].describe() == "34 new GLH: 1 'coaching' unit (8000-360)"


def test_a_budget_cuts_the_front(catalogue):
    front = tradeoff_front(catalogue, CERT, Learner(registered=NEW, goals=["coaching"], max_glh=37))
    assert [(p.new_glh, p.coverage) for p in front.points] == [(33, 0), (34, 1), (36, 2)]


# --- a provider's offer ------------------------------------------------------------------------------

def test_offer_files_one_per_line_or_a_csv_column(tmp_path, catalogue):
    lines = tmp_path / "offer.txt"
    lines.write_text("# our units\n8000-250\n\n8000-251  # evenings\n")
    assert read_offer(lines, catalogue.units) == ("8000-250", "8000-251")
    table = tmp_path / "offer.csv"
    table.write_text("title,code\nDeveloping Yourself,8000-250\nPlanning,8000-252\n")
    assert read_offer(table, catalogue.units) == ("8000-250", "8000-252")


def test_unknown_codes_in_an_offer_are_located(tmp_path, catalogue):
    path = tmp_path / "offer.txt"
    path.write_text("8000-250\n  8000-999\n")
    with pytest.raises(InputError) as err:
        read_offer(path, catalogue.units)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2:3: unknown unit code '8000-999'; expected a unit of the catalogue"]


def test_an_offer_that_cannot_make_the_certificate_names_the_unit_to_add(catalogue):
    # Offered: 250, 251, 252, 253, 254 (G1: 1+1+2+1+2 = 7 credits) and 307, 308 (G2: 4): 11 of 13. One unit of
    # 2 credits or more closes the gap; the cheapest is 8000-343 (2 credits, 5 GLH, G2 then 6): 307 is offered.
    offer = ("8000-250", "8000-251", "8000-252", "8000-253", "8000-254", "8000-307", "8000-308")
    result = recommend(catalogue, CERT, Learner(registered=NEW, offer=offer))
    assert result.status == "INFEASIBLE"
    assert {r.id for r in result.explanation.conflict} == {"offer", "rule:total-credits"}
    [relaxation] = result.explanation.relaxations
    assert relaxation.value == 1 and "8000-343" in relaxation.sentence


def test_an_offer_restricts_the_pathway_and_achieved_units_need_no_delivery(catalogue):
    offer = ("8000-250", "8000-251", "8000-252", "8000-253", "8000-254", "8000-255", "8000-307", "8000-308")
    learner = Learner(registered=NEW, offer=offer, achieved=("8000-280",))
    result = recommend(catalogue, CERT, learner)
    assert result.status == "OPTIMAL" and result.codes <= set(offer) | {"8000-280"}


# --- across targets, cohorts and the command line ----------------------------------------------------

def test_progression_covers_a_goal_once_over_the_units_studied(catalogue):
    plan = plan_progression(catalogue, ["600/5928/X", CERT], Learner(registered=NEW, goals=["coaching"]),
                            objective="cover")
    # The Certificate with coaching costs 34 (280, 307, 360 and two G1 fillers), and its G1 units (280: 3
    # credits at least) are an Award too.
    assert (plan.status, plan.new_glh) == ("OPTIMAL", 34) and "8000-360" in plan.studied
    assert plan_progression(catalogue, ["600/5928/X", CERT], Learner(registered=NEW, max_glh=33)).new_glh == 33


def test_cohort_rows_take_goals_and_one_offer(catalogue):
    rows = pd.DataFrame([
        {"learner": "Grace", "registered": "2021-01-01", "achieved": "", "objective": "cover",
         "goals": "customer service; coaching"},
        {"learner": "Hari", "registered": "2021-01-01", "achieved": "", "objective": "within-budget",
         "max_glh": "33", "goals": "coaching; customer service; mental health at work"},
        {"learner": "Bad", "registered": "2021-01-01", "achieved": "", "goals": "=2"},
    ])
    out = recommend_cohort(catalogue, CERT, rows).set_index("learner")
    assert out.loc["Grace", "new_glh"] == 34 and "8000-360" in out.loc["Grace", "units"].split()
    assert out.loc["Hari", "new_glh"] == 33
    assert out.loc["Bad", "status"] == "ERROR" and out.loc["Bad", "message"].startswith("goals: expected TEXT")
    offer = ("8000-250", "8000-251", "8000-252", "8000-253", "8000-254", "8000-307", "8000-308")
    narrow = recommend_cohort(catalogue, CERT, rows.iloc[:1], offer=offer)
    assert narrow.loc[0, "status"] == "INFEASIBLE" and "would have to add at least" in narrow.loc[0, "message"]


def test_cli_recommend_with_goals_in_words_says_why_each_unit_is_there():
    out = run("recommend", CERT, "--goal", "customer service", "--goal", "coaching", "--objective", "cover",
              "--registered", "2021-01-01")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "OPTIMAL" in text and "Optimised in this order: lowest new GLH, then fewest units." in text
    data = json.loads(run("recommend", CERT, "--goal", "customer service", "--goal", "coaching", "--objective",
                          "cover", "--registered", "2021-01-01", "--json").stdout)
    why = {u["code"]: u["reasons"] for u in data["detail"]}
    assert why["8000-255"] == ["matches goal 'customer service': customer in tag 'customers' and title, 1 of 2 words"]
    assert why["8000-360"] == ["matches goal 'coaching': coaching in tag 'coaching' and title"]
    assert why["8000-307"] == ["cheapest credits: 2 credits for 4 GLH"]


def test_cli_goals_and_tradeoff(tmp_path):
    shown = run("goals", CERT, "mental health at work", "golf", "--json")
    data = json.loads(shown.stdout)
    assert shown.returncode == 1 and data["unmatched_goals"] == ["golf"]
    assert [m["unit"] for m in data["goals"][0]["matches"]] == ["8000-343"]
    front = run("tradeoff", CERT, "--goal", "coaching", "--registered", "2021-01-01", "--json")
    assert front.returncode == 0, front.stderr
    assert [(p["new_glh"], p["coverage"]) for p in json.loads(front.stdout)["points"]] == [
        (33, 0), (34, 1), (36, 2), (39, 3), (42, 4)]
    offer = tmp_path / "offer.txt"
    offer.write_text("8000-250\n")
    narrow = run("recommend", CERT, "--offer", str(offer), "--json")
    assert narrow.returncode == 1 and json.loads(narrow.stdout)["relaxations"][0]["id"] == "offer"
    offer.write_text("8000-999\n")
    bad = run("recommend", CERT, "--offer", str(offer))
    assert bad.returncode == 2 and "unknown unit code '8000-999'" in bad.stderr and "Traceback" not in bad.stderr


def test_smallest_addition_counts_units_before_hours(tmp_path):
    from solver.model.catalogue import load_catalogue

    (tmp_path / "c.yaml").write_text(
        "units:\n"
        "  - {code: A, title: Alpha, level: 2, credits: 2, glh: 2}\n"
        "  - {code: B, title: Beta, level: 2, credits: 2, glh: 2}\n"
        "  - {code: C, title: Gamma, level: 2, credits: 4, glh: 9}\n"
        "  - {code: D, title: Delta, level: 2, credits: 1, glh: 1}\n"
        "qualifications:\n  - {id: q, accreditation: Q/1, title: T, level: 2, awarding_body: B,\n"
        "     groups: [{id: G, name: G, units: [A, B, C, D]}],\n"
        "     rules: [{id: total, kind: sum, sum: credits, min: 5}]}\n")
    # With only D offered, 4 more credits are needed: C alone (1 unit, 9 GLH) beats A and B (2 units, 4 GLH).
    result = recommend(load_catalogue(tmp_path), "q", Learner(offer=("D",)))
    [relaxation] = result.explanation.relaxations
    assert relaxation.value == 1 and "e.g. C (" in relaxation.sentence


def test_cli_cohort_csv_with_goals_and_an_offer(tmp_path):
    out = tmp_path / "out.csv"
    done = run("cohort", "scenarios/cohort-goals.csv", "-q", CERT, "-o", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("learner")
    assert rows.loc["Grace", "new_glh"] == "34" and rows.loc["Hari", "new_glh"] == "33"
    assert rows.loc["Jo", "message"] == "goal 'golf' matches no unit: left out"
    # Kit holds 8000-280 (3 credits, no new GLH) and needs 10 more, 30 GLH at 3 a credit, with two coaching
    # units: 254 (extra 2) with 360 or 359 leaves G2 room for 307 (saves 2): 30; 254 + 317 (extras 3) with 307
    # and 343 (save 3): 30; 360 + 317 or 359 + 317 (extra 1, no room for 307): 31; with 253 (extra 3) more.
    assert rows.loc["Kit", "new_glh"] == "30"
    narrow = run("cohort", "scenarios/cohort-goals.csv", "-q", CERT, "-o", str(out), "--workers", "1",
                 "--offer", "scenarios/offers/small-centre.txt")
    assert narrow.returncode == 0, narrow.stderr
    offered = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("learner")
    # The offer holds 11 credits; only Kit, who brings 8000-280's 3, reaches 13 (253 and 254 cover coaching).
    assert set(offered.drop(index="Kit")["status"]) == {"INFEASIBLE"} and offered.loc["Kit", "status"] == "OPTIMAL"
    assert set(offered.loc["Kit", "units"].split()) <= set(read_offer("scenarios/offers/small-centre.txt")) | {
        "8000-280"}


def test_a_within_budget_answer_names_the_goal_it_dropped(catalogue):
    learner = Learner(registered=dt.date(2021, 1, 1), max_glh=33,
                      goals=("coaching", "customer service", "mental health at work"))
    result = recommend(catalogue, "600/5962/X", learner, "within-budget")
    assert result.uncovered_goals == ("coaching",)
    assert result.to_dict()["uncovered_goals"] == ["coaching"]
    every = recommend(catalogue, "600/5962/X", learner.model_copy(update={"max_glh": None}), "cover")
    assert every.uncovered_goals == ()


def test_a_best_fit_alternative_is_never_the_answer_plus_units_nothing_needs(catalogue):
    learner = Learner(registered=dt.date(2021, 1, 1), goals=("coaching", "customer service"))
    result = recommend(catalogue, "600/5962/X", learner, "best-fit", alternatives=3)
    assert len(result.alternatives) == 3
    assert not any(a.codes >= result.codes for a in result.alternatives)  # it was the answer plus 8000-274
