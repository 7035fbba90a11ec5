"""Queries across readings: one figure under each reading side by side, and what each ambiguous rule changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification,
                "readings": {name: getattr(r, "to_dict", lambda r=r: r)() for name, r in self.readings.items()}}


def each_reading(catalogue: Catalogue, qualification: str | Qualification,
                 query: Callable[[Catalogue, Qualification, Learner], object],
                 learner: Learner = Learner()
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
    # Readings whose figures rest on unknowns: a count that more pathways may join once values are published or
    # groups listed in full, and a lowest GLH that counts unpublished hours as 0 (each then a lower bound).
    count_at_least: frozenset[str] = frozenset()
    glh_at_least: frozenset[str] = frozenset()
    glh_at_most: frozenset[str] = frozenset()  # over the listed units of an open group: units not listed may cost less

    @property
    def matters(self) -> bool:
        return len(set(self.readings.values())) > 1

    def sentence(self) -> str:
        parts = []
        for name, (count, glh) in self.readings.items():
            if count == 0 and name in self.count_at_least:
                parts.append(f"read {name!r}, no valid pathway over the listed units and published values")
            elif count == 0:
                parts.append(f"read {name!r}, no valid pathway")
            else:
                least = "at least " if name in self.count_at_least else ""
                counted = (f"{least}{count:,} valid pathway{'' if count == 1 else 's'}" if count is not None
                           else "an uncounted number of valid pathways")
                low, high = name in self.glh_at_least, name in self.glh_at_most
                hours = ("an undetermined lowest-hours route (unpublished GLH and an open group)" if low and high
                         else f"a lowest-hours route of {'at least ' if low else 'at most ' if high else ''}{glh} GLH")
                parts.append(f"read {name!r}, {counted} and {hours}")
        verdict = "" if self.matters else " (the readings give the same answers)"
        return f"Rule {self.rule!r} admits {len(self.readings)} readings: {'; '.join(parts)}{verdict}."


def reading_differences(catalogue: Catalogue, qualification: str | Qualification,
                        learner: Learner = Learner()) -> list[ReadingDifference]:
    """For each ambiguous rule, its readings one at a time (every other rule as stated), for an audit."""
    q = catalogue.qualification(qualification)
    out = []
    for rule_id, names in ambiguous(q).items():
        figures: dict[str, tuple[int | None, int | None]] = {}
        open_counts, open_hours, listed_hours = set(), set(), set()
        for name in names:
            read = read_as(q, {rule_id: name})
            best = recommend(catalogue, read, learner)
            counted = count_pathways(catalogue, read, learner)
            figures[name] = (counted.count, best.new_glh)
            if any("more may be valid" in n or "more pathways may exist" in n for n in counted.notes):
                open_counts.add(name)
            if best.unpublished_glh or best.over_unknowns:
                open_hours.add(name)  # unpublished hours counted as 0, or a route over values not yet published
            if best.open_groups:
                listed_hours.add(name)
        out.append(ReadingDifference(rule=rule_id, readings=figures, count_at_least=frozenset(open_counts),
                                     glh_at_least=frozenset(open_hours), glh_at_most=frozenset(listed_hours)))
    return out
