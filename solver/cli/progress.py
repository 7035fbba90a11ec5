"""The CLI side of a query's budget: the --time-limit/--work-limit options, progress on the terminal, and
Ctrl-C or SIGTERM turned into a clean stop with the partial answer (exit 130) instead of a traceback."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from solver.budget import Budget, Limit, Step

TimeLimit = Annotated[float | None, typer.Option(
    "--time-limit", min=0.001, help="Wall-clock seconds the command may take; the answer says if it stopped "
    "there (where a busy machine stops can differ between runs).")]
WorkLimit = Annotated[float | None, typer.Option(
    "--work-limit", min=0.001, help="Deterministic work units (CP-SAT's deterministic time, about seconds on an "
    "idle core): the same stop, and the same output, on every run.")]

INTERRUPTED_EXIT = 130  # the shell's convention for a command ended by Ctrl-C (128 + SIGINT)


def _always() -> bool:
    """Progress lines even when stderr is not a terminal (tests, logs): PATHWAYS_PROGRESS=1."""
    return os.environ.get("PATHWAYS_PROGRESS", "") not in ("", "0")


class _Lines:
    """Progress as plain lines on stderr, at most one per task per tenth of its total (for logs and tests)."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def __call__(self, step: Step) -> None:
        tenth = -1 if step.total is None or step.total <= 0 else step.done * 10 // step.total
        if self.last.get(step.task) == tenth and tenth != -1:
            return
        self.last[step.task] = tenth
        of = f"/{step.total:,}" if step.total is not None else ""
        note = f" ({step.note})" if step.note else ""
        print(f"{step.task}: {step.done:,}{of}{note}", file=sys.stderr, flush=True)


@contextmanager
def budgeted(time_limit: float | None = None, work_limit: float | None = None, *, default_work: float | None = None,
             quiet: bool = False) -> Iterator[Budget]:
    """A budget for one command: its limits (`default_work` when the user set neither), progress on stderr when
    it is a terminal (a live bar; or lines with PATHWAYS_PROGRESS=1), and Ctrl-C/SIGTERM asking the query to
    stop at its next check. A second Ctrl-C stops at once (KeyboardInterrupt)."""
    work = work_limit if work_limit is not None or time_limit is not None else default_work
    budget = Budget(work=work, time=time_limit)

    def stop(signum: int, frame: FrameType | None) -> None:
        if budget.cancelled.is_set():
            raise KeyboardInterrupt
        budget.cancel()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if quiet or not (sys.stderr.isatty() or _always()):
            yield budget
        elif not sys.stderr.isatty():
            budget.report = _Lines()
            yield budget
        else:
            with _bar() as report:
                budget.report = report
                yield budget
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _bar() -> Iterator[Callable[[Step], None]]:
    """A rich progress display on stderr, one row per task, removed when the command ends."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def report(step: Step) -> None:
            if step.task not in tasks:
                tasks[step.task] = bar.add_task(step.task, total=step.total, note=step.note)
            bar.update(tasks[step.task], completed=step.done, total=step.total, note=step.note)

        yield report


def stop_sentence(limit: Limit | None, budget: Budget) -> str | None:
    """One line saying what ended a command early, for the foot of its output (None: it finished)."""
    if limit is None:
        return None
    if limit is Limit.INTERRUPTED:
        return "Interrupted: the answer above is what was found before the stop, not the complete answer."
    if limit is Limit.WORK:
        return (f"Stopped at the work limit ({budget.work:g} units, deterministic: the same stop on every run); "
                "the answer above is what was found by then.")
    return (f"Stopped at the time limit ({budget.time:g} s of wall clock; on a busy machine the stop can differ "
            "between runs); the answer above is what was found by then.")


def exit_code(limit: Limit | None) -> int:
    """0 for a finished or limit-stopped answer (a limit is the user's choice); 130 when interrupted."""
    return INTERRUPTED_EXIT if limit is Limit.INTERRUPTED else 0
