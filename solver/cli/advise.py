"""`pathways check` and `pathways recommend`: the adviser's questions for one learner."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from solver.budget import Budget, Limit
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
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    from solver.model.catalogue import Catalogue
    from solver.model.documents import Qualification
    from solver.model.learner import Learner
    from solver.queries.checking import CheckResult
    from solver.queries.progression import ProgressionPlan
    from solver.queries.recommendation import Recommendation
    from solver.request.objectives import Objective

ExemptOption = Annotated[list[str] | None, typer.Option("--exempt", help="Units the learner is exempt from "
                                                       "(recognition of prior learning): they meet a mandatory "
                                                       "rule and give no credit.")]
AchievedOption = Annotated[list[str] | None, typer.Option("--achieved", help="Units already achieved "
                                                          "(comma-separated or repeated).")]


def _goals(values: list[str] | None) -> list[dict[str, Any]]:
    """`--goal coaching=3 --goal "customer service" --goal "coaching>=2"` as goal documents (solver/goals.py)."""
    from solver.model.goals import parse_goal

    goals = []
    for value in values or []:
        try:
            goal = parse_goal(value)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--goal") from None
        if goal.get("weight", 1) < 1 or goal.get("at_least", 1) < 1:
            raise typer.BadParameter(f"expected a weight and a minimum of at least 1, got {value!r}",
                                     param_hint="--goal")
        goals.append(goal)
    return goals


OfferOption = Annotated[Path | None, typer.Option("--offer", help="File of the unit codes the centre delivers "
                                                  "(one per line, or a CSV column 'code').")]
PreferOption = Annotated[list[str] | None, typer.Option("--prefer", help="Units to claim where the objective "
                                                        "allows (soft).")]
MaxUnitsOption = Annotated[int | None, typer.Option("--max-units", min=0, help="At most N units.")]
MaxNewUnitsOption = Annotated[int | None, typer.Option("--max-new-units", min=0, help="At most N new units.")]
LevelOption = Annotated[int | None, typer.Option("--level", min=1, max=8, help="Preferred level of new units "
                                                 "(soft).")]


def read_offer_option(path: Path | None, catalogue: Catalogue) -> tuple[str, ...] | None:
    from solver.model.offer import read_offer

    return None if path is None else read_offer(path, catalogue.units)


CHECK_WORK = 60.0  # `check`'s default work limit for the nearest valid pathway, in all (before: 10 a solve)


@app.command("check")
def check_command(qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
                  units: Annotated[list[str], typer.Argument(help="Unit codes claimed.")],
                  registered: RegisteredOption = None, achieved: AchievedOption = None,
                  exempt: ExemptOption = None, reading: ReadingOption = None, pathway: PathwayOption = None,
                  keep: Annotated[str | None, typer.Option(
                      "--keep", help="Units the nearest valid pathway must keep (comma-separated).")] = None,
                  time_limit: TimeLimit = None, work_limit: WorkLimit = None,
                  catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Check a unit set against every rule, with what each needs and what it has; when invalid, the nearest
    valid pathway (the fewest units to add and remove, then the lowest new GLH) or why there is none; for a
    qualification with named pathways, against each pathway.

    Exits 0 when valid (on some pathway), 1 when not, 130 when interrupted. With neither --time-limit nor
    --work-limit the search for the nearest valid pathway may take 60 deterministic work units in all.
    """
    from solver.model.learner import Learner
    from solver.queries.checking import check

    cat = load(catalogue)
    learner = Learner(registered=parse_date(registered), achieved=parse_codes(achieved), exempt=parse_codes(exempt),
                      include=parse_codes(keep))
    q = shaped(cat, qualification, reading, pathway)
    if q.pathways:
        from solver.queries.by_pathway import check_pathways

        with budgeted(time_limit, work_limit, default_work=CHECK_WORK) as budget:  # shared by every pathway
            results = check_pathways(cat, q, parse_codes(units), learner, budget=budget)
        valid = any(r.valid for r in results.values())
        limit = budget.stopped()
        if as_json:
            print_json({"qualification": q.accreditation, "valid": valid,
                        "pathways": {p: r.to_dict() for p, r in results.items()}, **({"stopped": limit} if limit
                                                                                      else {})})
        else:
            for p in q.pathways:
                console().print(f"[bold]Pathway {plain(p.id)}[/bold] ({plain(p.title)})")
                _print_check(results[p.id])
            sentence = stop_sentence(limit, budget)
            if sentence:
                console().print(plain(sentence), soft_wrap=True)
        raise typer.Exit(exit_code(limit) or (0 if valid else 1))
    with budgeted(time_limit, work_limit, default_work=CHECK_WORK) as budget:
        result = check(cat, q, parse_codes(units), learner, budget=budget)
    stopped = budget.stopped()
    if as_json:
        print_json({**result.to_dict(), **({"stopped": stopped} if stopped else {})})
    else:
        _print_check(result)
        sentence = stop_sentence(stopped, budget)
        if sentence:
            console().print(plain(sentence), soft_wrap=True)
    raise typer.Exit(exit_code(stopped) or (0 if result.valid else 1))


