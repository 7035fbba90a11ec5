"""The phrase grammar (rules.lark) read into clauses: one method per phrase of the grammar that means something."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedInput, VisitError
from lark.visitors import CollapseAmbiguities

from solver.importing.clauses import Clause

NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
KINDS = {"mandatory": "MANDATORY", "compulsory": "COMPULSORY", "core": "CORE", "optional": "OPTIONAL",
         "elective": "ELECTIVE", "electives": "ELECTIVE", "option": "OPTION", "options": "OPTION"}


class NotRead(Exception):
    """The words parse, but say nothing a rule can state (e.g. "all 3 units" of no group)."""


MAX_WORDS = 80  # longer than any rule sentence seen; parsing time grows with the cube of the length
# Every phrase of the grammar that states a rule holds a number, "all" or two codes ("barred", "together"): a
# sentence with none of them is not parsed at all (most of a specification's sentences).
CUE = re.compile(r"\d|\b(?:all|both|barred|together|" + "|".join(list(NUMBERS)[1:] + list(TENS)) + r")\b")
TITLE_KEYWORDS = {"a", "an", "and", "at", "award", "certificate", "credit", "diploma", "for", "guided", "hours", "in",
                  "learning", "level", "of", "on", "qualification", "the", "to", "unit", "units", "with"}


@cache
def parser() -> Lark:
    text = resources.files("solver.importing").joinpath("rules.lark").read_text(encoding="utf-8")
    # A qualification's own name may hold the grammar's small words too ("Diploma in Health and Safety"); only
    # those, as every word that may start a title costs the parser a prediction at each place a title may be.
    keywords = sorted(TITLE_KEYWORDS & set(re.findall(r'"([a-z]+)"', text)))
    text += "\n_title_word: WORD | CODEWORD | INT | NUMWORD | " + " | ".join(f'"{k}"' for k in keywords) + "\n"
    return Lark(text, parser="earley", lexer="basic", ambiguity="explicit")


def read(text: str, scope: tuple[str, ...]) -> list[Clause] | None:
    """The clauses of a normalised sentence, or None when any word of it is outside the grammar, or when the
    grammar reads it in two ways that mean different things (it is then for a person to read)."""
    return reading(text, scope)[0]


def reading(text: str, scope: tuple[str, ...]) -> tuple[list[Clause] | None, str]:
    """The clauses of a normalised sentence and '', or None and why it is not read (for the review item)."""
    if not CUE.search(text):
        return None, "no number, 'all' or pair of unit codes in it"
    if len(text.split()) > MAX_WORDS:
        return None, f"longer than {MAX_WORDS} words"
    try:
        trees = CollapseAmbiguities().transform(parser().parse(text))
    except UnexpectedInput as err:
        at = getattr(getattr(err, "token", None), "start_pos", None)
        at = err.pos_in_stream if at is None else at
        rest = " ".join(text[at or 0:].split()[:8]) if at is not None else ""
        return None, f"not understood from {rest!r}" if rest else "ends before the rule does"
    except LarkError:
        return None, "not understood"
    meanings: list[list[Clause]] = []
    for tree in trees:
        try:
            found = Reader(scope).transform(tree)
        except VisitError as err:
            if isinstance(err.orig_exc, NotRead):
                continue  # this way of reading it says nothing a rule can state; another way may
            raise
        if found not in meanings:
            meanings.append(found)
    if len(meanings) > 1:
        return None, f"it reads {len(meanings)} ways that differ"
    if meanings == [[]]:
        return None, "it gives published hours, not a rule"
    return (meanings[0], "") if meanings else (None, "it names no group a rule could be about")


Part = tuple[str, Any]  # a phrase's meaning before it becomes clauses: ("groups", ("A", "B")), ("min_level", 4)


class Reader(Transformer[Token, Any]):
    """Each phrase's meaning, bottom up; a clause's phrases become Clause objects at the clause."""

    def __init__(self, scope: tuple[str, ...]) -> None:
        super().__init__()
        self.scope = scope

    # ---- words
    def number(self, items: list[Token]) -> int:
        word = str(items[0])
        if word.isdigit():
            return int(word)
        tens, *ones = re.split(r"[- ]", word)
        return TENS[tens] + sum(NUMBERS[o] for o in ones) if tens in TENS else NUMBERS[word]

    def metric(self, items: list[Token]) -> str:
        word = " ".join(str(t) for t in items)
        return "credits" if word.startswith("credit") else "units" if word.startswith(("unit", "module")) else "glh"

    def klass(self, items: list[str]) -> str:
        return items[0]

    def klass_mandatory(self, items: list[Token]) -> str:
        return KINDS[str(items[0])]

    klass_optional = klass_mandatory

    def at_least(self, _: list[Any]) -> str:
        return "min"

    def at_most(self, _: list[Any]) -> str:
        return "max"

    def exactly(self, _: list[Any]) -> str:
        return "exact"

    def in_all(self, _: list[Any]) -> str:
        return "bare"

    def bound(self, items: list[str]) -> str:
        return items[0]

    def label(self, items: list[Token]) -> str:
        text = str(items[0]).upper()
        if len(text) > 3:
            raise NotRead(text)  # a word, not a group's letter or number
        return text

    def labels(self, items: list[str]) -> tuple[str, ...]:
        return tuple(items)

    def code(self, items: list[Token]) -> str:
        return str(items[0])

    # ---- which units
    def groups(self, items: list[Any]) -> Part:
        return ("groups", next(i for i in items if isinstance(i, tuple)))

    def kind_of_group(self, items: list[Any]) -> Part:
        return ("groups", (items[0],))

    def any_units(self, _: list[Any]) -> Part:
        return ("groups", ())  # "from units at level 2": no group named

    def group_credits(self, items: list[Any]) -> Part:
        return ("credits", (items[0], items[1]))

    def choice(self, items: list[Any]) -> Part:
        return items[0] if items else ("groups", ())

    def one_pathway(self, items: list[Any]) -> Part:
        if items[0] != 1:
            raise NotRead("a number of pathways")
        return ("pathway", None)

    def spread(self, items: list[Any]) -> Part:
        bound = next((i for i in items if isinstance(i, str) and i in ("min", "max", "exact", "bare")), "bare")
        number = next(i for i in items if isinstance(i, int))
        inner = next((i[1] for i in items if isinstance(i, tuple) and i[0] == "groups"), None)
        kind = next((i for i in items if isinstance(i, str) and i in KINDS.values()), None)
        return ("spread", (bound, number, inner, kind))

    def _spread_groups(self, spread: tuple[Any, ...], place: tuple[str, ...] | None) -> tuple[str, ...]:
        """"from two optional groups from Group B": the groups named, else the kind named, else the heading's."""
        _, _, inner, kind = spread
        return inner or place or ((kind,) if kind else self.scope)

    def place(self, items: list[Any]) -> Part:
        return items[0]

    def min_level(self, items: list[Token]) -> Part:
        return ("min_level", int(items[-1]))

    def max_level(self, items: list[Token]) -> Part:
        return ("max_level", int(items[-1]))

    def level(self, items: list[Token]) -> Part:
        return ("level", int(items[-1]))

    def codes(self, items: list[str]) -> Part:
        return ("codes", tuple(items))

    def breakdown(self, items: list[list[Clause]]) -> Part:
        return ("breakdown", [c for found in items for c in found])

    # ---- clauses
    def amount(self, items: list[Any]) -> list[Clause]:
        bound = next((i for i in items if i in ("min", "max", "exact", "bare")), "bare")
        number = next(i for i in items if isinstance(i, int))
        metric = next((i for i in items if i in ("credits", "units", "glh")), "units")  # "7 electives"
        kind = next((i for i in items if isinstance(i, str) and i in KINDS.values()), None)
        parts: dict[str, Any] = dict(i for i in items if isinstance(i, tuple))
        if len(parts) < sum(isinstance(i, tuple) for i in items):
            raise NotRead("two places or levels for one amount")
        groups = parts.get("groups", (kind,) if kind else self.scope)
        low, high = {"min": (number, None), "max": (None, number), "exact": (number, number)}.get(
            bound, (number, number) if metric == "units" else (number, None))
        where = {k: parts[k] for k in ("min_level", "max_level", "level") if k in parts}
        if "codes" in parts:
            raise NotRead("codes beside a sum")
        out: list[Clause] = []
        if "pathway" in parts:
            return [Clause("pathways", metric, low, high, **where)]
        if "spread" in parts:  # "six units from two optional groups": the six are of those groups
            groups = self._spread_groups(parts["spread"], parts.get("groups"))
            out.append(_spread(parts["spread"][0], parts["spread"][1], groups))
        out.insert(0, Clause("sum", metric, low, high, groups, **where))
        return out + parts.get("breakdown", [])

    def size_of_qualification(self, items: list[Any]) -> list[Clause]:
        return [Clause("sum", "credits", min=next(i for i in items if isinstance(i, int)))]

    def credit_size(self, _: list[Any]) -> str:
        return "credits"

    def unit_size(self, _: list[Any]) -> str:
        return "units"

    def size(self, items: list[Any]) -> list[Clause]:
        """"is a 120 credit qualification": at least 120 credits; "a four-unit qualification": exactly 4 units."""
        number = next(i for i in items if isinstance(i, int))
        if "units" in items:
            return [Clause("sum", "units", number, number)]
        return [Clause("sum", "credits", min=number)]

    def each_of(self, items: list[Any]) -> list[Clause]:
        """"a pass on each of the three units": every unit of the qualification (or of the heading's group)."""
        count = next((i for i in items if isinstance(i, int)), None)
        return [Clause("mandatory", groups=self.scope or ("ALL",), count=count)]

    def heading_lead(self, items: list[Any]) -> Part:
        return ("heading", items[0] if isinstance(items[0], tuple) else (items[0],))

    def all_of(self, items: list[Any]) -> list[Clause]:
        count = next((i for i in items if isinstance(i, int)), None)
        kind = next((i for i in items if isinstance(i, str) and i in KINDS.values()), None)
        parts: dict[str, Any] = dict(i for i in items if isinstance(i, tuple))
        groups = parts.get("groups") or ((kind,) if kind else self.scope)
        if not groups or {"spread", "pathway", "breakdown", "level", "min_level", "max_level"} & set(parts):
            raise NotRead("all the units of which group?")
        out = [Clause("mandatory", groups=groups, count=count, codes=parts.get("codes", ()))]
        if "credits" in parts:  # "all mandatory units (18 credits)"
            number, metric = parts["credits"]
            out.append(Clause("sum", metric, number, number if metric == "units" else None, groups))
        return out

    def at_most_word(self, _: list[Any]) -> str:
        return "max"

    def number_of(self, items: list[Any]) -> list[Clause]:
        """"Total number of units = 20": exactly 20 units; "the minimum number of credits ... is 30": at least."""
        number = next(i for i in items if isinstance(i, int))
        metric = next(i for i in items if i in ("credits", "units", "glh"))
        where: dict[str, Any] = dict(i for i in items if isinstance(i, tuple))
        bound = next((i for i in items if i in ("min", "max")), "bare")
        low, high = {"min": (number, None), "max": (None, number)}.get(
            bound, (number, number) if metric == "units" else (number, None))
        return [Clause("sum", metric, low, high, **where)]

    def at_least_word(self, _: list[Any]) -> str:
        return "min"

    def credit_value(self, items: list[Any]) -> list[Clause]:
        """"The minimum credit value of this qualification is 30": a bound on the credits of the whole."""
        number = next(i for i in items if isinstance(i, int))
        return [Clause("sum", "credits", None, number) if "max" in items else Clause("sum", "credits", min=number)]

    def complete_all(self, _: list[Any]) -> list[Clause]:
        return [Clause("mandatory", groups=self.scope)]  # of the heading's group (checked in `sentence`)

    def every_unit_mandatory(self, _: list[Any]) -> list[Clause]:
        return [Clause("mandatory", groups=self.scope or ("ALL",))]

    def spread_only(self, items: list[Any]) -> list[Clause]:
        spread = items[-1][1]
        return [_spread(spread[0], spread[1], self._spread_groups(spread, None))]

    def blocks(self, items: list[int]) -> list[Clause]:
        count, size = items
        return [Clause("groups", "units", count, count, block=size)]

    def figure(self, _: list[Any]) -> list[Clause]:
        return []  # a published figure beside the rules: figures.py reads those

    def only_from(self, items: list[Any]) -> list[Clause]:
        return [Clause("only_from", groups=items[-1][1])]

    def barred(self, items: list[str]) -> list[Clause]:
        return [Clause("barred", codes=tuple(items))]

    def sentence(self, items: list[Any]) -> list[Clause]:
        clauses = [c for found in items if isinstance(found, list) for c in found]
        heading = next((i[1] for i in items if isinstance(i, tuple) and i[0] == "heading"), None)
        for i, (c, d) in enumerate(zip(clauses, clauses[1:])):  # "a minimum of 2 and a maximum of 4 units from C"
            if c.kind == d.kind == "sum" and c.metric == d.metric and not c.groups and d.groups and \
                    c.max is None and d.min is None and c.min is not None and d.max is not None:
                clauses[i] = replace(c, groups=d.groups)
        if heading:  # "Group B Optional Units minimum of ...": what names no group is of the heading's
            clauses = [replace(c, groups=heading) if not c.groups and c.kind != "barred" else c for c in clauses]
        if any(c.kind == "mandatory" and not c.groups for c in clauses):
            raise NotRead("all of which group?")
        # "8 optional units i.e. 2 blocks of 4 units": the blocks are of the groups the clause before names.
        for i, c in enumerate(clauses):
            if c.kind == "groups" and c.block and not c.groups:
                groups = clauses[i - 1].groups if i else self.scope
                clauses[i] = Clause("groups", "units", c.min, c.max, groups, block=c.block)
        return clauses

    def start(self, items: list[Any]) -> list[Clause]:
        return next(i for i in items if isinstance(i, list))


def _spread(bound: str, count: int, groups: tuple[str, ...]) -> Clause:
    """"from at least two of the optional groups"; a bare "from two optional groups" is read as at least two,
    with "exactly two" as its other reading."""
    if bound == "max":
        return Clause("groups", "units", None, count, groups)
    if bound == "exact":
        return Clause("groups", "units", count, count, groups)
    if bound == "min":
        return Clause("groups", "units", count, None, groups)
    return Clause("groups", "units", count, None, groups, reading="at-least",
                  alternatives=(("exactly", (("max", count),)),))
