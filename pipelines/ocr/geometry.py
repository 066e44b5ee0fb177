"""Tables rebuilt from OCR boxes and the page's ruling lines.

Figures (numbers, or dashes written for blanks) are clustered into rows by their vertical
centres; a row's band runs between the rules above and below it (its own line on an
unruled page), and the text boxes in the band left of its first figure are its label, so a
label wrapped over lines or a merged label cell joins its row. Two things OCR does to rows
are put right: figures that fell on the line below their label (the label line has no
figures, the figure line no label) are one row; and a label whose figures OCR lost, between
rows of the table, stays a row of blanks of its own. Figures are put into columns by
clustering their horizontal centres over a run of rows; a column blank in every row is put
back from the header above or from the columns' spacing, and a figure cell found empty is
read again from its crop. Text between vertical rules is a header row of its table;
everything else is text, grouped into lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

from pipelines.document import Block, TableBlock, TextBlock
from pipelines.ocr.boxes import Box, digits, is_figure
from pipelines.ocr.engine import reread
from pipelines.ocr.options import OPTIONS, OcrOptions
from pipelines.ocr.rules import Rule, Rules, boxed, crossed
from pipelines.textdoc import is_footer, is_page_number


@dataclass(slots=True)
class Row:
    figures: list[Box]
    label: list[Box]
    top: float
    bottom: float

    @property
    def cy(self) -> float:
        return median(f.cy for f in self.figures) if self.figures else (self.top + self.bottom) / 2

    @property
    def first_x(self) -> float:
        """Where the row's figures begin (inf when OCR lost them all)."""
        return self.figures[0].x0 if self.figures else float("inf")


Item = tuple[float, Any, float]  # top, a Row | header line (list[Box]) | TextBlock, line height


def _band(cy: float, x: float, height: float, rules: list[Rule], opts: OcrOptions) -> tuple[float, float]:
    """A row's band: between the rules above and below it, else its own line."""
    above = [r.at for r in rules if r.at < cy and r.covers(x)]
    below = [r.at for r in rules if r.at > cy and r.covers(x)]
    if above and below and min(below) - max(above) <= opts.band_max * height:
        return max(above), min(below)
    return cy - opts.band_half * height, cy + opts.band_half * height


def figure_rows(figures: list[Box], height: float, rules: list[Rule], opts: OcrOptions = OPTIONS) -> list[Row]:
    """Figures into rows, each with its band."""
    rows: list[Row] = []
    for box in sorted(figures, key=lambda b: b.cy):
        if rows and box.cy - rows[-1].cy <= opts.row_join * height:
            rows[-1].figures.append(box)
        else:
            rows.append(Row([box], [], 0.0, 0.0))
    for row in rows:
        row.figures.sort(key=lambda b: b.x0)
        row.top, row.bottom = _band(row.cy, row.figures[0].cx, height, rules, opts)
    return rows


def take_labels(rows: list[Row], texts: list[Box], opts: OcrOptions = OPTIONS) -> list[Box]:
    """Give each row the text boxes in its band left of its figures; return the rest."""
    rest = []
    for box in texts:
        owner = next((r for r in rows if r.top <= box.cy < r.bottom), None)
        if owner is not None and box.x1 <= owner.first_x + opts.label_slack_px:
            owner.label.append(box)
        else:
            rest.append(box)
    return rest


def _label_like(line: list[Box], before: float, opts: OcrOptions) -> bool:
    """A short text line standing wholly left of `before` (where figures begin)."""
    text = "".join(b.text for b in line)
    return len(text) <= opts.label_max_chars and "。" not in text and max(b.x1 for b in line) <= before + opts.label_slack_px


def labels_above(rows: list[Row], lines: list[list[Box]], height: float, rules: Rules,
                 opts: OcrOptions = OPTIONS) -> list[list[Box]]:
    """A row with no label takes the label-like line just above it, when no rule parts them
    (OCR put the figures on the next line); return the lines left."""
    rest = list(lines)
    for row in rows:
        if row.label:
            continue
        line = next((ln for ln in rest if 0 < row.cy - _cy(ln) <= opts.label_above * height
                     and _label_like(ln, row.first_x, opts)
                     and not crossed(rules, _cx(ln), max(b.bottom for b in ln), row.figures[0].top)), None)
        if line is not None:
            row.label, row.top = list(line), min(row.top, min(b.top for b in line))
            rest.remove(line)
    return rest


