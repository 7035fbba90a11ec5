"""`pathways count`: how many valid pathways, with the figures asked for, within a work limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    PathwayOption,
    ReadingOption,
    RegisteredOption,
    console,
    print_json,
)
from solver.cli.designer_options import (
    ExcludeOption,
    IncludeOption,
    MaxCredits,
    MaxGlh,
    MinCredits,
    MinGlh,
    designer_request,
    escaped,
)
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    import datetime as dt

    from solver.budget import Budget
    from solver.engine.counting import CountResult, Figure
    from solver.model.catalogue import Catalogue
    from solver.model.documents import Qualification
    from solver.model.learner import Learner
    from solver.queries.listed_pathway import Filters
    from solver.request.formulation import Formulation
    from solver.rules.linear import Linear

# With no limit given, a count stops at this many deterministic work units (about seconds of one idle core): the
# same stop, and the same honest partial answer, on every run, rather than minutes of silence at 5,000 units.
DEFAULT_WORK = 30.0
# Up to this many units, every figure is computed unless some are asked for (the seeds: 3 to 48 units, all in
# well under a second); beyond it the count alone, and the answer says how to ask for the rest (at 60 units the
# figures cost 7.6-150x the count itself).
ALL_FIGURES_UNITS = 50
SHARE_ROWS = 40  # units shown in the shares table on the terminal (--json gives every unit)

Minimal = Annotated[bool, typer.Option("--minimal", help="Count the minimal pathways too (no unit can be dropped).")]
Distributions = Annotated[bool, typer.Option("--distributions", help="The spreads of the pathways by credits and "
                                             "by GLH.")]
Shares = Annotated[bool, typer.Option("--shares", help="For each unit, how many valid pathways claim it.")]
FLAGS = {"minimal": "--minimal", "distributions": "--distributions", "shares": "--shares"}


def _count_line(result: CountResult) -> str:
    """The count and minimal count as one sentence: exact figures, labelled bounds, or what was not computed."""
    from solver.engine.counting import CountMethod, Figure

    if result.count is None:
        low = result.count_at_least
        if not low and result.count_at_most is None:
            return "Count not computed within the limit."
        high = result.useful_upper_bound
        if high is not None:
            return (f"Count not computed exactly: at least [bold]{low or 0:,}[/bold] and at most {high:,} valid "
                    f"pathways (a proven lower bound and upper bound).")
        beyond = "" if result.count_at_most is None else \
            f" (the best proven, about {_scientific(result.count_at_most)}, says little)"
        return (f"Count not computed exactly: at least [bold]{low or 0:,}[/bold] valid pathways (a proven lower "
                f"bound); no useful upper bound{beyond}.")
    how = "exact, by dynamic programming" if result.method is CountMethod.DYNAMIC_PROGRAMMING else \
        "exact, by listing every pathway with CP-SAT"
    noun = "valid pathway" if result.count == 1 else "valid pathways"
    if Figure.MINIMAL in result.skipped:
        return f"[bold]{result.count:,}[/bold] {noun} ({how})."
    if result.minimal is None and result.minimal_at_least is None:  # not counted at all: the note says why
        return f"[bold]{result.count:,}[/bold] {noun} ({how}); the minimal ones not counted."
    if result.minimal is None:  # "exact" is said of the count alone
        return (f"[bold]{result.count:,}[/bold] {noun} ({how}), at least {result.minimal_at_least or 0:,} of "
                f"them minimal (a lower bound).")
    return f"[bold]{result.count:,}[/bold] {noun}, {result.minimal:,} of them minimal ({how})."


def _scientific(n: int) -> str:
    digits = str(n)
    return f"{digits[0]}.{digits[1:3]}e{len(digits) - 1}" if len(digits) > 6 else f"{n:,}"


def asked_figures(units: int, minimal: bool, distributions: bool, shares: bool) -> set[Figure]:
    """The figures to compute: those asked for; with none asked, every one on a small qualification (up to
    ALL_FIGURES_UNITS units, unit shares aside: they are asked for), else the count alone."""
    from solver.engine.counting import Figure

    asked = {f for f, on in ((Figure.MINIMAL, minimal), (Figure.DISTRIBUTIONS, distributions),
                             (Figure.SHARES, shares)) if on}
    if asked:
        return asked
    return {Figure.MINIMAL, Figure.DISTRIBUTIONS} if units <= ALL_FIGURES_UNITS else set()


def _skipped_sentence(skipped: list[str], units: int, everything: bool) -> str | None:
    if not skipped:
        return None
    why = "not asked for" if not everything else \
        f"not computed by default over {ALL_FIGURES_UNITS} units ({units:,} here: each costs a pass or more)"
    names = {"minimal": "the minimal count", "distributions": "the spreads by credits and GLH",
             "shares": "the unit shares"}
    return (f"Skipped, {why}: " + "; ".join(f"{names[s]} ({FLAGS[s]})" for s in skipped) + ".")


def _shares(f: Formulation, extra: tuple[Linear, ...], budget: Budget) -> tuple[dict[str, int] | None, str | None]:
    """Each unit's share, or None and why not (a limit, or out of the counter's reach)."""
    from solver.engine.counting import Stopped, Unsupported, unit_shares

    limit = budget.stopped()
    if limit is not None:
        return None, f"unit shares not computed within the {limit}"
    try:
        return unit_shares(f, extra, budget=budget), None
    except Stopped as stop:
        return None, f"unit shares not computed within the {stop.limit}"
    except Unsupported as why:
        return None, f"unit shares not computed: {why}"


@app.command("count")
def count_command(qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
                  registered: RegisteredOption = None, include: IncludeOption = None, exclude: ExcludeOption = None,
                  min_glh: MinGlh = None, max_glh: MaxGlh = None, min_credits: MinCredits = None,
                  max_credits: MaxCredits = None, reading: ReadingOption = None, pathway: PathwayOption = None,
                  minimal: Minimal = False, distributions: Distributions = False, shares: Shares = False,
                  time_limit: TimeLimit = None, work_limit: WorkLimit = None,
                  catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Count the valid pathways exactly, with the figures asked for (--minimal, --distributions, --shares; all
    but the shares by default up to 50 units, the count alone beyond); for a qualification with named pathways,
    each pathway's count and the distinct unit sets over all of them. Stops at a deterministic work limit (30
    units unless --work-limit or --time-limit says otherwise) with what is proven by then; Ctrl-C likewise
    (exit 130)."""
    from solver.engine.counting import Figure, count_formulation
    from solver.queries.enumeration import Filters
    from solver.request.formulation import formulate

    with budgeted(time_limit, work_limit, default_work=DEFAULT_WORK) as budget:
        cat, q, learner = designer_request(catalogue, qualification, registered, include, exclude, reading, pathway)
        if q.pathways:
            if shares:
                raise typer.BadParameter(f"unit shares are counted on one pathway: name one of "
                                         f"{', '.join(p.id for p in q.pathways)} with --pathway",
                                         param_hint="--shares")
            filters = Filters(min_glh, max_glh, min_credits, max_credits)
            figures = asked_figures(len(q.unit_codes()), minimal, distributions, False) - {Figure.SHARES}
            _by_pathway(cat, q, learner, filters, figures, budget, as_json)
        f = formulate(cat, q, learner)
        extra = tuple(Filters(min_glh, max_glh, min_credits, max_credits).for_formulation(f))
        figures = asked_figures(len(f.variables), minimal, distributions, shares)
        result = count_formulation(f, extra, budget=budget, figures=figures - {Figure.SHARES})
        unit_counts, shares_note = _shares(f, extra, budget) if Figure.SHARES in figures and result.count else \
            (None, None)
    limit = budget.stopped() or result.stopped_by
    everything = not (minimal or distributions or shares)
    skipped = [str(s) for s in result.skipped] + ([] if Figure.SHARES in figures or not result.skipped
                                                  else [str(Figure.SHARES)])
    said = [s for s in (_skipped_sentence(skipped, len(f.variables), everything), stop_sentence(limit, budget)) if s]
    if as_json:
        out: dict[str, Any] = result.to_dict() | {"stopped_by": limit, "skipped": skipped, "said": said}
        out["count_at_most_useful"] = result.useful_upper_bound is not None
        if Figure.SHARES in figures:
            out["shares"] = unit_counts
            out["figures"]["shares"] = "exact" if unit_counts is not None or result.count == 0 else "not computed"
            out["notes"] = out["notes"] + ([shares_note] if shares_note else [])
        print_json(out)
        raise typer.Exit(exit_code(limit))
    _print_count(q.title, q.accreditation, learner.registered, result, unit_counts, shares_note, said)
    raise typer.Exit(exit_code(limit))


