"""Render a specification's neutral blocks as a Word document or PDF with real tables, for import tests."""

from __future__ import annotations

from pathlib import Path

from solver.importing.document import Block, Line


def write_docx(blocks: list[Block], path: Path) -> Path:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, Line):
            document.add_paragraph(block.text)
            continue
        width = max(len(r.cells) for r in block.rows)
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for row in block.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row.cells):
                cell.text = text
    document.save(str(path))
    return path


def write_pdf(blocks: list[Block], path: Path, repeat_headings: bool = True) -> Path:
    """A4 portrait, ruled tables; a long table runs on over the page break as a second table."""
    from fpdf import FPDF
    from fpdf.enums import TableHeadingsDisplay

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    for block in blocks:
        if isinstance(block, Line):
            pdf.multi_cell(0, 5, _latin(block.text), new_x="LMARGIN", new_y="NEXT")
            continue
        width = max(len(r.cells) for r in block.rows)
        widths = (25, 95, 15, 15, 15)[:width] if width == 5 else None
        headings = TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE if repeat_headings else TableHeadingsDisplay.NONE
        with pdf.table(col_widths=widths, first_row_as_headings=width == 5, repeat_headings=headings,
                       text_align="LEFT") as table:
            for row in block.rows:
                cells = table.row()
                for text in list(row.cells) + [""] * (width - len(row.cells)):
                    cells.cell(_latin(text))
        pdf.ln(3)
    pdf.output(str(path))
    return path


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; the seeds' curly quotes and dashes are mapped to plain ones.
    table = {"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u201c": '"', "\u201d": '"', "\u00b7": "-"}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")
