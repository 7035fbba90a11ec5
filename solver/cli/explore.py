"""`pathways whatif`: the designer's questions (`count`: count_cmd; `enumerate`: enumerate_cmd; `audit`: audit_cmd)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    PathwayOption,
    ReadingOption,
    console,
    load,
    print_json,
    shaped,
)
from solver.cli.designer_options import (
    escaped,
)
from solver.cli.named_pathway import require_pathway
from solver.cli.progress import TimeLimit, WorkLimit, budgeted, exit_code, stop_sentence

if TYPE_CHECKING:
    from solver.model.documents import Qualification

WHATIF_WORK = 60.0  # `whatif`'s default deterministic work limit, in all (before and after, and the cohort)


@app.command("whatif")
def whatif_command(scenario: Annotated[Path, typer.Argument(help="A what-if scenario YAML file.")],
                   reading: ReadingOption = None, pathway: PathwayOption = None,
                   time_limit: TimeLimit = None, work_limit: WorkLimit = None,
                   catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Apply a what-if file's rule edits and compare before and after: counts, lowest GLH, dead and forced
    units, and which learners' recommendations change. The edits apply to the qualification as --reading reads
    it; a qualification with named pathways is judged on one, the file's `pathway:` or --pathway. Exits 1 if the
    file's `expected:` block fails, 130 when interrupted. With neither --time-limit nor --work-limit it may take
    60 deterministic work units in all; a figure not computed by then is shown as '-' and said."""
    from solver.queries.whatif import compare, load_whatif

    with budgeted(time_limit, work_limit, default_work=WHATIF_WORK) as budget:
        chosen, cat, q = load_whatif(scenario, load(catalogue) if catalogue else None)
        if reading:  # read before the edits, in the qualification's rules and its named pathways' (as the web)
            q = shaped(cat, chosen.qualification, reading)
        chosen = chosen.model_copy(update={"pathway": _pathway(q, chosen.pathway, pathway, scenario)})
        result = compare(chosen, cat, q, budget)
    problems = result.mismatches()
    code = exit_code(result.stopped) or (1 if problems else 0)
    if as_json:
        print_json({**result.to_dict(), "mismatches": problems})
        raise typer.Exit(code)
    from rich.table import Table

    out = console()
    on = f" on pathway {result.scenario.pathway}" if result.scenario.pathway else ""
    out.print(f"[bold]{escaped(result.scenario.name)}[/bold]  {result.scenario.qualification}, judged{escaped(on)} "
              f"for {result.before.regime.label}")
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
        out.print(f"[red]expected mismatch:[/red] {escaped(problem)}")
    sentence = stop_sentence(result.stopped, budget)
    if sentence:
        out.print(escaped(sentence), soft_wrap=True)
    raise typer.Exit(code)


def _pathway(q: Qualification, in_file: str | None, asked: str | None, scenario: Path) -> str | None:
    """The named pathway the what-if is judged on: the file's `pathway:` or --pathway (the same one if both)."""
    from solver.model.specialisations import pathway_of

    own = pathway_of(q, in_file).id if in_file is not None else None
    wanted = pathway_of(q, asked).id if asked is not None else None
    if own is not None and wanted is not None and own != wanted:
        raise typer.BadParameter(f"{scenario} is judged on pathway {own!r} (its `pathway:` field), not {wanted!r}; "
                                 f"give the same pathway or leave --pathway out", param_hint="--pathway")
    chosen = own or wanted
    require_pathway(q, chosen, "name one with --pathway or the file's `pathway:` field")
    return chosen
