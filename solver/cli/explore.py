"""`pathways count`, `enumerate`, `audit` and `whatif`: the curriculum designer's questions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
    print_json,
    shaped,
)

if TYPE_CHECKING:
    from rich.progress import Progress

    from solver.engine.counting import CountResult
    from solver.model.catalogue import Catalogue
    from solver.model.documents import Figures, Qualification
    from solver.model.learner import Learner
    from solver.queries.enumeration import ListedPathway, Order, PathwayListing

IncludeOption = Annotated[list[str] | None, typer.Option("--include", help="Units every pathway must claim "
                                                         "(comma-separated or repeated).")]
ExcludeOption = Annotated[list[str] | None, typer.Option("--exclude", help="Units no pathway may claim.")]
MinGlh = Annotated[int | None, typer.Option("--min-glh", min=0, help="Only pathways with at least N GLH.")]
MaxGlh = Annotated[int | None, typer.Option("--max-glh", min=0, help="Only pathways with at most N GLH.")]
MinCredits = Annotated[int | None, typer.Option("--min-credits", min=0, help="Only pathways with at least N credits.")]
MaxCredits = Annotated[int | None, typer.Option("--max-credits", min=0, help="Only pathways with at most N credits.")]
TABLE_ROWS = 50  # a table on the terminal shows this many pathways unless --limit says otherwise


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _setup(catalogue: Path | None, qualification: str, registered: str | None, include: list[str] | None,
           exclude: list[str] | None, reading: list[str] | None = None, pathway: str | None = None
           ) -> tuple[Catalogue, Qualification, Learner]:
    from solver.model.learner import Learner

    cat = load(catalogue)
    q = shaped(cat, qualification, reading, pathway)
    learner = Learner(registered=parse_date(registered), include=parse_codes(include), exclude=parse_codes(exclude))
    return cat, q, learner


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _count_line(result: CountResult) -> str:
    """The count and minimal count as one sentence: exact figures, or labelled lower bounds."""
    from solver.engine.counting import CountMethod

    if result.count is None:
        low = result.count_at_least or 0
        high = f" and at most {result.count_at_most:,}" if result.count_at_most is not None else ""
        return (f"Count not computed exactly: at least [bold]{low:,}[/bold]{high} valid pathways "
                f"(a proven lower bound{' and upper bound' if high else ''}).")
    how = "exact, by dynamic programming" if result.method is CountMethod.DYNAMIC_PROGRAMMING else \
        "exact, by listing every pathway with CP-SAT"
    noun = "valid pathway" if result.count == 1 else "valid pathways"
    if result.minimal is None and result.minimal_at_least is None:  # not counted at all: the note says why
        return f"[bold]{result.count:,}[/bold] {noun} ({how}); the minimal ones not counted."
    if result.minimal is None:  # "exact" is said of the count alone
        return (f"[bold]{result.count:,}[/bold] {noun} ({how}), at least {result.minimal_at_least or 0:,} of "
                f"them minimal (a lower bound).")
    return f"[bold]{result.count:,}[/bold] {noun}, {result.minimal:,} of them minimal ({how})."


@app.command("count")
def count_command(qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
                  registered: RegisteredOption = None, include: IncludeOption = None, exclude: ExcludeOption = None,
                  min_glh: MinGlh = None, max_glh: MaxGlh = None, min_credits: MinCredits = None,
                  max_credits: MaxCredits = None, reading: ReadingOption = None, pathway: PathwayOption = None,
                  catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Count the valid pathways exactly (and the minimal ones), with their spread by credits and GLH; for a
    qualification with named pathways, each pathway's count and the distinct unit sets over all of them."""
    from solver.engine.counting import count_formulation
    from solver.queries.enumeration import Filters
    from solver.request.formulation import formulate

    cat, q, learner = _setup(catalogue, qualification, registered, include, exclude, reading, pathway)
    if q.pathways:
        from solver.queries.by_pathway import count_by_pathway

        per = count_by_pathway(cat, q, learner)
        if as_json:
            print_json(per.to_dict())
            return
        for p in q.pathways:
            console().print(f"Pathway {_escape(p.id)} ({_escape(p.title)}): {_count_line(per.by_pathway[p.id])}",
                            soft_wrap=True)
        distinct = f"{per.distinct:,}" if per.distinct is not None else "not computed exactly"
        console().print(f"Distinct valid unit sets over all pathways: [bold]{distinct}[/bold].")
        return
    f = formulate(cat, q, learner)
    result = count_formulation(f, Filters(min_glh, max_glh, min_credits, max_credits).for_formulation(f))
    if as_json:
        print_json(result.to_dict())
        return
    from rich.table import Table

    out = console()
    out.print(f"[bold]{_escape(q.title)}[/bold]  {_escape(q.accreditation)}  "
              f"({'registered ' + str(learner.registered) if learner.registered else 'a new learner'})")
    out.print(_count_line(result))
    for note in result.notes:
        out.print(f"  note: {_escape(note)}", soft_wrap=True)
    if not result.count:
        return
    for title, dist, unit in (("by credits", result.by_credits, "credits"), ("by GLH", result.by_glh, "GLH")):
        if not dist:
            continue
        table = Table(title=f"Valid pathways {title}")
        table.add_column(unit, justify="right")
        table.add_column("pathways", justify="right")
        table.add_column("share", justify="right")
        for label, n in _bins(dist):
            table.add_row(label, f"{n:,}", f"{n / result.count:.2%}")
        out.print(table)


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


