"""HTML report pages -> Document.

trafilatura decides what the page's main text is (it drops the portal's navigation,
breadcrumbs and footers); the tables come from the DOM itself with rowspan/colspan
expanded, because trafilatura's text flattens them. The DOM is walked once, in document
order, so text lines and tables keep their places; a DOM line is kept when trafilatura's
main text contains it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
import trafilatura
from lxml import etree

from pipelines.cells import is_number
from pipelines.document import Document, TableBlock
from pipelines.textdoc import add_line
from pipelines.sniff import decode_text

_WS = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol section article blockquote pre tr br hr center dd dt dl".split()
)
_SKIP_TAGS = frozenset("script style noscript iframe select button form template head".split())
_TITLE_META = ("ArticleTitle", "title", "og:title")


def _squash(text: str) -> str:
    return _WS.sub("", text or "")


def expand_table(table: etree._Element) -> tuple[list[list[str]], bool]:
    """The table's grid with merged cells repeated; True when every row has the same width."""
    grid: dict[tuple[int, int], str] = {}
    widths: dict[int, int] = {}
    n_rows = 0
    for r, tr in enumerate(table.iter("tr")):
        n_rows, c = r + 1, 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _WS.sub(" ", cell.text_content()).strip()
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    # a label repeats over its span; a figure counts once (in its first column)
                    grid.setdefault((r + dr, c + dc), "" if dc and is_number(text) else text)
                widths[r + dr] = max(widths.get(r + dr, 0), c + colspan)
            c += colspan
    row_widths = [widths.get(r, 0) for r in range(n_rows)]
    n_cols = max(row_widths, default=0)
    rows = [[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)]
    return rows, len(set(row_widths)) <= 1


def _span(cell: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 200))
    except ValueError:
        return 1


def _is_leaf_table(el: etree._Element) -> bool:
    return el.tag == "table" and el.find(".//table") is None


def _walk(root: etree._Element) -> Iterator[str | etree._Element]:
    """Text lines (str) and leaf tables (elements) in document order."""
    buffer: list[str] = []

    def flush() -> Iterator[str]:
        line = _WS.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        if line:
            yield line

    def visit(el: etree._Element) -> Iterator[str | etree._Element]:
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            if isinstance(el.tag, str) or el.tag is etree.Comment:
                buffer.append(el.tail or "")
            return
        if _is_leaf_table(el):
            yield from flush()
            yield el
            buffer.append(el.tail or "")
            return
        block = el.tag in _BLOCK_TAGS or el.tag in ("td", "th", "table")
        if block:
            yield from flush()
        buffer.append(el.text or "")
        for child in el:
            yield from visit(child)
        if block:
            yield from flush()
        buffer.append(el.tail or "")

    yield from visit(root)
    yield from flush()


def _title_hint(tree: etree._Element) -> str | None:
    candidates = [m.get("content", "") for m in tree.iter("meta") if m.get("name") in _TITLE_META
                  or m.get("property") in _TITLE_META]
    candidates += [h.text_content() for tag in ("h1", "h2", "h3") for h in tree.iter(tag)]
    candidates += [t.text_content() for t in tree.iter("title")]
    for text in candidates:
        for part in re.split(r"\s*[_|｜]\s*|\s+-\s+", text or ""):
            if "报告" in part:
                return part.strip()
    return None


def _main_text(html: str) -> str:
    text = trafilatura.extract(html, include_tables=False, include_comments=False,
                               favor_recall=True, deduplicate=False) or ""
    return _squash(text)


def _container(tree: etree._Element, main: str) -> etree._Element:
    """The deepest element holding the whole main text (the article body), else <body>."""
    body = tree.find("body")
    best = body if body is not None else tree
    if len(main) < 20:
        return best
    head, tail = main[:15], main[-15:]
    for el in best.iter("div", "article", "section", "td", "main"):
        text = _squash(el.text_content())
        if head in text and tail in text:
            best = el  # iter() is depth-first: later hits sit deeper inside earlier ones
    return best


def html_to_document(data: bytes) -> Document:
    html = decode_text(data)
    tree = lxml.html.fromstring(html)
    main = _main_text(html)
    doc = Document(format="html", title_hint=_title_hint(tree))
    for item in _walk(_container(tree, main)):
        if isinstance(item, str):
            if not main or _in_main(item, main):  # a pasted "行政处罚 5" line is a row too
                add_line(doc, item, line_no=len(doc.blocks) + 1)
            continue
        rows, rectangular = expand_table(item)
        if any(any(cell for cell in row) for row in rows):
            index = sum(isinstance(b, TableBlock) for b in doc.blocks)
            doc.blocks.append(TableBlock(rows=rows, index=index, exact_columns=rectangular))
    return doc


def _in_main(line: str, main: str) -> bool:
    squashed = _squash(line)
    return bool(squashed) and squashed in main
