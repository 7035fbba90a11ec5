"""`pathways cohort`: recommendations for every learner of a CSV, written atomically to a CSV."""

from __future__ import annotations

import os
import sys
from pathlib import Path
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
from solver.cli.named_pathway import require_pathway

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from solver.cohort.solving import Method


@app.command("cohort")
def cohort_command(
        learners: Annotated[Path, typer.Argument(help="CSV with columns learner, registered (YYYY-MM-DD), "
                                                 "achieved (unit codes separated by spaces) and optionally "
                                                 "objective, max_glh, include, exclude, goals (';'-separated).")],
        qualification: Annotated[str, typer.Option("--qualification", "-q",
                                                   help="Accreditation number or id.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write: one row per learner row.")],
        objective: Annotated[str, typer.Option(help="Default objective for rows without one: min-glh, "
                                               "min-units, max-reuse, cover, within-budget or weighted-goals "
                                               "(alias best-fit).")] = "min-glh",
        offer: Annotated[Path | None, typer.Option("--offer", help="File of the unit codes the centre delivers "
                                                   "(one per line, or a CSV column 'code'): for every row.")] = None,
        workers: Annotated[int | None, typer.Option(min=1, help="Processes to solve in (default: one per "
                                                    "core).")] = None,
        dask: Annotated[str | None, typer.Option("--dask", metavar="ADDRESS",
                                                 help="Solve on a Dask cluster at ADDRESS, or 'local' for a "
                                                 "local cluster (needs the dask extra).")] = None,
        method: Annotated[str, typer.Option("--method", help="auto: an exact DP for every request whose rules are "
                                            "sums over groups, CP-SAT for the rest; cp-sat: CP-SAT for every "
                                            "request (same optima; equally good pathways may differ).")] = "auto",
        reading: ReadingOption = None, pathway: PathwayOption = None,
        catalogue: CatalogueOption = None, as_json: JsonOption = False) -> None:
    """Recommend a pathway for every learner in a CSV.

    The qualification is read as --reading says; one with named pathways needs --pathway, and every row is
    answered on that pathway (as the web explorer's cohort).

    The output has exactly one row per input row, in input order: learner, status, units, credits, glh,
    new_glh, message. A row that cannot be read gets status ERROR and the reason; an impossible request gets
    INFEASIBLE and why. The file is written only when complete. Exits 0 when it is written. Ctrl-C or SIGTERM
    writes the rows solved by then (the rest marked not solved) to NAME.partial.csv and exits 130.
    """
    from solver.cohort.recommend import METHODS, read_learners, recommend_cohort
    from solver.files import atomic_writer
    from solver.request.objectives import objective_named

    default = objective_named(objective)  # an unknown default objective is refused before any file is read
    if method not in METHODS:
        raise typer.BadParameter(f"expected one of {', '.join(METHODS)}, got {method!r}", param_hint="--method")
    folder = output.parent if str(output.parent) else Path(".")
    if output.is_dir() or not folder.is_dir():
        raise typer.BadParameter(f"cannot write {output}: expected a file in an existing folder",
                                 param_hint="--output")
    if dask is not None:
        try:
            from dask import distributed  # noqa: F401
        except ImportError:
            raise typer.BadParameter("Dask is not installed; install Pathways with the dask extra "
                                     "(pip install 'pathways[dask]')", param_hint="--dask") from None
    cat = load(catalogue)
    q = shaped(cat, qualification, reading)
    require_pathway(q, pathway)
    if pathway is not None:
        from solver.model.specialisations import following

        q = following(q, pathway)
    table = read_learners(learners)
    from solver.model.offer import read_offer

    offered = None if offer is None else read_offer(offer, cat.units)
    jobs = workers or os.cpu_count() or 1
    chosen: Method = "cp-sat" if method == "cp-sat" else "auto"
    from solver.cohort.recommend import CohortInterrupted

    stopped: CohortInterrupted | None = None
    try:
        if sys.stderr.isatty():
            frame = _with_progress_bar(lambda progress: recommend_cohort(cat, q, table, default, jobs, progress,
                                                                         dask, offer=offered, method=chosen))
        else:
            frame = recommend_cohort(cat, q, table, default, jobs, _progress_lines(), dask, offer=offered,
                                     method=chosen)
    except CohortInterrupted as stop:  # Ctrl-C or SIGTERM: what is solved, under a name that says it is partial
        frame, stopped = stop.frame, stop
    written = output.with_name(f"{output.stem}.partial{output.suffix}") if stopped else output
    with atomic_writer(written, newline="") as stream:
        frame.to_csv(stream, index=False)
    counts = frame["status"].value_counts()
    blank = table.attrs.get("blank_lines", [])
    if stopped is not None:
        _say_interrupted(output, written, len(frame), stopped.solved, as_json)
        raise typer.Exit(130)
    if as_json:
        print_json({"output": str(output), "rows": len(frame),
                    "statuses": {str(s): int(counts[s]) for s in sorted(counts.index)}, "blank_lines": blank})
        return
    summary = ", ".join(f"{counts[s]} {s}" for s in sorted(counts.index))
    typer.echo(f"Wrote {len(frame)} rows to {output}: {summary}.")
    if blank:
        shown = ", ".join(map(str, blank[:10])) + (", ..." if len(blank) > 10 else "")
        plural = "s" if len(blank) != 1 else ""
        typer.echo(f"Skipped {len(blank)} blank line{plural} (line{plural} {shown}).")


def _say_interrupted(output: Path, written: Path, rows: int, solved: int, as_json: bool) -> None:
    """An interrupted cohort: where its rows went and how many were solved (the file says the rest were not)."""
    if as_json:
        print_json({"output": str(written), "rows": rows, "interrupted": True, "complete": False,
                    "solved_profiles": solved})
        return
    typer.echo(f"Interrupted: wrote {rows} rows to {written} ({output} not written: the cohort is incomplete; "
               f"{solved} distinct requests solved, the other rows say 'not solved').", err=True)


def _progress_lines() -> Callable[[int, int], None] | None:
    """Progress as plain lines on stderr when asked with PATHWAYS_PROGRESS=1 (logs and tests; a terminal gets a bar)."""
    if os.environ.get("PATHWAYS_PROGRESS", "") in ("", "0"):
        return None

    def progress(done: int, total: int) -> None:
        print(f"learners: {done:,}/{total:,}", file=sys.stderr, flush=True)
    return progress


def _with_progress_bar(run: Callable[[Callable[[int, int], None]], pd.DataFrame]) -> pd.DataFrame:
    """Run `run(progress)` under a progress bar on stderr; refreshed by our calls, so no drawing thread
    runs while worker processes are started."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    out = console()
    out.stderr = True
    with Progress(TextColumn("learners"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=out, auto_refresh=False, transient=False) as bar:
        task = bar.add_task("learners", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            bar.refresh()

        return run(progress)