def _by_pathway(cat: Catalogue, q: Qualification, learner: Learner, filters: Filters, figures: set[Figure],
                budget: Budget, as_json: bool) -> NoReturn:
    """Each named pathway's count and the distinct unit sets over all of them, under the one budget; exits."""
    from solver.queries.by_pathway import count_by_pathway

    per = count_by_pathway(cat, q, learner, filters, budget, frozenset(figures))
    limit = budget.stopped() or per.stopped_by
    said = stop_sentence(limit, budget)
    if as_json:
        print_json(per.to_dict() | {"stopped_by": limit, "said": [said] if said else []})
        raise typer.Exit(exit_code(limit))
    for p in q.pathways:
        console().print(f"Pathway {escaped(p.id)} ({escaped(p.title)}): {_count_line(per.by_pathway[p.id])}",
                        soft_wrap=True)
    distinct = f"{per.distinct:,}" if per.distinct is not None else "not computed exactly"
    console().print(f"Distinct valid unit sets over all pathways: [bold]{distinct}[/bold].")
    if said:
        console().print(escaped(said), soft_wrap=True)
    raise typer.Exit(exit_code(limit))


def _print_count(title: str, accreditation: str, registered: dt.date | None, result: CountResult,
                 unit_counts: dict[str, int] | None, shares_note: str | None, said: list[str]) -> None:
    from rich.table import Table

    out = console()
    out.print(f"[bold]{escaped(title)}[/bold]  {escaped(accreditation)}  "
              f"({'registered ' + str(registered) if registered else 'a new learner'})")
    out.print(_count_line(result))
    for note in [*result.notes, *([shares_note] if shares_note else [])]:
        out.print(f"  note: {escaped(note)}", soft_wrap=True)
    if result.count:
        for heading, dist, unit in (("by credits", result.by_credits, "credits"), ("by GLH", result.by_glh, "GLH")):
            if not dist:
                continue
            table = Table(title=f"Valid pathways {heading}")
            table.add_column(unit, justify="right")
            table.add_column("pathways", justify="right")
            table.add_column("share", justify="right")
            for label, n in _bins(dist):
                table.add_row(label, f"{n:,}", f"{n / result.count:.2%}")
            out.print(table)
        if unit_counts is not None:
            ranked = sorted(unit_counts.items(), key=lambda item: (-item[1], item[0]))
            table = Table(title="Valid pathways claiming each unit")
            table.add_column("unit")
            table.add_column("pathways", justify="right")
            table.add_column("share", justify="right")
            for code, n in ranked[:SHARE_ROWS]:
                table.add_row(escaped(code), f"{n:,}", f"{n / result.count:.2%}")
            out.print(table)
            if len(ranked) > SHARE_ROWS:
                out.print(f"{len(ranked) - SHARE_ROWS:,} more units not shown (--json gives every unit).")
    for sentence in said:
        out.print(escaped(sentence), soft_wrap=True)


def _bins(dist: dict[int, int], rows: int = 30) -> list[tuple[str, int]]:
    """The distribution as table rows: one per value, or equal-width ranges when there are many values."""
    if len(dist) <= rows:
        return [(str(k), n) for k, n in dist.items()]
    low, high = min(dist), max(dist)
    width = -(-(high - low + 1) // rows)
    out = []
    for start in range(low, high + 1, width):
        end = min(start + width - 1, high)
        out.append((f"{start}-{end}", sum(n for k, n in dist.items() if start <= k <= end)))
    return out
