"""The one intermediate form every input format is turned into: text blocks and table grids.

Extractors (HTML, PDF, DOCX, OCR, plain text) produce a `Document`; the template-aware
mapper in `pipelines.reports` reads only this form, so every format meets one parser.
"""
from __future__ import annotations

from dataclasses import dataclass, field


def squash(text: str | None) -> str:
    """White space removed: re.sub(r"\\s+", "", text), several times faster (str.split()
    splits at exactly the characters regex \\s matches)."""
    return "".join((text or "").split())


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
    width: int | None = None  # cells of a markdown table's header row: shorter rows lost cells


Block = TextBlock | TableBlock


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)
    format: str = "text"  # html | pdf | pdf-ocr | docx | doc | wps | text | image
    title_hint: str | None = None  # e.g. the HTML <title> or an <h1>, when the format has one
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # what the extractor had to do (OCR, ...)
    # What the page itself says about the document beside its body text (HTML only):
    # "ArticleTitle", "ContentSource", "SiteName", "ColumnName" (meta tags), "breadcrumb",
    # "heading" (the article title above the body). Read by pipelines.identity.
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Hints:
    """What the context of a copy says about it, beside its own bytes: used when the report's
    own heading does not name the body or the year, and recorded as the name's source."""

    link_text: str | None = None  # the anchor text that led to the copy
    page_title: str | None = None  # the title of the page that linked an attachment
    publisher: str | None = None  # who the linking page says published it (ContentSource)
    agency: str | None = None  # stated by the user (`ingest --agency`): trusted over the page
    region: str | None = None  # the crawl source's or `ingest --source`'s region/body name
    column: str | None = None  # the title of the column (list page) the copy was found in
