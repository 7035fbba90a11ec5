"""The sentences of a document that state rules of combination: every sentence under a "Rules of Combination"
heading, and any sentence elsewhere that says what must be completed ("To achieve the qualification, candidates
must complete ..."), with lines wrapped by the page joined back into sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.importing.document import Block, Line, Table
from solver.importing.figures import ANY_TITLE
from solver.importing.tables import group_of

RULES_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\s+)?rules? of combination(?: for .*)?\s*:?$", re.IGNORECASE)
AMOUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|all|both)"
CUES = [re.compile(p, re.IGNORECASE) for p in (
    r"\bto (?:achieve|gain|complete|be awarded|attain)\b[^.]*\b(?:qualification|award|certificate|diploma)\b[^.]*"
    r"\b(?:must|need|required|complete|achieve|take)\b",
    r"\b(?:must|required to|need to|needs to|have to|has to|will need to)\s+(?:\w+\s+)?(?:complete|achieve|take|"
    r"undertake|select|choose|gain|pass|attain|obtain)\b[^.]{0,60}\b(?:units?|credits?|modules?)\b",
    r"\b(?:a total of|a minimum of|minimum of|at least|a maximum of|maximum of|up to)\s+" + AMOUNT
    + r"\s+(?:\w+\s+)?(?:units?|credits?|modules?)\b",
    r"\b\d+[- ]credit qualification\b", r"\b\w+-unit qualification\b",
    r"\bconsists? of\s+" + AMOUNT + r"\s+(?:\w+\s+)?units?\b",
    r"\ball (?:the )?units (?:are|is) (?:mandatory|compulsory)\b",
    r"\bunits? (?:must|should|are to) be (?:completed|taken|achieved|selected)\b",
)]
# A dated footnote ("learners registered from 1 July 2020 must complete ... as follows") is a replacement,
# read with the codes under it by the combination reader.
DATED = re.compile(r"\bregistered (?:from|after|on or after|before)\b", re.IGNORECASE)
TITLE_LINE = re.compile(r"(?:[A-Z]{2,6} )?(?:" + ANY_TITLE.pattern + r")", re.IGNORECASE)
PAGE_FOOTER = re.compile(r"^(?:\d+\s*\|\s*p\s*age|page \d+(?: of \d+)?|\d+)$", re.IGNORECASE)
LABEL = re.compile(r"^[A-Z][A-Z &/]{3,40}:\s+(?=\S)")  # "COURSE STRUCTURE: A total of ..."
BULLET = re.compile(r"^[\uf0b7\uf0a7•▪◦o\-–*]\s+")


@dataclass(frozen=True)
class Sentence:
    text: str
    where: str
    index: int  # the block it starts in, for placing it within a qualification
    in_section: bool  # under a "Rules of Combination" heading


def paragraphs(blocks: tuple[Block, ...]) -> list[tuple[str, str, int]]:
    """(text, where, block index): running lines joined where the page wrapped them, and each table cell
    that holds prose (a framed box of text) as its own paragraph."""
    out: list[tuple[str, str, int]] = []
    text, where, start = "", "", -1
    running = _running_lines(blocks)
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            if text:
                out.append((text, where, start))
                text = ""
            for row in block.rows:
                filled = [c for c in row.cells if c.strip()]
                if len(filled) == 1 and len(filled[0]) > 60:
                    out.append((filled[0], row.where, i))
            continue
        line = block.text.strip()
        if PAGE_FOOTER.match(line) or (_shape(line) in running and not RULES_HEADING.match(line)):
            continue
        wrapped = text and not re.search(r"[.:;!?]$", text) and (line[:1].islower() or line[:1].isdigit()
                                                                   or line[:1] in "(" or len(text) > 60)
        listed = text and BULLET.match(line) and re.search(r"(?::|\bplus|\band|\bor)$", text)
        if listed or (wrapped and not BULLET.match(line)):  # a list introduced by "...undertake:" is one rule
            text = f"{text} {BULLET.sub('', line)}"
        else:
            if text:
                out.append((text, where, start))
            text, where, start = line, block.where, i
    if text:
        out.append((text, where, start))
    return out


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running_lines(blocks: tuple[Block, ...]) -> set[str]:
    """Lines printed on three pages or more, page numbers aside: running headers and footers, never sentences."""
    pages: dict[str, set[str]] = {}
    for block in blocks:
        if isinstance(block, Line) and block.where.startswith("page "):
            pages.setdefault(_shape(block.text), set()).add(block.where.split(",")[0])
    return {shape for shape, seen in pages.items() if len(seen) >= 3}


def split(text: str) -> list[str]:
    """Sentences of a paragraph (a stop before a capital; "e.g." and "i.e." do not end one)."""
    text = LABEL.sub("", text)
    parts = re.split(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Z\"“])", text)
    return [LABEL.sub("", p.strip()) for p in parts if p.strip()]


def rule_sentences(blocks: tuple[Block, ...], skip: set[str] = frozenset()) -> list[Sentence]:  # type: ignore[assignment]
    """Every sentence that states a rule, in order; `skip` holds the places already read as rules."""
    out: list[Sentence] = []
    section = False
    for text, where, index in paragraphs(blocks):
        if RULES_HEADING.match(text):
            section = True
            continue
        if section and _ends_section(text, blocks[index]):
            section = False
        if where in skip or group_of(Line(text, where)) or TITLE_LINE.fullmatch(text):
            continue  # a group heading's own words ("Optional Units (one must be completed)") are read with it
        for sentence in split(text):
            if section or (any(cue.search(sentence) for cue in CUES) and not DATED.search(sentence)):
                out.append(Sentence(BULLET.sub("", sentence), where, index, section))
    return out


def _ends_section(text: str, block: Block) -> bool:
    """A heading in capitals, or a table of prose, ends the sentences under "Rules of Combination"."""
    if isinstance(block, Table) or group_of(Line(text, "")) or re.match(r"^[A-Z]\w*(?: \w+){0,3}:\s", text):
        return True
    words = text.split()
    return len(words) >= 2 and text.upper() == text and any(ch.isalpha() for ch in text) and len(text) < 60
