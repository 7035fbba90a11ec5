"""`pathways plan` (a learner's units and when to study them) and `pathways deliver` (a provider's delivery plan)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from solver.budget import Budget, Limit
from solver.cli.advise import AchievedOption, ExemptOption
from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    PathwayOption,
    ReadingOption,
    RegisteredOption,
    console,
    load,
    parse_codes,
    parse_date,
    plain,
    print_json,
    shaped,
)
from solver.cli.named_pathway import require_pathway
from solver.cli.progress import TimeLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    from solver.queries.planning import StudyPlan

LimitOption = Annotated[int | None, typer.Option(min=0, help="At most this many in each period.")]


@app.command("plan")
def plan_command(
        qualification: Annotated[str, typer.Argument(help="Accreditation number or id; or a learner scenario "
                                                     "YAML file with a plan: block (and its expected answer).")],
        start: Annotated[str | None, typer.Option("--start", help="First period: the one holding "
                                                  "YYYY-MM[-DD] (required unless a scenario file).")] = None,
        achieved: AchievedOption = None, registered: RegisteredOption = None, exempt: ExemptOption = None,
        per_term_glh: Annotated[int | None, typer.Option("--per-term-glh", min=1, help="GLH a term at most "
                                                         "(terms: spring, summer, autumn).")] = None,
        per_month_glh: Annotated[int | None, typer.Option("--per-month-glh", min=1, help="GLH a month at "
                                                          "most.")] = None,
        per_week_glh: Annotated[int | None, typer.Option("--per-week-glh", min=1, help="GLH a week at most.")] = None,
        periods_file: Annotated[Path | None, typer.Option("--periods", help="A YAML file of named periods "
                                                          "(periods: [{name, start, end}, ...]), in order and not "
                                                          "overlapping, instead of calendar months, terms or "
                                                          "weeks.")] = None,
        per_period_glh: Annotated[int | None, typer.Option("--per-period-glh", min=1, help="GLH in each named "
                                                           "period at most (with --periods).")] = None,
        max_units: LimitOption = None, max_credits: LimitOption = None,
        min_glh: Annotated[int | None, typer.Option(min=0, help="At least this many GLH in each period up to the "
                                                    "finish.")] = None,
        finish_by: Annotated[str | None, typer.Option("--finish-by", help="Latest finish: the period holding "
                                                      "YYYY-MM[-DD].")] = None,
        objective: Annotated[str, typer.Option(help="The units' objective, first tier (min-glh, min-units, "
                                               "...).")] = "min-glh",
        reading: ReadingOption = None, pathway: PathwayOption = None,
        csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write the plan as CSV here.")] = None,
        ics_out: Annotated[Path | None, typer.Option("--ics", help="Also write the plan as iCalendar here.")] = None,
        work_limit: Annotated[float, typer.Option(help="Deterministic seconds of search per tier (CP-SAT's work "
                                                  "measure); a limit hit gives FEASIBLE, never OPTIMAL.")] = 30.0,
        time_limit: TimeLimit = None, catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Plan a learner's study: which units and in which period, and when they finish. Exits 1 when none fits,
    130 when interrupted (Ctrl-C, SIGTERM)."""
    given_options = {"--start": start, "--achieved": achieved, "--registered": registered, "--exempt": exempt,
                     "--per-term-glh": per_term_glh, "--per-month-glh": per_month_glh, "--per-week-glh": per_week_glh,
                     "--periods": periods_file, "--per-period-glh": per_period_glh, "--max-units": max_units,
                     "--max-credits": max_credits, "--min-glh": min_glh, "--finish-by": finish_by,
                     "--reading": reading, "--pathway": pathway,
                     "--objective": objective if objective != "min-glh" else None}
    problems: list[str] | None = None
    if qualification.endswith((".yaml", ".yml")):
        # A scenario file states the whole request; an option beside it would be silently overridden.
        mixed = [name for name, value in given_options.items() if value is not None]
        if mixed:
            raise typer.BadParameter(f"{', '.join(mixed)} cannot be combined with a scenario file, which states "
                                     f"the whole request; edit {qualification} instead", param_hint="QUALIFICATION")
        from solver.queries.scenario import load_scenario, mismatches, plan_scenario, scenario_catalogue

        scenario, base = load_scenario(qualification)
        cat = scenario_catalogue(scenario, base, load(catalogue) if catalogue else None)
        with budgeted(time_limit) as budget:  # the wall clock and Ctrl-C; work_limit stays per tier
            plan = plan_scenario(scenario, cat, work_limit, budget)
        problems = mismatches(scenario.expected, plan) if scenario.expected is not None else None
    else:
        if start is None:
            raise typer.BadParameter("--start is required (the first period: YYYY-MM[-DD])", param_hint="--start")
        with budgeted(time_limit) as budget:
            plan = _plan_from_options(qualification, start, achieved, registered, exempt, per_term_glh,
                                      per_month_glh, per_week_glh, periods_file, per_period_glh, max_units,
                                      max_credits, min_glh, finish_by, objective, reading, pathway, work_limit,
                                      catalogue, budget)
    if plan.pathway is not None:
        from solver.files import write_atomically
        from solver.queries.plan_export import plan_csv, plan_ics

        if csv_out is not None:
            write_atomically(csv_out, plan_csv(plan))
        if ics_out is not None:
            write_atomically(ics_out, plan_ics(plan))
    if as_json:
        print_json(plan.to_dict() if problems is None else {**plan.to_dict(), "mismatches": problems})
    else:
        _show_plan(plan)
        if problems is not None:
            out = console()
            noun = "mismatch" if len(problems) == 1 else "mismatches"
            out.print(f"The scenario's expected answer: {len(problems)} {noun}" + (":" if problems else "."))
            for line in problems:
                out.print(f"  {plain(line)}", highlight=False)
        # Each tier has its own --work-limit; the budget holds the wall clock: the sentence names either.
        if (sentence := stop_sentence(plan.stopped, Budget(work=work_limit, time=time_limit))) is not None:
            console().print(plain(sentence), soft_wrap=True)
    if plan.stopped is Limit.INTERRUPTED:
        raise typer.Exit(exit_code(plan.stopped))
    raise typer.Exit(1 if problems else 0 if plan.status.found else 1)


