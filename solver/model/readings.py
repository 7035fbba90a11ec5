"""Alternative readings of ambiguous wording: which rules admit several, and a qualification read one way."""

from __future__ import annotations

from collections.abc import Mapping

from solver.errors import LookupFailure
from solver.model.documents import Qualification

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
