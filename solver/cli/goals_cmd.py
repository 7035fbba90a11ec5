"""`pathways goals` (what a goal in words would match) and `pathways tradeoff` (new GLH against goal coverage)."""

from __future__ import annotations

from typing import Annotated

import typer

from solver.budget import Budget, Limit
from solver.cli.advise import AchievedOption, OfferOption, _goals, read_offer_option
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


@app.command("goals")
def goals_command(qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
                  goals: Annotated[list[str], typer.Argument(help="Goals in your words, e.g. \"customer service\".")],
                  catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Show which units each goal would match, by which words of their titles and tags, before recommending.

    Exits 0 when every goal matches a unit, 1 when one matches none.
    """
    from solver.model.goals import Goal, match_goals

    cat = load(catalogue)
    q = cat.qualification(qualification)
    units = {c: cat.units[c] for c in q.unit_codes()}
    matched = match_goals([Goal.model_validate(g) for g in _goals(goals)], units)
    unmatched = [gm.goal.text for gm in matched if not gm.matches]
    if as_json:
        print_json({"qualification": q.accreditation, "goals": [gm.to_dict() for gm in matched],
                    "unmatched_goals": unmatched})
        raise typer.Exit(1 if unmatched else 0)
    from rich.table import Table

    out = console()
    for gm in matched:
        words = ", ".join(gm.words) or "none (only common words)"
        if not gm.matches:
            out.print(plain(f"'{gm.goal.text}' (words: {words}) matches no unit of {q.accreditation}."))
            continue
        table = Table(title=plain(f"'{gm.goal.text}' (words: {words}): {len(gm.matches)} units of {q.accreditation}"))
        for col in ("unit", "title", "tags", "score", "why"):
            table.add_column(col, justify="right" if col == "score" else "left")
        for m in gm.matches:
            unit = units[m.code]
            table.add_row(plain(m.code), plain(unit.title), plain(", ".join(unit.tags)), f"{m.score:.2f}",
                          plain(m.why()))
        out.print(table)
        if gm.missing:
            out.print(plain(f"Not in these units: {', '.join(gm.missing)}."))
    raise typer.Exit(1 if unmatched else 0)


@app.command("tradeoff")
def tradeoff_command(
        qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
        goal: Annotated[list[str], typer.Option(help="A goal in your words, TEXT[=WEIGHT] (repeatable).")],
        achieved: AchievedOption = None, registered: RegisteredOption = None,
        max_glh: Annotated[int | None, typer.Option("--max-glh", min=0, help="Budget of new GLH.")] = None,
        include: Annotated[list[str] | None, typer.Option(help="Units that must be in the pathway.")] = None,
        exclude: Annotated[list[str] | None, typer.Option(help="Units that must not be.")] = None,
        offer: OfferOption = None, reading: ReadingOption = None, pathway: PathwayOption = None,
        time_limit: TimeLimit = None, work_limit: WorkLimit = None,
        catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """The exact trade-off between new GLH and goal coverage: each point the cheapest pathway for more coverage.

    Coverage is the weighted number of goal-matching units claimed. Exits 1 when there is no pathway. With
    neither limit the whole front may take 60 deterministic work units (the same answer on every run).
    """
    from solver.engine.status import Status
    from solver.model.learner import Learner
    from solver.queries.tradeoff import FRONT_WORK, tradeoff_front

    cat = load(catalogue)
    q = shaped(cat, qualification, reading, pathway)
    require_pathway(q, pathway)  # the front is for a learner on one named pathway (followed, `q` lists none)
    learner = Learner(registered=parse_date(registered), achieved=parse_codes(achieved), include=parse_codes(include),
                      exclude=parse_codes(exclude), max_glh=max_glh, goals=_goals(goal),
                      offer=read_offer_option(offer, cat))
    with budgeted(time_limit, work_limit, default_work=FRONT_WORK) as budget:
        result = tradeoff_front(cat, q, learner, budget=budget)
    code = exit_code(result.stopped) if result.stopped is Limit.INTERRUPTED else 0 if result.points else 1
    if as_json:
        print_json(result.to_dict())
        raise typer.Exit(code)
    from rich.table import Table

    out = console()
    for text in result.to_dict()["unmatched_goals"]:
        out.print(plain(f"Goal '{text}' matches no unit of this qualification: left out (try `pathways goals`)."))
    if not result.points:
        out.print(f"[bold red]{result.status}[/]: no pathway.")
        for sentence in result.explanation.sentences() if result.explanation else []:
            out.print(plain(sentence))
        _say_stop(result.stopped, budget)
        raise typer.Exit(code)
    note = "" if result.status is Status.OPTIMAL else " (incomplete: a limit was reached)"
    table = Table(title=plain(f"{result.qualification}: new GLH against goal coverage, {result.status}{note}"))
    for col in ("new GLH", "coverage", "credits", "goal units", "pathway"):
        table.add_column(col, justify="right" if col in ("new GLH", "coverage", "credits") else "left")
    for p in result.points:
        by_goal = "; ".join(f"{g}: {', '.join(c) or '-'}" for g, c in p.by_goal.items())
        table.add_row(str(p.new_glh), str(p.coverage), str(p.credits), plain(by_goal), plain(" ".join(p.units)))
    out.print(table)
    out.print(plain("; ".join(p.describe() for p in result.points) + "."))
    _say_stop(result.stopped, budget)
    raise typer.Exit(code)


def _say_stop(limit: Limit | None, budget: Budget) -> None:
    """What ended the sweep early, under its output (nothing when it finished)."""
    stop = stop_sentence(limit, budget)
    if stop:
        console().print(plain(stop), highlight=False)
