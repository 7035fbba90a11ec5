"""The phrase grammar on real documents (../shared/specifications, never copied here): every sentence of each
document is given to it, and exactly the rules of combination are read, as we read them by hand; nothing else.

The sentences are cut from the PDF text by a plain rule (a line shorter than the page's lines ends a paragraph);
finding rule sentences in a document is the document side's work, tested there.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from solver.importing.phrases import Clause, parse_sentence

SHARED = Path(__file__).resolve().parents[2] / "shared" / "specifications"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"the real documents are not here ({SHARED})")
pdfplumber = pytest.importorskip("pdfplumber")

SUM, MANDATORY, OPTIONAL = "sum", ("MANDATORY",), ("OPTIONAL",)
EITHER = (("exactly", (("max", 2),)),)
ALL_OF_MANDATORY_PLUS_TWO = [Clause("mandatory", groups=MANDATORY), Clause(SUM, "units", min=2, groups=OPTIONAL)]
COMPLETE_ALL = [Clause("mandatory", groups=MANDATORY)]  # the heading "Mandatory Units (Complete All)"


def at_least(n: int) -> list[Clause]:
    """The heading "Optional Units – a minimum of N units must be completed"."""
    return [Clause(SUM, "units", min=n, groups=OPTIONAL)]


def page_texts(path: Path, pages: range | None) -> list[str]:
    if path.suffix == ".html":
        return [html.unescape(re.sub(r"<[^>]+>", "\n", path.read_text(encoding="utf-8")))]
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for i, p in enumerate(pdf.pages) if pages is None or i in pages]


def sentences(path: Path, pages: range | None = None) -> list[str]:
    out = []
    for page in page_texts(path, pages):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        width = max((len(line) for line in lines), default=0)
        text = ""
        for line, after in zip(lines, [*lines[1:], ""]):
            ends = len(line) < 0.8 * width and not line.endswith(",") and after[:1].isupper()
            text += line + ("\n" if ends else " ")
        out += [s for paragraph in text.split("\n") for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", paragraph)]
    return out


@pytest.mark.parametrize(("name", "pages", "expected"), [
    # "... the four Mandatory units, plus the Mandatory/Optional Units from one of the pathways": pathways
    # not listed, so not read (the document side lists it for review); its group headings are.
    ("proqual/Level-3-NVQ-Diploma-in-Construction-Contracting-Operations-.pdf", None, [COMPLETE_ALL, at_least(3)]),
    ("proqual/Level-3-NVQ-Diploma-in-Occupational-Work-Supervision-Construction.pdf", None,
     [ALL_OF_MANDATORY_PLUS_TWO, COMPLETE_ALL, at_least(2)]),
    ("proqual/Level-6-NVQ-Diploma-in-Construction-Contracting-Operations-Management.pdf", None,
     [COMPLETE_ALL, at_least(4)]),
    ("proqual/Level-6-NVQ-Diploma-in-Occupational-Health-and-Safety-Practice.pdf", None,
     [[Clause("mandatory", groups=MANDATORY)]]),
    ("proqual/Level-7-NVQ-Diploma-in-Construction-Senior-Management.pdf", None,
     [[Clause("mandatory", groups=("A",), count=4), Clause(SUM, "units", min=6, groups=("B",)),
       Clause("groups", "units", min=2, groups=("B",), reading="at-least", alternatives=EITHER)],
      # the heading "Group B Optional Units" printed as the start of the same rule
      [Clause(SUM, "units", min=6, groups=("B",)),
       Clause("groups", "units", min=2, groups=("B",), reading="at-least", alternatives=EITHER)]]),
    ("othm/othm-l6-diploma-ohs-qualification-structure.html", None,
     [[Clause("mandatory", groups=MANDATORY, count=7), Clause(SUM, "credits", min=60)]]),
    ("lrn/LRN Level 5 Business and Enterprise Specification.pdf", range(16, 20),  # pages 17 to 20
     [[Clause(SUM, "credits", min=120)],
      [Clause("mandatory", groups=MANDATORY, count=4), Clause(SUM, "units", min=4, max=4, groups=OPTIONAL)],
      [Clause(SUM, "units", min=4, max=4, groups=OPTIONAL)],  # "Optional Units (Candidates must complete 4 ...)"
      [Clause(SUM, "credits", min=240)],
      [Clause("mandatory", groups=MANDATORY, count=8), Clause(SUM, "units", min=8, max=8, groups=OPTIONAL)]]),
    ("training-gov-au/CPC30220-Certificate-III-in-Carpentry.pdf", range(3, 4),  # page 4, the course structure
     [[Clause(SUM, "units", min=34, max=34), Clause("mandatory", groups=("CORE",), count=27),
       Clause(SUM, "units", min=7, max=7, groups=("ELECTIVE",))]]),
    ("training-gov-au/CPC31320-Certificate-III-in-Wall-and-Floor-Tiling.pdf", range(3, 4),
     [[Clause(SUM, "units", min=20, max=20), Clause("mandatory", groups=("CORE",), count=17),
       Clause(SUM, "units", min=3, max=3, groups=("ELECTIVE",))]]),
])
def test_the_rules_of_each_document_and_nothing_else(name, pages, expected):
    read = [found for s in sentences(SHARED / name, pages) if (found := parse_sentence(s))]
    assert read == expected


@pytest.mark.parametrize(("name", "pages", "expected"), [
    # The words of group headings, read for the group they head ("S")
    ("proqual/Level-3-NVQ-Diploma-in-Construction-Contracting-Operations-.pdf", None,
     [[Clause("mandatory", groups=("S",))], [Clause(SUM, "units", min=3, groups=("S",))]]),
    ("proqual/Level-6-NVQ-Diploma-in-Construction-Contracting-Operations-Management.pdf", None,
     [[Clause("mandatory", groups=("S",))], [Clause(SUM, "units", min=4, groups=("S",))]]),
    ("proqual/Level-7-NVQ-Diploma-in-Construction-Senior-Management.pdf", None,
     [[Clause(SUM, "units", min=6, groups=("B",)),
       Clause("groups", "units", min=2, groups=("B",), reading="at-least", alternatives=EITHER)]]),
    ("lrn/LRN Level 5 Business and Enterprise Specification.pdf", range(16, 20),
     [[Clause(SUM, "units", min=4, max=4, groups=OPTIONAL)],
      [Clause(SUM, "units", min=8, max=8, groups=OPTIONAL),
       Clause("groups", "units", min=2, max=2, groups=OPTIONAL, block=4)]]),
])
def test_the_words_of_group_headings(name, pages, expected):
    heading = re.compile(r"^(?:(?:Optional|Mandatory) Units|Group [A-Z]\d? [A-Za-z ]*?Units)\s*[-–:]?\s*(.+)$")
    read = []
    for page in page_texts(SHARED / name, pages):
        for line in page.splitlines():
            if (m := heading.match(line.strip())) and m.group(1).strip("() "):
                read.append(parse_sentence(m.group(1).strip("() "), scope=("S",)))
    assert read == expected
