"""Section `import`: every real document in ../shared/specifications imported once, with what it yields (units,
review items by kind, rules read, time); `python -m benchmarks.import_docs --methods` also measures which PDF
table method reads the unit tables (pdfplumber by ruling lines or by text, PyMuPDF by lines or by text)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/import_docs.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Result  # noqa: E402

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specifications"
SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
# A regulated unit number (H/504/7279), a training-package code (CPCCCA2002) or an awarding body's own (LRN 5.1).
CODE = re.compile(r"\b(?:[A-Z]/\d{3}/\d{4}|[A-Z]{4,7}\d{3,4}|LRN\s+\d\.\d{1,2})\b")


def documents(folder: Path = SPECS) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
                  and not p.name.upper().startswith("README"))


def import_one(path: Path) -> tuple[dict, float]:
    """What one document yields, and the seconds its import took."""
    from solver.importing.specification import import_specification

    started = time.perf_counter()
    draft = import_specification(path)
    seconds = time.perf_counter() - started
    doc = draft.document
    return {"document": str(path.relative_to(path.parents[1])), "units": len(doc["units"]),
            "qualifications": len(doc["qualifications"]),
            "groups": sum(len(q["groups"]) for q in doc["qualifications"]),
            "rules": sum(len(q["rules"]) for q in doc["qualifications"]),
            "review": dict(sorted(Counter(r.kind for r in draft.review).items()))}, seconds


def import_documents(folder: Path = SPECS) -> list[Result]:
    """One result per document (skipped, saying so, where the folder is absent)."""
    if not folder.is_dir():
        print(f"[import: skipped, {folder} is absent]", file=sys.stderr)
        return []
    results = []
    for path in documents(folder):
        found, seconds = import_one(path)
        review = ", ".join(f"{k} {n}" for k, n in found["review"].items()) or "none"
        note = f"{found['units']} units, {found['groups']} groups, {found['rules']} rules; review: {review}"
        results.append(Result("import", found["document"], "s", [seconds], note=note, extra=found))
    return results


def _codes(text: str) -> set[str]:
    return {" ".join(c.split()) for c in CODE.findall(text or "")}


def pdf_methods(path: Path) -> dict[str, tuple[int, int, float]]:
    """For each table method: (codes found in table cells, rows holding a code and a title in separate cells,
    seconds); "text" is the codes anywhere in the page text, the most any method can find."""
    import fitz  # PyMuPDF
    import pdfplumber

    out: dict[str, tuple[int, int, float]] = {}

    def tally(tables: list[list[list[str | None]]]) -> tuple[int, int]:
        codes: set[str] = set()
        rows = 0
        for table in tables:
            for row in table:
                cells = [c or "" for c in row]
                found = [i for i, c in enumerate(cells) if _codes(c)]
                codes |= {c for cell in cells for c in _codes(cell)}
                if found and any(re.search(r"[a-z]{3}", c) and not _codes(c) for c in cells):
                    rows += 1
        return len(codes), rows

    for name, settings in (("pdfplumber lines", {}), ("pdfplumber text", {"vertical_strategy": "text",
                                                                            "horizontal_strategy": "text"})):
        started = time.perf_counter()
        with pdfplumber.open(str(path)) as pdf:
            tables = [t.extract() for page in pdf.pages for t in page.find_tables(settings)]
        out[name] = (*tally(tables), time.perf_counter() - started)
    for name, strategy in (("PyMuPDF lines", "lines"), ("PyMuPDF text", "text")):
        started = time.perf_counter()
        with fitz.open(str(path)) as pdf:
            tables = [t.extract() for page in pdf for t in page.find_tables(strategy=strategy).tables]
        out[name] = (*tally(tables), time.perf_counter() - started)
    started = time.perf_counter()
    with pdfplumber.open(str(path)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    out["text"] = (len(_codes(text)), 0, time.perf_counter() - started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_docs", description=__doc__)
    parser.add_argument("--folder", type=Path, default=SPECS)
    parser.add_argument("--methods", action="store_true", help="measure the PDF table methods too")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"skipped: {args.folder} is absent")
        return 0
    print(f"{'document':<76} {'units':>5} {'rules':>5} {'time':>7}  review items by kind")
    for path in documents(args.folder):
        found, seconds = import_one(path)
        review = ", ".join(f"{k} {n}" for k, n in found["review"].items()) or "none"
        print(f"{found['document']:<76} {found['units']:>5} {found['rules']:>5} {seconds:>6.2f}s  {review}",
              flush=True)
    if args.methods:
        print("\nPDF table methods: codes in table cells / rows with code and title apart / seconds")
        for path in documents(args.folder):
            if path.suffix.lower() != ".pdf":
                continue
            cells = "  ".join(f"{name}: {codes} / {rows} / {seconds:.2f}s"
                              for name, (codes, rows, seconds) in pdf_methods(path).items())
            print(f"{path.name}: {cells}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
