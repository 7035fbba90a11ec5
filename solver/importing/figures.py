"""A qualification's identity and published figures, read from its details table or "Key: value" lines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from solver.importing.document import Block, Line, Table
from solver.importing.tables import group_of

KEYS = {  # figure -> pattern on the lower-cased key, first match wins (average GLH before GLH)
    "accreditation": r".*(accreditation|qualification (number|no)|\bqan\b|ofqual).*",
    "title": r"qualification title|title",
    "level": r"(qualification )?level",
    "awarding_body": r"awarding (body|organisation)",
    "operational_start": r".*operational start.*|start date",
    "credits": r"(total )?credit value|credits|total credits",
    "induction_hours": r"induction.*",
    "tutorial_hours": r"tutorial.*",
    "average_glh": r"average (guided learning hours|glh).*",
    "glh": r"(total )?(guided learning hours|glh).*",
    "tqt": r".*total qualification time.*|tqt",
    "duration": r"duration",
    "rules": r"rules of combination",
}
TITLE = re.compile(r"^.{0,60}\bLevel [1-8]\b.*\b(Award|Certificate|Diploma)\b[^.:]*$")
# A title as printed on a cover or in a heading, in any case, perhaps after a label ("QUALIFICATION
# SPECIFICATION - LRN LEVEL 3 CERTIFICATE IN ..."); Australian titles number their level ("Certificate III").
ANY_TITLE = re.compile(r"(?:\b[A-Z]{2,6}\s+)?\bLevel\s+[1-8]\b.{0,80}?\b(?:Award|Certificate|Diploma)\b[^.:]*$"
                       r"|\b(?:Certificate\s+(?:I|II|III|IV|V|VI)|(?:Advanced |Graduate )?Diploma)\s+(?:in|of)\s+"
                       r"[^.:]{3,80}$", re.IGNORECASE)
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
SMALL = {"in", "and", "of", "for", "the", "to", "a", "an", "with", "on"}
ACCREDITATION = re.compile(r"\b\d{3}/\d{4}/[0-9A-Z]\b")
# Kinds of qualification and frameworks, which a text also calls "... qualifications"; not awarding bodies.
NOT_BODIES = {"NVQ", "SVQ", "VRQ", "VQ", "GCSE", "ESOL", "GCE", "GNVQ", "ICT", "HND", "HNC", "IELTS", "CSCS",
              "BTEC", "RQF", "QCF", "NQF", "SCQF", "CQFW", "EQF", "GLH", "TQT",
              "UK", "EU"}
MONTHS = {m: i for i, m in enumerate(("january february march april may june july august september october "
                                      "november december").split(), start=1)}


@dataclass(frozen=True)
class Fact:
    value: Any
    where: str
    text: str  # what the specification printed


@dataclass
class QualificationFacts:
    accreditation: Fact
    title: Fact | None = None
    level: Fact | None = None
    awarding_body: Fact | None = None
    figures: dict[str, Fact] = field(default_factory=dict)
    sentences: list[Fact] = field(default_factory=list)  # the rules of combination, one sentence each
    problems: list[Fact] = field(default_factory=list)  # value: what is wrong with `text`


def key_values(blocks: tuple[Block, ...]) -> list[tuple[str, str, str, int]]:
    """(figure, value, where, block index) for every recognised key in 2-cell rows and "Key: value" lines.
    The paragraphs under a "Rules of Combination" heading are read by rule_sentences, lines joined."""
    found = []
    for index, block in enumerate(blocks):
        pairs = [(r.cells[0], r.cells[1], r.where) for r in block.rows if len(r.cells) == 2] \
            if isinstance(block, Table) else []
        if isinstance(block, Line):
            key, colon, value = block.text.partition(":")
            pairs = [(key, value, block.where)] if colon else []
        for key, value, where in pairs:
            figure = figure_of(key)
            if figure and value.strip():
                found.append((figure, value.strip(), where, index))
    return found


def _heading(text: str) -> bool:
    """A line that ends the paragraphs of rules: a group heading or a qualification title."""
    return bool(TITLE.match(text)) or group_of(Line(text, "")) is not None


def figure_of(key: str) -> str | None:
    text = " ".join(key.lower().replace("*", "").split()).rstrip(": ")
    return next((name for name, pattern in KEYS.items() if re.fullmatch(pattern, text)), None)


def printed_title(lines: list[Line], first: bool = False) -> Fact | None:
    """A qualification title printed over one to three lines (a cover wraps it), the last in `lines` (the
    one starting on the first line, with `first`): as printed, capitals made title case."""
    for i in range(len(lines) - 1, -1, -1) if not first else (0,):
        for n in (3, 2, 1):
            part = lines[i:i + n]
            if len(part) < n or any(":" in line.text or len(line.text) > 60 or figure_of(line.text)
                                    for line in part[1:]):
                continue
            text = " ".join(line.text for line in part)
            m = ANY_TITLE.search(text)
            if m and n > 1 and m.start() >= len(part[0].text):
                continue  # the title starts on a later line: found there, not joined to a line above it
            if m and len(text) < 160:
                before = text[:m.start()]
                # "Northway Awards Level 3 ..." is the title; "QUALIFICATION SPECIFICATION - LRN ..." is a label.
                label = re.search(r"[:–]|\s-\s", before) or (before.isupper() and not m.group(0).isupper())
                title = text if len(before) < 40 and not label else m.group(0)
                return Fact(_title_case(title.strip(" -–")), part[0].where, text)
    return None


def _title_case(text: str) -> str:
    if text.upper() != text:
        return text
    words = []
    for i, word in enumerate(text.split()):
        low = word.lower()
        keep = (i == 0 and len(word) <= 4 and word.isalpha()) or word.startswith("(") or word in ROMAN \
            or any(ch.isdigit() for ch in word)
        words.append(word if keep else low if low in SMALL and i else low.capitalize())
    return " ".join(words)


def level_of(title: str) -> int | None:
    m = re.search(r"\bLevel ([1-8])\b", title, re.IGNORECASE)
    if m:
        return int(m.group(1))
    m = re.search(r"\bCertificate (I|II|III|IV|V|VI)\b", title)
    return ROMAN[m.group(1)] if m else None


# Figures stated in a sentence rather than as "Key: value": (figure, pattern whose group 1 is the number).
PROSE = [(figure, re.compile(pattern, re.IGNORECASE)) for figure, pattern in (
    ("credits", r"\b(?:has|with|carries) a (?:total )?credit value of (\d{1,3})\b"),
    ("credits", r"\b(?:a combined total of|a total of) (\d{1,3}) credits\b"),
    ("tqt", r"\b(\d{2,4}) hours (?:of )?total qualification time\b"),
    ("glh", r"\b(\d{2,4}) guided learning hours\b"),
)]


def prose_figures(facts: QualificationFacts, blocks: tuple[Block, ...]) -> None:
    """Figures a one-qualification document states only in its sentences ("The qualification has a credit value
    of 20."), where no "Key: value" gives them."""
    for block in blocks:
        if not isinstance(block, Line):
            continue
        for figure, pattern in PROSE:
            m = pattern.search(block.text)
            if m and figure not in facts.figures:
                value, _ = parse_figure(figure, m.group(1))
                facts.figures[figure] = Fact(value, block.where, m.group(0))


def sections(blocks: tuple[Block, ...]) -> list[QualificationFacts]:
    """One QualificationFacts per accreditation number found beside an accreditation key; a document that
    prints none is one qualification whose accreditation is None, titled as its first title line."""
    pairs = key_values(blocks)
    starts = [i for i, (figure, value, _, _) in enumerate(pairs) if figure == "accreditation"
              and ACCREDITATION.search(value)]
    if not starts:
        lines = [b for b in blocks[:80] if isinstance(b, Line)]
        title = next((t for t in (printed_title(lines[i:i + 3], first=True) for i in range(len(lines))) if t), None)
        where = title.where if title else (lines[0].where if lines else "line 1")
        facts = QualificationFacts(Fact(None, where, ""), title=title)
        for figure, text, at, _ in pairs:
            _record(facts, figure, text, at)
        _level_from_title(facts)
        prose_figures(facts, blocks)
        return [facts]
    out: list[QualificationFacts] = []
    for n, first in enumerate(starts):
        _, value, where, index = pairs[first]
        facts = QualificationFacts(Fact(ACCREDITATION.search(value).group(0), where, value))  # type: ignore[union-attr]
        previous = pairs[starts[n - 1]][3] if n else -1
        # The title just above the number, perhaps wrapped over lines or in capitals; else the last one
        # printed since the qualification before.
        above = [b for b in blocks[max(previous + 1, index - 4):index] if isinstance(b, Line)]
        titles = [b for b in blocks[previous + 1:index] if isinstance(b, Line) and TITLE.match(b.text)]
        facts.title = printed_title(above) or (Fact(titles[-1].text, titles[-1].where, titles[-1].text)
                                              if titles else None)
        end = starts[n + 1] if n + 1 < len(starts) else len(pairs)
        for figure, text, at, _ in pairs[first + 1:end]:
            _record(facts, figure, text, at)
        _level_from_title(facts)
        out.append(facts)
    if len(out) == 1:  # with several qualifications, a sentence's figure could be any one's
        prose_figures(out[0], blocks)
    return out


def _level_from_title(facts: QualificationFacts) -> None:
    if facts.level is None and facts.title is not None:
        level = level_of(facts.title.value)
        if level is not None:
            facts.level = Fact(level, facts.title.where, facts.title.text)


def _record(facts: QualificationFacts, figure: str, text: str, where: str) -> None:
    if figure == "rules":
        facts.sentences += [Fact(s, where, s) for s in split_sentences(text)]
    elif figure in ("title", "awarding_body"):
        setattr(facts, figure, Fact(text, where, text))
    elif figure == "level":
        level = re.fullmatch(r"(?:level\s*)?([0-8])", text.strip(), re.IGNORECASE)
        if level:
            facts.level = Fact(int(level.group(1)), where, text)
        else:
            facts.problems.append(Fact(f"level not understood: {text!r}", where, text))
    elif figure in facts.figures:
        facts.problems.append(Fact(f"{figure} given twice: {facts.figures[figure].text!r} and {text!r}", where, text))
    else:
        value, problem = parse_figure(figure, text)
        facts.figures[figure] = Fact(value, where, text)
        if problem:
            facts.problems.append(Fact(f"{figure}: {problem}", where, text))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", text) if s.strip()]


def parse_figure(figure: str, text: str) -> tuple[Any, str | None]:
    """(value, problem): a value of None with a problem when the text gives no number or date."""
    low = text.lower()
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", low)]
    if figure == "credits":
        if len(numbers) == 1:
            return {"min": int(numbers[0]), "max": int(numbers[0])}, None
        if len(numbers) == 2 and re.search(r"min.*max|\d\s*(-|–|to)\s*\d", low):
            return {"min": int(numbers[0]), "max": int(numbers[1])}, None
        return None, "expected a credit value or range"
    if figure == "operational_start":
        day = parse_date(text)
        return (day, None) if day else (None, "expected a date")
    if figure == "duration":
        span = re.search(r"\d+\s+(?:years?|months?|weeks?)", low)
        return (span.group(0), None) if span else (text, None)
    if len(numbers) != 1:
        return None, "no figure published" if not numbers else "several figures given, expected one"
    number = numbers[0]
    if figure in ("glh", "tqt"):
        return (int(number), None) if number.is_integer() else (None, "expected whole hours")
    return (int(number) if number.is_integer() else number), None


def parse_date(text: str) -> dt.date | None:
    """01/09/2012 (day first, as UK specifications print it), 1 September 2012, 2012-09-01."""
    text = text.strip().lower()
    try:
        if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{4})", text):
            return dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1))) if m.group(2) in MONTHS else None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def awarding_body(blocks: tuple[Block, ...]) -> Fact | None | list[str]:
    """The one acronym the text names as owning its qualifications ("ILM qualifications", "the ILM website");
    a list of candidates when several are named, None when none is."""
    found: dict[str, Fact] = {}
    for block in blocks:
        texts = [(block.text, block.where)] if isinstance(block, Line) else \
            [(c, r.where) for r in block.rows for c in r.cells]
        for text, where in texts:
            for m in re.finditer(r"\b([A-Z]{2,8})(?:['’]s)? (?:qualifications?|website|recommended)\b", text):
                if m.group(1) not in NOT_BODIES:
                    found.setdefault(m.group(1), Fact(m.group(1), where, m.group(0)))
    if len(found) > 1:
        return sorted(found)
    return next(iter(found.values()), None)
