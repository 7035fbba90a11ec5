"""Stable labels for units a specification prints without a code, so every answer can name them."""

from __future__ import annotations

import re
from collections.abc import Collection

from solver.model.documents import Qualification, Unit

TITLE_WORDS = 40  # characters of the title kept in a label: enough to tell units apart, short enough to read


def slug(text: str) -> str:
    """Letters and digits of `text`, lower case, joined by single hyphens: valid inside a unit code."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def label(qualification_id: str, title: str, taken: Collection[str]) -> str:
    """The code a unit without one is named by: its qualification and title ("acc-l3/action-learning"), the
    same on every load; a clash with a code already taken gets the first free "-2", "-3", ..."""
    head = slug(qualification_id) or "q"
    tail = slug(title)[:TITLE_WORDS].strip("-") or "unit"
    base = f"{head}/{tail}"
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    return out


def labelled(q: Qualification, taken: Collection[str]) -> tuple[Qualification, list[tuple[int, int, Unit]]]:
    """`q` with each unit printed without a code listed in its group under a label, and those units (with the
    group and entry they came from), labelled in the order they are written."""
    used = set(taken)
    made: list[tuple[int, int, Unit]] = []
    groups = []
    for gi, group in enumerate(q.groups):
        codes = list(group.units)
        for ui, entry in enumerate(group.without_code):
            code = label(q.id, entry.title, used)
            used.add(code)
            codes.append(code)
            values = entry.model_dump(exclude={"code", "labelled"})
            made.append((gi, ui, Unit.model_validate({**values, "code": code, "labelled": True})))
        groups.append(group.model_copy(update={"units": tuple(codes), "without_code": ()})
                      if group.without_code else group)
    return (q.model_copy(update={"groups": tuple(groups)}) if made else q), made
