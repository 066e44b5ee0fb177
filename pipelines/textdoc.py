"""Plain extracted text (like ../shared/seeds) -> Document.

Three table shapes occur in extracted text, and each line is read as one of them:
- tab-separated cells (text copied out of Word or a PDF viewer),
- markdown pipe rows `| a | b |` (converters and OCR tools),
- pdftotext-style lines whose trailing tokens are numbers: `行政处罚 5`, `0 0 0 0 0 0 0`.
Everything else is a text line. Label lines of split rows stay text lines; the mapper joins
them to the numbers that follow (see pipelines.mapper).
"""
from __future__ import annotations

import re

from pipelines.cells import LOST, is_number, is_value
from pipelines.document import Document, TableBlock, TextBlock

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_FOOTER = re.compile(r"^[—–\-－─]+\s*\d{1,3}\s*[—–\-－─]+$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")


_PAGE_NUMBER = re.compile(r"^[-—–－─\s]*\d{1,3}[-—–－─\s]*$|^第\s*\d+\s*页|^\d+\s*/\s*\d+$")


def is_page_number(line: str) -> bool:
    """"3", "- 3 -", "第3页", "3 / 12": a page number when it stands in a page's margin
    (paged readers check the position; in running text a bare number may be a figure)."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def is_footer(line: str) -> bool:
    """Page footers such as "— 2 —" or "第 2 页 共 5 页", which are never content."""
    return bool(_FOOTER.match(line.strip()))


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _space_row(line: str) -> list[str] | None:
    """`label n n n` or `n n n` -> cells, when the trailing tokens are numbers."""
    tokens = line.split()
    if not tokens:
        return None
    cut = len(tokens)
    while cut > 0 and is_value(tokens[cut - 1]) and tokens[cut - 1].strip():
        cut -= 1
    if cut == len(tokens) or not any(is_number(t) for t in tokens[cut:]):
        return None  # "无" alone is text (section 六 often says just that), not a blank row
    label = "".join(tokens[:cut])
    if len(label) > 40:  # a sentence that happens to end in a number, not a table row
        return None
    return [label, *tokens[cut:]] if label else tokens[cut:]


def _classify(line: str) -> tuple[str, list[str] | None]:
    if "\t" in line:
        return "row", [c.strip() for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        if _MD_SEPARATOR.match(stripped.replace(" ", "")):
            return "skip", None
        return "pipe", _pipe_cells(stripped)
    row = _space_row(stripped)
    if row is not None:
        return "row", row
    return "text", None


def add_line(doc: Document, line: str, *, line_no: int | None = None, page: int | None = None) -> None:
    """Append one line of extracted text to `doc`: a row of the table being rebuilt from
    lines (started if needed), or a text line. Footers and blank lines are dropped; blank
    lines do not end a table, since tables often have them inside."""
    if not line.strip() or is_footer(line):
        return
    kind, cells = _classify(line)
    if kind == "skip":
        _new_markdown_table(doc)
        return
    last = doc.blocks[-1] if doc.blocks else None
    if kind in ("row", "pipe") and cells is not None:
        if not isinstance(last, TableBlock) or last.exact_columns or last.page != page:
            last = TableBlock(rows=[], index=_table_count(doc), line=line_no, page=page,
                              width=len(cells) if kind == "pipe" else None)
            doc.blocks.append(last)
        if kind == "pipe" and last.width and len(cells) < last.width:
            cells = cells + [LOST] * (last.width - len(cells))  # markdown rows fill from the left
        last.rows.append(cells)
        return
    doc.blocks.append(TextBlock(text=line.strip(), line=line_no, page=page))


def _new_markdown_table(doc: Document) -> None:
    """A markdown separator: the row above it heads a new table, of its own width."""
    last = doc.blocks[-1] if doc.blocks else None
    if not isinstance(last, TableBlock) or not last.rows or last.exact_columns:
        return
    header = [c for c in last.rows.pop()]
    while header and header[-1] == LOST:
        header.pop()
    if not last.rows:
        doc.blocks.pop()
    doc.blocks.append(TableBlock(rows=[header], index=_table_count(doc), line=last.line,
                                 page=last.page, width=len(header)))


def text_to_document(text: str) -> Document:
    """Split extracted text into text lines and table blocks (runs of row lines)."""
    doc = Document(format="text")
    for number, raw in enumerate(text.splitlines(), start=1):
        add_line(doc, raw.rstrip("\r\n"), line_no=number)
    return doc


def _table_count(doc: Document) -> int:
    return sum(isinstance(b, TableBlock) for b in doc.blocks)
