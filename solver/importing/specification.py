"""The importer's front door: a specification file (or several, or regulator CSVs) to a draft catalogue."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from solver.importing import combination, figures, line_tables, rule_sentences, tables, unit_blocks, units
from solver.importing.document import Document, Line, not_importable
from solver.importing.draft import Draft
from solver.importing.figures import Fact
from solver.importing.merge import merge_drafts
from solver.importing.reader import read_document
from solver.importing.regulator import import_unit_data
from solver.importing.review import ReviewItem
from solver.model.located_yaml import PathKey

FIGURE_ORDER = ("credits", "glh", "average_glh", "tqt", "induction_hours", "tutorial_hours", "duration",
                "operational_start")


def import_specification(path: str | Path | list[str | Path]) -> Draft:
    """Read a .txt/.md, .docx, .pdf or .html specification (or several, as one) into a draft catalogue with a
    review list; regulator unit-data CSVs (units and mapping) into a units-only draft."""
    paths = list(path) if isinstance(path, list) else [path]
    if paths and all(str(p).lower().endswith(".csv") for p in paths):
        return import_unit_data(paths)
    if any(str(p).lower().endswith(".csv") for p in paths):
        raise not_importable(next(p for p in paths if str(p).lower().endswith(".csv")),
                             "import regulator CSVs on their own, not with specification documents")
    if len(paths) == 1:
        return build_draft(read_document(paths[0]))
    # Each file is its own specification: groups and footnotes are read within it, then the drafts are joined.
    return merge_drafts([build_draft(read_document(p)) for p in paths])


def build_draft(doc: Document) -> Draft:
    sections = figures.sections(doc.blocks)
    titles = tuple(f.title.value for f in sections if f.title) if len(sections) > 1 else ()
    found_tables, block_review = units.with_blocks(tables.unit_tables(line_tables.lift(doc.blocks), titles),
                                                   unit_blocks.unit_blocks(doc.blocks))
    taken = {s.where for f in sections for s in f.sentences}
    found_sentences = rule_sentences.rule_sentences(doc.blocks, taken)
    if not any(t.rows for t in found_tables) and not found_sentences and not any(f.sentences for f in sections):
        found = "an accreditation number but" if any(f.accreditation.value for f in sections) else \
            "no accreditation number and"
        raise not_importable(doc.path, f"not a qualification specification: found {found} no unit table (a table "
                             "headed Unit Code or Ref and Unit Title, with units in it), no unit described by its "
                             "fields (Unit Reference, Level, Credit Value, GLH) and no rule of combination")
    _place_sentences(sections, found_sentences, doc, titles)
    read = units.read_units(found_tables)
    draft = Draft({"source": f"{Path(doc.path).name} (imported by pathways import; review before use)",
                   "units": read.units, "qualifications": []}, list(read.review) + block_review, sources=(doc.path,))
    for i, code in enumerate(u["code"] for u in read.units):
        draft.provenance[("units", i)] = read.where[code]
    body = figures.awarding_body(doc.blocks)
    scoped = [[g for g in read.groups if g["scope"] == tables_scope(f, titles)] for f in sections]
    # Tables placed under each qualification's own title belong to it; else every group is every one's.
    own = scoped if titles and all(scoped) else [read.groups for _ in sections]
    for qi, facts in enumerate(sections):
        _qualification(draft, qi, facts, own[qi], body, len(sections), doc)
    draft.review = [_rehomed(item, read.groups, draft.document["qualifications"]) for item in draft.review]
    return draft


def tables_scope(facts: figures.QualificationFacts, titles: tuple[str, ...]) -> str | None:
    """The scope the unit tables of a qualification carry (its title's words), when the document holds several."""
    if not titles or facts.title is None:
        return None
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", facts.title.value.lower()).split())


def _place_sentences(sections: list[figures.QualificationFacts], found: list[rule_sentences.Sentence],
                     doc: Document, titles: tuple[str, ...]) -> None:
    """Each rule sentence to its qualification: in a document of several, the one whose title was printed
    last above it (else the one whose details come before it); one qualification takes them all."""
    if not sections:
        return
    if len(sections) == 1:
        sections[0].sentences += [figures.Fact(s.text, s.where, s.text) for s in found]
        return
    starts = [_index_of(doc, f.accreditation.where) for f in sections]
    words = [tables_scope(f, titles) for f in sections]
    current: int | None = None
    marks: list[int | None] = []
    for block in doc.blocks:
        if isinstance(block, Line):
            text = " ".join(re.sub(r"[^a-z0-9 ]", " ", block.text.lower()).split())
            hit = next((n for n, w in enumerate(words) if w and text.startswith(w) and len(text) <= len(w) + 20), None)
            current = hit if hit is not None else current
        marks.append(current)
    for sentence in found:
        owner = marks[sentence.index] if 0 <= sentence.index < len(marks) else None
        if owner is None:  # no title printed above it: the qualification whose details come before it
            owner = max((n for n, start in enumerate(starts) if start <= sentence.index), default=0)
        sections[owner].sentences.append(figures.Fact(sentence.text, sentence.where, sentence.text))


def _index_of(doc: Document, where: str) -> int:
    """The block a place names: a line, or a table holding that row."""
    for i, block in enumerate(doc.blocks):
        if block.where == where or (not isinstance(block, Line) and any(r.where == where for r in block.rows)):
            return i
    return 0


def _rehomed(item: ReviewItem, groups: list[dict[str, Any]], qualifications: list[dict[str, Any]]) -> ReviewItem:
    """A remark about a unit table, placed at that group in the first qualification that has it."""
    if item.path[:1] != ("groups",):
        return item
    gid = groups[int(item.path[1])]["id"]
    for qi, q in enumerate(qualifications):
        for gi, g in enumerate(q["groups"]):
            if g["id"] == gid:
                return replace(item, path=("qualifications", qi, "groups", gi))
    return replace(item, path=("qualifications",))


def _qualification(draft: Draft, qi: int, facts: figures.QualificationFacts, groups: list[dict[str, Any]],
                   body: Fact | list[str] | None,
                   count: int, doc: Document) -> None:
    at: PathKey = ("qualifications", qi)
    review, prov = draft.review, draft.provenance
    q: dict[str, Any] = {}
    title = facts.title.value if facts.title else None
    q["id"] = _slug(title or facts.accreditation.value or Path(doc.path).stem)
    q["accreditation"] = facts.accreditation.value
    if facts.accreditation.value:
        prov[at + ("accreditation",)] = facts.accreditation.where
    else:
        review.append(ReviewItem("missing-value", "no accreditation number found; left null", facts.accreditation.where,
                                 "", at + ("accreditation",)))
    for key, fact in (("title", facts.title), ("level", facts.level)):
        q[key] = fact.value if fact else None
        if fact:
            prov[at + (key,)] = fact.where
        else:
            review.append(ReviewItem("missing-value", f"no qualification {key} found", facts.accreditation.where,
                                     facts.accreditation.text, at + (key,)))
    if facts.level and not re.search(r"\blevel\b", facts.level.text, re.IGNORECASE):
        review.append(ReviewItem("assumption", f"level {facts.level.value} read from the numeral of the title "
                                 f"{facts.level.text!r} (a framework's own level, not printed as a level)",
                                 facts.level.where, facts.level.text, at + ("level",)))
    q["awarding_body"] = _awarding_body(facts, body, at, draft)
    q["figures"] = {k: facts.figures[k].value for k in FIGURE_ORDER if k in facts.figures}
    for k in q["figures"]:
        prov[at + ("figures", k)] = facts.figures[k].where
    for problem in facts.problems:
        name = next((k for k in FIGURE_ORDER if problem.value.startswith(k + ":")), None)
        place: PathKey = at + ("figures", name) if name and name in q["figures"] else at
        review.append(ReviewItem("figure", problem.value, problem.where, problem.text, place))
    # "All units must be taken from Group 1" first decides the qualification's groups; then its sentences and
    # its groups' headings are read against those groups, so "Groups 1 and 2" can mean all of them.
    first = combination.readings(combination.sentence_clauses(facts.sentences, []), groups)
    only = {gid for r in first for gid in r.extra.get("only_from", [])}
    own = [g for g in groups if g["id"] in only] if only else groups
    clauses = combination.sentence_clauses(facts.sentences, own)
    found = combination.readings(clauses, own)
    named = any(c.groups for _, cl in clauses[:len(facts.sentences)] for c in cl or [])
    if not only and not named and count > 1 and len(groups) > 1:
        review.append(ReviewItem("assumption", "the rules name no groups for this qualification; every group "
                                 "in the document is assumed", facts.accreditation.where, "", at + ("groups",)))
    q["groups"] = [{k: g[k] for k in ("id", "name", "units")} for g in own]
    for gi, g in enumerate(own):
        prov[at + ("groups", gi)] = g["where"]
    codes = {c for g in own for c in g["units"]}
    every = {c for g in groups for c in g["units"]}
    # A footnote belongs to the qualifications holding both its units; one naming no unit is reported once.
    found += [r for r in combination.replacements(doc.blocks, lambda c: _code(c, every))
              if ({r.rule["old"], r.rule["new"]} <= codes if r.rule else qi == 0)]
    found = combination.contradictions([r for r in found if "only_from" not in r.extra])
    found, specialisations = combination.pathways(found)  # "... from one of the pathways": one is followed
    q["rules"] = _rules(found, facts, at, draft)
    if specialisations:
        q["pathways"] = [p for p, _ in specialisations]
        for i, (_, source) in enumerate(specialisations):
            prov[at + ("pathways", i)] = source
    _check_credits(q, draft, at, facts)
    draft.document["qualifications"].append(q)


def _rules(found: list[combination.Reading], facts: figures.QualificationFacts, at: PathKey, draft: Draft
           ) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for r in found:
        if r.rule is None:
            draft.review.append(ReviewItem(r.kind, r.problem or "", r.source, r.text, at + ("rules",)))
            continue
        if any({k: v for k, v in x.items() if k != "note"} == {k: v for k, v in r.rule.items() if k != "note"}
               for x in rules):
            continue  # said twice ("Mandatory Units (Complete All)" and a sentence): one rule
        rules.append(dict(r.rule))
        draft.provenance[at + ("rules", len(rules) - 1)] = r.source
    credit = facts.figures.get("credits")
    total = next((r for r in rules if r["kind"] == "sum" and r["sum"] == "credits" and "where" not in r), None)
    if credit and credit.value and credit.value["max"] > credit.value["min"] and total and "max" not in total:
        # "Minimum 13 and maximum 36 credits": the published range bounds the total the sentences leave open.
        total["max"] = credit.value["max"]
        total["note"] = total.pop("note")
        i = rules.index(total)
        draft.provenance[at + ("rules", i)] += f"; max from the credit value ({credit.where})"
    for i, rule in enumerate(rules):
        rule_id = combination.rule_id(rule)
        taken = {r["id"] for r in rules[:i]}
        rules[i] = {"id": rule_id if rule_id not in taken else f"{rule_id}-{i + 1}"} | rule
    return rules


def _check_credits(q: dict[str, Any], draft: Draft, at: PathKey, facts: figures.QualificationFacts) -> None:
    """A published credit value the units cannot give is flagged, never adjusted."""
    credit = facts.figures.get("credits")
    unit_credits = {u["code"]: u["credits"] for u in draft.document["units"]}
    codes = [c for g in q["groups"] for c in g["units"]]
    if not credit or not credit.value or any(unit_credits.get(c) is None for c in codes):
        return
    everything = sum(unit_credits[c] for c in set(codes))
    forced = {c for r in q["rules"] if r["kind"] == "mandatory" for g in q["groups"] if g["id"] in r["groups"]
              for c in g["units"]}
    low, high = credit.value["min"], credit.value["max"]
    if everything < low:
        draft.review.append(ReviewItem("mismatch", f"the units listed give at most {everything} credits; the "
                                       f"published credit value is {credit.text!r}", credit.where, credit.text,
                                       at + ("figures", "credits")))
    elif set(codes) == forced and everything != low and low == high:
        draft.review.append(ReviewItem("mismatch", f"every unit is mandatory and they give {everything} credits; "
                                       f"the published credit value is {credit.text!r}", credit.where, credit.text,
                                       at + ("figures", "credits")))


def _awarding_body(facts: figures.QualificationFacts, body: Fact | list[str] | None, at: PathKey, draft: Draft
                   ) -> str | None:
    if facts.awarding_body:
        draft.provenance[at + ("awarding_body",)] = facts.awarding_body.where
        return facts.awarding_body.value
    if isinstance(body, figures.Fact):
        draft.provenance[at + ("awarding_body",)] = f"{body.where}: {body.text!r}"
        return body.value
    named = re.match(r"([A-Z]{2,8}) Level [1-8]\b", facts.title.value) if facts.title else None
    if named and facts.title and named.group(1) not in figures.NOT_BODIES:  # "OTHM Level 6 Diploma in ..."
        draft.provenance[at + ("awarding_body",)] = f"{facts.title.where}: the title {facts.title.value!r}"
        return named.group(1)
    found = f"several named: {', '.join(body)}" if isinstance(body, list) else "none named"
    draft.review.append(ReviewItem("missing-value", f"no awarding body found ({found})", facts.accreditation.where,
                                   "", at + ("awarding_body",)))
    return None


def _code(printed: str, codes: set[str]) -> str | None:
    """A footnote's short code ("359") as the one unit it can mean ("8000-359")."""
    if printed in codes:
        return printed
    matches = [c for c in codes if re.search(r"[-/ ]" + re.escape(printed) + r"$", c)]
    return matches[0] if len(matches) == 1 else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "qualification"
