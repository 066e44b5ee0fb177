"""Scanned pages and images -> Document, with RapidOCR on the CPU.

A page is levelled (`deskew`), read by the engine and turned upright when it reads poorly
(`engine`), its ruling lines are found (`rules`) and its boxes become text lines and table
rows (`geometry`, on `boxes`); every threshold is in `options`. The pages of a document are
read `page_workers` at a time, each in a thread on an engine of its own, and their text lines
are recognised `rec_workers` at a time over all of them (`engine.recognise`): onnxruntime,
97% of the time, leaves Python's lock while it runs, and one intra-op thread per call keeps
both cores busy where one page's small recognition calls could not.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from statistics import median
from typing import Any

from pipelines import deadline
from pipelines.document import Block, Document, TableBlock
from pipelines.errors import ExtractionError
from pipelines.ocr.deskew import deskew
from pipelines.ocr.engine import engine, upright
from pipelines.ocr.geometry import page_blocks
from pipelines.ocr.options import OPTIONS, OcrOptions
from pipelines.ocr.rules import find_rules

__all__ = ["engine", "image_to_document", "number_tables", "ocr_numbered", "ocr_page", "ocr_pages"]


def ocr_page(image: Any, number: int, opts: OcrOptions = OPTIONS) -> list[Block]:
    """The blocks of one page image (a PIL image), numbered as page `number`."""
    image, boxes = upright(deskew(image, opts), opts)
    height = median(b.bottom - b.top for b in boxes) if boxes else 30.0
    return page_blocks(boxes, number, image.size, find_rules(image, height, opts), image, opts)


def ocr_numbered(pages: Iterable[tuple[int, Any]], opts: OcrOptions = OPTIONS) -> list[Block]:
    """The blocks of pages given as (number, PIL image), in the pages' order, read
    `page_workers` at once; the images are drawn from `pages` a chunk at a time, so a long
    scan is never rendered whole in memory."""
    pages, workers = iter(pages), max(1, opts.page_workers)
    blocks: list[Block] = []
    with ThreadPoolExecutor(workers) as pool:
        while chunk := list(islice(pages, workers)):
            for part in pool.map(lambda page: ocr_page(page[1], page[0], opts), chunk):
                blocks.extend(part)
    return blocks


def number_tables(blocks: list[Block]) -> None:
    count = 0
    for block in blocks:
        if isinstance(block, TableBlock):
            block.index, count = count, count + 1


def ocr_pages(images: Sequence[Any], opts: OcrOptions = OPTIONS) -> Document:
    """OCR every page image (PIL images) into one Document."""
    deadline.allow_pages(len(images))  # the document's time grows by its OCR pages
    doc = Document(format="image", pages=len(images))
    doc.blocks.extend(ocr_numbered(enumerate(images, start=1), opts))
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
