"""Stage 5, the only one that writes archive rows: the copy, its sighting, the parse.

In a crawl it writes through the crawl's state handle (crawlstate/handle.py): the archive
connection, the run (the handle writes the run record, once, with the crawl's outcome), and
each document's crawl state (its validators for the next conditional request, a new version
when a known URL serves new bytes) in the same transaction as its copy and sighting, which
cites the exchange's WARC record. Without a crawl (`nianbao ingest`) it opens the archive
and its own run (crawlstate/runs.py, the one writer of runs) and records no crawl state.
"""
from __future__ import annotations

import logging
from typing import Any

from archive.errors import InvalidRecord
from archive.pending import UNPARSED
from archive.records import CopyRecord, ParsedCopy, Sighting
from crawlstate.handle import CrawlStateHandle, handle_of
from crawlstate.runs import Run
from crawlstate.tables import Fetch
from pipelines.base import STATS_PREFIX, Stats, archive_dir, handles_for, stat

logger = logging.getLogger(__name__)


def _format(item: Any) -> str:
    """The sniffed format; "pdf-ocr" when the PDF was read by OCR (it ranks below a text
    layer when the archive picks a report's primary copy)."""
    if getattr(item.document, "format", None) == "pdf-ocr":
        return "pdf-ocr"
    notes = [n for n in item.notes if n.startswith("format:")]
    return notes[0].split(":", 1)[1] if notes else "unknown"


def sighting_of(item: Any, run_id: int | None, handle: CrawlStateHandle | None = None) -> Sighting:
    record = handle.cited_record(item.url) if handle is not None else None
    warc = {"warc_file": record.warc_file, "warc_offset": record.offset,
            "warc_length": record.length} if record else {}
    return Sighting(
        sha256=item.sha256, url=item.url, seen_at=item.fetched_at, source=item.source,
        column=item.column, referer=item.referer, link_text=item.link_text,
        page_title=item.page_title, publisher=item.agency_hint,
        http_status=item.status, content_type=item.content_type, etag=item.etag,
        last_modified=item.last_modified, run_id=run_id, **warc,
    )


def parsed_copy_of(item: Any) -> ParsedCopy:
    out = item.outcome
    return ParsedCopy(sha256=item.sha256, status=out.status, report=out.report,
                      provenance=out.provenance, flags=out.flags, error=out.error,
                      parser_version=out.parser_version, kind=out.kind,
                      cell_flags=out.cell_flags, region=item.region)


class ArchivePipeline:
    def __init__(self, root: str, stats: Stats, owner: Any, target: str = "") -> None:
        self.root, self.stats, self.owner, self.target = root, stats, owner, target
        self.run_id: int | None = None
        self.run: Run | None = None  # our own run, when there is no crawl handle
        self.handle: CrawlStateHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(archive_dir(crawler.settings), crawler.stats, crawler)

    @property
    def archive(self) -> Any:
        if self.handle is not None and self.handle.archive is not None:
            return self.handle.archive
        return handles_for(self.owner).get(self.root)

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or getattr(self.owner, "spider", None)  # Scrapy 2.19 passes none
        self.handle = handle_of(self.owner)
        if self.handle is not None:  # a crawl: the handle owns the run
            self.handle.open_for(spider)
            self.run_id = self.handle.run_id
            return
        target = self.target or str(getattr(spider, "target", "") or getattr(spider, "name", ""))
        # a crawl (spider) holds the archive's run lock: earlier "running" runs were killed
        self.run = Run.begin(self.archive, target, locked=spider is not None)
        self.run_id = self.run.run_id
        if hasattr(self.stats, "set_value"):
            self.stats.set_value(f"{STATS_PREFIX}/run_id", self.run_id)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if getattr(item, "replayed", False):  # archived by this crawl job before it was killed
            stat(self.stats, "replayed")
            return item
        archive = self.archive
        with archive.db.atomic():  # one transaction: a crawl killed midway leaves all or nothing
            archive.add_copy(CopyRecord(sha256=item.sha256, size=item.size, mime=item.mime,
                                        format=_format(item), filename=item.filename, seen_at=item.fetched_at))
            new_url = archive.add_sighting(sighting_of(item, self.run_id, self.handle))
            self._remember(item)
            report_id = None if item.duplicate else self._save_parse(item)
        if item.duplicate:
            stat(self.stats, "sightings_new" if new_url else "sightings_again")
            logger.info("duplicate  %s  (same bytes as a stored copy)", item.url)
            return item
        self._log(item, report_id)
        return item

    def _save_parse(self, item: Any) -> int | None:
        """The parse, or (when the archive rejects its shape) the copy as failed, with why."""
        try:
            return self.archive.save_parse(parsed_copy_of(item))
        except InvalidRecord as exc:
            stat(self.stats, "rejected")
            logger.warning("rejected   %s  %s", item.url, exc)
            item.outcome.status, item.outcome.error = "failed", f"archive rejected the parse: {exc}"
            self.archive.save_parse(ParsedCopy(sha256=item.sha256, status="failed",
                                               error=item.outcome.error, region=item.region,
                                               parser_version=item.outcome.parser_version))
            return None

    def _remember(self, item: Any) -> None:
        """The crawl state's record of the URL (only in a crawl: an ingested file, or a WARC
        made by another crawler, has no crawl state of ours)."""
        if self.handle is None or not str(item.url).startswith(("http://", "https://")):
            return
        fetch = Fetch(url=item.url, seen_at=item.fetched_at, sha256=item.sha256, etag=item.etag,
                      last_modified=item.last_modified, content_type=item.content_type,
                      http_status=item.status, parent_url=item.referer, source=item.source)
        version = self.handle.record_document(fetch, fetched=not getattr(item, "revalidated", False))
        if version > 1 and not getattr(item, "revalidated", False):
            stat(self.stats, "versions/new")
            logger.info("changed    %s  (version %d)", item.url, version)

    def _log(self, item: Any, report_id: int | None) -> None:
        out = item.outcome
        if out.error == UNPARSED:  # the run is stopping: bytes and sighting kept, parsed next run
            stat(self.stats, "copies/unparsed")
            logger.info("unparsed   %s  (the run stopped first)", item.url)
            return
        stat(self.stats, f"copies/{out.status}")
        if out.status == "parsed":
            r = out.report
            logger.info("report #%s  %s %s  [%s]  %s", report_id, r.get("year"), r.get("agency"),
                        _format(item), item.url)
        elif out.status == "failed":
            logger.warning("failed     %s  %s", item.url, out.error or "no reason recorded")
        else:  # the parser names why (reports.py); an old outcome may not
            logger.info("not a report  %s  %s", item.url, out.error or "no reason recorded")

    def close_spider(self, spider: Any = None) -> None:
        """Our own run (an ingest) ends here; a crawl's run ends with the crawl (its handle)."""
        values = self.stats.get_stats() if hasattr(self.stats, "get_stats") else {}
        failed = values.get(f"{STATS_PREFIX}/copies/failed", 0)
        if self.run is not None:
            self.run.finish("partial" if failed else "success", values)
        handles_for(self.owner).close_all()
