"""`pathways count`, `audit` and `whatif`: the curriculum designer's questions (`enumerate`: enumerate_cmd)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from solver.cli import enumerate_cmd  # noqa: F401  (registers `enumerate`, the designer's listing)
from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    PathwayOption,
    ReadingOption,
    RegisteredOption,
    console,
    load,
    print_json,
)
from solver.cli.designer_options import (
    ExcludeOption,
    IncludeOption,
    MaxCredits,
    MaxGlh,
    MinCredits,
    MinGlh,
    _escape,
    _setup,
)

if TYPE_CHECKING:
    from solver.engine.counting import CountResult
    from solver.model.documents import Figures

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