def _row(p: ListedPathway, group_ids: list[str]) -> list[str | int]:
    return [" ".join(p.units), len(p.units), p.credits_text(), *(p.group_text(g) for g in group_ids), p.glh_text()]


@app.command("enumerate")
def enumerate_command(
        qualification: Annotated[str, typer.Argument(help="Accreditation number or id.")],
        registered: RegisteredOption = None, include: IncludeOption = None, exclude: ExcludeOption = None,
        min_glh: MinGlh = None, max_glh: MaxGlh = None, min_credits: MinCredits = None,
        max_credits: MaxCredits = None,
        minimal: Annotated[bool, typer.Option("--minimal",
                                              help="Only minimal pathways (no unit can be dropped).")] = False,
        order: Annotated[str | None, typer.Option("--order", help="glh, credits or units: really in that order "
                                                  "(ties: the other two, then catalogue order).")] = None,
        limit: Annotated[int | None, typer.Option("--limit", min=0, help="Stop after N pathways.")] = None,
        csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the pathways to this CSV file "
                                                      "(complete rows only, even when interrupted).")] = None,
        reading: ReadingOption = None, pathway: PathwayOption = None,
        catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """List valid pathways, streamed as found: one row per pathway (units, credits per group, GLH)."""
    from solver.queries.enumeration import ORDERS, Order, enumerate_pathways

    if order is not None and order not in ORDERS:
        raise typer.BadParameter(f"expected one of {', '.join(ORDERS)}, got {order!r}", param_hint="--order")
    sort = Order(order) if order is not None else None
    if csv_file is not None and as_json:
        raise typer.BadParameter("choose one of --csv and --json", param_hint="--csv")
    cat, q, learner = _setup(catalogue, qualification, registered, include, exclude, reading, pathway)
    if q.pathways:
        raise typer.BadParameter(f"{q.accreditation} has named pathways: list one with --pathway "
                                 f"({', '.join(p.id for p in q.pathways)})", param_hint="--pathway")
    if csv_file is None and not as_json and limit is None:
        limit = TABLE_ROWS
    listing = enumerate_pathways(cat, q, learner, min_glh=min_glh, max_glh=max_glh, min_credits=min_credits,
                                 max_credits=max_credits, minimal=minimal, order=sort, limit=limit)
    group_ids = [g.id for g in q.groups]
    if csv_file is not None:
        ended = _write_csv(listing, csv_file, group_ids, limit)
    else:
        rows: list[ListedPathway] = []
        ended = _take_each(listing, rows.append)
        if as_json:
            print_json({"qualification": q.accreditation, "registered": str(learner.registered or "") or None,
                        "order": sort, "limit": limit, "total": listing.total, "listed": len(rows),
                        "complete": ended.whole and (listing.total is None or len(rows) == listing.total),
                        "note": listing.note or ended.failure or None,
                        **({"over_listed_units_only": list(listing.open_groups)} if listing.open_groups else {}),
                        "pathways": [p.to_dict() for p in rows]})
        else:
            _print_table(q, rows, listing.total, sort, group_ids, ended)
            if listing.open_groups:
                one = len(listing.open_groups) == 1
                console().print(_escape(f"Over the listed units only: {', '.join(listing.open_groups)} "
                                        f"list{'s only some of its' if one else ' only some of their'} units, "
                                        f"so more pathways may exist."), soft_wrap=True)
    if ended.interrupted:
        raise typer.Exit(130)
    if ended.failure:
        raise typer.Exit(1)


