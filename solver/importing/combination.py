"""A qualification's rules from its parsed sentences, group headings and footnotes; contradictions to review.

The document side calls, in this order: `sentence_clauses` (each sentence and group heading read by the grammar),
`readings` (the clauses against the qualification's groups: rules, or items for review), `replacements`
(footnotes), `contradictions` (sums that cannot both hold: one rule with named readings, and the items), then
`pathways` (named pathways taken out of the readings) and `rule_id` for each rule written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from solver.importing.document import Block, Line
from solver.importing.figures import Fact, parse_date
from solver.importing.phrases import Clause, may_state_a_rule, parse_sentence, why_not_read

MANDATORY = ("mandatory", "compulsory", "core")  # words that name the groups every learner takes ...
OPTIONAL = ("optional", "elective", "electives", "option", "options")  # ... and those they choose from

REPLACES = re.compile(r"^\W*(?:unit\s+)?([\w/-]+)\s+(?:not|replaces|instead of)\s+(?:unit\s+)?([\w/-]+)\W*$",
                      re.IGNORECASE)
FROM_DATE = re.compile(r"\b(?:from|after|on or after)\s+(\d{1,2}(?:st|nd|rd|th)? \w+,? \d{4}|\d{1,2}/\d{1,2}/\d{4})")


@dataclass
class Reading:
    """A rule read from the specification, with its source, or a sentence that needs a person."""

    rule: dict[str, Any] | None
    source: str
    text: str
    problem: str | None = None
    kind: str = "unparsed-rule"
    extra: dict[str, Any] = field(default_factory=dict)  # "only_from": group ids; "pathways": the named pathways read


def sentence_clauses(sentences: list[Fact], groups: list[dict[str, Any]]) -> list[tuple[Fact, list[Clause] | None]]:
    """Each rules-of-combination sentence, then each group heading's own words ("(Complete All)")."""
    out = [(s, parse_sentence(s.text)) for s in sentences]
    for g in groups:
        rest = g["heading"][len(g["name"]):].strip(" -–:") if g["heading"].lower().startswith(g["name"].lower()) \
            else ""
        words = rest.strip("() ")
        # "Mandatory Units", "Mandatory Group A", "Group A - Compulsory", "Group A Mandatory Units": every unit
        # under it must be taken.
        kind = re.fullmatch(r"(?:(\w+)\s*)?(?:units?)?", words, re.IGNORECASE)
        mandatory = re.match(r"(mandatory|compulsory|core)\b", g["name"], re.IGNORECASE) or \
            (kind and (kind.group(1) or "").lower() in MANDATORY)
        if kind and (kind.group(1) or "").lower() in MANDATORY + OPTIONAL or not may_state_a_rule(words):
            words = ""  # a kind, or a description ("Project Development Units"), not a rule
        if words:
            out.append((Fact(words, g["where"], g["heading"]), parse_sentence(words, scope=(g["label"],))))
        elif mandatory:
            out.append((Fact("all", g["where"], g["heading"]), [Clause("mandatory", groups=(g["label"],))]))
    return out


