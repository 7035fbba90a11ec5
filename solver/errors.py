"""Errors that Pathways raises, all under one base class: bad input located in its file, lookups, and bugs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input document, and where it is."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PathwaysError(Exception):
    """The base of every error the package raises on purpose: `except solver.PathwaysError` catches them all."""


class InputError(PathwaysError):
    """A document (catalogue or scenario) that cannot be used; lists every problem found."""

    kind = "input"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"invalid {self.kind} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}):"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class CatalogueError(InputError):
    """A catalogue file that is malformed or whose rules cannot make sense."""

    kind = "catalogue"


class ScenarioError(InputError):
    """A learner or what-if scenario file that is malformed or refers to unknown things."""

    kind = "scenario"


class LookupFailure(PathwaysError):
    """A request naming something the catalogue does not have (a qualification or unit)."""


class PathwayInvalid(PathwaysError, RuntimeError):
    """The solver returned a pathway the plain-Python evaluator rejects: a bug, never shown as a result."""
