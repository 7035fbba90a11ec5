"""`pathways audit`: the designer's audit, bounded by a deterministic work limit, with progress and Ctrl-C."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    PathwayOption,
    ReadingOption,
    console,
    load,
    print_json,
    shaped,
)
from solver.cli.designer_options import escaped
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    from solver.model.documents import Figures
    from solver.queries.audit_records import RegimeAudit

# Deterministic work units for a whole audit when no limit is given: every example catalogue is audited in a
# fraction of it; a 5,000-unit qualification stops at it with each unfinished check named (same on every run).
DEFAULT_WORK = 60.0


@app.command("audit")
def audit_command(qualification: Annotated[str | None, typer.Argument(help="Accreditation number or id "
                                                                      "(default: every qualification).")] = None,
                  shares: Annotated[bool, typer.Option("--shares", help="Also list each unit's share of "
                                                       "valid pathways.")] = False,
                  reading: ReadingOption = None, pathway: PathwayOption = None,
                  catalogue: CatalogueOption = None, as_json: JsonOption = False,
                  time_limit: TimeLimit = None, work_limit: WorkLimit = None) -> None:
    """Audit the rules: achievable credits and GLH per registration regime against the published figures,
    dead and forced units, unit shares and suspected equivalences, each finding in a sentence. A qualification
    with named pathways is audited on each pathway (as `count --pathway` counts it), or on the one --pathway
    names; --reading reads ambiguous rules one way, in the qualification's rules and every pathway's. Bounded by
    --work-limit (default 60 deterministic units, the same stop on every run) or --time-limit; at a limit or
    on Ctrl-C (exit 130) the findings so far are printed with the checks not completed."""
    from solver.queries.auditing import audit
    from solver.rules.base import unit_of

    cat = load(catalogue)
    if qualification is None and (pathway is not None or reading):
        raise typer.BadParameter("--pathway and --reading apply to one qualification: name it",
                                 param_hint="--pathway" if pathway is not None else "--reading")
    # The readings apply to the qualification as read, before any pathway is followed (as every command).
    chosen = shaped(cat, qualification, reading) if qualification is not None else None
    with budgeted(time_limit, work_limit, default_work=DEFAULT_WORK, quiet=as_json) as budget:
        report = audit(cat, chosen, budget=budget, pathway=pathway)
    stop = stop_sentence(report.stopped_by, budget)
    if as_json:
        print_json(report.to_dict())
        raise typer.Exit(exit_code(report.stopped_by))
    from rich.table import Table

    out = console()
    for qa in report.qualifications:
        q = qa.qualification
        table = Table(title=escaped(f"{q.title} {q.accreditation}: {_published(q.figures)}"))
        for col in ("regime", "credits", "GLH", "lowest-hours route", "pathways", "minimal", "dead", "forced"):
            numeric = col in ("pathways", "minimal", "credits", "GLH")
            # Unit lists fold inside a long code rather than push the table past the console and be cropped.
            table.add_column(col, justify="right" if col in ("pathways", "minimal") else "left", no_wrap=numeric,
                             min_width=18 if col == "regime" else None, overflow="ellipsis" if numeric else "fold")
        for r in qa.regimes:
            glh = ("at least " if r.bounds("GLH") else "") + _span(r.min_glh, r.max_glh)
            if r.min_glh is None and r.possible is not None:
                glh = "undetermined"  # pathways some values make valid: their hours are not yet known
            cells = [r.regime.label, _credits(r), glh,
                     " ".join(r.lowest_glh_route or ()) or ("not completed" if r.unfinished else "none"),
                     _figure(r.counts.count, r.counts.count_at_least),  # the upper bound is in the notes
                     _figure(r.counts.minimal, r.counts.minimal_at_least),
                     _members(r, r.dead), _members(r, r.forced)]
            table.add_row(*(escaped(c) for c in cells))
        out.print(table, crop=False)  # a table a character too wide for the console is shown whole
        for r in qa.regimes:
            for note in r.notes:
                out.print(f"  {escaped(r.regime.label)}: {escaped(note)}", soft_wrap=True)
        if shares:
            for r in qa.regimes:
                if not r.shares or not r.counts.count:
                    continue
                share_table = Table(title=escaped(f"Share of valid pathways containing each unit ({r.regime.label})"))
                for col in ("unit", "title", "pathways", "share"):
                    share_table.add_column(col, justify="right" if col in ("pathways", "share") else "left")
                for unit, n in r.shares.items():
                    share_table.add_row(escaped(unit), escaped(cat.units[unit_of(unit)].title), f"{n:,}",
                                        f"{n / r.counts.count:.2%}")
                out.print(share_table)
    out.print(f"[bold]Findings ({len(report.findings)})[/bold]")
    for finding in report.findings:
        out.print(f"  {escaped(f'[{finding.kind}]')} {escaped(finding.sentence)}", soft_wrap=True)
    if report.not_audited:
        out.print(f"Not audited (interrupted first): {escaped(', '.join(report.not_audited))}", soft_wrap=True)
    if stop:
        out.print(escaped(stop), soft_wrap=True)
    raise typer.Exit(exit_code(report.stopped_by))


def _credits(r: RegimeAudit) -> str:
    """The credit range: exact; or each end labelled (a lower end counting unpublished credits at their least, an
    upper end 'undetermined' when no published group total bounds them)."""
    if r.min_credits is None:
        return ("not completed" if r.unfinished and r.status.found
                else "undetermined" if r.possible is not None else "none")
    if r.credits_exact or not r.bounds("credits"):
        return _span(r.min_credits, r.max_credits)
    high = f"at most {r.max_credits}" if r.max_credits is not None else "undetermined"
    return f"at least {r.min_credits}, {high}"


def _members(r: RegimeAudit, units: list[str]) -> str:
    """Dead or forced units: the list, '-' when none, or what a stopped search found so far."""
    if r.units_known:
        return " ".join(units) or "-"
    if r.members is None:
        return "not computed"
    found = " ".join(units)
    return f"{found + '; ' if found else ''}{len(r.undecided)} undecided (limit)"


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
    if at_least is None:
        return "not computed"
    return f"at least {at_least:,}" if at_least < 10 ** 15 else f"at least about {_scientific(at_least)}"


def _scientific(n: int) -> str:
    digits = str(n)
    return f"{digits[0]}.{digits[1:4]} x 10^{len(digits) - 1}"
