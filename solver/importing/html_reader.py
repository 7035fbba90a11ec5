"""HTML specifications (a web page, or one saved from a browser): headings and paragraphs as lines, and every
<table> as rows of cells whatever its header cells are (<th>, or <td> with <strong>), via lxml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from solver.importing.bounds import MAX_HTML_ELEMENTS, too_large
from solver.importing.document import Block, Line, Row, Table, clean, not_importable

SKIPPED = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "button", "nav",
           "form", "select"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "caption", "blockquote", "pre", "figcaption",
          "div", "section", "article", "main", "header", "footer", "aside", "ul", "ol", "dl", "figure", "body",
          "address", "center", "td", "th", "tr", "tbody", "thead", "tfoot", "hr", "br", "table"}


def read_html(path: Path) -> list[Block]:
    try:
        import lxml.html
        from lxml import etree
    except ImportError:
        raise not_importable(path, "reading .html needs lxml: pip install 'pathways[import]'") from None
    data = path.read_bytes()  # within MAX_FILE_BYTES (read_document checked)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as err:  # an empty file or one lxml cannot read as HTML
        raise not_importable(path, f"expected an HTML page, could not read it ({err})") from None
    if sum(1 for _ in root.iter()) > MAX_HTML_ELEMENTS:
        raise too_large(path, f"more than {MAX_HTML_ELEMENTS:,} HTML elements")
    reader = _Reader()
    reader.walk(root)
    reader.flush(None)
    return reader.blocks


class _Reader:
    """Walks the page in document order, gathering inline text into lines and tables into rows."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.line = 0
        self.tables = 0

    def flush(self, element: Any) -> None:
        text = clean(" ".join(self.text))
        if text:
            self.blocks.append(Line(text, f"line {self.line}" if self.line else "page"))
        self.text = []
        self.line = getattr(element, "sourceline", None) or self.line

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in SKIPPED:
            self._tail(element)
            return
        if tag.lower() == "table" and not element.xpath(".//table"):
            self.flush(element)
            self._table(element)
            self.flush(None)
            self._tail(element)
            return
        # A table holding tables lays out the page (old sites, saved pages): its cells are read as content.
        block = tag.lower() in BLOCKS
        if block:
            self.flush(element)
        if element.text:
            self._add(element.text, element)
        for child in element:
            self.walk(child)
        if block:
            self.flush(None)
        self._tail(element)

    def _tail(self, element: Any) -> None:
        if element.tail:
            self._add(element.tail, element)

    def _add(self, text: str, element: Any) -> None:
        if text.strip():
            if not self.text:
                self.line = getattr(element, "sourceline", None) or self.line
            self.text.append(text)

    def _table(self, table: Any) -> None:  # an lxml element
        self.tables += 1
        rows: list[Row] = []
        for r, tr in enumerate(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"), start=1):
            cells = tuple(clean(" ".join(cell.itertext())) for cell in tr.xpath("./td | ./th"))
            where = f"table {self.tables}, row {r}" + (f" (line {tr.sourceline})" if tr.sourceline else "")
            rows.append(Row(cells, where))
        if rows:
            self.blocks.append(Table(tuple(rows), f"table {self.tables}"))
