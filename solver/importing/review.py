"""Review items: what the importer could not read, or found contradictory, and where it stands in the draft."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from solver.model.located_yaml import PathKey, render_path


@dataclass(frozen=True)
class ReviewItem:
    """One thing a person must decide; the draft marks it at `path` instead of guessing."""

    kind: str  # unparsed-rule, contradiction, missing-value, figure, mismatch, duplicate-unit, assumption
    message: str
    source: str  # where in the specification: "line 120", "page 2, table 1, row 4"
    text: str  # the specification's words, verbatim
    path: PathKey  # where in the draft the mark stands

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"path": render_path(self.path)}

    def __str__(self) -> str:
        return f"{render_path(self.path)}: {self.kind}: {self.message} [{self.source}: {self.text!r}]"