@dataclass
class _Ended:
    """How a listing ended: every pathway taken, or Ctrl-C (what was taken is kept), or the search stopped."""

    taken: int = 0
    interrupted: bool = False
    failure: str = ""  # why the search stopped short

    @property
    def whole(self) -> bool:
        return not self.interrupted and not self.failure


def _take_each(listing: PathwayListing, take: Callable[[ListedPathway], object]) -> _Ended:
    """Hand each pathway to `take` until the listing ends, Ctrl-C is pressed or the search gives up."""
    from solver.engine.frontier import Unsupported

    ended = _Ended()
    try:
        for p in listing:
            take(p)
            ended.taken += 1
    except KeyboardInterrupt:  # keep what was taken so far
        ended.interrupted = True
    except Unsupported as why:
        ended.failure = str(why)
    finally:
        listing.close()
    return ended


def _csv_header(group_ids: list[str]) -> list[str]:
    return ["units", "n_units", "credits", *[f"credits_{g}" for g in group_ids], "glh"]


def _write_csv(listing: PathwayListing, target: Path, group_ids: list[str], limit: int | None) -> _Ended:
    """The pathways as CSV rows, written whole: an interrupted run leaves its complete rows, nothing else."""
    import csv

    from solver.files import atomic_writer

    total = listing.total
    expected = min(total, limit) if total is not None and limit is not None else (total or limit)
    # An interrupted or stopped listing is kept under a name that says so, never mistaken for the whole list.
    partial = target.with_name(f"{target.stem}.partial{target.suffix}")
    ended = _Ended()
    with atomic_writer(target, newline="", final=lambda: partial if not ended.whole else target) as handle, \
            _progress(expected) as advance:
        writer = csv.writer(handle)
        writer.writerow(_csv_header(group_ids))

        def take(p: ListedPathway) -> None:
            writer.writerow(_row(p, group_ids))
            advance()
        ended = _take_each(listing, take)
    end = "interrupted; " if ended.interrupted else f"stopped ({ended.failure}); " if ended.failure else ""
    where = f"{partial} ({target} not written: the list is incomplete)" if not ended.whole else str(target)
    print(f"{end}wrote {ended.taken:,} pathways to {where}" + (f" (of {total:,})" if total is not None else ""),
          file=sys.stderr)
    return ended


