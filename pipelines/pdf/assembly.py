"""A PDF's pages -> lines and tables in reading order, and the Document's blocks.

A merged cell is one big cell in the drawing; on the grid of all the table's column and row
boundaries it repeats its text in every slot it covers. A table that ends a page and starts
the next one again (same left and right edges) is one table; a repeated header is dropped
and a row cut by the page break is joined into one row. Running heads and feet (margin
lines recurring on half the pages) and "续表" over a continuation are dropped, and a title
the page broke over lines is joined. Unruled rows next to each other form one table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from pipelines.cells import is_number
from pipelines.document import Block, TableBlock, TextBlock
from pipelines.pdf.grid import cluster, nearest_of
from pipelines.pdf.pages import Line, Page, Part, page_items

_CONTINUED = re.compile(r"^\s*[（(]?\s*续\s*表?\s*[）)]?\s*$|^\s*续表")
_ROW_START = re.compile(r"^([（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、])")


@dataclass(slots=True)
class Table:
    parts: list[Part] = field(default_factory=list)


def _part_rows(part: Part, xs: list[float]) -> list[list[str]]:
    x0s, tops, x1s, bottoms = zip(*(box for box, _ in part.cells))
    ys = cluster(tops + bottoms)
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    col, row = nearest_of(xs, x0s + x1s), nearest_of(ys, tops + bottoms)
    for (x0, top, x1, bottom), text in part.cells:
        for r in range(row[top], row[bottom]):
            grid[r][col[x0]:col[x1]] = [text] * (col[x1] - col[x0])
    return [row for row in grid if any(row)] or grid


def _has_number(row: list[str]) -> bool:
    return any(is_number(c) for c in row)


def _label(row: list[str], other: list[str] | None = None) -> str:
    """The row's label text; with `other`, only the cells not repeated from it (rowspans)."""
    other = other or [""] * len(row)
    return re.sub(r"\s+", "", "".join(c for c, o in zip(row, other) if c and c != o and not is_number(c)))


def _starts_row(first: list[str], last: list[str]) -> bool:
    """`first` (top of the new page) opens a row of its own rather than continuing `last`:
    its own label starts with an item number or names another template row than `last`."""
    from pipelines import template as T

    label = _label(first, last)
    if not label:
        return False
    specs = T.APPLICATION_ROW_SPECS + T.ACTIVE_ROW_SPECS + T.REVIEW_ROW_SPECS
    key = T.match_row(label, specs)
    return bool(_ROW_START.match(label)) or (key is not None and key != T.match_row(_label(last), specs))


def _join_rows(last: list[str], first: list[str]) -> list[str] | None:
    """One row from a row cut by a page break, or None when these are two rows (a figure is
    never continued by text: that is the next row, a header spanning the width, say)."""
    if len(last) != len(first) or (_has_number(last) and _has_number(first)):
        return None
    if any(a != b and a and b and (is_number(a) or is_number(b)) for a, b in zip(last, first)):
        return None
    if _starts_row(first, last):
        return None
    return [a if (a == b or not b) else b if not a else f"{a}\n{b}" for a, b in zip(last, first)]


def table_rows(table: Table) -> list[list[str]]:
    """The grid of a table that may run over several pages."""
    xs = cluster([box[0] for part in table.parts for box, _ in part.cells]
                 + [box[2] for part in table.parts for box, _ in part.cells])
    rows: list[list[str]] = []
    for part in table.parts:
        more = _part_rows(part, xs)
        if rows:
            k = 0
            while k < min(3, len(more), len(rows)) and more[k] == rows[k] and not _has_number(more[k]):
                k += 1  # a header repeated on the new page
            more = more[k:]
            joined = _join_rows(rows[-1], more[0]) if more else None
            if joined is not None:
                rows[-1], more = joined, more[1:]
        rows.extend(more)
    return rows


def _continues(table: Table, part: Part) -> bool:
    last = table.parts[-1]
    return (part.page == last.page + 1 and abs(part.bbox[0] - last.bbox[0]) <= 3
            and abs(part.bbox[2] - last.bbox[2]) <= 3)


def _merge_title(items: list[Line | Table]) -> None:
    """Join the first lines of page 1 printed in one size larger than the body text, short
    and without a full stop: a title the page broke over two or three lines."""
    lines = [it for it in items if isinstance(it, Line)]
    if not lines:
        return
    body = median(line.size for line in lines)
    i = next((k for k, it in enumerate(items[:6]) if isinstance(it, Line) and it.size >= 1.1 * body), None)
    if i is None:
        return
    head = items[i]
    while i + 1 < len(items) and isinstance(head, Line):
        nxt = items[i + 1]
        if not (isinstance(nxt, Line) and nxt.page == 1 and abs(nxt.size - head.size) < 0.5
                and len(head.text) + len(nxt.text) <= 80 and "。" not in head.text + nxt.text):
            break
        head.text = f"{head.text}{nxt.text}"
        del items[i + 1]


def _running_lines(pages: list[Page], items: list[list[Part | Line]]) -> set[int]:
    """Ids of running heads and feet: margin lines whose text (digits aside) recurs on at
    least half of the pages, such as "XX县人民政府 第 2 页"."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    body = median([ch.size for page in pages for ch in page.chars] or [0.0])
    margin = [[it for it in found if isinstance(it, Line) and not 0.08 < it.top / page.height < 0.9
               and it.size < 1.2 * body]  # never the title, printed large
              for page, found in zip(pages, items)]
    counts: dict[str, int] = {}
    for lines in margin:
        for k in {key(line) for line in lines}:
            counts[k] = counts.get(k, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {id(line) for lines in margin for line in lines if counts[key(line)] >= need}


def assemble(pages: list[Page]) -> list[Line | Table]:
    """Pages -> lines and (page-spanning) tables, in reading order."""
    out: list[Line | Table] = []
    items = [page_items(page) for page in pages]
    running = _running_lines(pages, items)
    for found in items:
        first = True
        for item in found:
            if id(item) in running or (first and isinstance(item, Line) and _CONTINUED.match(item.text)):
                continue  # a running head, or "续表" over a table's continuation
            if isinstance(item, Part) and first and out and isinstance(out[-1], Table) and _continues(out[-1], item):
                out[-1].parts.append(item)
            else:
                out.append(Table([item]) if isinstance(item, Part) else item)
            first = False
    _merge_title(out)
    return out


def blocks(items: list[Line | Table]) -> list[Block]:
    blocks: list[Block] = []
    count = 0
    for item in items:
        if isinstance(item, Table):
            rows = table_rows(item)
            blocks.append(TableBlock(rows=rows, page=item.parts[0].page, index=count,
                                     exact_columns=len({len(r) for r in rows}) == 1))
            count += 1
        elif item.row is not None:
            last = blocks[-1] if blocks else None
            if not (isinstance(last, TableBlock) and not last.exact_columns):
                last = TableBlock(rows=[], page=item.page, index=count)
                blocks.append(last)
                count += 1
            last.rows.append(item.row)
        else:
            blocks.append(TextBlock(text=item.text, page=item.page))
    return blocks
