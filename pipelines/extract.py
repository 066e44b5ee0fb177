"""Bytes -> Document: one extractor per format, chosen by sniffing the bytes.

`extract(data, name)` is the pure stage; `pipelines.task.run_task` runs it with the parse,
in a worker process under limits (`pipelines.limits`), for the crawl and every command.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from pipelines.document import Document
from pipelines.errors import ExtractionError
from pipelines.sniff import Kind, decode_text, sniff
from pipelines.textdoc import text_to_document

logger = logging.getLogger(__name__)


def _text(data: bytes, kind: Kind) -> Document:
    return text_to_document(decode_text(data))


def _html(data: bytes, kind: Kind) -> Document:
    from pipelines.htmldoc import html_to_document

    return html_to_document(data)


def _pdf(data: bytes, kind: Kind) -> Document:
    from pipelines.pdf import pdf_to_document

    return pdf_to_document(data)


def _docx(data: bytes, kind: Kind) -> Document:
    from pipelines.docxdoc import docx_to_document

    return docx_to_document(data)


def _office(data: bytes, kind: Kind) -> Document:
    from pipelines.docxdoc import legacy_to_document

    return legacy_to_document(data, kind.format)


def _image(data: bytes, kind: Kind) -> Document:
    from pipelines.ocr import image_to_document

    return image_to_document(data)


# Imported lazily: a crawl of HTML pages never loads the PDF or OCR stacks.
EXTRACTORS: dict[str, Callable[[bytes, Kind], Document]] = {
    "text": _text,
    "html": _html,
    "pdf": _pdf,
    "docx": _docx,
    "doc": _office,
    "wps": _office,
    "image": _image,
}


def extract(data: bytes, name: str = "") -> Document:
    """The document's text blocks and tables. Raises ExtractionError with a one-line reason."""
    if not data:
        raise ExtractionError("empty file")
    kind = sniff(data, name)
    extractor = EXTRACTORS.get(kind.format)
    if extractor is None:
        raise ExtractionError(f"unsupported format: {kind.format} ({kind.mime})")
    try:
        doc = extractor(data, kind)
    except (ExtractionError, MemoryError):  # MemoryError: the worker's cap names the reason
        raise
    except Exception as exc:  # a stage edge: any reader failure becomes one clear reason
        logger.debug("extractor %s failed", kind.format, exc_info=True)
        if _out_of_memory(exc):  # a native reader's allocation failed under the worker's cap
            raise MemoryError(str(exc)) from exc
        raise ExtractionError(f"cannot read {kind.format}: {type(exc).__name__}: {one_line(exc)}") from exc
    doc.format = doc.format if doc.format != "text" or kind.format == "text" else kind.format
    return doc


def one_line(exc: BaseException) -> str:
    """A native library's message may carry its own traceback or dump: its last meaningful
    line is the reason (bounded, so a reason is never a wall of text)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:300]


def _out_of_memory(exc: BaseException) -> bool:
    text = str(exc)
    return "bad_alloc" in text or "Cannot allocate memory" in text or "out of memory" in text.lower()

