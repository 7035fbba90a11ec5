"""`pathways whatif`: the designer's questions (`count`: count_cmd; `enumerate`: enumerate_cmd; `audit`: audit_cmd)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver.cli import (
    audit_cmd,  # noqa: F401  (registers `audit`)
    count_cmd,  # noqa: F401  (registers `count`)
    enumerate_cmd,  # noqa: F401  (registers `enumerate`, the designer's listing)
)
from solver.cli.app import app
from solver.cli.common import (
    CatalogueOption,
    JsonOption,
    console,
    load,
    print_json,
)
from solver.cli.designer_options import (
    _escape,
)
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

WHATIF_WORK = 60.0  # `whatif`'s default deterministic work limit, in all (before and after, and the cohort)


@app.command("whatif")
def whatif_command(scenario: Annotated[Path, typer.Argument(help="A what-if scenario YAML file.")],
                   time_limit: TimeLimit = None, work_limit: WorkLimit = None,
                   catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Apply a what-if file's rule edits and compare before and after: counts, lowest GLH, dead and forced
    units, and which learners' recommendations change. Exits 1 if the file's `expected:` block fails, 130 when
    interrupted. With neither --time-limit nor --work-limit it may take 60 deterministic work units in all; a
    figure not computed by then is shown as '-' and said."""
    from solver.queries.whatif import run_whatif

    with budgeted(time_limit, work_limit, default_work=WHATIF_WORK) as budget:
        result = run_whatif(scenario, load(catalogue) if catalogue else None, budget)
    problems = result.mismatches()
    code = exit_code(result.stopped) or (1 if problems else 0)
    if as_json:
        print_json({**result.to_dict(), "mismatches": problems})
        raise typer.Exit(code)
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
    sentence = stop_sentence(result.stopped, budget)
    if sentence:
        out.print(_escape(sentence), soft_wrap=True)
    raise typer.Exit(code)
