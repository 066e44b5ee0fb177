"""RapidOCR on the CPU: the process's engine, a page's boxes, a cell read again, a page
turned upright.

RapidOCR 3.x ships PP-OCRv6-small detection and recognition models inside its wheel, so
nothing is downloaded at run time (its config names the packaged files, found in
site-packages). Engines are loaded once per process, on first use, as many as calls run at
once (their settings are the default options'), and kept.

A page is read in two steps rather than by one RapidOCR call: detection finds its lines on
a reduced image (`_detect`), then each line is cut from the page at full resolution and
recognised by a call of its own, `rec_workers` lines at once over every page in flight. In one call,
RapidOCR cuts the lines from the image it detected on (reduced, then scaled back up) and a
page's recognition, ~80% of its time, runs on one core however many are idle: a document
whose pages differ in length left a core waiting for its longest page.
"""
from __future__ import annotations

import functools
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pipelines.errors import ExtractionError
from pipelines.ocr.boxes import Box, digits, is_figure, split_tokens
from pipelines.ocr.options import OPTIONS, OcrOptions

_IDLE: queue.SimpleQueue[Any] = queue.SimpleQueue()  # the process's recognition engines not in a call
_DETECTING = threading.Lock()


def _make(opts: OcrOptions = OPTIONS) -> Any:
    """A RapidOCR engine (PP-OCRv6 models from the wheel, each loaded on its first call).
    Recognition pads a text line only to its own width (RapidOCR pads every line to 320
    pixels, six times the work of a short figure), and one intra-op thread serves one call:
    calls run in parallel."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ExtractionError("OCR needs the rapidocr package (pip install rapidocr onnxruntime)") from exc
    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False,
                            "Global.max_side_len": opts.det_max_side,
                            "Rec.rec_batch_num": opts.rec_batch, "Rec.rec_img_shape": [3, 48, opts.rec_min_width],
                            "EngineConfig.onnxruntime.intra_op_num_threads": opts.threads,
                            "EngineConfig.onnxruntime.inter_op_num_threads": 1})


def engine(count: int = 1) -> Any:
    """A recognition engine of the process, `count` of them made."""
    made = [_take() for _ in range(count)]
    for one in made:
        _IDLE.put(one)
    return made[0]


def _take() -> Any:
    try:
        return _IDLE.get_nowait()
    except queue.Empty:
        return _make()


@functools.cache
def _detector() -> Any:
    return _make()


def _detect(array: Any) -> Any:
    """RapidOCR's detection of a page (its lines as quads, in the page's pixels).

    One page at a time per process, on one engine: an engine that has detected keeps ~0.3 GB
    (one per page in flight would keep that each), and detection is ~15% of a page's time,
    so the other pages' lines are recognised meanwhile. RapidOCR keeps a call's flags for
    the next call, so every call states them.
    """
    with _DETECTING:
        return _detector()(array, use_det=True, use_cls=False, use_rec=False)


def _read(array: Any) -> Any:
    """One recognition call (an image of one line), on an idle engine: a new one when all
    are busy, so there are as many engines as threads reading at once."""
    one = _take()
    try:
        return one(array, use_det=False, use_cls=False, use_rec=True)
    finally:
        _IDLE.put(one)


@functools.cache
def _lines_pool(workers: int) -> ThreadPoolExecutor:
    """The process's recognition threads, shared by every page read at once (kept: a worker
    process reads document after document)."""
    return ThreadPoolExecutor(workers, thread_name_prefix="ocr-rec")


def _read_line(crop: Any) -> tuple[str, float]:
    result = _read(crop)
    texts, scores = getattr(result, "txts", None), getattr(result, "scores", None)
    return (str(texts[0]), float(scores[0])) if texts and scores else ("", 0.0)


def recognise(image: Any, opts: OcrOptions = OPTIONS) -> tuple[list[Box], float]:
    """OCR boxes of one page image (PIL image), as axis-parallel boxes, and the mean
    recognition confidence per character (1.0 for a blank page)."""
    import numpy as np
    from rapidocr.utils.process_img import get_rotate_crop_image

    array = np.asarray(image.convert("RGB"))
    found = _detect(array)
    quads = getattr(found, "boxes", None)
    if quads is None or not len(quads):
        return [], 1.0
    crops = [get_rotate_crop_image(array, np.array(quad, dtype=np.float32)) for quad in quads]
    boxes, weight, total = [], 0.0, 0
    for quad, (text, score) in zip(quads, _lines_pool(opts.rec_workers).map(_read_line, crops)):
        if not text.strip() or score < opts.text_score:  # as RapidOCR's own call filters them
            continue
        xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
        boxes.extend(split_tokens(Box(text.strip(), min(xs), min(ys), max(xs), max(ys))))
        weight, total = weight + score * len(text), total + len(text)
    return [b for b in boxes if b.text], weight / max(total, 1)


def reread(image: Any, box: tuple[float, float, float, float], opts: OcrOptions = OPTIONS) -> str:
    """A figure cell the detector found empty, read again as one line of text (a narrow
    "1" in a small font can escape detection on the whole page): its figure, or ""."""
    import numpy as np

    x0, top, x1, bottom = (int(round(v)) for v in box)
    if x1 - x0 < 8 or bottom - top < 8:
        return ""
    crop = image.crop((x0, top, x1, bottom)).convert("L")
    if int(np.asarray(crop).min()) > 128:
        return ""  # nothing dark there: a blank cell
    result = _read(np.asarray(crop.convert("RGB")))
    texts: list[str] = list(getattr(result, "txts", None) or ())
    scores: list[float] = [float(x) for x in getattr(result, "scores", None) or ()]
    if not texts or not scores or scores[0] < opts.reread_confidence:
        return ""
    text = digits(texts[0].strip())
    return text if is_figure(text) else ""


def upright(image: Any, opts: OcrOptions = OPTIONS) -> tuple[Any, list[Box]]:
    """The page the right way up, and its boxes: when the text reads poorly, the page is
    tried turned by 180, 90 and 270 degrees (the recogniser reads rotated text at ~0.6)."""
    boxes, confidence = recognise(image, opts)
    best = (confidence, image, boxes)
    for angle in (180, 90, 270):
        if best[0] >= opts.upright_confidence:
            break
        turned = image.rotate(angle, expand=True)
        boxes, confidence = recognise(turned, opts)
        best = max(best, (confidence, turned, boxes), key=lambda b: b[0])
    return best[1], best[2]
