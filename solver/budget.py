"""How much a long query may do, what ended it, and whom it tells how far it got: one vocabulary for all.

Two limits, which mean different things:
- `work`: deterministic work units (CP-SAT's deterministic time, roughly seconds of one core on an idle
  machine; the counters and listers charge their own work in the same scale). A query stopped by it stops
  at the same point on every run and machine, so its output is byte-identical. The default everywhere.
- `time`: wall-clock seconds from when the budget was made. A user who must have an answer in ten seconds
  gets one, but where a busy machine stops it can differ from run to run.

A query charges what it does with `spend`, asks `stopped()` between steps, passes `cp_sat()` to each
CP-SAT solve, and says what ended it with the `Limit` returned. `report` hears progress; nothing below the
CLI prints, so the CLI (or the web page) decides how to show it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from time import monotonic


class Limit(StrEnum):
    """What ended a query before it finished; a str, so JSON shows it as written."""

    WORK = "work limit"  # deterministic: the same stop on every run
    TIME = "time limit"  # wall clock
    INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM, or a caller's cancel()


@dataclass(frozen=True, kw_only=True)
class Step:
    """One report of progress: what is being done, how far, out of how much (None: not known ahead)."""

    task: str
    done: int = 0
    total: int | None = None
    note: str = ""  # what is known so far, e.g. "at least 1,204 pathways"


Report = Callable[[Step], None]


@dataclass(kw_only=True)
class Budget:
    """The limits of one query and its progress listener; shared by every stage of the query."""

    work: float | None = None  # deterministic work units; None: unlimited
    time: float | None = None  # wall-clock seconds; None: unlimited
    report: Report | None = None
    spent: float = 0.0  # work units charged so far
    started: float = field(default_factory=monotonic)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def spend(self, work: float) -> None:
        """Charge `work` units (a CP-SAT solve charges its deterministic time; counters their own measure)."""
        self.spent += work

    def work_left(self) -> float | None:
        return None if self.work is None else max(0.0, self.work - self.spent)

    def time_left(self) -> float | None:
        return None if self.time is None else max(0.0, self.time - (monotonic() - self.started))

    def cancel(self) -> None:
        """Ask the query to stop at its next check (from a signal handler or another thread)."""
        self.cancelled.set()

    def stopped(self) -> Limit | None:
        """Which limit has been reached, if any (interruption first: the user asked)."""
        if self.cancelled.is_set():
            return Limit.INTERRUPTED
        if self.work is not None and self.spent >= self.work:
            return Limit.WORK
        if self.time is not None and monotonic() - self.started >= self.time:
            return Limit.TIME
        return None

    def cp_sat(self) -> dict[str, float]:
        """CP-SAT parameters for the next solve: what is left of each limit (at least a sliver, so a solve
        started at the edge still returns its first answer or its status rather than an error)."""
        params: dict[str, float] = {}
        work, wall = self.work_left(), self.time_left()
        if work is not None:
            params["max_deterministic_time"] = max(work, 1e-3)
        if wall is not None:
            params["max_time_in_seconds"] = max(wall, 1e-3)
        return params

    def tell(self, task: str, done: int = 0, total: int | None = None, note: str = "") -> None:
        if self.report is not None:
            self.report(Step(task=task, done=done, total=total, note=note))


def ended_by(budget: Budget | None) -> Limit | None:
    """The limit that ended a query run under `budget` (None: it finished, or ran with no budget)."""
    return None if budget is None else budget.stopped()


@contextmanager
def portion(budget: Budget | None, share: float) -> Iterator[Budget | None]:
    """A stage's own budget: `share` of the work left (so an early stage cannot starve the later ones), the time
    left, the same progress listener and cancel; what the stage spends is charged to `budget`."""
    if budget is None:
        yield None
        return
    left = budget.work_left()
    part = Budget(work=None if left is None else left * share, time=budget.time_left(), report=budget.report,
                  cancelled=budget.cancelled)
    try:
        yield part
    finally:
        budget.spend(part.spent)