def label_rows(rows: list[Row], lines: list[list[Box]], height: float, rules: Rules,
               opts: OcrOptions = OPTIONS) -> list[list[Box]]:
    """Label-like lines between two table rows, spaced like rows, are rows whose figures
    OCR lost: rows of blanks, never joined to a neighbour, unless one plainly continues the
    label above it (a bracket left open, a trailing comma). Return the lines left."""
    rest, found = list(lines), []
    for above, below in zip(rows, rows[1:]):
        between = sorted((ln for ln in rest if above.cy < _cy(ln) < below.cy), key=_cy)
        ys = [above.cy, *map(_cy, between), below.cy]
        if not between or any(b - a > opts.row_gap * height for a, b in zip(ys, ys[1:])) \
                or not all(_label_like(ln, min(above.first_x, below.first_x), opts) for ln in between):
            continue
        prev = above
        for line in between:
            rest.remove(line)
            if _open(_text(prev.label)):
                prev.label.extend(line)
                continue
            top, bottom = _band(_cy(line), _cx(line), height, rules.horizontal, opts)
            prev = Row([], list(line), max(top, above.bottom), min(bottom, below.top))
            found.append(prev)
    rows.extend(found)
    rows.sort(key=lambda r: r.cy)
    return rest


def _open(label: str) -> bool:
    """A label cut in mid-phrase: a bracket left open, or a trailing comma."""
    return label.count("（") + label.count("(") > label.count("）") + label.count(")") or label.endswith(("，", ",", "、"))


def _text(boxes: list[Box]) -> str:
    return "".join(b.text for b in sorted(boxes, key=lambda b: (b.top, b.x0)))


def _cy(line: list[Box]) -> float:
    return median(b.cy for b in line)


def _cx(line: list[Box]) -> float:
    return (min(b.x0 for b in line) + max(b.x1 for b in line)) / 2


def _anchors(rows: list[Row], height: float, header: list[Box], opts: OcrOptions) -> list[float]:
    """Column centres of a run of rows. A column blank in every row is put back from the
    header line just above (a header cell centred where no figure column is), else from
    the columns' regular spacing."""
    anchors = _centres([f.cx for r in rows for f in r.figures], height)
    label_end = max((b.x1 for r in rows for b in r.label), default=0.0)
    heads = _centres([b.cx for b in header if b.cx > label_end], height)
    if len(heads) >= 2:
        step = median(b - a for a, b in zip(heads, heads[1:]))
        extra = [h for h in heads if all(abs(h - a) > opts.header_step * step for a in anchors)]
        return sorted(anchors + extra)
    if len(anchors) < 4:
        return anchors
    gaps = [b - a for a, b in zip(anchors, anchors[1:])]
    step = median(gaps)
    full = [anchors[0]]
    for a, gap in zip(anchors[1:], gaps):
        missing = round(gap / step) - 1 if gap >= opts.spacing_gap * step else 0
        full += [full[-1] + gap * (k + 1) / (missing + 1) for k in range(missing)] + [a]
    return full


def _centres(xs: list[float], height: float) -> list[float]:
    groups: list[list[float]] = []
    for x in sorted(xs):
        if groups and x - groups[-1][-1] <= height:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [sum(g) / len(g) for g in groups]


def _row_cells(row: Row, anchors: list[float], image: Any, opts: OcrOptions) -> list[str]:
    cells = [""] * len(anchors)
    for f in row.figures:
        k = min(range(len(anchors)), key=lambda i: abs(anchors[i] - f.cx))
        cells[k] = f"{cells[k]} {f.text}".strip() if cells[k] else f.text
    if image is not None and len(anchors) >= 2:
        step = median(b - a for a, b in zip(anchors, anchors[1:]))
        for k, text in enumerate(cells):
            if not text:
                crop = (anchors[k] - 0.45 * step, row.top + 3, anchors[k] + 0.45 * step, row.bottom - 3)
                cells[k] = reread(image, crop, opts)
    label = "".join(b.text for column in _columns(row.label) for b in column)
    return [label, *cells] if label else cells


def _columns(boxes: list[Box]) -> list[list[Box]]:
    """Label boxes by cell column (x-ranges that overlap), left to right, each top-down."""
    groups: list[list[Any]] = []  # [x0, x1, boxes]
    for box in sorted(boxes, key=lambda b: b.x0):
        group = next((g for g in groups if box.x0 < g[1] and box.x1 > g[0]), None)
        if group is None:
            groups.append([box.x0, box.x1, [box]])
        else:
            group[0], group[1] = min(group[0], box.x0), max(group[1], box.x1)
            group[2].append(box)
    return [sorted(g[2], key=lambda b: b.top) for g in sorted(groups, key=lambda g: g[0])]


