"""A qualification read one way in its own rules and in each named pathway's (a reading may live in either)."""

from __future__ import annotations

from solver.errors import LookupFailure
from solver.model.documents import Qualification
from solver.model.readings import Choice, ambiguous, read_as, reading_names


def _parts(q: Qualification) -> list[Qualification]:
    """`q` and, for each named pathway, `q` with that pathway's rules as its own."""
    return [q, *(q.model_copy(update={"rules": p.rules, "pathways": ()}) for p in q.pathways)]


def ambiguous_everywhere(q: Qualification) -> dict[str, list[str]]:
    """Rule id -> its readings (the stated one first), for every ambiguous rule of `q` or of its named pathways."""
    out: dict[str, list[str]] = {}
    for part in _parts(q):
        out.update(ambiguous(part))
    return out


def read_everywhere(q: Qualification, choice: Choice) -> Qualification:
    """`q` read as `choice` in its own rules and in each named pathway's (as `catalogue show` prints them). An
    unknown name or rule is a LookupFailure listing what every part knows."""
    parts = _parts(q)
    if isinstance(choice, str):
        picks: list[Choice | None] = [choice if choice in reading_names(x) else None for x in parts]
        if not any(picks):
            known = ", ".join(dict.fromkeys(n for x in parts for n in reading_names(x)))
            raise LookupFailure(f"no rule of {q.id} has a reading {choice!r}; readings: "
                                f"{known or 'none (no rule of it is ambiguous)'}")
    else:
        rules = [ambiguous(x) for x in parts]
        for rule_id in choice:
            if not any(rule_id in r for r in rules):
                read_as(q, {rule_id: choice[rule_id]})  # raises, naming the ambiguous rules
        picks = [{k: v for k, v in choice.items() if k in r} or None for r in rules]
    read = read_as(q, picks[0]) if picks[0] else q
    pathways = tuple(p.model_copy(update={"rules": read_as(part, pick).rules}) if pick else p
                     for p, part, pick in zip(q.pathways, parts[1:], picks[1:], strict=True))
    return read.model_copy(update={"pathways": pathways}) if q.pathways else read
