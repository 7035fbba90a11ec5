"""Queries across readings: one figure under each reading side by side, and what each ambiguous rule changes."""

from __future__ import annotations

from dataclasses import dataclass

from solver.engine.counting import count_pathways
from solver.model.catalogue import Catalogue
from solver.model.documents import Qualification
from solver.model.learner import Learner
from solver.model.readings import ambiguous, read_as, reading_names
from solver.queries.recommendation import recommend


@dataclass(frozen=True, kw_only=True)
class ReadingComparison:
    """One figure under each reading of a qualification, side by side."""

    qualification: str
    readings: dict[str, object]  # reading name -> the query's result under it

    def to_dict(self) -> dict:
        return {"qualification": self.qualification,
                "readings": {name: getattr(r, "to_dict", lambda r=r: r)() for name, r in self.readings.items()}}


def each_reading(catalogue: Catalogue, qualification: str | Qualification, query, learner: Learner = Learner()
                 ) -> ReadingComparison:
    """`query(catalogue, q, learner)` under every reading of `q` (its stated rules first, as 'stated')."""
    q = catalogue.qualification(qualification)
    out: dict[str, object] = {"stated": query(catalogue, q, learner)}
    for name in reading_names(q):
        read = read_as(q, name)
        if read != q:  # a name that is some rule's stated reading reads the same as the stated rules
            out[name] = query(catalogue, read, learner)
    return ReadingComparison(qualification=q.accreditation, readings=out)


@dataclass(frozen=True, kw_only=True)
class ReadingDifference:
    """What one ambiguous rule changes: under each of its readings, the valid pathways and lowest new GLH."""

    rule: str
    readings: dict[str, tuple[int | None, int | None]]  # reading -> (valid pathways, lowest GLH or None)

    @property
    def matters(self) -> bool:
        return len(set(self.readings.values())) > 1

    def sentence(self) -> str:
        parts = []
        for name, (count, glh) in self.readings.items():
            if count == 0:
                parts.append(f"read {name!r}, no valid pathway")
            else:
                counted = (f"{count:,} valid pathway{'' if count == 1 else 's'}" if count is not None
                           else "an uncounted number of valid pathways")
                parts.append(f"read {name!r}, {counted} and a lowest-hours route of {glh} GLH")
        verdict = "" if self.matters else " (the readings give the same answers)"
        return f"Rule {self.rule!r} admits {len(self.readings)} readings: {'; '.join(parts)}{verdict}."


def reading_differences(catalogue: Catalogue, qualification: str | Qualification,
                        learner: Learner = Learner()) -> list[ReadingDifference]:
    """For each ambiguous rule, its readings one at a time (every other rule as stated), for an audit."""
    q = catalogue.qualification(qualification)
    out = []
    for rule_id, names in ambiguous(q).items():
        figures: dict[str, tuple[int | None, int | None]] = {}
        for name in names:
            read = read_as(q, {rule_id: name})
            best = recommend(catalogue, read, learner)
            figures[name] = (count_pathways(catalogue, read, learner).count, best.new_glh)
        out.append(ReadingDifference(rule=rule_id, readings=figures))
    return out
