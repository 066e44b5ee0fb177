"""What the pipelines hand to the archive: plain dataclasses, no scrapy, no pipelines import."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Sighting:
    """One URL at which a copy (by sha256) was seen, at one time."""

    sha256: str
    url: str
    seen_at: str  # ISO 8601 UTC
    source: str | None = None
    column: str | None = None
    referer: str | None = None
    link_text: str | None = None
    page_title: str | None = None  # an attachment's: the title of the page that linked it
    publisher: str | None = None  # who that page (or the page itself) says published it
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    run_id: int | None = None
    warc_file: str | None = None  # the WARC record of the exchange (crawlstate/warc.py)
    warc_offset: int | None = None
    warc_length: int | None = None


@dataclass(slots=True)
class CopyRecord:
    """One stored file: the exact bytes live in the blob store under `sha256`."""

    sha256: str
    size: int
    mime: str  # sniffed, e.g. text/html, application/pdf
    format: str  # html | pdf | docx | doc | wps | text | image | zip | unknown
    filename: str | None
    seen_at: str


@dataclass(slots=True)
class ParsedCopy:
    """The parser's verdict on one copy.

    status: "parsed" (a report), "not_report" (read fine, but not an annual report),
    "failed" (could not be read or parsed; `error` says why). For "parsed", `report` is the
    canonical JSON of ../shared/spec/report-format.md (title, agency, year, template,
    contact, sections, tables, checks) and `provenance` maps "table/row/column" to where
    the cell came from (e.g. "table 3 row 7 col 4", "page 2 line 14"); `flags` lists what the
    mapper had to guess ("applications.withheld_state_secret: row by position").
    """

    sha256: str
    status: str
    report: dict[str, Any] | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    error: str | None = None
    parser_version: str = ""
    kind: str = "report"  # report | legacy | a related kind (notice, infographic, ...)
    cell_flags: dict[str, str] = field(default_factory=dict)  # "table/row/col" -> reason
    region: str | None = None  # the body's region from the crawl source / ingest --source