def _print_table(q: Qualification, rows: list[ListedPathway], total: int | None, order: Order | None,
                 group_ids: list[str], ended: _Ended) -> None:
    from rich.table import Table

    shown = f"{len(rows):,} of {_plural(total, 'valid pathway')}" if total is not None else \
        _plural(len(rows), "valid pathway") + " (total not counted)"
    table = Table(title=_escape(f"{q.accreditation}: {shown}" + (f", by {order}" if order else "")))
    for col in ["#", *_csv_header(group_ids)]:
        table.add_column(col, justify="left" if col == "units" else "right")
    for i, p in enumerate(rows, start=1):
        table.add_row(str(i), *(_escape(str(v)) for v in _row(p, group_ids)))
    console().print(table)
    unknown = sorted({c for p in rows for c in (*(() if p.credits_exact and not p.groups_at_least
                                                  else p.unpublished_credits), *p.unpublished_glh)})
    if unknown:
        from solver.queries.enumeration import Order

        by = f"; the order by {order} is by that bound" if order in (Order.GLH, Order.CREDITS) else ""
        console().print(_escape(f"'at least': counts the unpublished values of {', '.join(unknown)} as 0{by}."),
                        soft_wrap=True)
    if ended.failure:
        console().print(f"stopped: {_escape(ended.failure)}", soft_wrap=True)


