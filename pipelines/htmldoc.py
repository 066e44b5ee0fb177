"""HTML report pages -> Document.

trafilatura decides what the page's main text is (it drops the portal's navigation,
breadcrumbs and footers); the tables come from the DOM itself with rowspan/colspan
expanded, because trafilatura's text flattens them. The DOM is walked once, in document
order, so text lines and tables keep their places; a DOM line is kept when trafilatura's
main text contains it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import lxml.html
import trafilatura
import trafilatura.settings
from lxml import etree
from trafilatura.utils import is_dubious_html, repair_faulty_html

from pipelines.cells import is_number
from pipelines.document import Document, TableBlock, squash
from pipelines.errors import ExtractionError
from pipelines.textdoc import add_line
from pipelines.sniff import decode_text

_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol section article blockquote pre tr br hr center dd dt dl".split()
)
_CELL_TAGS = ("td", "th")
_SKIP_TAGS = frozenset("script style noscript iframe select button form template head".split())
_TITLE_META = ("ArticleTitle", "title", "og:title")


def _single(text: str) -> str:
    """White space runs as one space, ends trimmed: re.sub(r"\\s+", " ", text).strip(), faster
    (document.squash)."""
    return " ".join(text.split())


def expand_table(table: etree._Element) -> tuple[list[list[str]], bool]:
    """The table's grid with merged cells repeated; True when every row has the same width.

    Grid columns that only exist because of a span (no cell starts there, or every cell that
    starts there is empty and a wider cell spans it with its neighbour, as Word exports a
    header of colspan=2 over one logical column) are dropped, so that each figure column is
    one grid column.
    """
    if not _HAS_SPANS(table):
        return _plain_grid(table)
    spans = _spanned_rows(table)
    check_size(spans)
    grid: dict[tuple[int, int], str] = {}
    widths: dict[int, int] = {}
    starts: dict[int, list[str]] = {}  # column -> texts of the cells that start there
    spanned: set[int] = set()  # columns a multi-column cell covers beyond its first
    for r, cells in enumerate(spans):
        c = 0
        for cell, rowspan, colspan in cells:
            while (r, c) in grid:
                c += 1
            text = " ".join(_text(cell).split())
            starts.setdefault(c, []).append(text)
            if rowspan == colspan == 1:  # most cells: (r, c) is free, the loops below in short
                grid[r, c] = text
                widths[r] = max(widths.get(r, 0), c + 1)
                c += 1
                continue
            spanned.update(range(c + 1, c + colspan))
            # a label repeats over its span; a figure counts once (in its first column)
            beyond = "" if colspan > 1 and is_number(text) else text
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), beyond if dc else text)
                widths[r + dr] = max(widths.get(r + dr, 0), c + colspan)
            c += colspan
    width = max((c for _, c in grid), default=-1) + 1
    keep = [c for c in range(width) if c == 0 or not (c in spanned and not any(starts.get(c, [])))]
    rows = [[grid.get((r, c), "") for c in keep] for r in range(len(spans))]
    used = [r for r in range(len(spans)) if any(rows[r])]  # Word's hidden sizing rows, spacer rows
    return [rows[r] for r in used], len({widths.get(r, 0) for r in used}) <= 1


MAX_TABLE_CELLS = 200_000  # a report's tables hold a few hundred; a span bomb, millions

Spans = list[list[tuple[etree._Element, int, int]]]  # per row: (cell, rowspan, colspan)


def check_size(spans: Spans) -> None:
    """The expanded grid's size from the spans alone, before any cell is expanded."""
    _check_cells(sum(rowspan * colspan for row in spans for _, rowspan, colspan in row))


def _check_cells(cells: int) -> None:
    if cells > MAX_TABLE_CELLS:
        raise ExtractionError(f"table too large: {cells} cells (at most {MAX_TABLE_CELLS})")


# Most portal tables carry no span at all: their grid is their cells, each row padded to the
# widest, read without the general case's grid of positions (the same result, faster). The
# XPath takes the attributes themselves: libxml2 tests a predicate ("*[@rowspan]") far slower.
_HAS_SPANS = etree.XPath("boolean(.//@rowspan | .//@colspan)")


def _plain_grid(table: etree._Element) -> tuple[list[list[str]], bool]:
    """expand_table for a table without rowspan/colspan attributes."""
    cells = [[cell for cell in tr if cell.tag in _CELL_TAGS] for tr in _rows(table)]
    _check_cells(sum(map(len, cells)))
    texts = [[" ".join(_text(cell).split()) for cell in row] for row in cells]
    width = max(map(len, texts), default=0)
    used = [row for row in texts if any(row)]
    return [row + [""] * (width - len(row)) for row in used], len({len(row) for row in used}) <= 1


