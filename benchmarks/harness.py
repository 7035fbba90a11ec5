"""Timing helpers and the result table: medians of repeated runs with min and max, targets, JSON."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    """One measured variant: samples of one quantity, and the target it is held to (if any)."""

    benchmark: str
    variant: str
    unit: str  # "ms", "s", "learners/s", "pathways/s", "x"
    samples: list[float]
    target: tuple[str, float] | None = None  # (">=", 1000.0) or ("<=", 5.0)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        op, value = self.target
        return self.median >= value if op == ">=" else self.median <= value

    def to_dict(self) -> dict:
        return {"benchmark": self.benchmark, "variant": self.variant, "unit": self.unit,
                "median": self.median, "min": self.low, "max": self.high, "runs": len(self.samples),
                "samples": self.samples, "target": f"{self.target[0]} {self.target[1]:g}" if self.target else None,
                "met": self.met, "note": self.note, **self.extra}


def seconds(run: Callable[[], object], repeats: int, per_call: int = 1) -> list[float]:
    """Wall-clock seconds per call: `repeats` samples, each the mean over `per_call` calls."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(per_call):
            run()
        samples.append((time.perf_counter() - started) / per_call)
    return samples


def runs(run: Callable[[], object], repeats: int, long: float = 30.0) -> tuple[list[float], str]:
    """Wall-clock seconds of `repeats` calls, and why fewer if so: a call over `long` seconds stops the
    measure at 3 runs (a shared box's benchmark section must end), and the note says so."""
    samples: list[float] = []
    for n in range(repeats):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
        if n + 1 >= 3 and max(samples) > long and n + 1 < repeats:
            return samples, f"{len(samples)} runs, not {repeats}: a run took over {long:g} s"
    return samples, ""


def ratio(benchmark: str, variant: str, top: Result, bottom: Result, target: tuple[str, float] | None,
          note: str = "") -> Result:
    """A ratio of two results' medians (min and max from the extreme pairs, i.e. the widest spread)."""
    def div(a: float, b: float) -> float:
        return a / b if b else float("inf")

    samples = [div(top.median, bottom.median), div(top.low, bottom.high), div(top.high, bottom.low)]
    return Result(benchmark, variant, "x", samples, target, note,
                  {"median_of": "ratio of medians; min and max from the extreme runs"})


def _number(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def table(results: list[Result]) -> str:
    """A plain-text table, one line per result, with a verdict for each target."""
    header = ("benchmark", "variant", "median", "min", "max", "unit", "runs", "target", "met")
    rows = [header]
    for r in results:
        target = f"{r.target[0]} {_number(r.target[1], r.unit)}" if r.target else ""
        verdict = {True: "yes", False: "NO", None: ""}[r.met]
        rows.append((r.benchmark, r.variant, _number(r.median, r.unit), _number(r.low, r.unit),
                     _number(r.high, r.unit), r.unit, str(len(r.samples)) if r.unit != "x" else "", target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    right = {2, 3, 4, 6}
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"- {r.benchmark} / {r.variant}: {r.note}" for r in results if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))
