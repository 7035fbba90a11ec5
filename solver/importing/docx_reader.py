"""Word (.docx) specifications: paragraphs and real tables in body order, via python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

from solver.importing.document import Block, Line, Row, Table, clean, not_importable


def read_docx(path: Path) -> list[Block]:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError:
        raise not_importable(path, "reading .docx needs python-docx: pip install 'pathways[import]'") from None
    from docx.opc.exceptions import OpcError
    try:
        document = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as err:  # not a zip; a zip without Word parts
        raise not_importable(path, f"expected a Word .docx document, could not open it ({err})") from None
    blocks: list[Block] = []
    paragraphs = tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            paragraphs += 1
            text = clean(item.text)
            if text:
                blocks.append(Line(text, f"paragraph {paragraphs}"))
        elif isinstance(item, DocxTable):
            tables += 1
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
                rows.append(Row(tuple(cells), f"table {tables}, row {r}"))
            blocks.append(Table(tuple(rows), f"table {tables}"))
    return blocks
