"""One PDF page's facts, and its table parts and free lines.

A page is its characters, the cells of its ruled tables and its image count, read by
pypdfium2 (or, for cross-checking, by pdfplumber's own `page.chars` and `find_tables()`).
Each character belongs to the smallest table around it and then to the cell under its
centre: characters are sorted by their centres once and each table takes its range by
bisection, so no character is tested against every table. Characters outside tables form
lines; a line whose figures stand apart from its label after a wide gap is an unruled
table row (textdoc's `_space_row` splits it). Page footers ("— 2 —", "第 2 页") are dropped.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter
from statistics import median
from typing import Any

from pipelines.cells import is_number
from pipelines.errors import ExtractionError
from pipelines.pdf.characters import Char, group_lines, joined, pdfium_chars, segments
from pipelines.pdf.grid import BBox, cluster, find_tables, nearest_of
from pipelines.pdf.rules import page_objects
from pipelines.textdoc import _space_row, is_footer, is_page_number

MAX_CELL_CHARS = 150  # a cell holding more is running text in a frame, not a table cell
TOL = 2.0  # characters this far outside a table still belong to it
_TOP_X0 = attrgetter("top", "x0")


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    chars: list[Char]
    tables: list[list[BBox]]  # the cells of each ruled table
    images: int = 0  # image objects drawn on the page


@dataclass(slots=True)
class Part:
    """One page's piece of a ruled table."""

    page: int
    bbox: BBox
    cells: list[tuple[BBox, str]]


@dataclass(slots=True)
class Line:
    page: int
    top: float
    text: str
    size: float
    row: list[str] | None = None  # an unruled table row


def open_pdf(data: bytes) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"corrupt or unreadable PDF: {exc}") from exc


def pdfium_pages(pdf: Any) -> list[Page]:
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        width, height = page.get_size()
        edges, images = page_objects(page, height)
        pages.append(Page(i + 1, width, height, pdfium_chars(page, height), find_tables(edges), images))
    return pages


def plumber_pages(data: bytes) -> list[Page]:
    """The same page facts read by pdfplumber (pdfminer): slower, for cross-checking."""
    import io

    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for p in pdf.pages:
            chars = [Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"])
                     for c in p.chars if c["text"].strip()]
            tables = [t.cells for t in p.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})]
            pages.append(Page(p.page_number, float(p.width), float(p.height), chars, tables, len(p.images)))
    return pages


def free_line(page: Page, chars: list[Char]) -> Line | None:
    """A line of characters outside tables; None for a page footer."""
    parts = segments(chars)
    text = " ".join(parts)
    top, size = min(c.top for c in chars), median(c.size for c in chars)
    if is_footer(text) or (is_page_number(text) and not (0.08 < top / page.height < 0.88)):
        return None
    row = _space_row(text)
    if row and is_number(row[0]):
        row = row if len(row) >= 2 else None  # a lone number is no row
    elif row:
        bounds, total = set(), 0
        for seg in parts[:-1]:
            total += len(re.sub(r"\s+", "", seg))
            bounds.add(total)
        row = row if len(re.sub(r"\s+", "", row[0])) in bounds else None  # figures after a wide gap
    return Line(page.number, top, text, size, row)


def cell_texts(cells: list[BBox], chars: list[Char]) -> tuple[list[str], list[Char]]:
    """The text of each cell, and the characters that fell in none: the cells are laid on
    the grid of their boundaries, and each character looks up its slot by bisection. The
    characters are put in line order once (as `group_lines` would sort each cell's)."""
    x0s, tops, x1s, bottoms = zip(*cells)
    xs, ys = cluster(x0s + x1s), cluster(tops + bottoms)
    col, row = nearest_of(xs, x0s + x1s), nearest_of(ys, tops + bottoms)
    slot: list[list[int | None]] = [[None] * (len(xs) + 1) for _ in range(len(ys) + 1)]  # index + 1: -1 is outside
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for r in range(row[top] + 1, row[bottom] + 1):
            slot[r][col[x0] + 1:col[x1] + 1] = [i] * (col[x1] - col[x0])
    owner = [slot[bisect_right(ys, (ch.top + ch.bottom) / 2)][bisect_right(xs, (ch.x0 + ch.x1) / 2)]
             for ch in chars]  # the centre, as Char.cx and Char.cy compute it
    inside: list[list[Char]] = [[] for _ in cells]
    keys = list(map(_TOP_X0, chars))
    for j in sorted(range(len(chars)), key=keys.__getitem__):
        if owner[j] is not None:
            inside[owner[j]].append(chars[j])
    texts = [found[0].text if len(found) == 1 else "\n".join(map(joined, group_lines(found, ordered=True)))
             if found else "" for found in inside]
    return texts, [ch for ch, k in zip(chars, owner) if k is None]


def _bbox(cells: list[BBox]) -> BBox:
    return min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells)


def _area(box: BBox) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _by_table(chars: list[Char], boxes: list[BBox]) -> tuple[list[list[Char]], list[Char]]:
    """Each character to the first (smallest) box around its centre, within TOL; boxes take
    their rows of characters by bisection over the characters sorted by centre height."""
    cys = [(c.top + c.bottom) / 2 for c in chars]  # Char.cy
    ranked = sorted(range(len(chars)), key=cys.__getitem__)  # stable: ties keep reading order
    order, keys = [chars[i] for i in ranked], [cys[i] for i in ranked]
    owner: list[int | None] = [None] * len(order)
    inside: list[list[Char]] = [[] for _ in boxes]
    for k, (x0, top, x1, bottom) in enumerate(boxes):
        mine, left, right = inside[k], x0 - TOL, x1 + TOL
        for i in range(bisect_left(keys, top - TOL), bisect_right(keys, bottom + TOL)):
            if owner[i] is None and left <= (order[i].x0 + order[i].x1) / 2 <= right:
                owner[i] = k
                mine.append(order[i])
    return inside, [ch for ch, k in zip(order, owner) if k is None]


def page_items(page: Page) -> list[Part | Line]:
    """The page's table parts and free lines, top to bottom. A "table" with a cell of
    running text is a frame drawn around the text (a layout table), whose characters are text."""
    tables = sorted(((cells, _bbox(cells)) for cells in page.tables), key=lambda t: _area(t[1]))
    inside, free = _by_table(page.chars, [box for _, box in tables])
    items: list[Part | Line] = []
    for (cells, box), mine in zip(tables, inside):
        texts, rest = cell_texts(cells, mine)
        if any(len(t) > MAX_CELL_CHARS for t in texts):
            free += mine
            continue
        free += rest
        items.append(Part(page.number, box, list(zip(cells, texts))))
    for chars in group_lines(free):
        line = free_line(page, chars)
        if line is not None:
            items.append(line)
    return sorted(items, key=lambda it: it.bbox[1] if isinstance(it, Part) else it.top)
