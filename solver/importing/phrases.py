"""Rules-of-combination sentences read by the phrase grammar (rules.lark): every word must belong to a known
phrase, or the sentence is not understood (and is kept verbatim for review, never half-read).

Readings: "a minimum/at least N", "a maximum/at most/up to N" bound a sum; a bare "N credits" is a minimum
(credit totals may be exceeded), a bare "N units" is exactly N (a choice of N units); "all N units from
group X" and "the four Mandatory units" make the group mandatory; "all units must be taken from group X"
limits the qualification to those groups; "from one of the pathways" is a sum over the pathway chosen;
"from two optional groups" and "2 blocks of 4 units" count groups. Numbers may be words ("TWO").
"""

from __future__ import annotations

import re

from solver.importing.clauses import Clause
from solver.importing.grammar import CUE, read, reading

__all__ = ["Clause", "may_state_a_rule", "normalise", "parse_sentence", "why_not_read"]


def normalise(sentence: str) -> str:
    """Lower case, one space, typographic marks as plain ones, list bullets and the closing full stop gone."""
    text = sentence.lower().replace("’", "'").replace("‘", "'").replace("—", "–")
    text = re.sub(r"\bi\.\s?e\.?(?=\s)", " ie ", text)
    text = re.sub(r"(^|\s)[\u2022\uf0b7\u25aa\u25cf·o](?=\s)", " ", text)  # "•", "", "o" bullets
    text = re.sub(r"\b(\w+)-(unit|credit)\b", r"\1 \2", text)  # "a four-unit qualification"
    text = re.sub(r"\b(unit|credit|module)(?:\(s\)|/s)", r"\1s", text)  # "unit(s)", "unit/s"
    text = re.sub(r"([,;:()&–=])", r" \1 ", text)
    return " ".join(text.split()).strip(" .")


def may_state_a_rule(text: str) -> bool:
    """Whether the grammar could read a rule in these words at all: each of its rules holds a number, "all" or a
    pair of codes ("Project Development Units" cannot; "one unit must be completed" may)."""
    return bool(CUE.search(normalise(text)))


def why_not_read(sentence: str, scope: tuple[str, ...] = ()) -> str:
    """Why the grammar does not read a sentence ("not understood from 'the mandatory/optional units ...'"), or ''
    when it does."""
    return reading(normalise(sentence), scope)[1]


def parse_sentence(sentence: str, scope: tuple[str, ...] = ()) -> list[Clause] | None:
    """The clauses of one sentence, or None when any part of it is not understood. `scope` is the group a
    heading's own sentence speaks of ("Optional Units (one unit must be completed)")."""
    found = read(normalise(sentence), scope)
    return merged(found) if found else None


def merged(clauses: list[Clause]) -> list[Clause]:
    """"a minimum of 3 credits and a maximum of 12 credits": one sum with both bounds, when they share a scope."""
    out: list[Clause] = []
    for clause in clauses:
        twin = next((i for i, c in enumerate(out) if c.kind == clause.kind == "sum"
                     and c.model_key() == clause.model_key()
                     and (c.min is None) != (clause.min is None) and (c.max is None) != (clause.max is None)), None)
        if twin is None:
            out.append(clause)
        else:
            c = out[twin]
            out[twin] = Clause("sum", c.metric, c.min if c.min is not None else clause.min,
                               c.max if c.max is not None else clause.max, c.groups, c.min_level, c.max_level, c.level)
    return out