def _print_check(result: CheckResult) -> None:
    from rich.table import Table

    from solver.rules import units_word

    out = console()
    table = Table(title=f"{result.qualification}: {units_word(len(result.units))}, {result.credits_words}, "
                        f"{result.glh_words}")
    for col in ("rule", "requires", "has", "holds", "in words"):
        table.add_column(col)
    for v in result.verdicts:
        note = f'\n[dim]as published: "{plain(" ".join(v.note.split()))}"[/dim]' if v.note else ""
        words = plain(v.sentence) + note
        holds = "yes" if v.holds else ("NO" if v.determined else "unknown")
        table.add_row(plain(v.id), plain(v.required), plain(v.actual), holds, words)
    out.print(table)
    if result.modes:
        out.print(plain("Claimed as: " + ", ".join(f"{code} claimed {mode}" for code, mode in result.modes.items())
                        + " (name a unit CODE@MODE to choose)."))
    fixes = plain("; ".join(result.fixes))
    if result.open_groups:
        out.print(plain(f"Over the listed units only: {', '.join(result.open_groups)} "
                        f"list{'s' if len(result.open_groups) == 1 else ''} only some of their units."))
    if result.verdict == "undetermined":
        unknown = sorted({c for v in result.undetermined for c in v.unknown})
        out.print(plain(f"Undetermined: the verdict rests on the unpublished values of {', '.join(unknown)}."))
    else:
        fix = plain(result.repair.sentence()) if result.repair else f"To fix: {fixes}"
        out.print("[bold green]Valid.[/]" if result.valid else f"[bold red]Not valid.[/] {fix}")


