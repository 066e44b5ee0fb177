"""Scanned pages and images -> Document, with RapidOCR on the CPU.

RapidOCR 3.x ships PP-OCRv6-small detection and recognition models inside its wheel, so
nothing is downloaded at run time (its config names the packaged files, found in
site-packages). The engine is loaded once per process, on first use. Pages are levelled
(deskew by projection profile) and turned upright when they read poorly.

Tables are rebuilt from the boxes and the page's ruling lines (found by morphology):
figures (numbers, or dashes written for blanks) are clustered into rows by their vertical
centres; a row's band runs between the rules above and below it (its own line on an
unruled page), and the text boxes in the band left of its first figure are its label, so a
label wrapped over lines or a merged label cell joins its row. Figures are put into columns
by clustering their horizontal centres over a run of rows; a column blank in every row is
put back from the header above or from the columns' spacing, and a figure cell found empty
is read again from its crop. Text between vertical rules is a header row of its table;
everything else is text, grouped into lines.
"""
from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from pipelines.cells import DASH_MARKS, is_number
from pipelines.document import Block, Document, TableBlock, TextBlock
from pipelines.errors import ExtractionError
from pipelines.textdoc import is_footer, is_page_number

logger = logging.getLogger(__name__)

DET_MAX_SIDE = 1600  # detection input; recognition reads the crops at full resolution
_ENGINE: Any = None
_LOCK = threading.Lock()
_MISREAD = str.maketrans("OoIl|", "00111", ",")
_MINUS = re.compile(r"^[一—－–](\d+(?:\.\d+)?)$")
_DIGITISH = re.compile(r"^[0-9OoIl|.,\-]{1,9}$")


@dataclass(slots=True)
class Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def engine() -> Any:
    """The process's RapidOCR engine (PP-OCRv6 models from the wheel), loaded once."""
    global _ENGINE
    if _ENGINE is None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise ExtractionError("OCR needs the rapidocr package (pip install rapidocr onnxruntime)") from exc
        _ENGINE = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                                   "Global.max_side_len": DET_MAX_SIDE})
    return _ENGINE


def _run(array: Any, use_det: bool) -> Any:
    """One engine call. RapidOCR keeps a call's flags for the next call, so every call
    states them, under a lock (the engine is shared by the process's threads)."""
    with _LOCK:
        return engine()(array, use_det=use_det, use_cls=False, use_rec=True)


def recognise(image: Any) -> tuple[list[Box], float]:
    """OCR boxes of one page image (PIL image), as axis-parallel boxes, and the mean
    recognition confidence per character (1.0 for a blank page)."""
    import numpy as np

    result = _run(np.asarray(image.convert("RGB")), use_det=True)
    if result.boxes is None or not result.txts:
        return [], 1.0
    boxes, weight, total = [], 0.0, 0
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
        boxes.extend(_split_tokens(Box(text.strip(), min(xs), min(ys), max(xs), max(ys))))
        weight, total = weight + float(score) * len(text), total + len(text)
    return [b for b in boxes if b.text], weight / max(total, 1)


def _split_tokens(box: Box) -> list[Box]:
    """A box that read "行政处罚 5 0" is three boxes; x-ranges shared by character count."""
    tokens = box.text.split()
    if len(tokens) < 2 or not any(is_number(_digits(t)) for t in tokens):
        return [box]
    weights = [sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in t) + 0.4 for t in tokens]
    unit, x, out = (box.x1 - box.x0) / sum(weights), box.x0, []
    for token, w in zip(tokens, weights):
        out.append(Box(token, x, box.top, x + unit * (w - 0.4), box.bottom))
        x += unit * w
    return out


def _digits(token: str) -> str:
    """OCR's usual misreadings inside figures: O for 0, l or I for 1, a dash or 一 for minus."""
    minus = _MINUS.match(token)
    if minus:
        return f"-{minus.group(1)}"
    if not _DIGITISH.match(token) or not any(ch.isdigit() or ch in "Oo" for ch in token):
        return token
    return token.translate(_MISREAD)