def resolve(label: str, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups a printed reference names: "2" -> Group 2; "B" -> Group B, else Groups B1, B2 ...;
    "OPTIONAL" -> the optional groups (or every group not mandatory); "ALL" -> every group."""
    if label == "ALL":
        return list(groups)
    exact = [g for g in groups if g["label"].upper() == label.upper()]
    named = exact or [g for g in groups if g["name"].upper().startswith(label.upper() + " ")]
    if named:
        return named
    parts = [g for g in groups if re.fullmatch(re.escape(label) + r"[.-]?\d{1,2}", g["label"], re.IGNORECASE)
             or str(g.get("parent") or "").upper() == label.upper()]
    if parts:
        return parts
    kind = _kind_word(label)
    if kind is None:
        return []
    of_kind = [g for g in groups if group_kind(g) == kind]
    if of_kind:
        return of_kind
    if kind == "optional" and any(group_kind(g) == "mandatory" for g in groups):
        return [g for g in groups if group_kind(g) != "mandatory"]  # "Law Units" under an optional heading
    if kind == "mandatory" and len(groups) == 1 and group_kind(groups[0]) is None:
        return list(groups)  # "7 mandatory units" over the one table the document prints
    return []


def pathway_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups a learner chooses one of ("Pathway 1: Dementia care")."""
    return [g for g in groups if re.search(r"\bpathways?\b", f"{g['name']} {g.get('heading', '')}", re.IGNORECASE)]


def parts_of(whole: dict[str, Any], groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups printed inside another ("Law Units", "HRM Units" under "Optional Units"): each holds only its
    units, and together they hold all of them."""
    parts = [g for g in groups if g is not whole and g["units"] and set(g["units"]) < set(whole["units"])]
    covered = {c for g in parts for c in g["units"]}
    return parts if len(parts) > 1 and covered == set(whole["units"]) else []


def group_kind(group: dict[str, Any]) -> str | None:
    """"mandatory" or "optional" when the group's name says which ("Core", "Optional Units"), else None."""
    words = re.findall(r"[a-z]+", f"{group['name']} {group['label']} {group.get('parent') or ''}".lower())
    for kind, names in (("mandatory", MANDATORY), ("optional", OPTIONAL)):
        if any(w in names for w in words):
            return kind
    return None


def _kind_word(label: str) -> str | None:
    word = label.lower()
    return "mandatory" if word in MANDATORY else "optional" if word in OPTIONAL else None


def readings(clauses: list[tuple[Fact, list[Clause] | None]], own: list[dict[str, Any]]) -> list[Reading]:
    """Each clause as a rule over the qualification's groups `own`, or an item for review. Where nothing is said
    of which units to take and no group is optional, every unit is taken as mandatory, and that is listed as an
    assumption."""
    out: list[Reading] = []
    for fact, found in clauses:
        if found is None:
            why = why_not_read(fact.text) or "not understood"
            out.append(Reading(None, fact.where, fact.text, f"rule not read ({why}); kept verbatim"))
            continue
        for clause in found:
            out += _readings(clause, fact, own)
    if own and not out and not any(group_kind(g) == "optional" for g in own):
        first = own[0]
        out.append(Reading({"kind": "mandatory", "groups": [g["id"] for g in own]}, first["where"], first["heading"]))
        out.append(Reading(None, first["where"], first["heading"], "no rule of combination found and no group is "
                           "optional: every unit is taken as mandatory", "assumption"))
    return out


def _readings(clause: Clause, fact: Fact, own: list[dict[str, Any]]) -> list[Reading]:
    """The readings of one clause: most give one; a count of blocks also checks each block's size."""
    if clause.kind == "pathways":
        return [_pathways(clause, fact, own)]
    if clause.kind == "groups" and not clause.groups:
        clause = replace(clause, groups=("OPTIONAL",))  # "2 blocks of 4 units": the groups learners choose from
    found = _reading(clause, fact, own)
    if clause.kind != "groups" or not found.rule:
        return [found]
    if len(found.rule["groups"]) < 2:
        return [Reading(None, fact.where, fact.text, f"names {len(found.rule['groups'])} group; a count of "
                        "groups needs two or more", "mismatch")]
    sizes = {len(g["units"]) for g in own if g["id"] in found.rule["groups"]}
    if clause.block is not None and sizes != {clause.block}:
        return [found, Reading(None, fact.where, fact.text, f"says blocks of {clause.block} units; the groups list "
                               f"{', '.join(str(len(g['units'])) for g in own if g['id'] in found.rule['groups'])}",
                               "mismatch")]
    return [found]


def _pathways(clause: Clause, fact: Fact, own: list[dict[str, Any]]) -> Reading:
    """"a minimum of 92 credits from one of the pathways": a named pathway per pathway group, each with the sum."""
    groups = pathway_groups(own)
    if len(groups) < 2:
        return Reading(None, fact.where, fact.text, "speaks of pathways, but the units of no two pathways are "
                       "listed")
    bounds = {k: getattr(clause, k) for k in ("min", "max") if getattr(clause, k) is not None}
    found = [{"id": g["id"], "title": g.get("heading") or g["name"], "note": fact.text, "source": g["where"],
              "rules": [{"id": f"{g['id']}-{clause.metric}", "kind": "sum", "sum": clause.metric,
                         "where": {"groups": [g["id"]]}} | bounds]} for g in groups]
    names = ", ".join(g["name"] for g in groups)
    return Reading(None, fact.where, fact.text, f"read as {len(groups)} named pathways ({names}); the learner "
                   "follows one", extra={"pathways": found})


def pathways(found: list[Reading]) -> tuple[list[Reading], list[tuple[dict[str, Any], str]]]:
    """The readings without the named pathways they hold, and those pathways each once, with where each is
    printed: (the qualification's `pathways` entry, its source)."""
    out: list[tuple[dict[str, Any], str]] = []
    for r in found:
        for p in r.extra.get("pathways", []):
            if p["id"] not in {q["id"] for q, _ in out}:
                out.append(({k: v for k, v in p.items() if k != "source"}, f"{p['source']}; {r.source}"))
    return [r for r in found if "pathways" not in r.extra], out


def _reading(clause: Clause, fact: Fact, own: list[dict[str, Any]]) -> Reading:
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
    if clause.kind == "groups":
        if len(ids) == 1:  # "2 blocks of 4 units" of the optional units: of the blocks it is printed in
            ids = [g["id"] for g in parts_of(next(g for g in own if g["id"] == ids[0]), own)] or ids
        spread = {"kind": "groups", "groups": ids} | {k: getattr(clause, k) for k in ("min", "max")
                                                      if getattr(clause, k) is not None}
        if clause.alternatives:
            spread |= {"reading": clause.reading,
                       "readings": {name: dict(change) for name, change in clause.alternatives}}
        return Reading(spread | note, fact.where, fact.text)
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
    where: dict[str, Any] = {}
    if ids and sorted(ids) != everything:
        where["groups"] = ids
    for key in ("level", "min_level", "max_level"):
        if getattr(clause, key) is not None:
            where[key] = getattr(clause, key)
    rule: dict[str, Any] = {"kind": "sum", "sum": clause.metric}
    if where:
        rule["where"] = where
    rule |= {k: getattr(clause, k) for k in ("min", "max") if getattr(clause, k) is not None}
    return Reading(rule | note, fact.where, fact.text)


def contradictions(found: list[Reading]) -> list[Reading]:
    """Sums over the same units whose bounds cannot both hold ("one unit must be completed" under a heading,
    "a minimum of TWO optional units" in the rules): neither is kept as fact. Each becomes a `contradiction`
    for review, and one rule states the first with the others as named readings, so that every query can be
    run under each."""
    def key(r: Reading) -> tuple[Any, ...]:
        return (r.rule["sum"], repr(r.rule.get("where", {}))) if r.rule else ()

    sums = [r for r in found if r.rule and r.rule["kind"] == "sum" and not r.rule.get("readings")]
    clashing = [a for a in sums if any(b is not a and key(a) == key(b) and _clash(a, b) for b in sums)]
    out = list(found)
    for k in dict.fromkeys(key(r) for r in clashing):
        side = [r for r in clashing if key(r) == k]
        rule = _with_readings([r.rule for r in side if r.rule])
        names = list(rule.get("readings", {}))
        for r in side:
            others = "; ".join(f"{o.source} reads as {_bounds(o.rule)}" for o in side if o is not r)
            r.problem = (f"reads as {_bounds(r.rule)}, but {others}; written as one rule read as "
                         f"{rule['reading']!r}, other readings {', '.join(repr(n) for n in names)}")
            r.kind = "contradiction"
        at = next(i for i, r in enumerate(out) if r is side[0])
        out.insert(at, Reading(rule, "; ".join(r.source for r in side), " / ".join(r.text for r in side)))
    for r in found:
        if r.kind == "contradiction":
            r.rule = None
    return out


def _clash(first: Reading, second: Reading) -> bool:
    """Two bounds of one sum that cannot both hold, or a group's count stated differently in two places (a heading's
    "a minimum of THREE" beside a sentence's "a minimum of TWO"): either way one would be taken as fact."""
    a, b = first.rule or {}, second.rule or {}
    apart = (a.get("min") or 0) > b.get("max", 10**9) or (b.get("min") or 0) > a.get("max", 10**9)
    of_a_group = "groups" in a.get("where", {}) and first.text != second.text
    return apart or of_a_group and any(k in a and k in b and a[k] != b[k] for k in ("min", "max"))


def _with_readings(rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The first rule, with each other's bounds as a named reading ("at-least-2", "exactly-1")."""
    first = dict(rules[0])
    first["note"] = " / ".join(dict.fromkeys(r["note"] for r in rules if r.get("note")))
    first["reading"] = _reading_name(first)
    readings: dict[str, dict[str, Any]] = {}
    for other in rules[1:]:
        name = _reading_name(other)
        if name != first["reading"]:
            readings[name] = {k: other.get(k) for k in ("min", "max") if other.get(k) != first.get(k)}
    first["readings"] = readings
    return first


def _reading_name(rule: dict[str, Any]) -> str:
    low, high = rule.get("min"), rule.get("max")
    return f"exactly-{low}" if low == high else f"at-least-{low}" if high is None else \
        f"at-most-{high}" if low is None else f"{low}-to-{high}"


def rule_id(rule: dict[str, Any]) -> str:
    """A rule's id from what it says: "mandatory-m", "credits-total", "units-optional", "groups-b1-b2-b3"."""
    if rule["kind"] == "replacement":
        return f"replace-{rule['old']}"
    if rule["kind"] in ("mandatory", "groups") and rule.get("groups"):
        return f"{rule['kind']}-" + "-".join(rule["groups"]).lower()
    if rule["kind"] in ("mandatory", "barred"):
        return f"{rule['kind']}-" + "-".join(rule.get("units", [])).lower().replace("/", "-").replace(" ", "-")
    where = rule.get("where", {})
    scope = "-".join(where.get("groups", [])).lower() or "total"
    level = "".join(f"-{k.replace('_', '-')}-{where[k]}" for k in ("level", "min_level", "max_level") if k in where)
    return f"{rule['sum']}-{scope}{level}"


def _bounds(rule: dict[str, Any] | None) -> str:
    """"2 or more units from optional": a sum rule's reading, to set two contradictory ones side by side."""
    rule = rule or {}
    low, high = rule.get("min"), rule.get("max")
    span = f"exactly {low}" if low == high else f"{low} or more" if high is None else \
        f"at most {high}" if low is None else f"{low} to {high}"
    groups = rule.get("where", {}).get("groups")
    metric = str(rule.get("sum"))
    word = metric.removesuffix("s") if (high if high is not None else low) == 1 else metric
    return f"{span} {word}" + (f" from {', '.join(groups)}" if groups else "")


def replacements(blocks: tuple[Block, ...], code_of: Callable[[str], str | None]) -> list[Reading]:
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
