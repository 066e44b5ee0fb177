"""PDF -> Document: ruled tables from the PDF's own drawing, text lines around them.

Per page, pypdfium2 reads the characters with their boxes (`characters`) and the ruling
lines (`rules`); the cells are what pdfplumber's "lines" strategy finds (`grid`); each
character goes to its cell or to a free line (`pages`); tables running over pages, running
heads and titles are settled across the document (`assembly`). `backend="pdfplumber"`
reads the same page facts with pdfplumber's own `page.chars` and `page.find_tables()`, for
cross-checking. Pages with (almost) no text layer are rendered and OCR'd (format "pdf-ocr").
"""
from __future__ import annotations

from typing import Any

from pipelines import deadline
from pipelines.document import Block, Document
from pipelines.errors import ExtractionError
from pipelines.pdf.assembly import assemble, blocks
from pipelines.pdf.pages import Page, open_pdf, pdfium_pages, plumber_pages

OCR_DPI = 200
MIN_TEXT_CHARS = 10  # a page with fewer real characters is a scan


def _scanned(page: Page) -> bool:
    """An image with no text layer worth the name over it: (almost) no characters, or
    mostly unmapped glyphs. A page with no image and no text is blank, not a scan."""
    if not page.images:
        return False
    good = sum(1 for ch in page.chars if ch.text not in "\ufffd" and not 0xE000 <= ord(ch.text) <= 0xF8FF)
    return good < MIN_TEXT_CHARS or good < 0.7 * len(page.chars)


def pdf_to_document(data: bytes, backend: str = "pdfium") -> Document:
    """The PDF's text lines and tables; pages without a text layer go through OCR."""
    pdf = open_pdf(data)
    try:
        pages = plumber_pages(data) if backend == "pdfplumber" else pdfium_pages(pdf)
        if not pages:
            raise ExtractionError("PDF has no pages")
        scanned = [p.number for p in pages if _scanned(p)]
        found = blocks(assemble([p for p in pages if p.number not in scanned]))
        if scanned:
            found = _with_ocr(pdf, found, scanned)
    finally:
        pdf.close()
    doc = Document(blocks=found, format="pdf-ocr" if scanned else "pdf", pages=len(pages))
    if scanned:
        doc.notes.append(f"no text layer on page(s) {scanned}: OCR at {OCR_DPI} dpi")
    return doc


def _with_ocr(pdf: Any, found: list[Block], numbers: list[int]) -> list[Block]:
    """The text pages' blocks with the OCR'd pages' blocks put in page order."""
    deadline.allow_pages(len(numbers))  # the document's time grows by its OCR pages (and import)
    from pipelines.ocr import number_tables, ocr_numbered

    images = ((n, pdf[n - 1].render(scale=OCR_DPI / 72, grayscale=True).to_pil()) for n in numbers)
    found = found + ocr_numbered(images)  # pages read in parallel, rendered here as needed
    found.sort(key=lambda b: b.page or 0)  # stable: reading order within a page is kept
    number_tables(found)
    return found
