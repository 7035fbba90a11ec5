"""What a pathway of a qualification can claim: its own units, import slots' candidates, units in modes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from solver.model.documents import Qualification, Unit
from solver.rules.base import claim_code


@dataclass(frozen=True)
class Claimable:
    """The variables of a qualification (code -> unit, or claim -> the unit in that mode), each import slot's
    candidates (rule id -> variables) and each unit offered in several modes (code -> its claims)."""

    variables: dict[str, Unit]
    slots: dict[str, tuple[str, ...]]
    claims: dict[str, tuple[str, ...]]


def claimable(q: Qualification, qualifications: Iterable[Qualification], units: Mapping[str, Unit]) -> Claimable:
    slots = imported(q, qualifications, units)
    found = {c: units[c] for c in q.unit_codes() if c in units}
    found |= {c: units[c] for codes in slots.values() for c in codes}
    variables, claims = by_mode(found)
    # A slot takes variables: a candidate offered in several modes, in any one of them.
    spread = {rule: tuple(v for c in codes for v in claims.get(c, (c,))) for rule, codes in slots.items()}
    return Claimable(variables, spread, claims)


def by_mode(units: Mapping[str, Unit]) -> tuple[dict[str, Unit], dict[str, tuple[str, ...]]]:
    """The claimable variables: each unit, or for a unit offered in several modes one claim per mode."""
    variables: dict[str, Unit] = {}
    claims: dict[str, tuple[str, ...]] = {}
    for code, unit in units.items():
        if len(unit.modes) < 2:
            variables[code] = unit
            continue
        for mode in unit.modes:
            claim = unit.claimed_in(mode)
            variables[claim.code] = claim
        claims[code] = tuple(claim_code(code, m) for m in unit.modes)
    return variables, claims


def imported(q: Qualification, qualifications: Iterable[Qualification], units: Mapping[str, Unit]
             ) -> dict[str, tuple[str, ...]]:
    """The import slots of `q` (rule id -> candidate units): units of the other qualifications, not of `q`."""
    rules = [*q.rules, *(r for p in q.pathways for r in p.rules)]
    slots: dict[str, tuple[str, ...]] = {}
    own = set(q.unit_codes())
    elsewhere = {o.id: {c: units[c] for c in o.unit_codes() if c in units and c not in own}
                 for o in qualifications if o.id != q.id}
    for rule in rules:
        found = tuple(rule.imports(elsewhere))
        if found:
            slots[rule.id or ""] = found
    return slots