def _plan_from_options(qualification: str, start: str, achieved: list[str] | None, registered: str | None,
                       exempt: list[str] | None, per_term_glh: int | None, per_month_glh: int | None,
                       per_week_glh: int | None, periods_file: Path | None, per_period_glh: int | None,
                       max_units: int | None, max_credits: int | None, min_glh: int | None, finish_by: str | None,
                       objective: str, reading: list[str] | None, pathway: str | None, work_limit: float,
                       catalogue: Path | None, budget: Budget) -> StudyPlan:
    """The plan the command-line options ask for."""
    from solver.model.learner import Learner
    from solver.model.timing import Timing
    from solver.queries.planning import plan_study

    paces = {"term": per_term_glh, "month": per_month_glh, "week": per_week_glh}
    given = [k for k, v in paces.items() if v is not None]
    if len(given) > 1:
        raise typer.BadParameter("give one of --per-term-glh, --per-month-glh, --per-week-glh", param_hint="pace")
    if (per_period_glh is not None and periods_file is None) or (periods_file is not None and given):
        raise typer.BadParameter("--per-period-glh goes with --periods, and the calendar paces without it",
                                 param_hint="pace")
    kind = given[0] if given else "month"
    pace = paces[kind] if periods_file is None else per_period_glh
    listed: Any = kind
    if periods_file is not None:
        from solver.model.timing import read_periods

        listed = read_periods(periods_file)
    limits = {"glh": {"min": min_glh, "max": pace}, "units": {"max": max_units},
              "credits": {"max": max_credits}}
    timing = Timing.model_validate({"periods": listed, "start": start, "finish_by": finish_by,
                                    "limits": {m: {k: v for k, v in lim.items() if v is not None}
                                               for m, lim in limits.items() if any(v is not None
                                                                                   for v in lim.values())}})
    cat = load(catalogue)
    q = shaped(cat, qualification, reading, pathway)
    require_pathway(q, pathway)  # a plan is for a learner on one named pathway (followed, `q` lists none)
    learner = Learner(registered=parse_date(registered), achieved=parse_codes(achieved), exempt=parse_codes(exempt))
    return plan_study(cat, q, learner, timing, objective, work_limit, budget)