@app.command("recommend")
def recommend_command(
        targets: Annotated[list[str], typer.Argument(help="A learner scenario YAML file, or one or more "
                                                   "qualifications (several: a progression plan).")],
        achieved: AchievedOption = None, registered: RegisteredOption = None,
        objective: Annotated[str | None, typer.Option(help="min-glh (default), min-units, max-reuse, cover (every "
                                                      "goal), within-budget (most goals in --max-glh) or "
                                                      "weighted-goals (alias best-fit).")] = None,
        exempt: ExemptOption = None, reading: ReadingOption = None, pathway: PathwayOption = None,
        known_only: Annotated[bool, typer.Option("--known-only", help="Claim only units whose level, credits and "
                                                 "GLH are all published.")] = False,
        fill_imports: Annotated[bool, typer.Option("--fill-imports", help="Let the solver choose units of other "
                                                   "qualifications for import slots (else only achieved or "
                                                   "--include units fill them).")] = False,
        max_glh: Annotated[int | None, typer.Option("--max-glh", min=0, help="Budget of new GLH.")] = None,
        include: Annotated[list[str] | None, typer.Option(help="Units that must be in the pathway.")] = None,
        exclude: Annotated[list[str] | None, typer.Option(help="Units that must not be.")] = None,
        goal: Annotated[list[str] | None, typer.Option(help="A goal in your words, TEXT[>=N [units|credits]]"
                                                       "[=WEIGHT] (repeatable), matched to unit titles and "
                                                       "tags.")] = None,
        offer: OfferOption = None, prefer: PreferOption = None, max_units: MaxUnitsOption = None,
        max_new_units: MaxNewUnitsOption = None, level: LevelOption = None,
        alternatives: Annotated[int, typer.Option(min=0, max=50, help="Also show K next-best pathways.")] = 0,
        time_limit: TimeLimit = None, work_limit: WorkLimit = None,
        catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Recommend the best pathway for a learner, or explain why none exists. Exits 1 when there is none.

    With neither --time-limit nor --work-limit the search may take 10 deterministic work units (the same answer
    on every run); an answer a limit stopped is FEASIBLE and says which limit and which tiers were proven.
    """
    from solver.model.learner import Learner

    if len(targets) == 1 and targets[0].endswith((".yaml", ".yml")):
        from solver.queries.scenario import load_scenario, run_scenario, scenario_catalogue

        # A scenario file states the whole request; an option beside it would be silently overridden.
        given = {"--achieved": achieved, "--registered": registered, "--objective": objective,
                 "--max-glh": max_glh, "--include": include, "--exclude": exclude, "--goal": goal,
                 "--offer": offer, "--prefer": prefer, "--max-units": max_units, "--max-new-units": max_new_units,
                 "--level": level, "--exempt": exempt, "--reading": reading, "--pathway": pathway,
                 "--known-only": known_only or None, "--fill-imports": fill_imports or None,
                 "--alternatives": alternatives or None}
        mixed = [name for name, value in given.items() if value is not None]
        if mixed:
            raise typer.BadParameter(f"{', '.join(mixed)} cannot be combined with a scenario file, which states "
                                     f"the whole request; edit {targets[0]} instead", param_hint="TARGETS")

        scenario, base = load_scenario(targets[0])
        cat = scenario_catalogue(scenario, base, load(catalogue) if catalogue else None)
        result = run_scenario(scenario, cat)
        if scenario.expected is not None:  # a scenario that states its answer is a test: a mismatch fails it
            from solver.queries.scenario import mismatches

            problems = mismatches(scenario.expected, result)
            if as_json:
                print_json({**result.to_dict(), "mismatches": problems})
            else:
                _show(result)
                out = console()
                noun = "mismatch" if len(problems) == 1 else "mismatches"
                out.print(f"The scenario's expected answer: {len(problems)} {noun}" + (":" if problems else "."))
                for line in problems:
                    out.print(f"  {plain(line)}", highlight=False)
            raise typer.Exit(1 if problems else 0 if result.status.found else 1)
    else:
        cat = load(catalogue)
        learner = Learner(registered=parse_date(registered), achieved=parse_codes(achieved),
                          include=parse_codes(include), exclude=parse_codes(exclude), max_glh=max_glh,
                          exempt=parse_codes(exempt), goals=_goals(goal), offer=read_offer_option(offer, cat),
                          prefer=parse_codes(prefer), max_units=max_units, max_new_units=max_new_units,
                          preferred_level=level, known_only=known_only, fill_imports=fill_imports)
        from solver.queries.recommendation import DEFAULT_WORK

        # Deterministic by default (DEFAULT_WORK units: the same answer on every run); --time-limit bounds the
        # wall clock instead, --work-limit sets the deterministic limit; the answer says which one stopped it.
        with budgeted(time_limit, work_limit, default_work=DEFAULT_WORK) as budget:
            if len(targets) > 1:
                from solver.queries.progression import plan_progression

                if pathway is not None:
                    raise typer.BadParameter("a named pathway is of one qualification: recommend it alone",
                                             param_hint="--pathway")
                quals = [shaped(cat, t, reading) for t in targets]
                for q in quals:  # a plan over several targets cannot choose a named pathway for one of them
                    require_pathway(q, None, f"recommend {q.accreditation} alone with --pathway")
                result = plan_progression(cat, quals, learner, objective=_objective_option(objective), budget=budget)
            else:
                q = shaped(cat, targets[0], reading, pathway)
                goal_objective = _objective_option(objective)
                if q.pathways:
                    _recommend_pathway(cat, q, learner, goal_objective, as_json, budget)
                from solver.queries.recommendation import recommend

                result = recommend(cat, q, learner, goal_objective, alternatives, budget=budget)
        if as_json:
            print_json(result.to_dict())
        else:
            _show(result)
            sentence = stop_sentence(result.stopped, budget)
            if sentence:
                console().print(plain(sentence), highlight=False)
        if result.stopped is Limit.INTERRUPTED:
            raise typer.Exit(exit_code(result.stopped))
        raise typer.Exit(0 if result.status.found else 1)
    if as_json:
        print_json(result.to_dict())
    else:
        _show(result)
    raise typer.Exit(0 if result.status.found else 1)


def _objective_option(name: str | None) -> Objective:
    """The --objective option read once, here at the edge (min-glh when not given)."""
    from solver.request.objectives import Objective, objective_named

    return objective_named(name) if name else Objective.MIN_GLH


def _recommend_pathway(cat: Catalogue, q: Qualification, learner: Learner, objective: Objective,
                       as_json: bool, budget: Budget) -> None:
    """A qualification with named pathways: the best unit set on each (one budget for all), and the best
    pathway; then exit."""
    from solver.queries.by_pathway import recommend_pathway

    choice = recommend_pathway(cat, q, learner, objective, budget=budget)
    if as_json:
        print_json(choice.to_dict())
    else:
        out = console()
        for p in q.pathways:
            answer = choice.by_pathway[p.id]
            glh = f"{answer.new_glh} new GLH" if answer.new_glh is not None else "no pathway"
            out.print(plain(f"Pathway {p.id} ({p.title}): {answer.status}, {glh}"))
        if choice.chosen is not None:
            out.print(plain(f"Best: pathway {choice.chosen}."))
            _show(choice.by_pathway[choice.chosen])
        else:
            for p in q.pathways:
                _show(choice.by_pathway[p.id])
        sentence = stop_sentence(choice.stopped, budget)
        if sentence:
            out.print(plain(sentence), highlight=False)
    raise typer.Exit(exit_code(choice.stopped) if choice.stopped is Limit.INTERRUPTED
                     else 0 if choice.status.found else 1)


def _credits_cell(data: dict[str, Any]) -> str:
    """A pathway's credits: exact, or the bound the unpublished values leave ('at least 12', '12 to 20')."""
    if data.get("credits") is not None:
        return str(data["credits"])
    low, high = data.get("credits_at_least"), data.get("credits_at_most")
    return f"at least {low}" if high is None else f"{low} to {high}"


def _value(n: int | None, derived: bool = False) -> str:
    return "?" if n is None else f"{n} (derived)" if derived else str(n)


def _show(result: Recommendation | ProgressionPlan) -> None:
    from rich.table import Table

    from solver.engine.status import Status

    out = console()
    data = result.to_dict()
    if data.get("over_listed_units_only"):
        out.print(plain(f"Over the listed units only: {', '.join(data['over_listed_units_only'])} list only some "
                        f"of their units."))
    for slot in data.get("open_imports", []):
        out.print(plain(f"Import slot {slot} (--fill-imports lets the solver choose)."))
    for goal in data.get("unmatched_goals", []):
        out.print(plain(f"Goal '{goal}' matches no unit of this qualification: left out (try `pathways goals`)."))
    if not result.status.found:
        out.print(f"[bold red]{data['status']}[/]: no pathway.")
        if result.explanation is not None:
            for sentence in result.explanation.sentences():
                out.print(plain(sentence))
        return
    if "targets" in data:
        out.print(f"[bold]{data['status']}[/]: study {len(data['units'])} units, {data['new_glh']} new GLH")
        for t in data["targets"]:
            units = ", ".join(t["units"])
            out.print(plain(f"  {t['qualification']}: {units} ({t['credits']} credits, {t['glh']} GLH)"))
        if data.get("order"):
            out.print(plain(f"Optimised in this order: {data['order']}, then each unit claimed wherever allowed."))
        return
    if data.get("valid_if_unpublished_credits_allow"):
        note = " (valid for some values of the unpublished credits)"
    elif data.get("found_over_unpublished_credits"):
        note = " (found over the values unpublished credits can take: not proven best)"
    elif data.get("unpublished_glh"):
        note = " (a lower bound: some GLH are unpublished)"
    else:
        note = "" if result.status is Status.OPTIMAL else " (a limit was reached: best found, not proven optimal)"
        if data.get("proven_tiers"):
            note = f" (a limit was reached: proven best for {', then '.join(data['proven_tiers'])} only)"
    table = Table(title=plain(f"{data['qualification']} for {data['learner']}: {data['objective']}, "
                              f"{data['status']}{note}"))
    for col in ("unit", "title", "group", "credits", "GLH", "new GLH", "why"):
        table.add_column(col, justify="right" if col in ("credits", "GLH", "new GLH") else "left")
    for u in data["detail"]:
        derived = u.get("derived", ())  # values the specification works out rather than prints
        table.add_row(plain(u["code"]), plain(u["title"]), plain(u["group"]),
                      _value(u["credits"], "credits" in derived), _value(u["glh"], "glh" in derived),
                      str(u["new_glh"]), plain("; ".join(u["reasons"])))
    table.add_row("total", "", "", _credits_cell(data), str(data["glh"]), str(data["new_glh"]), "", style="bold")
    out.print(table)
    if data.get("credits_rest_on_unpublished"):
        out.print(plain(f"Credits: {_credits_cell(data)}; the rest are the unpublished credits of "
                        f"{', '.join(data['credits_rest_on_unpublished'])}."))
    if data.get("valid_if_unpublished_credits_allow"):
        out.print(plain(f"No pathway is valid whatever the unpublished credits are; this one is valid if those of "
                        f"{', '.join(data['valid_if_unpublished_credits_allow'])} turn out as the rules need "
                        f"(within any published group total)."))
    if data.get("unpublished_glh"):
        out.print(plain(f"At least {data['new_glh']} new GLH: {', '.join(data['unpublished_glh'])} "
                        f"{'has' if len(data['unpublished_glh']) == 1 else 'have'} unpublished GLH, counted as 0 "
                        f"(--known-only avoids such units)."))
    extra = [f"{name.replace('_', ' ')} {data[name]:g} h" for name in ("induction_hours", "tutorial_hours")
             if data.get(name) is not None]
    if extra:
        out.print("Plus the qualification's " + " and ".join(extra) + ".")
    if data.get("order"):
        out.print(plain(f"Optimised in this order: {data['order']}."))
    if data.get("uncovered_goals"):
        parts = [repr(g) + (" (no unit matches it)" if g in data["unmatched_goals"] else "")
                 for g in data["uncovered_goals"]]
        budget = " within the budget" if data["objective"] == "within-budget" else ""
        out.print(plain(f"Goals not covered{budget}: {', '.join(parts)}."))
    for i, alt in enumerate(data["alternatives"], 1):
        out.print(plain(f"Alternative {i}: {', '.join(alt['units'])}: {_credits_cell(alt)} credits, {alt['glh']} GLH, "
                        f"{alt['new_glh']} new GLH"))