def _is_figure(text: str) -> bool:
    """A figure cell: a number, or a dash or slash written for "nothing" (a blank)."""
    return is_number(text) or text in DASH_MARKS


# --- ruling lines --------------------------------------------------------------------

@dataclass(slots=True)
class Rule:
    """A ruling line: horizontal at `at` from `start` to `end` (x), or vertical (y)."""

    at: float
    start: float
    end: float

    def covers(self, v: float) -> bool:
        return self.start <= v <= self.end


@dataclass(slots=True)
class Rules:
    horizontal: list[Rule]
    vertical: list[Rule]


def find_rules(image: Any, height: float = 30.0) -> Rules:
    """Table rules in the page image: horizontal dark runs longer than a twentieth of the
    page width, vertical ones longer than two text lines (both longer than any stroke of a
    character), at most 8 px thick."""
    import cv2
    import numpy as np

    dark = (np.asarray(image.convert("L")) < 160).astype(np.uint8)
    out = []
    for size in ((max(60, dark.shape[1] // 20), 1), (1, max(50, int(2 * height)))):
        lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        if size[1] == 1:
            out.append([Rule(y + h / 2, x, x + w) for x, y, w, h, _ in stats[1:count] if h <= 8 and w >= size[0]])
        else:
            out.append([Rule(x + w / 2, y, y + h) for x, y, w, h, _ in stats[1:count] if w <= 8 and h >= size[1]])
    return Rules(*out)


def _boxed(box: Box, rules: Rules) -> bool:
    """The box has a vertical rule on each side: it is in a table cell."""
    left = any(r.at <= box.x0 + 4 and r.covers(box.cy) for r in rules.vertical)
    return left and any(r.at >= box.x1 - 4 and r.covers(box.cy) for r in rules.vertical)


# --- rows, bands, columns -------------------------------------------------------------

@dataclass(slots=True)
class _Row:
    figures: list[Box]
    label: list[Box]
    top: float
    bottom: float

    @property
    def cy(self) -> float:
        return median(f.cy for f in self.figures)


def _figure_rows(figures: list[Box], height: float, rules: list[Rule]) -> list[_Row]:
    """Figures into rows; a row's band is between the rules above and below it, or, on an
    unruled page, its own line."""
    rows: list[_Row] = []
    for box in sorted(figures, key=lambda b: b.cy):
        if rows and box.cy - rows[-1].cy <= 0.5 * height:
            rows[-1].figures.append(box)
        else:
            rows.append(_Row([box], [], 0.0, 0.0))
    for row in rows:
        row.figures.sort(key=lambda b: b.x0)
        x, cy = row.figures[0].cx, row.cy
        above = [r.at for r in rules if r.at < cy and r.covers(x)]
        below = [r.at for r in rules if r.at > cy and r.covers(x)]
        if above and below and min(below) - max(above) <= 10 * height:
            row.top, row.bottom = max(above), min(below)
        else:
            row.top, row.bottom = cy - 0.6 * height, cy + 0.6 * height
    return rows


def _take_labels(rows: list[_Row], texts: list[Box]) -> list[Box]:
    """Give each row the text boxes in its band left of its figures; return the rest."""
    rest = []
    for box in texts:
        owner = next((r for r in rows if r.top <= box.cy < r.bottom), None)
        if owner is not None and box.x1 <= owner.figures[0].x0 + 2:
            owner.label.append(box)
        else:
            rest.append(box)
    return rest


def _anchors(rows: list[_Row], height: float, header: list[Box]) -> list[float]:
    """Column centres of a run of rows. A column blank in every row is put back from the
    header line just above (a header cell centred where no figure column is), else from
    the columns' regular spacing."""
    anchors = _centres([f.cx for r in rows for f in r.figures], height)
    label_end = max((b.x1 for r in rows for b in r.label), default=0.0)
    heads = _centres([b.cx for b in header if b.cx > label_end], height)
    if len(heads) >= 2:
        step = median(b - a for a, b in zip(heads, heads[1:]))
        extra = [h for h in heads if all(abs(h - a) > 0.5 * step for a in anchors)]
        return sorted(anchors + extra)
    if len(anchors) < 4:
        return anchors
    gaps = [b - a for a, b in zip(anchors, anchors[1:])]
    step = median(gaps)
    full = [anchors[0]]
    for a, gap in zip(anchors[1:], gaps):
        missing = round(gap / step) - 1 if gap >= 1.7 * step else 0
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


def _row_cells(row: _Row, anchors: list[float], image: Any = None) -> list[str]:
    cells = [""] * len(anchors)
    for f in row.figures:
        k = min(range(len(anchors)), key=lambda i: abs(anchors[i] - f.cx))
        cells[k] = f"{cells[k]} {f.text}".strip() if cells[k] else f.text
    if image is not None and len(anchors) >= 2:
        step = median(b - a for a, b in zip(anchors, anchors[1:]))
        for k, text in enumerate(cells):
            if not text:
                cells[k] = reread(image, (anchors[k] - 0.45 * step, row.top + 3, anchors[k] + 0.45 * step, row.bottom - 3))
    label = "".join(b.text for column in _columns(row.label) for b in column)
    return [label, *cells] if label else cells


REREAD_CONFIDENCE = 0.8


def reread(image: Any, box: tuple[float, float, float, float]) -> str:
    """A figure cell the detector found empty, read again as one line of text (a narrow
    "1" in a small font can escape detection on the whole page): its figure, or ""."""
    import numpy as np

    x0, top, x1, bottom = (int(round(v)) for v in box)
    if x1 - x0 < 8 or bottom - top < 8:
        return ""
    crop = image.crop((x0, top, x1, bottom)).convert("L")
    if int(np.asarray(crop).min()) > 128:
        return ""  # nothing dark there: a blank cell
    result = _run(np.asarray(crop.convert("RGB")), use_det=False)
    texts: list[str] = list(getattr(result, "txts", None) or ())
    scores: list[float] = [float(x) for x in getattr(result, "scores", None) or ()]
    if not texts or not scores or scores[0] < REREAD_CONFIDENCE:
        return ""
    text = _digits(texts[0].strip())
    return text if _is_figure(text) else ""


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


# --- pages ----------------------------------------------------------------------------

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
                image: Any = None) -> list[Block]:
    """One page's OCR boxes (and the page's rules) -> text and table blocks in reading order.
    Text inside a ruled table (its headers) becomes header rows of that table; with the
    page image, figure cells found empty are read again."""
    if not boxes:
        return []
    rules = rules or Rules([], [])
    height = median(b.bottom - b.top for b in boxes)
    for b in boxes:
        b.text = _digits(b.text)
    rows = _figure_rows([b for b in boxes if _is_figure(b.text)], height, rules.horizontal)
    rest = _take_labels(rows, [b for b in boxes if not _is_figure(b.text)])
    items: list[tuple[float, Any, float]] = [(r.top, r, 0.0) for r in rows]
    for line in _text_lines(rest):
        text, top = _line_text(line, height), min(b.top for b in line)
        if is_footer(text) or (is_page_number(text) and not 0.06 < top / size[1] < 0.9):
            continue
        head = all(_boxed(b, rules) for b in line)
        line_height = median(b.bottom - b.top for b in line)
        items.append((top, line if head else TextBlock(text=text, page=page), line_height))
    items.sort(key=lambda it: it[0])
    if page == 1:
        _merge_title(items, height)
    return _tables(items, page, height, image)


def _merge_title(items: list[tuple[float, Any, float]], height: float) -> None:
    """Join the first text lines printed larger than the body: a title that the page broke
    over two lines (box heights vary with the text's length, so no closer match)."""
    sizes = [size for _, it, size in items if isinstance(it, TextBlock)]
    height = median(sizes) if sizes else height  # of the text lines, not of the table's figures
    big = [i for i, (_, it, size) in enumerate(items[:6]) if isinstance(it, TextBlock) and size >= 1.25 * height]
    if not big:
        return
    i, head = big[0], items[big[0]][1]
    while i + 1 < len(items):
        _, nxt, nsize = items[i + 1]
        if (not isinstance(nxt, TextBlock) or nsize < 1.25 * height or len(head.text) + len(nxt.text) > 80
                or "。" in head.text + nxt.text):
            break
        head.text += nxt.text
        del items[i + 1]


def _tables(items: list[tuple[float, Any, float]], page: int, height: float, image: Any = None) -> list[Block]:
    """Consecutive rows and header lines form one table; figure columns are found per run
    of rows between header lines."""
    blocks: list[Block] = []
    table: TableBlock | None = None
    run: list[_Row] = []
    header: list[Box] = []

    def flush_run() -> None:
        if run and table is not None:
            anchors = _anchors(run, height, header)
            table.rows.extend(_row_cells(r, anchors, image) for r in run)
        run.clear()

    for _, item, _ in items:
        if isinstance(item, TextBlock):
            flush_run()
            table, header = None, []
            blocks.append(item)
            continue
        if table is None:
            table = TableBlock(rows=[], page=page)
            blocks.append(table)
        if isinstance(item, _Row):
            run.append(item)
        else:
            flush_run()
            header = item
            table.rows.append([b.text for b in item])
    flush_run()
    return [b for b in blocks if not isinstance(b, TableBlock) or b.rows]


def skew_angle(image: Any) -> float:
    """Degrees to rotate the page by to level its lines: the angle whose horizontal
    projection profile is sharpest (text lines and rules as narrow dark bands)."""
    import numpy as np
    from PIL import Image

    small = image.convert("L").resize((max(1, image.width // 4), max(1, image.height // 4)))
    dark = Image.fromarray(((np.asarray(small) < 160) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        profile = np.asarray(dark.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.var(np.diff(profile)))

    coarse = max((a / 4 for a in range(-16, 17)), key=sharpness)
    return max((coarse + a / 20 for a in range(-5, 6)), key=sharpness)


def deskew(image: Any) -> Any:
    """The page turned level when it was scanned askew (by 0.15 to 4 degrees)."""
    from PIL import Image

    angle = skew_angle(image)
    if abs(angle) < 0.15:
        return image
    logger.debug("deskewing page by %.2f degrees", angle)
    fill = 255 if image.mode == "L" else (255,) * len(image.getbands())
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=fill)


UPRIGHT_CONFIDENCE = 0.8  # below this the page may lie on its side or upside down


def _upright(image: Any) -> tuple[Any, list[Box]]:
    """The page the right way up, and its boxes: when the text reads poorly, the page is
    tried turned by 180, 90 and 270 degrees (the recogniser reads rotated text at ~0.6)."""
    boxes, confidence = recognise(image)
    best = (confidence, image, boxes)
    for angle in (180, 90, 270):
        if best[0] >= UPRIGHT_CONFIDENCE:
            break
        turned = image.rotate(angle, expand=True)
        boxes, confidence = recognise(turned)
        best = max(best, (confidence, turned, boxes), key=lambda b: b[0])
    return best[1], best[2]


def ocr_page(image: Any, number: int) -> list[Block]:
    """The blocks of one page image (a PIL image), numbered as page `number`."""
    image, boxes = _upright(deskew(image))
    height = median(b.bottom - b.top for b in boxes) if boxes else 30.0
    return page_blocks(boxes, number, image.size, find_rules(image, height), image)


def number_tables(blocks: list[Block]) -> None:
    count = 0
    for block in blocks:
        if isinstance(block, TableBlock):
            block.index, count = count, count + 1


def ocr_pages(images: Sequence[Any]) -> Document:
    """OCR every page image (PIL images) into one Document."""
    doc = Document(format="image", pages=len(images))
    for number, image in enumerate(images, start=1):
        doc.blocks.extend(ocr_page(image, number))
    number_tables(doc.blocks)
    doc.notes.append(f"OCR (RapidOCR, PP-OCRv6) of {len(images)} page(s)")
    return doc


def image_to_document(data: bytes) -> Document:
    """A scanned page as PNG/JPEG/TIFF (every frame of a multi-page TIFF)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError) as exc:
        raise ExtractionError(f"unreadable image: {exc}") from exc
    return ocr_pages(frames)
