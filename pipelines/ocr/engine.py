"""RapidOCR on the CPU: the process's engine, a page's boxes, a cell read again, a page
turned upright.

RapidOCR 3.x ships PP-OCRv6-small detection and recognition models inside its wheel, so
nothing is downloaded at run time (its config names the packaged files, found in
site-packages). Engines are loaded once per process, on first use, one per page read at
once (their settings are the default options'), and kept.
"""
from __future__ import annotations

import queue
from typing import Any

from pipelines.errors import ExtractionError
from pipelines.ocr.boxes import Box, digits, is_figure, split_tokens
from pipelines.ocr.options import OPTIONS, OcrOptions

_IDLE: queue.SimpleQueue[Any] = queue.SimpleQueue()  # the process's engines not in a call


def _make(opts: OcrOptions = OPTIONS) -> Any:
    """A RapidOCR engine (PP-OCRv6 models from the wheel). Recognition pads a text line
    only to the widest of its batch (RapidOCR pads every line to 320 pixels, six times the
    work of a short figure), and one intra-op thread serves one page: pages run in parallel."""
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
    """An engine of the process, `count` of them loaded (models are loaded once per engine)."""
    made = [_take() for _ in range(count)]
    for one in made:
        _IDLE.put(one)
    return made[0]


def _take() -> Any:
    try:
        return _IDLE.get_nowait()
    except queue.Empty:
        return _make()


def _run(array: Any, use_det: bool) -> Any:
    """One engine call, on an idle engine (a new one when all are busy: as many engines as
    threads reading at once). RapidOCR keeps a call's flags for the next call, so every call
    states them."""
    one = _take()
    try:
        return one(array, use_det=use_det, use_cls=False, use_rec=True)
    finally:
        _IDLE.put(one)


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
        boxes.extend(split_tokens(Box(text.strip(), min(xs), min(ys), max(xs), max(ys))))
        weight, total = weight + float(score) * len(text), total + len(text)
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
    result = _run(np.asarray(crop.convert("RGB")), use_det=False)
    texts: list[str] = list(getattr(result, "txts", None) or ())
    scores: list[float] = [float(x) for x in getattr(result, "scores", None) or ()]
    if not texts or not scores or scores[0] < opts.reread_confidence:
        return ""
    text = digits(texts[0].strip())
    return text if is_figure(text) else ""


def upright(image: Any, opts: OcrOptions = OPTIONS) -> tuple[Any, list[Box]]:
    """The page the right way up, and its boxes: when the text reads poorly, the page is
    tried turned by 180, 90 and 270 degrees (the recogniser reads rotated text at ~0.6)."""
    boxes, confidence = recognise(image)
    best = (confidence, image, boxes)
    for angle in (180, 90, 270):
        if best[0] >= opts.upright_confidence:
            break
        turned = image.rotate(angle, expand=True)
        boxes, confidence = recognise(turned)
        best = max(best, (confidence, turned, boxes), key=lambda b: b[0])
    return best[1], best[2]
