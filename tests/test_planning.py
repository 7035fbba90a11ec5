"""Learner plans (plan_study) held against brute force, the seed example, and timing data validated."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.engine.status import Status
from solver.errors import CatalogueError
from solver.model.catalogue import load_catalogue
from solver.model.learner import Learner
from solver.model.timing import Timing, offered_in, periods
from solver.queries.plan_export import plan_csv, plan_ics
from solver.queries.planning import plan_study
from solver.request.formulation import formulate

CERT = "600/5962/X"
MONTHS = ("January", "February", "March")


def catalogue_file(tmp: Path, units: list[dict], min_credits: int) -> Path:
    doc = {"units": units,
           "qualifications": [{"id": "q", "accreditation": None, "title": "Q", "level": 1, "awarding_body": None,
                               "groups": [{"id": "G", "name": "G", "units": [u["code"] for u in units]}],
                               "rules": [{"id": "total", "kind": "sum", "sum": "credits", "min": min_credits}]}]}
    path = tmp / "cat.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[dict], int, int, int | None, int | None, frozenset[str]]:
    n = draw(st.integers(2, 4))
    codes = [f"U{i}" for i in range(n)]
    units = []
    for i, code in enumerate(codes):
        unit: dict = {"code": code, "title": code, "level": 1, "credits": draw(st.integers(1, 4)),
                      "glh": draw(st.integers(1, 6))}
        earlier = codes[:i]  # prerequisites only on earlier codes: no circles
        if earlier and draw(st.booleans()):
            unit["requires"] = [draw(st.sampled_from(earlier))]
        if earlier and draw(st.integers(0, 2)) == 0:  # at least N credits of the group first
            others = sum(u["credits"] for u in units)  # only earlier units' credits: always reachable
            unit.setdefault("requires", []).append({"credits": draw(st.integers(1, others)), "group": "G"})
        elif earlier and draw(st.integers(0, 3)) == 0:
            unit["with"] = [draw(st.sampled_from(earlier))]
        if draw(st.booleans()):
            unit["offered"] = draw(st.lists(st.sampled_from(MONTHS), min_size=1, max_size=2, unique=True))
        units.append(unit)
    min_credits = draw(st.integers(1, sum(u["credits"] for u in units)))
    max_glh = draw(st.integers(3, 10))
    max_units = draw(st.one_of(st.none(), st.integers(1, 2)))
    min_glh = draw(st.one_of(st.none(), st.integers(1, 3)))
    achieved = frozenset(draw(st.lists(st.sampled_from(codes), max_size=1)))
    return units, min_credits, max_glh, max_units, min_glh, achieved


def brute_force(units: list[dict], f, achieved: frozenset[str], count: int, limits: dict) -> tuple | None:
    """The least (new GLH, units, finish, largest GLH) over every placement of every valid pathway."""
    span = periods("month", dt.date(2027, 1, 1), count)
    by = {u["code"]: u for u in units}
    best = None
    for r in range(len(units) + 1):
        for chosen in itertools.combinations(sorted(by), r):
            if not f.valid(frozenset(chosen)):
                continue
            todo = [c for c in chosen if c not in achieved]
            for slots in itertools.product(range(count), repeat=len(todo)):
                at = dict(zip(todo, slots, strict=True))
                ok = all(offered_in(by[c].get("offered", ()), span[p]) for c, p in at.items())
                for c, p in at.items():
                    for b in by[c].get("requires", ()):
                        if isinstance(b, dict):  # credits of group G (every unit) achieved or placed earlier
                            got = sum(by[a]["credits"] for a in achieved if a != c)
                            got += sum(by[a]["credits"] for a, q in at.items() if q < p)
                            ok = ok and got >= b["credits"]
                        else:
                            ok = ok and (b in achieved or (b in at and at[b] < p))
                    for w in by[c].get("with", ()):
                        ok = ok and (w in achieved or at.get(w) == p)
                if not ok:
                    continue
                finish = max(slots, default=-1) + 1
                glh = [sum(by[c]["glh"] for c, q in at.items() if q == p) for p in range(count)]
                n = [sum(1 for q in at.values() if q == p) for p in range(count)]
                lo_glh, hi_glh = limits["glh"]
                if any(g > hi_glh or (lo_glh is not None and p < finish and g < lo_glh) for p, g in enumerate(glh)):
                    continue
                if limits["units"] is not None and max(n) > limits["units"]:
                    continue
                key = (sum(by[c]["glh"] for c in todo), len(chosen), finish, max(glh, default=0))
                best = key if best is None or key < best else best
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(problems())
def test_plan_matches_brute_force_on_every_tier(tmp_path: Path, problem) -> None:
    units, min_credits, max_glh, max_units, min_glh, achieved = problem
    cat = load_catalogue(catalogue_file(tmp_path, units, min_credits))
    learner = Learner(achieved=tuple(sorted(achieved)))
    limits: dict = {"glh": {"max": max_glh, **({"min": min_glh} if min_glh else {})}}
    if max_units is not None:
        limits["units"] = {"max": max_units}
    timing = Timing(periods="month", start="2027-01", finish_by="2027-03", limits=limits)
    plan = plan_study(cat, "q", learner, timing, "min-glh")
    expected = brute_force(units, formulate(cat, cat.qualification("q"), learner), achieved, 3,
                           {"glh": (min_glh, max_glh), "units": max_units})
    if expected is None:
        assert plan.status is Status.INFEASIBLE
        return
    assert plan.status is Status.OPTIMAL
    got = {name: value for name, value, _ in plan.tiers}
    assert (got["new_glh"], got["units"], got["finish"], got["largest_glh"]) == expected


SEED = load_catalogue()


def test_a_new_learner_on_the_certificate_gets_a_monthly_plan_with_a_finish() -> None:
    """Tried as a new user would: registered 2021, starting January 2027, 12 GLH a month."""
    timing = Timing(periods="month", start="2027-01", limits={"glh": {"max": 12}})
    plan = plan_study(SEED, CERT, Learner(registered=dt.date(2021, 3, 1)), timing)
    assert plan.status is Status.OPTIMAL
    assert plan.finish is not None and plan.finish.label == "March 2027"
    rows = plan.rows()
    assert [r["period"] for r in rows] == ["January 2027", "February 2027", "March 2027"]
    assert all(r["glh"] <= 12 for r in rows) and sum(r["glh"] for r in rows) == plan.pathway.new_glh == 33
    assert all(u.reasons for u in plan.pathway.units)  # why each unit is there
    data = plan.to_dict()
    assert data["finish"]["last"] == "2027-03-31"
    assert [t["tier"] for t in data["tiers"]][-2:] == ["earliest finish (periods used)",
                                                      "most balanced load (largest period, GLH)"]
    json.dumps(data, default=str)
    assert plan_csv(plan).splitlines()[0].startswith("period,first_day,last_day,unit")
    ics = plan_ics(plan)
    assert ics.count("BEGIN:VEVENT") == len(plan.pathway.units) and "DTSTART;VALUE=DATE:20270101" in ics


def test_too_fast_a_pace_says_the_earliest_finish() -> None:
    timing = Timing(periods="month", start="2027-01", finish_by="2027-02", limits={"glh": {"max": 12}})
    plan = plan_study(SEED, CERT, Learner(registered=dt.date(2021, 3, 1)), timing)
    assert plan.status is Status.INFEASIBLE
    assert plan.why_not == ("with 12 GLH a month you cannot finish by February 2027; the earliest is March 2027")


def test_terms_and_a_prerequisite_order_the_plan(tmp_path: Path) -> None:
    units = [{"code": "A", "title": "A", "level": 1, "credits": 2, "glh": 10},
             {"code": "B", "title": "B", "level": 1, "credits": 2, "glh": 10, "requires": ["A"]},
             {"code": "C", "title": "C", "level": 1, "credits": 2, "glh": 10, "with": ["B"], "offered": ["summer"]}]
    cat = load_catalogue(catalogue_file(tmp_path, units, 6))
    plan = plan_study(cat, "q", Learner(), Timing(periods="term", start="2027-01", limits={"glh": {"max": 40}}))
    assert {c: p.label for c, p in plan.period_of.items()} == {"A": "Spring 2027", "B": "Summer 2027",
                                                               "C": "Summer 2027"}


def test_timing_fields_are_validated_where_written(tmp_path: Path) -> None:
    units = [{"code": "A", "title": "A", "level": 1, "credits": 2, "glh": 1, "requires": ["Z"],
              "offered": ["Smarch"]},
             {"code": "B", "title": "B", "level": 1, "credits": 2, "glh": 1, "requires": ["C"]},
             {"code": "C", "title": "C", "level": 1, "credits": 2, "glh": 1, "requires": ["B"]}]
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_file(tmp_path, units, 2))
    text = str(err.value)
    assert "units[0].requires[0]: unit 'Z' is not defined in the catalogue" in text
    assert "units[0].offered[0]: expected a month (January), a term (autumn), YYYY-MM or YYYY-Www, got 'Smarch'" \
        in text
    assert "prerequisites go round in a circle: B -> C -> B" in text


def test_credits_of_a_group_first_are_validated_where_written(tmp_path: Path) -> None:
    units = [{"code": "A", "title": "A", "level": 1, "credits": 2, "glh": 1},
             {"code": "B", "title": "B", "level": 1, "credits": 2, "glh": 1,
              "requires": ["A", {"credits": 3, "group": "G"}, {"credits": 1, "group": "H"}]}]
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_file(tmp_path, units, 2))
    text = str(err.value)
    assert "units[1].requires[1].credits: group 'G' of qualification 'q' has 2 credits besides 'B'; expected at " \
        "most that, got 3" in text
    assert "units[1].requires[2].group: qualification 'q' lists unit 'B' but has no group 'H'; expected one of G" \
        in text
    units[1]["requires"] = [{"credits": 1}]
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_file(tmp_path, units, 2))
    assert "units[1].requires[0]: missing required field 'group'" in str(err.value)


def test_credits_of_a_group_first_order_the_plan_and_show_in_the_catalogue(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from solver.cli.entry import app

    units = [{"code": "A", "title": "A", "level": 1, "credits": 2, "glh": 5},
             {"code": "B", "title": "B", "level": 1, "credits": 2, "glh": 5},
             {"code": "C", "title": "C", "level": 1, "credits": 2, "glh": 5,
              "requires": [{"credits": 4, "group": "G"}]}]
    path = catalogue_file(tmp_path, units, 6)
    cat = load_catalogue(path)
    timing = Timing(periods="month", start="2027-01", limits={"glh": {"max": 10}})
    plan = plan_study(cat, "q", Learner(), timing)
    # Without the group's credits C would share January with A or B: 10 GLH fits; it waits for both.
    assert {c: p.label for c, p in plan.period_of.items()}["C"] == "February 2027"
    assert plan.finish is not None and plan.finish.label == "February 2027"
    done = plan_study(cat, "q", Learner(achieved=("A", "B")), timing)
    assert {c: p.label for c, p in done.period_of.items()} == {"C": "January 2027"}
    result = CliRunner().invoke(app, ["catalogue", "show", "q", "--catalogue", str(path)])
    assert result.exit_code == 0, result.output
    assert "C: requires at least 4 credits of group G first" in result.output


NAMED = [{"name": "Autumn 2027", "start": "2027-09-01", "end": "2027-12-15"},
         {"name": "Spring 2028", "start": "2028-01-05", "end": "2028-03-31"},
         {"name": "Summer 2028", "start": "2028-04-15", "end": "2028-07-15"}]


def test_named_periods_are_planned_in_their_order_and_by_their_names(tmp_path: Path) -> None:
    units = [{"code": "A", "title": "A", "level": 1, "credits": 2, "glh": 10},
             {"code": "B", "title": "B", "level": 1, "credits": 2, "glh": 10, "requires": ["A"]},
             {"code": "C", "title": "C", "level": 1, "credits": 2, "glh": 10, "offered": ["summer"]}]
    cat = load_catalogue(catalogue_file(tmp_path, units, 6))
    timing = Timing.model_validate({"periods": NAMED, "start": "2027-10", "limits": {"glh": {"max": 20}}})
    plan = plan_study(cat, "q", Learner(), timing)
    assert plan.status is Status.OPTIMAL
    # C runs only in summer ("Summer 2028" begins with a term's name); B waits for A.
    assert {c: p.label for c, p in plan.period_of.items()} == {"A": "Autumn 2027", "B": "Spring 2028",
                                                               "C": "Summer 2028"}
    assert plan.finish is not None and plan.finish.last == dt.date(2028, 7, 15)
    late = Timing.model_validate({"periods": NAMED, "start": "2028-01-10", "limits": {"glh": {"max": 10}}})
    assert plan_study(cat, "q", Learner(), late).status is Status.INFEASIBLE  # B and C both in summer: 20 GLH
    early = Timing.model_validate({"periods": NAMED, "start": "2027-09", "finish_by": "2028-02",
                                   "limits": {"glh": {"max": 30}}})
    assert "the earliest is Summer 2028" in plan_study(cat, "q", Learner(), early).why_not


def test_named_periods_out_of_order_or_overlapping_are_refused_where_written(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from solver.cli.entry import app
    from solver.errors import InputError

    bad = [NAMED[0], {**NAMED[1], "start": "2027-12-01"}, {**NAMED[1], "start": "2028-07-15", "end": "2028-04-15"}]
    with pytest.raises(InputError) as err:
        plan_study(SEED, CERT, Learner(), Timing.model_validate({"periods": bad, "start": "2027-09"}))
    text = str(err.value)
    assert "periods[1].start: expected periods in order, not overlapping: 'Spring 2028' starts 2027-12-01, on or " \
        "before 'Autumn 2027' ends 2027-12-15" in text
    assert "periods[2].end: expected an end on or after the start (2028-07-15), got 2028-04-15" in text
    assert "periods[2].name: period name 'Spring 2028' is already used by periods[1]" in text
    path = tmp_path / "periods.yaml"
    path.write_text(yaml.safe_dump({"periods": bad}), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", CERT, "--start", "2027-09", "--periods", str(path)])
    # An InputError: the entry point (solver.cli.entry.main) prints its located lines and exits 2.
    assert isinstance(result.exception, InputError)
    assert f"{path}:7:10: periods[1].start: expected periods in order" in str(result.exception)
    path.write_text(yaml.safe_dump({"periods": NAMED}), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", CERT, "--registered", "2021-03-01", "--start", "2027-09",
                                      "--periods", str(path), "--per-period-glh", "20", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["finish"]["label"] == "Spring 2028"
