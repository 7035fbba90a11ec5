"""PDF specifications: text lines and ruled tables page by page, in reading order, via pdfplumber.

Chosen by measuring on the seed PDFs the tests build and on the ten real PDFs in ../shared/specifications
(benchmarks/README.md, section import): pdfplumber by ruling lines found every unit code the documents print in
a table, code and title in separate cells, and was the fastest; PyMuPDF's find_tables took 3-6 times as long and
missed the LRN unit blocks; both text-alignment strategies merged rows or columns. Tables printed without ruling
lines are lifted back from the text lines by line_tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from solver.importing.bounds import MAX_PAGES, Deadline, check_characters, too_large
from solver.importing.document import Block, Line, Row, Table, clean, not_importable


def read_pdf(path: Path) -> list[Block]:
    try:
        import pdfplumber
        from pdfplumber.utils.exceptions import PdfminerException
    except ImportError:
        raise not_importable(path, "reading .pdf needs pdfplumber: pip install 'pathways[import]'") from None
    blocks: list[Block] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = len(pdf.pages)
            if pages > MAX_PAGES:
                raise too_large(path, f"{pages} pages; at most {MAX_PAGES}")
            deadline, characters = Deadline(path), 0
            for number, page in enumerate(pdf.pages, start=1):
                characters += len(page.chars)
                check_characters(path, characters)
                blocks += _page_blocks(page, number)
                page.close()  # pdfplumber keeps each page's objects until closed
                deadline.check(f"page {number} of {pages}")
    except PdfminerException as err:  # pdfplumber wraps pdfminer's errors for damaged files and non-PDFs
        raise not_importable(path, f"expected a PDF document, could not read it ({err})") from None
    return blocks


def _page_blocks(page: Any, number: int) -> list[Block]:  # a pdfplumber page
    """Tables found from their ruling lines; text lines outside every table; both sorted by position. A ruled
    box of one column (a framed paragraph, a contact box) is no table: its lines are read as running text, so
    sentences wrapped inside it join up again."""
    found = page.find_tables()
    placed: list[tuple[float, Block]] = []
    boxes = []
    for t, table in enumerate(found, start=1):
        cells = table.extract()
        if all(sum(1 for c in row if c and c.strip()) <= 1 for row in cells):
            continue
        rows = tuple(Row(tuple(clean(c or "") for c in row), f"page {number}, table {t}, row {r}")
                     for r, row in enumerate(cells, start=1))
        placed.append((table.bbox[1], Table(rows, f"page {number}, table {t}")))
        boxes.append(table.bbox)
    n = 0
    for line in page.extract_text_lines():
        middle = (line["top"] + line["bottom"]) / 2
        centre = (line["x0"] + line["x1"]) / 2
        if any(top <= middle <= bottom and left <= centre <= right for left, top, right, bottom in boxes):
            continue
        n += 1
        text = clean(line["text"])
        if text:
            placed.append((line["top"], Line(text, f"page {number}, line {n}")))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]
