"""Stage 5, the only one that writes archive rows: the copy, its sighting, the parse.

Opens a run record when the crawl starts and closes it with the crawl's stats (the crawl's
final outcome is written by `finish_crawl_run`, once Scrapy knows why it stopped). Each
document also goes into the crawl state (archive/crawlstate.py): its validators for the
next conditional request, and a new version when a known URL serves new bytes.
"""
from __future__ import annotations

import logging
from typing import Any

from archive.crawlstate import CrawlState, Fetch
from archive.db import Archive
from archive.errors import InvalidRecord
from archive.records import CopyRecord, ParsedCopy, Sighting
from pipelines.base import STATS_PREFIX, Stats, archive_dir, handles_for, stat

logger = logging.getLogger(__name__)


def _format(item: Any) -> str:
    """The sniffed format; "pdf-ocr" when the PDF was read by OCR (it ranks below a text
    layer when the archive picks a report's primary copy)."""
    if getattr(item.document, "format", None) == "pdf-ocr":
        return "pdf-ocr"
    notes = [n for n in item.notes if n.startswith("format:")]
    return notes[0].split(":", 1)[1] if notes else "unknown"


def sighting_of(item: Any, run_id: int | None) -> Sighting:
    return Sighting(
        sha256=item.sha256, url=item.url, seen_at=item.fetched_at, source=item.source,
        column=item.column, referer=item.referer, link_text=item.link_text,
        page_title=item.page_title, publisher=item.agency_hint,
        http_status=item.status, content_type=item.content_type, etag=item.etag,
        last_modified=item.last_modified, run_id=run_id,
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
        self._state: CrawlState | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(archive_dir(crawler.settings), crawler.stats, crawler)

    @property
    def archive(self) -> Any:
        return handles_for(self.owner).get(self.root)

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or getattr(self.owner, "spider", None)  # Scrapy 2.19 passes none
        target = self.target or str(getattr(spider, "target", "") or getattr(spider, "name", ""))
        if spider is not None:  # a crawl holds the archive's run lock: earlier "running"
            # runs of its target were killed (direct SQL until archive/db.py has a call for it)
            self.archive.db.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'"
                                    " AND target = ?", [target])
        self.run_id = self.archive.start_run(target)
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
            new_url = archive.add_sighting(sighting_of(item, self.run_id))
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
        """The crawl state's record of the URL (not for local files: they have no URL)."""
        if not str(item.url).startswith(("http://", "https://")):
            return
        fetch = Fetch(url=item.url, seen_at=item.fetched_at, sha256=item.sha256, etag=item.etag,
                      last_modified=item.last_modified, content_type=item.content_type,
                      http_status=item.status, parent_url=item.referer, source=item.source)
        if self._state is None:
            self._state = CrawlState(self.archive.db)
        version = self._state.record_document(fetch, fetched=not getattr(item, "revalidated", False))
        if version > 1 and not getattr(item, "revalidated", False):
            stat(self.stats, "versions/new")
            logger.info("changed    %s  (version %d)", item.url, version)

    def _log(self, item: Any, report_id: int | None) -> None:
        out = item.outcome
        stat(self.stats, f"copies/{out.status}")
        if out.status == "parsed":
            r = out.report
            logger.info("report #%s  %s %s  [%s]  %s", report_id, r.get("year"), r.get("agency"),
                        _format(item), item.url)
        elif out.status == "failed":
            logger.warning("failed     %s  %s", item.url, out.error)
        else:
            logger.info("not a report  %s", item.url)

    def close_spider(self, spider: Any = None) -> None:
        values = self.stats.get_stats() if hasattr(self.stats, "get_stats") else {}
        ours = {k: v for k, v in values.items() if isinstance(v, (int, float, str))}
        failed = values.get(f"{STATS_PREFIX}/copies/failed", 0)
        status = "partial" if failed else "success"
        if self.run_id is not None:
            self.archive.finish_run(self.run_id, status, ours)
        handles_for(self.owner).close_all()


def finish_crawl_run(root: str, run_id: int, status: str, stats: dict[str, Any]) -> None:
    """Complete a crawl's run record with its final outcome and stats (after Scrapy closed
    the pipelines: it opens the archive itself)."""
    values = {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}
    with Archive.open(root) as archive:
        archive.finish_run(run_id, status, values)
