"""Stage 5, the only one that writes archive rows: the copy, its sighting, the parse.

Opens a run record when the crawl starts and closes it with the crawl's stats.
"""
from __future__ import annotations

import logging
from typing import Any

from archive.records import CopyRecord, ParsedCopy, Sighting
from pipelines.base import STATS_PREFIX, Stats, archive_dir, handles_for, stat

logger = logging.getLogger(__name__)


def _format(item: Any) -> str:
    notes = [n for n in item.notes if n.startswith("format:")]
    return notes[0].split(":", 1)[1] if notes else "unknown"


def sighting_of(item: Any, run_id: int | None) -> Sighting:
    return Sighting(
        sha256=item.sha256, url=item.url, seen_at=item.fetched_at, source=item.source,
        column=item.column, referer=item.referer, link_text=item.link_text,
        http_status=item.status, content_type=item.content_type, etag=item.etag,
        last_modified=item.last_modified, run_id=run_id,
    )


def parsed_copy_of(item: Any) -> ParsedCopy:
    out = item.outcome
    return ParsedCopy(sha256=item.sha256, status=out.status, report=out.report,
                      provenance=out.provenance, flags=out.flags, error=out.error,
                      parser_version=out.parser_version)


class ArchivePipeline:
    def __init__(self, root: str, stats: Stats, owner: Any, target: str = "") -> None:
        self.root, self.stats, self.owner, self.target = root, stats, owner, target
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(archive_dir(crawler.settings), crawler.stats, crawler)

    @property
    def archive(self) -> Any:
        return handles_for(self.owner).get(self.root)

    def open_spider(self, spider: Any = None) -> None:
        target = self.target or str(getattr(spider, "target", "") or getattr(spider, "name", ""))
        self.run_id = self.archive.start_run(target)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        archive = self.archive
        archive.add_copy(CopyRecord(sha256=item.sha256, size=item.size, mime=item.mime,
                                    format=_format(item), filename=item.filename, seen_at=item.fetched_at))
        new_url = archive.add_sighting(sighting_of(item, self.run_id))
        if item.duplicate:
            stat(self.stats, "sightings_new" if new_url else "sightings_again")
            logger.info("duplicate  %s  (same bytes as a stored copy)", item.url)
            return item
        report_id = archive.save_parse(parsed_copy_of(item))
        self._log(item, report_id)
        return item

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
