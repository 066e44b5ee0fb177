"""Items the spiders yield. Plain dataclasses (itemadapter handles them); no scrapy import,
so `nianbao ingest` builds the same item for a local file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class DocumentItem:
    """One fetched candidate document (a report page or an attachment), exact bytes."""

    url: str
    body: bytes
    fetched_at: str  # ISO 8601, UTC
    status: int = 200
    content_type: str | None = None
    filename: str | None = None  # from Content-Disposition, else the URL's last segment
    etag: str | None = None
    last_modified: str | None = None
    source: str | None = None  # configured source name, or the host for a bare URL
    column: str | None = None  # URL of the list page (column) the link was found on
    referer: str | None = None
    link_text: str | None = None  # the anchor text that led here (often the report's title)
    # Crawl provenance (issue 4).
    requested_url: str | None = None  # the URL first requested, when redirects led here
    bundle: str | None = None  # the zip bundle's URL, for a document unpacked from one
    agency_hint: str | None = None  # who the page says published it (ContentSource, site name)
    page_title: str | None = None  # an attachment's: the title of the page that linked it
    agency_given: str | None = None  # the body as the user states it (`ingest --agency`)
    region: str | None = None  # the source's region/body (sources.toml title, `ingest --source`)
    revalidated: bool = False  # a 304 confirmed the stored copy: body from the archive
    replayed: bool = False  # already archived by this (resumed) crawl job: record nothing
    # Set by the pipelines, in order: store -> dedup -> extract -> parse -> archive.
    sha256: str | None = None
    size: int = 0
    mime: str | None = None  # sniffed from the bytes, never from the name alone
    duplicate: bool = False  # the sha256 was already in the archive
    document: Any = None  # pipelines.document.Document
    outcome: Any = None  # pipelines.reports.ParseOutcome
    notes: list[str] = field(default_factory=list)
