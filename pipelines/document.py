"""The one intermediate form every input format is turned into: text blocks and table grids.

Extractors (HTML, PDF, DOCX, OCR, plain text) produce a `Document`; the template-aware
mapper in `pipelines.reports` reads only this form, so every format meets one parser.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TextBlock:
    """A line or paragraph of running text, in reading order."""

    text: str
    page: int | None = None  # 1-based page, for paged formats
    line: int | None = None  # 1-based line in the source, for text formats


@dataclass(slots=True)
class TableBlock:
    """A table as a grid of cell strings; merged cells already expanded (the value repeated).

    `rows[r][c]` is the text of the cell at row r, column c. `exact_columns` is True when
    the grid comes from real cell structure (HTML, DOCX, ruled PDF), False when it was
    rebuilt from text (tabs, pipes, spaces) and trailing blanks may be artefacts.
    """

    rows: list[list[str]]
    page: int | None = None
    index: int = 0  # 0-based table number in the document
    line: int | None = None
    exact_columns: bool = False


Block = TextBlock | TableBlock


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)
    format: str = "text"  # html | pdf | pdf-ocr | docx | doc | wps | text | image
    title_hint: str | None = None  # e.g. the HTML <title> or an <h1>, when the format has one
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # what the extractor had to do (OCR, ...)
