"""`nianbao ingest`: local files through the same stages a crawl uses, without Scrapy's
engine (the stage classes take plain arguments; see pipelines/base.py).

A file's context is what the user states: `--source NAME` (a configured source: its name
and, as the region, its title, e.g. 中卫市沙坡头区人民政府), `--region TEXT`, `--agency NAME`
(the body, when the heading names none). The archive files a body by name and region,
never by where a copy came from, so an ingested file joins the crawled copies of its report.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.items import DocumentItem
from pipelines.base import DictStats
from pipelines.dedup import DedupPipeline
from pipelines.download import BlobPipeline
from pipelines.limits import Limits, Workers
from pipelines.parse import ParseStage
from pipelines.store import ArchivePipeline


@dataclass(frozen=True, slots=True)
class FileContext:
    """What `ingest` was told about its files."""

    source: str = "local"
    region: str | None = None
    agency: str | None = None


def context_for(source: str | None, region: str | None, agency: str | None,
                sources_file: Path | None = None) -> FileContext:
    """`--source` is a configured source's name (ValueError if unknown); its title is the
    region unless `--region` says otherwise."""
    if source is None:
        return FileContext(region=region, agency=agency)
    from crawler.sources import load_sources

    known = load_sources(sources_file)
    if source not in known:
        raise ValueError(f"unknown source {source!r} (configured: {', '.join(sorted(known)) or 'none'})")
    return FileContext(source, region if region is not None else known[source].title, agency)


def item_for_file(path: Path, context: FileContext = FileContext()) -> DocumentItem:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
    return DocumentItem(url=path.resolve().as_uri(), body=path.read_bytes(), fetched_at=stamp,
                        filename=path.name, source=context.source, link_text=path.stem,
                        region=context.region, agency_given=context.agency)


class LocalRun:
    """The crawl's item pipeline, in order, for items that come from elsewhere."""

    def __init__(self, archive_dir: str, target: str = "ingest", limits: Limits | None = None) -> None:
        self.stats = DictStats()
        self.stages: list[Any] = [
            BlobPipeline(archive_dir, self.stats, self),
            DedupPipeline(archive_dir, self.stats, self),
        ]
        # One file at a time: one worker, under the per-document limits.
        self.parser = ParseStage(self.stats, Workers(limits or Limits(), size=1))
        self.store = ArchivePipeline(archive_dir, self.stats, self, target=target)

    def run(self, items: Iterable[DocumentItem], on_item: Callable[[DocumentItem], None] | None = None) -> dict[str, Any]:
        self.store.open_spider()
        try:
            for item in items:
                for stage in self.stages:
                    item = stage.process_item(item)
                self.store.process_item(self.parser.parse_item(item))
                if on_item:
                    on_item(item)
        finally:
            self.parser.workers.close()
            self.store.close_spider()
        return self.stats.get_stats()