class _progress:
    """A rich progress bar on stderr when it is a terminal (a no-op otherwise); yields an `advance()`."""

    def __init__(self, total: int | None):
        self.total = total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[], None]:
        if not sys.stderr.isatty():
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("pathways", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        bar = self.bar
        task = bar.add_task("enumerate", total=self.total)
        count = [0]

        def advance() -> None:
            count[0] += 1
            if count[0] % 1000 == 0:
                bar.update(task, completed=count[0])
        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command("audit")
def audit_command(qualification: Annotated[str | None, typer.Argument(help="Accreditation number or id "
                                                                      "(default: every qualification).")] = None,
                  shares: Annotated[bool, typer.Option("--shares", help="Also list each unit's share of "
                                                       "valid pathways.")] = False,
                  catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Audit the rules: achievable credits and GLH per registration regime against the published figures,
    dead and forced units, unit shares and suspected equivalences, each finding in a sentence."""
    from solver.queries.auditing import audit
    from solver.rules.base import unit_of

    cat = load(catalogue)
    report = audit(cat, qualification)
    if as_json:
        print_json(report.to_dict())
        return
    from rich.table import Table

    out = console()
    for qa in report.qualifications:
        q = qa.qualification
        table = Table(title=_escape(f"{q.title} {q.accreditation}: {_published(q.figures)}"))
        for col in ("regime", "credits", "GLH", "lowest-hours route", "pathways", "minimal", "dead", "forced"):
            numeric = col in ("pathways", "minimal", "credits", "GLH")
            # Unit lists fold inside a long code rather than push the table past the console and be cropped.
            table.add_column(col, justify="right" if col in ("pathways", "minimal") else "left", no_wrap=numeric,
                             min_width=18 if col == "regime" else None, overflow="ellipsis" if numeric else "fold")
        for r in qa.regimes:
            shares_known = bool(r.shares) or r.counts.count == 0
            # A range counting unpublished values as 0 is a pair of lower bounds: the cell says so.
            least = {m: "at least " if r.bounds(m) else "" for m in ("credits", "GLH")}
            cells = [r.regime.label, least["credits"] + _span(r.min_credits, r.max_credits),
                     least["GLH"] + _span(r.min_glh, r.max_glh),
                     " ".join(r.lowest_glh_route or ()) or "none",
                     _figure(r.counts.count, r.counts.count_at_least),  # the upper bound is in the notes
                     _figure(r.counts.minimal, r.counts.minimal_at_least),
                     " ".join(r.dead) or "-" if shares_known else "not computed",
                     " ".join(r.forced) or "-" if shares_known else "not computed"]
            table.add_row(*(_escape(c) for c in cells))
        out.print(table, crop=False)  # a table a character too wide for the console is shown whole
        for r in qa.regimes:
            for note in r.notes:
                out.print(f"  {_escape(r.regime.label)}: {_escape(note)}", soft_wrap=True)
        if shares:
            for r in qa.regimes:
                if not r.shares or not r.counts.count:
                    continue
                share_table = Table(title=_escape(f"Share of valid pathways containing each unit ({r.regime.label})"))
                for col in ("unit", "title", "pathways", "share"):
                    share_table.add_column(col, justify="right" if col in ("pathways", "share") else "left")
                for unit, n in r.shares.items():
                    share_table.add_row(_escape(unit), _escape(cat.units[unit_of(unit)].title), f"{n:,}",
                                        f"{n / r.counts.count:.2%}")
                out.print(share_table)
    out.print(f"[bold]Findings ({len(report.findings)})[/bold]")
    for finding in report.findings:
        out.print(f"  {_escape(f'[{finding.kind}]')} {_escape(finding.sentence)}", soft_wrap=True)


def _published(figures: Figures) -> str:
    """The published figures in words; a figure not published says so instead of dashes."""
    span = figures.credits
    credits = "no published credits" if span is None else (
        f"published {span.min} or more credits" if span.max is None else f"published {span.min}-{span.max} credits")
    parts = [credits, f"GLH {figures.glh}" if figures.glh is not None else "GLH not published"]
    if figures.average_glh is not None:
        parts.append(f"average GLH {figures.average_glh}")
    if figures.tqt is not None:
        parts.append(f"TQT {figures.tqt}")
    return ", ".join(parts)


def _span(low: int | None, high: int | None) -> str:
    return f"{low}-{high}" if low is not None and high is not None else "none"


def _figure(exact: int | None, at_least: int | None) -> str:
    """A count for the audit table: in full up to 15 digits, else to 4 significant figures, marked as such
    (`pathways count` and `--json` give every digit), so that a 31-digit count leaves room for the units."""
    if exact is not None:
        return f"{exact:,}" if exact < 10 ** 15 else f"about {_scientific(exact)}"
    return f"at least {at_least:,}" if at_least is not None else "not computed"


def _scientific(n: int) -> str:
    digits = str(n)
    return f"{digits[0]}.{digits[1:4]} x 10^{len(digits) - 1}"


@app.command("whatif")
def whatif_command(scenario: Annotated[Path, typer.Argument(help="A what-if scenario YAML file.")],
                   catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Apply a what-if file's rule edits and compare before and after: counts, lowest GLH, dead and forced
    units, and which learners' recommendations change. Exits 1 if the file's `expected:` block fails."""
    from solver.queries.whatif import run_whatif

    result = run_whatif(scenario, load(catalogue) if catalogue else None)
    problems = result.mismatches()
    if as_json:
        print_json({**result.to_dict(), "mismatches": problems})
        raise typer.Exit(1 if problems else 0)
    from rich.table import Table

    out = console()
    out.print(f"[bold]{_escape(result.scenario.name)}[/bold]  {result.scenario.qualification}, judged for "
              f"{result.before.regime.label}")
    table = Table(title="Before and after")
    for col in ("measure", "before", "after"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for row in result.to_frame().itertuples(index=False):
        show = [f"{v:,}" if isinstance(v, int) else (str(v) if v not in ("", None) else "-")
                for v in (row.before, row.after)]
        table.add_row(row.measure, *show)
    out.print(table)
    if result.cohort:
        cohort = Table(title="Cohort: lowest-GLH recommendation before and after")
        for col in ("learner", "before", "after", "changed"):
            cohort.add_column(col)
        for c in result.cohort:
            cohort.add_row(c.learner, f"{c.before_status} {c.before_new_glh} GLH: {' '.join(c.before_units or ())}",
                           f"{c.after_status} {c.after_new_glh} GLH: {' '.join(c.after_units or ())}",
                           "yes" if c.changed else ("same hours, other units" if c.units_differ else "no"))
        out.print(cohort)
    for problem in problems:
        out.print(f"[red]expected mismatch:[/red] {_escape(problem)}")
    raise typer.Exit(1 if problems else 0)
