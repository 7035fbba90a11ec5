"""A phrase grammar for rules-of-combination sentences: every word must belong to a known phrase, or the
sentence is not understood (and is kept verbatim for review, never half-read).

Readings: "a minimum/at least N", "a maximum/at most/up to N" bound a sum; a bare "N credits" is a minimum
(credit totals may be exceeded), a bare "N units" is exactly N (a choice of N units); "all N units from
group X" makes the group mandatory; "all units must be taken from group X" limits the qualification to
those groups. Numbers may be words ("TWO").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen twenty").split()
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
FILLERS = [
    r"in order to (achieve|gain|be awarded) (this|the) qualification", r"to (achieve|gain|be awarded) (this|the) "
    r"qualification", r"for (this|the) qualification", r"(learners?|candidates?|they|you) (are|is) required to",
    r"(learners?|candidates?|they|you) (must|should|will need to|need to)", r"(are|is) required to", r"must",
    r"(is|are) (allowed|permitted|required)", r"(can|may) be (counted|taken|achieved)", r"(from )?a choice of units",
    r"a choice of", r"a total of", r"in total", r"overall", r"be (completed|achieved|selected|chosen)",
    r"(attain|gain|achieve|obtain|complete|take|select|choose)", r"be",
]
BOUND_START = r"(?:a minimum|a maximum|at least|at most|no more|no fewer|not more|not less|up to)\b"
UNIT = r"(?:(optional|mandatory) )?(credits?|units?|glh|guided learning hours)"
LABELS = r"([a-z0-9]{1,2}(?:(?:,| and|, and| or|, or) (?!a (?:minimum|maximum|total))[a-z0-9]{1,2}\b)*)"
TOKENS = [  # (name, pattern at the start of what is left)
    ("only_from", r"all (?:the )?units takenfrom (?:the )?groups? " + LABELS),
    ("all", r"all(?: (\d+))?(?: of)?(?: the)?(?: (optional|mandatory))?(?: units?)?(?: listed)?"),
    ("min", r"(?:a minimum of|at least|minimum of|minimum|no fewer than|not less than) (\d+) " + UNIT),
    ("max", r"(?:a maximum of|at most|maximum of|maximum|no more than|not more than|up to) (\d+) " + UNIT),
    ("count", r"(?:exactly )?(\d+) " + UNIT),
    ("groups", r"(?:from|in|within|of|takenfrom) (?:the )?(?:units (?:in|from|of) )?(?:the )?groups? " + LABELS),
    ("named", r"(?:from|in|within|of|takenfrom) (?:the )?(optional|mandatory) (?:units?|groups?)"),
    ("min_level", r"at (?:level (\d) or (?:above|higher)|or above level (\d))"),
    ("max_level", r"at (?:level (\d) or (?:below|lower)|or below level (\d))"),
    ("level", r"at level (\d)"),
    ("codes", r"\(((?:unit )?[\w-]+(?:(?:,|, and| and|,? &) [\w-]+)*)\)"),
]
SKIP = re.compile(r"^(?:,|and|the|which|with|that)\b\s*|^,\s*")


@dataclass(frozen=True)
class Clause:
    """One requirement read from a sentence, with its group references as printed ("1", "A", "optional")."""

    kind: str  # "sum", "mandatory", "barred" or "only_from"
    metric: str = "credits"
    min: int | None = None
    max: int | None = None
    groups: tuple[str, ...] = ()
    min_level: int | None = None
    max_level: int | None = None
    level: int | None = None
    count: int | None = None  # "all 3 units": the number printed, to check against the group
    codes: tuple[str, ...] = ()  # "(300, 301 and 302)": the codes printed, to check against the group

    def model_key(self) -> tuple:
        """What a sum counts, over which units: two clauses with the same key bound the same sum."""
        return (self.metric, self.groups, self.min_level, self.max_level, self.level)


def normalise(sentence: str) -> str:
    text = sentence.lower().replace("’", "'")
    text = re.sub(r"\b(" + "|".join(TENS) + r")[- ](" + "|".join(WORDS[1:10]) + r")\b",
                  lambda m: str(TENS[m.group(1)] + WORDS.index(m.group(2))), text)
    text = re.sub(r"\b(" + "|".join(list(TENS) + WORDS) + r")\b",
                  lambda m: str(TENS.get(m.group(1), WORDS.index(m.group(1)) if m.group(1) in WORDS else 0)), text)
    text = re.sub(r"\b(must|should|are to|is to|can|may) be taken from\b", " takenfrom ", text)
    for filler in FILLERS:
        text = re.sub(r"\b" + filler + r"\b", " ", text)
    return " ".join(text.replace(";", " ; ").split()).strip(" .")


def labels(text: str) -> tuple[str, ...]:
    return tuple(p.upper() for p in re.split(r",? and |,? or |, ", text) if p)


CODE = r"(?:units? )?([a-z0-9][\w/.-]*)"
BARRED = [re.compile(p) for p in (
    CODE + r" and " + CODE + r" (?:are|form) (?:a )?barred(?: combinations?| pairs?)?",
    r"(?:learners |candidates )?(?:cannot|can not|may not|must not|should not) (?:take|achieve|complete|combine|"
    r"claim) (?:both )?" + CODE + r" and " + CODE + r"(?: together)?",
    CODE + r" and " + CODE + r" (?:cannot|can not|may not|must not) (?:both )?be (?:taken|achieved|combined|claimed)"
    r"(?: together)?",
)]


def parse_sentence(sentence: str, scope: tuple[str, ...] = ()) -> list[Clause] | None:
    """The clauses of one sentence, or None when any part of it is not understood. `scope` is the group a
    heading's own sentence speaks of ("Optional Units (one unit must be completed)")."""
    plain = " ".join(sentence.lower().split()).strip(" .")
    for pattern in BARRED:  # read before the fillers go: "must not take" is the whole point here
        if m := pattern.fullmatch(plain):
            return [Clause("barred", codes=(m.group(1), m.group(2)))]
    clauses: list[Clause] = []
    parts = r"\s*(?:\bplus\b|;|:|\bin addition\b|\balong with\b|,? and (?=" + BOUND_START + r"))\s*"
    for segment in re.split(parts, normalise(sentence)):
        if not segment:
            continue
        tokens = tokenise(segment)
        if tokens is None:
            return None
        found = build(tokens, scope)
        if found is None:
            return None
        clauses += found
    return merged(clauses) or None


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


