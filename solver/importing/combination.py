"""A qualification's rules from its parsed sentences, group headings and footnotes; contradictions to review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from solver.importing.document import Block, Line
from solver.importing.figures import Fact, parse_date
from solver.importing.phrases import Clause, parse_sentence

REPLACES = re.compile(r"^\W*(?:unit\s+)?([\w/-]+)\s+(?:not|replaces|instead of)\s+(?:unit\s+)?([\w/-]+)\W*$",
                      re.IGNORECASE)
FROM_DATE = re.compile(r"\b(?:from|after|on or after)\s+(\d{1,2}(?:st|nd|rd|th)? \w+,? \d{4}|\d{1,2}/\d{1,2}/\d{4})")


@dataclass
class Reading:
    """A rule read from the specification, with its source, or a sentence that needs a person."""

    rule: dict | None
    source: str
    text: str
    problem: str | None = None
    kind: str = "unparsed-rule"
    extra: dict = field(default_factory=dict)


def sentence_clauses(sentences: list[Fact], groups: list[dict]) -> list[tuple[Fact, list[Clause] | None]]:
    """Each rules-of-combination sentence, then each group heading's own words ("(Complete All)")."""
    out = [(s, parse_sentence(s.text)) for s in sentences]
    for g in groups:
        rest = g["heading"][len(g["name"]):].strip(" -–:") if g["heading"].lower().startswith(g["name"].lower()) \
            else ""
        words = rest.strip("() ")
        # "Mandatory Units", "Mandatory Group A", "Group A - Compulsory": every unit under it must be taken.
        mandatory = re.match(r"(mandatory|compulsory)\b", g["name"], re.IGNORECASE) or \
            words.lower() in ("mandatory", "compulsory")
        if words.lower() in ("mandatory", "compulsory", "optional"):
            words = ""
        if words:
            out.append((Fact(words, g["where"], g["heading"]), parse_sentence(words, scope=(g["label"],))))
        elif mandatory:
            out.append((Fact("all", g["where"], g["heading"]), [Clause("mandatory", groups=(g["label"],))]))
    return out


def resolve(label: str, groups: list[dict]) -> list[dict]:
    """The groups a printed reference names: "2" -> Group 2; "OPTIONAL" -> every optional group."""
    exact = [g for g in groups if g["label"].upper() == label.upper()]
    return exact or [g for g in groups if g["name"].upper().startswith(label.upper() + " ")]


def readings(clauses: list[tuple[Fact, list[Clause] | None]], own: list[dict]) -> list[Reading]:
    out: list[Reading] = []
    for fact, found in clauses:
        if found is None:
            out.append(Reading(None, fact.where, fact.text, "rule not understood; kept verbatim"))
            continue
        for clause in found:
            out.append(_reading(clause, fact, own))
    return out


def _reading(clause: Clause, fact: Fact, own: list[dict]) -> Reading:
    ids: list[str] = []
    for label in clause.groups:
        named = resolve(label, own)
        if not named:
            return Reading(None, fact.where, fact.text, f"no group {label.title()!r} in this qualification")
        ids += [g["id"] for g in named]
    note = {"note": fact.text}
    if clause.kind == "barred":
        units = [c for g in own for c in g["units"]]
        codes = [next((u for u in units if u.lower() == c or u.lower().endswith(("-" + c, "/" + c))), None)
                 for c in clause.codes]
        if None in codes:
            return Reading(None, fact.where, fact.text, "names a unit not in this qualification", "mismatch")
        return Reading({"kind": "barred", "units": codes} | note, fact.where, fact.text)
    if clause.kind == "only_from":
        return Reading(None, fact.where, fact.text, extra={"only_from": ids})
    if clause.kind == "mandatory":
        units = [c for g in own if g["id"] in ids for c in g["units"]]
        if clause.count is not None and clause.count != len(units):
            return Reading(None, fact.where, fact.text, f"says {clause.count} units; the table lists {len(units)}",
                           "mismatch")
        unlisted = [c for c in clause.codes if not any(u == c or u.endswith(("-" + c, "/" + c)) for u in units)]
        if unlisted:
            return Reading(None, fact.where, fact.text, f"names {', '.join(unlisted)}, not in the group", "mismatch")
        return Reading({"kind": "mandatory", "groups": ids} | note, fact.where, fact.text)
    everything = sorted(g["id"] for g in own)
    where: dict = {}
    if ids and sorted(ids) != everything:
        where["groups"] = ids
    for key in ("level", "min_level", "max_level"):
        if getattr(clause, key) is not None:
            where[key] = getattr(clause, key)
    rule: dict = {"kind": "sum", "sum": clause.metric}
    if where:
        rule["where"] = where
    rule |= {k: getattr(clause, k) for k in ("min", "max") if getattr(clause, k) is not None}
    return Reading(rule | note, fact.where, fact.text)


def contradictions(found: list[Reading]) -> list[Reading]:
    """Sums over the same units whose bounds cannot both hold: neither is kept, both go to review."""
    def key(r: Reading) -> tuple:
        return (r.rule["sum"], repr(r.rule.get("where", {}))) if r.rule else ()

    sums = [r for r in found if r.rule and r.rule["kind"] == "sum"]
    for a in sums:
        for b in sums:
            if a is not b and key(a) == key(b) and (a.rule or {}).get("min", 0) > (b.rule or {}).get("max", 10**9):
                for r, other in ((a, b), (b, a)):
                    r.problem = f"reads as {_bounds(r.rule)}, but {other.source} reads as {_bounds(other.rule)}"
                    r.kind = "contradiction"
    for r in found:
        if r.kind == "contradiction":
            r.rule = None
    return found


def _bounds(rule: dict | None) -> str:
    """"2 or more units from optional": a sum rule's reading, to set two contradictory ones side by side."""
    rule = rule or {}
    low, high = rule.get("min"), rule.get("max")
    span = f"exactly {low}" if low == high else f"{low} or more" if high is None else \
        f"at most {high}" if low is None else f"{low} to {high}"
    groups = rule.get("where", {}).get("groups")
    metric = str(rule.get("sum"))
    word = metric.removesuffix("s") if (high if high is not None else low) == 1 else metric
    return f"{span} {word}" + (f" from {', '.join(groups)}" if groups else "")


def replacements(blocks: tuple[Block, ...], code_of) -> list[Reading]:
    """Footnotes such as "359 not 339" under "registered from 1 July 2020", as replacement rules."""
    out: list[Reading] = []
    lines = [b for b in blocks if isinstance(b, Line)]
    for i, line in enumerate(lines):
        m = REPLACES.match(line.text)
        if not m or not all(re.search(r"\d", g) for g in m.groups()):
            continue
        new, old = code_of(m.group(1)), code_of(m.group(2))
        dated = next((p for p in reversed(lines[max(0, i - 4):i]) if FROM_DATE.search(p.text)), None)
        day = parse_date(FROM_DATE.search(dated.text).group(1)) if dated else None  # type: ignore[union-attr]
        text = f"{dated.text} {line.text}" if dated else line.text
        if new is None or old is None or day is None:
            what = "no date found above it" if day is None else f"no unit {m.group(1) if new is None else m.group(2)}"
            out.append(Reading(None, line.where, text, f"replacement not understood: {what}"))
            continue
        rule = {"kind": "replacement", "old": old, "new": new, "from": day, "note": text}
        out.append(Reading(rule, f"{dated.where}; {line.where}" if dated else line.where, text))
    return out
