"""A small thread-safe memo of answers: the catalogue never changes and solves are deterministic, so an answer
computed once stands for every later identical request (unless the wall-clock ceiling cut it short)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from solver.web.ceiling import current


class Memo:
    """Least-recently-used answers, at most `size` of them; a miss computes outside the lock, so one slow
    request never holds up the others (two identical misses may both compute: same answer, no harm)."""

    def __init__(self, size: int = 512):
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()
        bound = current()
        if bound is not None and bound.reached:
            return answer  # stopped by the wall clock, so load-dependent: later requests solve again
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._answers
