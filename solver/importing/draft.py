"""The draft catalogue document built from one specification: units, groups, rules, figures, provenance, review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from solver.importing.review import ReviewItem
from solver.importing.writer import draft_yaml
from solver.model.located_yaml import PathKey

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Draft:
    """A draft catalogue file as plain data, where each value came from, and what a person must review."""

    document: dict[str, Any]
    review: list[ReviewItem] = field(default_factory=list)
    provenance: dict[PathKey, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the document (dates as YYYY-MM-DD) and the review items."""
        return {"document": _plain(self.document), "review": [r.to_dict() for r in self.review]}

    def to_yaml(self) -> str:
        return draft_yaml(self.document, self.review, self.provenance, self.sources)

    def review_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.review], columns=["kind", "message", "path", "source", "text"])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value
