"""Rule versions of a qualification: the registration windows in which a different set of dated rules applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from solver.model.documents import Qualification

DAY = dt.timedelta(days=1)


def _dated(q: Qualification) -> list[Any]:
    """The rules (the qualification's and its named pathways') that apply only from or until a registration date."""
    rules = [*q.rules, *(r for p in q.pathways for r in p.rules)]
    return [r for r in rules if r.registered_from is not None or r.registered_until is not None]


def _in_force(rule: Any, day: dt.date) -> bool:
    """As `RuleBase.applies` for a learner registered on `day`."""
    return ((rule.registered_from is None or day >= rule.registered_from)
            and (rule.registered_until is None or day <= rule.registered_until))


def _uk(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def rule_versions(q: Qualification) -> list[dict[str, Any]]:
    """The qualification's rule versions, oldest first (none when no rule is dated): each window's first and last
    registration day (None: open), the date a page sets to choose it (its first day, or the last day of the
    oldest), its label and the dated rules in force in it. A learner with no registration date is a new one:
    the newest version applies."""
    dated = _dated(q)
    if not dated:
        return []
    cuts = sorted({r.registered_from for r in dated if r.registered_from is not None}
                  | {r.registered_until + DAY for r in dated if r.registered_until is not None})
    windows = [(None, cuts[0] - DAY), *((day, cuts[i + 1] - DAY if i + 1 < len(cuts) else None)
                                        for i, day in enumerate(cuts))]
    out = []
    for first, last in windows:
        chosen = first if first is not None else last
        assert chosen is not None  # a window is open at one end at most
        label = (f"registered before {_uk(cuts[0])}" if first is None
                 else f"registered from {_uk(first)}" + (f" to {_uk(last)}" if last is not None else ""))
        rules = [r for r in dated if _in_force(r, chosen)]
        out.append({"from": first.isoformat() if first else None, "until": last.isoformat() if last else None,
                    "date": chosen.isoformat(), "label": label, "rules": [r.id for r in rules]})
    return out


def version_at(versions: list[dict[str, Any]], registered: dt.date | None) -> dict[str, Any] | None:
    """The version that applies to a learner registered on `registered` (None: a new learner, the newest)."""
    if not versions:
        return None
    if registered is None:
        return versions[-1] | {"why": "no registration date: a new learner, under the newest rules"}
    day = registered.isoformat()
    for version in versions:
        first, last = version["from"], version["until"]
        if (first is None or first <= day) and (last is None or day <= last):
            return version | {"why": f"registered {_uk(registered)}"}
    return None  # unreachable: the windows cover every day