def tokenise(text: str) -> list[tuple[str, tuple[str | None, ...]]] | None:
    tokens = []
    while text:
        text = SKIP.sub("", text).strip()
        if not text:
            break
        for name, pattern in TOKENS:
            m = re.match(pattern + r"(?=$|[\s,.;)(])", text)
            if m and m.group(0):
                tokens.append((name, m.groups()))
                text = text[m.end():].strip()
                break
        else:
            return None
    return tokens


def build(tokens: list[tuple[str, tuple[str | None, ...]]], scope: tuple[str, ...]) -> list[Clause] | None:
    """One segment's tokens as clauses: bounds share the segment's groups and level."""
    where: dict = {"groups": scope}
    bounds: dict[str, dict[str, int]] = {}
    mandatory: list[tuple[int | None, str | None]] = []
    codes: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    for name, groups in tokens:
        if name == "only_from":
            only = labels(groups[0] or "")
        elif name == "all":
            mandatory.append((int(groups[0]) if groups[0] else None, groups[1]))
        elif name in ("min", "max", "count"):
            number, adjective, metric = int(groups[0] or 0), groups[1], _metric(groups[2] or "")
            if adjective:
                where["groups"] = (adjective.upper(),)
            if metric in bounds and name != "count" and name in bounds[metric]:
                return None  # two minimums for one sum: not a reading we can make
            exact = name == "count" and metric == "units"
            for key in ("min", "max") if exact else (("max",) if name == "max" else ("min",)):
                bounds.setdefault(metric, {})[key] = number
        elif name in ("groups", "named"):
            where["groups"] = labels(groups[0] or "")
        elif name == "codes":
            codes = tuple(re.sub(r"^unit ", "", c) for c in re.split(r",? and |,? & |, ", groups[0] or ""))
        else:
            where[name] = int(next(g for g in groups if g))
    if only is not None:
        return [Clause("only_from", groups=only)] if not (bounds or mandatory) else None
    if mandatory:
        if bounds or len(mandatory) > 1:
            return None
        count, adjective = mandatory[0]
        groups = (adjective.upper(),) if adjective else where["groups"]
        return [Clause("mandatory", groups=groups, count=count, codes=codes)] if groups else None
    if not bounds or codes:
        return None
    return [Clause("sum", metric=m, min=b.get("min"), max=b.get("max"), **where) for m, b in bounds.items()]


def _metric(word: str) -> str:
    return "credits" if word.startswith("credit") else "units" if word.startswith("unit") else "glh"