def _show_plan(plan: StudyPlan) -> None:
    from rich.table import Table

    from solver.queries.planning import tier_words

    out = console()
    if plan.pathway is None:
        out.print(plain(f"{plan.qualification}: {plan.status}: {plan.why_not}."), highlight=False)
        return
    end = plan.finish
    out.print(plain(f"{plan.qualification}: {plan.status}; finishes {end.label if end else 'at once'} "
                    f"({end.last:%d %B %Y})." if end else f"{plan.qualification}: nothing left to study."),
              highlight=False)
    table = Table(title="Plan by period")
    for col in ("period", "units", "GLH", "credits"):
        table.add_column(col, justify="right" if col in ("GLH", "credits") else "left")
    titles = {u.code: u for u in plan.pathway.units}
    for row in plan.rows():
        units = "\n".join(f"{c} {titles[c].title} ({titles[c].glh} GLH; {', '.join(titles[c].reasons)})"
                          for c in row["units"]) or "-"
        table.add_row(plain(row["period"]), plain(units), str(row["glh"]), str(row["credits"]))
    out.print(table)
    done = [u.code for u in plan.pathway.units if u.code not in plan.period_of]
    if done:
        out.print(plain(f"Already achieved, claimed: {', '.join(done)}."), highlight=False)
    out.print(plain(f"Optimised in order: {plan.order}."), highlight=False)
    for name, value, bound in plan.tiers:
        proven = "proven best" if value == bound else "not proven" if bound is None else f"bound {bound:g}"
        out.print(plain(f"  {tier_words(name)}: {value} ({proven})"), highlight=False)


@app.command("deliver")
def deliver_command(plan_file: Annotated[Path, typer.Argument(help="PLAN.yaml, or a BACP .dat/.mzn or GBACP .dzn "
                                                              "data file.")],
                    work_limit: Annotated[float | None, typer.Option(help="Deterministic seconds of search (the "
                                                                     "plan's own by default).")] = None,
                    time_limit: TimeLimit = None, as_json: JsonOption = False) -> None:
    """Plan when each unit is taught: balanced per qualification, then fewest undesirable placements.

    Anytime: a limit hit reports the best plan and its proven bound (FEASIBLE); OPTIMAL only when proven.
    Ctrl-C (or SIGTERM) reports the best plan found so far, exit 130.
    """
    from solver.planning.benchmarks import read_benchmark
    from solver.planning.delivery import load_plan, loads, solve_plan, split

    if plan_file.suffix in (".yaml", ".yml"):
        problem, limit = load_plan(plan_file)
    else:
        problem, limit = read_benchmark(plan_file), 10.0
    work = work_limit if work_limit is not None else limit
    with budgeted(time_limit) as budget:  # the wall clock and Ctrl-C; the work limit is the search's own
        result = solve_plan(problem, work, budget)
    data: dict[str, Any] = {"plan": problem.name, "status": result.status, "objective": result.objective,
                            "bound": result.bound, "objective_kind": problem.objective, "stopped": result.stopped}
    if result.status.found and result.objective is not None and problem.objective == "max-load":
        data["largest_load"], data["undesirable_placements"] = split(problem, result.objective)
    if result.status.found:
        data["periods"] = [[problem.names[c] for c in range(len(problem.load)) if result.period[c] == p]
                           for p in range(problem.n_periods)]
        data["loads"] = loads(problem, result.period)
    if as_json:
        print_json(data)
    else:
        out = console()
        gap = "" if result.bound is None or result.objective is None else f", proven bound {result.bound:g}"
        out.print(plain(f"{problem.name}: {result.status}, objective {result.objective}{gap}."), highlight=False)
        if "largest_load" in data:
            out.print(plain(f"Largest load of a qualification in a period: {data['largest_load']}; then "
                            f"undesirable placements: {data['undesirable_placements']}."), highlight=False)
        if result.status.found:
            from rich.table import Table

            table = Table(title="Units by period")
            table.add_column("period", justify="right")
            table.add_column("units")
            table.add_column("load per qualification")
            for p, units in enumerate(data["periods"]):
                table.add_row(str(p + 1), plain(", ".join(units)), " ".join(str(row[p]) for row in data["loads"]))
            out.print(table)
        if (sentence := stop_sentence(result.stopped, Budget(work=work, time=time_limit))) is not None:
            out.print(plain(sentence), soft_wrap=True)
    if result.stopped is Limit.INTERRUPTED:
        raise typer.Exit(exit_code(result.stopped))
    raise typer.Exit(0 if result.status.found else 1)
