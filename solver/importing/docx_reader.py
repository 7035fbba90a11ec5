"""Word (.docx) specifications: paragraphs, text boxes and real tables in body order, via python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from solver.importing.bounds import check_characters, check_zip
from solver.importing.document import Block, Line, Row, Table, clean, not_importable


def read_docx(path: Path) -> list[Block]:
    try:
        import docx
    except ImportError:
        raise not_importable(path, "reading .docx needs python-docx: pip install 'pathways[import]'") from None
    from docx.opc.exceptions import OpcError
    check_zip(path)  # before python-docx expands any part
    try:
        document = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as err:  # not a zip; a zip without Word parts
        raise not_importable(path, f"expected a Word .docx document, could not open it ({err})") from None
    blocks: list[Block] = []
    counts = {"paragraph": 0, "table": 0}
    _body(document.element.body, document, blocks, counts)
    check_characters(path, sum(len(b.text) if isinstance(b, Line) else sum(len(c) for r in b.rows for c in r.cells)
                               for b in blocks))
    return blocks


def _body(element: Any, document: Any, blocks: list[Block], counts: dict[str, int]) -> None:  # python-docx objects
    """Paragraphs and tables in body order, including those inside content controls (w:sdt), and the text of
    text boxes after the paragraph holding them: python-docx's own iteration passes over both."""
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            counts["paragraph"] += 1
            text = clean(Paragraph(child, document).text)
            if text:
                blocks.append(Line(text, f"paragraph {counts['paragraph']}"))
            for box in child.iter(qn("w:txbxContent")):
                for p in box.iterchildren(qn("w:p")):
                    boxed = clean(Paragraph(p, document).text)
                    if boxed:
                        blocks.append(Line(boxed, f"paragraph {counts['paragraph']}, text box"))
        elif child.tag == qn("w:tbl"):
            counts["table"] += 1
            blocks.append(_table(DocxTable(child, document), counts["table"]))
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                _body(content, document, blocks, counts)


def _table(item: Any, number: int) -> Table:
    rows = []
    for r, row in enumerate(item.rows, start=1):
        # A merged cell appears once per grid column it spans; keep it once.
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):
                continue
            seen.append(cell._tc)
            cells.append(clean(cell.text))
        rows.append(Row(tuple(cells), f"table {number}, row {r}"))
    return Table(tuple(rows), f"table {number}")
