"""A per-request wall-clock ceiling on solving, on top of CP-SAT's deterministic limit.

The deterministic limit keeps an answer the same on every run, but it stretches with the machine's load; the
ceiling bounds how long one request may solve whatever the load. Each solve of the request is given the time
left as CP-SAT's `max_time_in_seconds`; a solve that ends unproven at or past the ceiling marks the request's
answer partial (its status FEASIBLE or UNKNOWN, as for any stopped search), and such an answer is not remembered
for later identical requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_current = threading.local()


@dataclass
class Ceiling:
    seconds: float
    deadline: float
    reached: bool = False

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def note(self) -> str:
        return (f"the wall-clock ceiling of {self.seconds:g} s per request was reached (the server is busy): this is "
                "the best answer found so far, not a proven one; asking again later may give a better one")


@contextmanager
def ceiling(seconds: float) -> Iterator[Ceiling]:
    """Solves on this thread, until the block ends, stop by `seconds` from now."""
    outer = getattr(_current, "ceiling", None)
    _current.ceiling = Ceiling(seconds, time.monotonic() + seconds)
    try:
        yield _current.ceiling
    finally:
        _current.ceiling = outer


def current() -> Ceiling | None:
    """The ceiling of the request this thread is solving for, if any."""
    return getattr(_current, "ceiling", None)