def _spanned_rows(table: etree._Element) -> Spans:
    """Each visible row's td/th cells with their spans, read once."""
    return [[(cell, _span(cell, "rowspan"), _span(cell, "colspan")) for cell in tr if cell.tag in _CELL_TAGS]
            for tr in _rows(table)]


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for tr in table.iter("tr"):
        style = tr.get("style")
        if style is None or "display:none" not in style.replace(" ", "").lower():
            yield tr


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name)
    if value is None:
        return 1
    try:
        return max(1, min(int(value), 200))
    except ValueError:
        return 1


def _text(el: etree._Element) -> str:
    """The element's text, as lxml's text_content() reads it, in one call into libxml2
    (about 4x faster: no XPath context, no smart string); a childless cell's is its text."""
    if len(el) == 0:
        return el.text or ""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _is_leaf_table(el: etree._Element) -> bool:
    return el.tag == "table" and el.find(".//table") is None


def _walk(root: etree._Element) -> list[str | etree._Element]:
    """Text lines (str) and leaf tables (elements) in document order.

    Appended to one list by a plain recursion: nested generators would hand every line up
    through each level of the page's nesting.
    """
    out: list[str | etree._Element] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            line = _single("".join(buffer))
            buffer.clear()
            if line:
                out.append(line)

    def visit(el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            if isinstance(tag, str) or tag is etree.Comment:
                buffer.append(el.tail or "")
            return
        if _is_leaf_table(el):
            flush()
            out.append(el)
            buffer.append(el.tail or "")
            return
        block = tag in _BLOCK_TAGS or tag in ("td", "th", "table")
        if block:
            flush()
        buffer.append(el.text or "")
        for child in el:
            visit(child)
        if block:
            flush()
        buffer.append(el.tail or "")

    visit(root)
    flush()
    return out


_TITLE_PARTS = re.compile(r"\s*[_|｜]\s*|\s+-\s+")


def _title_hint(tree: etree._Element) -> str | None:
    for text in _title_candidates(tree):
        for part in _TITLE_PARTS.split(text or ""):
            if "报告" in part:
                return part.strip()
    return None


def _title_candidates(tree: etree._Element) -> Iterator[str]:
    """Title meta tags, h1-h3, <title>: read one by one, since the first to name a report wins."""
    yield from (m.get("content", "") for m in tree.iter("meta")
                if m.get("name") in _TITLE_META or m.get("property") in _TITLE_META)
    yield from (h.text_content() for tag in ("h1", "h2", "h3") for h in tree.iter(tag))
    yield from (t.text_content() for t in tree.iter("title"))


_META_NAMES = ("ArticleTitle", "ContentSource", "SiteName", "ColumnName")
_CRUMB = re.compile(r"crumb|position|location|dqwz|weizhi|curpos|path|bread", re.I)
_HEADING_CLASS = re.compile(r"(?:^|[-_\s])(?:title|bt|tit|biaoti|article-?title|detail-?title)(?:$|[-_\s\d])", re.I)


def page_meta(tree: etree._Element) -> dict[str, str]:
    """What the page says about the document beside its body (see Document.meta)."""
    meta = {}
    for m in tree.iter("meta"):
        name = m.get("name") or ""
        if name in _META_NAMES and squash(m.get("content", "")):
            meta.setdefault(name, m.get("content", "").strip())
    crumb = _breadcrumb(tree)
    if crumb:
        meta["breadcrumb"] = crumb
    heading = _heading(tree)
    if heading:
        meta["heading"] = heading
    return meta


def _breadcrumb(tree: etree._Element) -> str | None:
    """The page's "you are here" trail: an element whose class/id says so (attributes are
    read first, text only of those), else the element holding a text that opens with 当前位置."""
    for el in _crumb_candidates(tree):
        text = _single(el.text_content())
        if 0 < len(text) <= 200:
            parts = [squash(a.text_content()) for a in el.iter("a")] + [squash(text.split(">")[-1])]
            return ">".join(p for p in parts if p) or text
    return None


def _crumb_candidates(tree: etree._Element) -> Iterator[etree._Element]:
    for el in _named(tree, "div", "nav", "p", "span", "td", "ul", "ol"):
        if _CRUMB.search(f"{el.get('class', '')} {el.get('id', '')}"):
            yield el
    for text in _HERE(tree)[:1]:  # read only when no marked element fits
        el = text.getparent()  # for a tail, the node before it: a comment's is its parent's
        yield el if isinstance(el.tag, str) else el.getparent()


# contains() first: normalize-space() copies every text node of the page
_HERE = etree.XPath("//text()[contains(., '当前位置')][starts-with(normalize-space(.), '当前位置')]")


# Elements with a class or an id, in document order: the XPath reads the attributes first,
# so no Python object is made for the page's other elements (tree.iter(tags) makes one each).
# It takes the attributes' parents: libxml2 evaluates a predicate ("*[@class or @id]") about
# 4x slower, on every element of the page.
_WITH_CLASS_OR_ID = etree.XPath("(descendant-or-self::*/@class | descendant-or-self::*/@id)/..")


def _named(tree: etree._Element, *tags: str) -> list[etree._Element]:
    return [el for el in _WITH_CLASS_OR_ID(tree) if el.tag in tags]


def _heading(tree: etree._Element) -> str | None:
    """The article's own title: the first h1/h2, else an element whose class says title."""
    for tag in ("h1", "h2"):
        for h in tree.iter(tag):
            text = _single(h.text_content())
            if 4 <= len(squash(text)) <= 80:
                return text
    for el in _named(tree, "div", "p", "td", "span", "h3"):
        if _HEADING_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            text = _single(el.text_content())
            if 4 <= len(squash(text)) <= 80:
                return text
    return None


@functools.cache
def _extractor() -> trafilatura.settings.Extractor:
    # fast: trafilatura's own extractor only, without its readability/justext fallbacks,
    # which cost half the page's time and only matter for pages it cannot read at all.
    # Made once (reading trafilatura's config costs ~5% of its run); extraction never changes it.
    return trafilatura.settings.Extractor(output_format="txt", fast=True, recall=True, comments=False,
                                          tables=False, dedup=False)


def _main_text(html: str, tree: etree._Element) -> str:
    """trafilatura's main text, squashed; it is handed the page's tree (it works on a copy)
    when its own parse would build the same one, else the page's text."""
    text = trafilatura.extract(tree if _same_parse(html, tree) else html, options=_extractor()) or ""
    return squash(text)


_NO_COMMENT_OR_PI = etree.XPath("not(//comment() | //processing-instruction())")


def _same_parse(html: str, tree: etree._Element) -> bool:
    """True when trafilatura.utils.load_html(html) would parse `html` into this very tree
    (element classes aside, see _PARSER): it repairs nothing, its parser's only differences
    (comments and processing instructions dropped) find nothing to drop, the tree is the
    document's root and passes its checks."""
    beginning = html[:50].lower()
    return (tree.getparent() is None and len(tree) >= (2 if is_dubious_html(beginning) else 1)
            and _NO_COMMENT_OR_PI(tree) and repair_faulty_html(html, beginning) == html)


_CONTAINER_TAGS = frozenset(("div", "article", "section", "td", "main"))


def _container(tree: etree._Element, main: str) -> etree._Element:
    """The deepest element holding the whole main text (the article body), else <body>.

    An element whose text lacks the main text's ends has no descendant that holds them, so
    only the holders' children are read: the last holder in document order is the answer.
    """
    body = tree.find("body")
    best = body if body is not None else tree
    if len(main) < 20:
        return best
    head, tail = main[:15], main[-15:]

    def holds(el: etree._Element) -> bool:
        text = "".join(_text(el).split())
        return head in text and tail in text

    stack = [best] if holds(best) else []
    while stack:  # depth-first, in document order
        el = stack.pop()
        if el.tag in _CONTAINER_TAGS:
            best = el
        stack.extend(reversed([child for child in el if isinstance(child.tag, str) and holds(child)]))
    return best


# lxml.html's own parser picks each element's class in Python: a callback for every element
# object made, on every walk of the page, ours and trafilatura's (it works on copies of this
# tree, which keep its parser). The classes it adds for form, input, select, textarea and
# label carry form APIs that neither reader uses; this parser makes every element a plain
# HtmlElement, chosen in C. The tree is otherwise the one lxml.html builds.
_PARSER = etree.HTMLParser()
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))


def html_to_document(data: bytes) -> Document:
    html = decode_text(data)
    tree = lxml.html.fromstring(html, parser=_PARSER)
    main = _main_text(html, tree)
    doc = Document(format="html", title_hint=_title_hint(tree), meta=page_meta(tree))
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
    squashed = squash(line)
    return bool(squashed) and squashed in main