def _text_lines(boxes: list[Box]) -> list[list[Box]]:
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        line = lines[-1] if lines else None
        if line and min(line[-1].bottom, box.bottom) - max(line[-1].top, box.top) >= 0.5 * (box.bottom - box.top):
            line.append(box)
        else:
            lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _line_text(line: list[Box], height: float) -> str:
    text = line[0].text
    for prev, box in zip(line, line[1:]):
        text += (" " if box.x0 - prev.x1 > 0.5 * height else "") + box.text
    return text


def page_blocks(boxes: list[Box], page: int, size: tuple[int, int], rules: Rules | None = None,
                image: Any = None, opts: OcrOptions = OPTIONS) -> list[Block]:
    """One page's OCR boxes (and the page's rules) -> text and table blocks in reading order.
    Text inside a ruled table (its headers) becomes header rows of that table; with the
    page image, figure cells found empty are read again."""
    if not boxes:
        return []
    rules = rules or Rules([], [])
    height = median(b.bottom - b.top for b in boxes)
    for b in boxes:
        b.text = digits(b.text)
    rows = figure_rows([b for b in boxes if is_figure(b.text)], height, rules.horizontal, opts)
    lines = [line for line in _text_lines(take_labels(rows, [b for b in boxes if not is_figure(b.text)], opts))
             if not _margin_line(line, height, size, opts)]
    lines = label_rows(rows, labels_above(rows, lines, height, rules, opts), height, rules, opts)
    items: list[Item] = [(r.top, r, 0.0) for r in rows]
    for line in lines:
        head = all(boxed(b, rules) for b in line)
        block = line if head else TextBlock(text=_line_text(line, height), page=page)
        items.append((min(b.top for b in line), block, median(b.bottom - b.top for b in line)))
    items.sort(key=lambda it: it[0])
    if page == 1:
        _merge_title(items, height, opts)
    return _tables(items, page, height, image, opts)


def _margin_line(line: list[Box], height: float, size: tuple[int, int], opts: OcrOptions) -> bool:
    """A page footer, or a page number in the page's top or bottom margin."""
    text, top = _line_text(line, height), min(b.top for b in line)
    return is_footer(text) or (is_page_number(text) and not opts.margin_top < top / size[1] < opts.margin_bottom)


def _merge_title(items: list[Item], height: float, opts: OcrOptions) -> None:
    """Join the first text lines printed larger than the body: a title that the page broke
    over two lines (box heights vary with the text's length, so no closer match)."""
    sizes = [size for _, it, size in items if isinstance(it, TextBlock)]
    height = median(sizes) if sizes else height  # of the text lines, not of the table's figures
    big = [i for i, (_, it, size) in enumerate(items[:6]) if isinstance(it, TextBlock) and size >= opts.title_ratio * height]
    if not big:
        return
    i, head = big[0], items[big[0]][1]
    while i + 1 < len(items):
        _, nxt, nsize = items[i + 1]
        if (not isinstance(nxt, TextBlock) or nsize < opts.title_ratio * height
                or len(head.text) + len(nxt.text) > opts.title_max_chars
                or "。" in head.text + nxt.text):
            break
        head.text += nxt.text
        del items[i + 1]


def _tables(items: list[Item], page: int, height: float, image: Any, opts: OcrOptions) -> list[Block]:
    """Consecutive rows and header lines form one table; figure columns are found per run
    of rows between header lines."""
    blocks: list[Block] = []
    table: TableBlock | None = None
    run: list[Row] = []
    header: list[Box] = []

    def flush_run() -> None:
        if run and table is not None:
            anchors = _anchors(run, height, header, opts)
            table.rows.extend(_row_cells(r, anchors, image, opts) for r in run)
        run.clear()

    for _, item, _ in items:
        if isinstance(item, TextBlock):
            flush_run()
            table, header = None, []
            blocks.append(item)
            continue
        if table is None:
            table = TableBlock(rows=[], page=page, exact_columns=True)  # cells placed by column anchors
            blocks.append(table)
        if isinstance(item, Row):
            run.append(item)
        else:
            flush_run()
            header = item
            table.rows.append([b.text for b in item])
    flush_run()
    return [b for b in blocks if not isinstance(b, TableBlock) or b.rows]
