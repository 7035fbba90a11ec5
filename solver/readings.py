"""Alternative readings of ambiguous wording: which rules admit several, and a qualification read one way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from solver.catalogue import Catalogue
from solver.documents import Qualification
from solver.errors import LookupFailure
from solver.learner import Learner

Choice = str | Mapping[str, str]  # one reading name for every rule that has it, or rule id -> reading name


def ambiguous(q: Qualification) -> dict[str, list[str]]:
    """Rule id -> its readings (the stated one first), for every rule whose wording admits several."""
    return {rule.id or "": rule.reading_names() for rule in q.rules if rule.readings}


def reading_names(q: Qualification) -> list[str]:
    """Every reading name any rule of `q` declares, in the order they are first met."""
    return list(dict.fromkeys(name for names in ambiguous(q).values() for name in names))


def read_as(q: Qualification, choice: Choice) -> Qualification:
    """`q` with its ambiguous rules read as chosen: a name applies to every rule that declares it, a mapping
    names a reading per rule id. An unknown name or rule is a LookupFailure that lists the known ones."""
    rules = ambiguous(q)
    chosen = dict(choice) if isinstance(choice, Mapping) else {rid: choice for rid, names in rules.items()
                                                               if choice in names}
    if isinstance(choice, str) and not chosen:
        known = ", ".join(reading_names(q)) or "none (no rule of it is ambiguous)"
        raise LookupFailure(f"no rule of {q.id} has a reading {choice!r}; readings: {known}")
    for rule_id, name in chosen.items():
        if rule_id not in rules:
            raise LookupFailure(f"rule {rule_id!r} of {q.id} has no alternative readings; ambiguous rules: "
                                f"{', '.join(rules) or 'none'}")
        if name not in rules[rule_id]:
            raise LookupFailure(f"rule {rule_id!r} has no reading {name!r}; its readings: "
                                f"{', '.join(rules[rule_id])}")
    return q.model_copy(update={"rules": tuple(r.read_as(chosen[r.id]) if r.id in chosen else r for r in q.rules)})


@dataclass(frozen=True)
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
    return ReadingComparison(q.accreditation, out)


@dataclass(frozen=True)
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
    from solver.counting import count_pathways
    from solver.recommendation import recommend

    q = catalogue.qualification(qualification)
    out = []
    for rule_id, names in ambiguous(q).items():
        figures: dict[str, tuple[int | None, int | None]] = {}
        for name in names:
            read = read_as(q, {rule_id: name})
            best = recommend(catalogue, read, learner)
            figures[name] = (count_pathways(catalogue, read, learner).count, best.new_glh)
        out.append(ReadingDifference(rule_id, figures))
    return out
