"""`nianbao ingest` of WARC and WACZ files another crawler made (Browsertrix, Heritrix,
`wget --warc-file`, warcio's capture): every successful response in them becomes a
`DocumentItem` with its original URL, date and headers, and goes through the pipeline
like a crawled document (crawler/local.py's LocalRun): a copy, and a sighting of it at
that URL on that date.

What is read: `response` records with a 2xx status (payload de-chunked and decoded by
warcio), and `revisit` records whose original payload (same WARC-Payload-Digest) came
earlier in the same files. robots.txt, style sheets, scripts and fonts are no documents.
An HTML page is kept by the rule the portal spider applies to a detail page: an article
(not a list page, not an error page) whose own title reads like a report; another
crawler's WARC holds navigation and list pages that a crawl never archives.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator

from scrapy.http import HtmlResponse, Request

from crawler.items import DocumentItem
from crawler.sources import Source, from_url
from crawler.spiders import checks
from crawler.spiders.documents import article_title

SUFFIXES = (".warc", ".warc.gz", ".wacz")
NOT_DOCUMENTS = ("text/css", "application/javascript", "text/javascript", "font/",
                 "application/x-javascript", "image/x-icon")


def is_web_archive(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def items_for(files: Iterable[Path], context: Any,
              single: Callable[[Path, Any], DocumentItem]) -> Iterator[DocumentItem]:
    """Each file's items: a web archive's responses, else the file itself (`single`)."""
    for path in files:
        if is_web_archive(path):
            yield from archive_items(path, context)
        else:
            yield single(path, context)


def warc_streams(path: Path) -> Iterator[IO[bytes]]:
    """The WARC streams of a .warc(.gz) file, or of a WACZ's archive/ members."""
    if not path.name.lower().endswith(".wacz"):
        with open(path, "rb") as stream:
            yield stream
        return
    with zipfile.ZipFile(path) as wacz:
        for name in sorted(wacz.namelist()):
            if name.startswith("archive/") and name.endswith((".warc", ".warc.gz")):
                with wacz.open(name) as stream:
                    yield stream


def iso_date(warc_date: str) -> str:
    stamp = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return stamp.astimezone(timezone.utc).isoformat(timespec="seconds")


def archive_items(path: Path, context: Any) -> Iterator[DocumentItem]:
    payloads: dict[str, bytes] = {}  # payload digest -> body, for revisit records
    for stream in warc_streams(path):
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                continue
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            body = record.content_stream().read() if record.rec_type == "response" else payloads.get(digest or "")
            if record.rec_type == "response" and digest:
                payloads[digest] = body
            item = item_of(record, body, context) if body is not None else None
            if item is not None:
                yield item


def _header(record: Any, name: str) -> str | None:
    return record.http_headers.get_header(name)


def item_of(record: Any, body: bytes, context: Any) -> DocumentItem | None:
    status = int(record.http_headers.get_statuscode() or 0)
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    kind = (_header(record, "Content-Type") or "").lower()
    if not 200 <= status < 300 or not body or urlsplit(url).path == "/robots.txt" \
            or kind.startswith(NOT_DOCUMENTS):
        return None
    if "html" in kind and not report_page(url, body, kind):
        return None
    name = unquote(PurePosixPath(urlsplit(url).path).name) or None
    source = context.source if context.source != "local" else urlsplit(url).netloc
    return DocumentItem(url=url, body=body, fetched_at=iso_date(record.rec_headers.get_header("WARC-Date")),
                        status=status, content_type=_header(record, "Content-Type"), filename=name,
                        etag=_header(record, "ETag"), last_modified=_header(record, "Last-Modified"),
                        source=source, link_text=None, region=context.region,
                        agency_given=context.agency)


_SOURCES: dict[str, Source] = {}


def report_page(url: str, body: bytes, content_type: str) -> bool:
    """The spider's rule for a detail page (crawler/spiders/portal.py parse_detail)."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    source = _SOURCES.setdefault(origin, from_url(origin))
    page = HtmlResponse(url=url, body=body, headers={"Content-Type": content_type},
                        request=Request(url))
    if checks.error_page_reason(page) or checks.is_listing(page, source):
        return False
    return source.looks_like_report(article_title(page))
