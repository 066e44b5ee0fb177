"""`nianbao ingest`: local files through the same stages a crawl uses, without Scrapy's
engine (the stage classes take plain arguments; see pipelines/base.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crawler.items import DocumentItem
from pipelines.base import DictStats
from pipelines.dedup import DedupPipeline
from pipelines.download import BlobPipeline
from pipelines.extract import ExtractPipeline
from pipelines.parse import ParsePipeline
from pipelines.store import ArchivePipeline


def item_for_file(path: Path) -> DocumentItem:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
    return DocumentItem(url=path.resolve().as_uri(), body=path.read_bytes(), fetched_at=stamp,
                        filename=path.name, source="local", link_text=path.stem)


class LocalRun:
    """The crawl's item pipeline, in order, for items that come from elsewhere."""

    def __init__(self, archive_dir: str, target: str = "ingest") -> None:
        self.stats = DictStats()
        self.stages: list[Any] = [
            BlobPipeline(archive_dir, self.stats, self),
            DedupPipeline(archive_dir, self.stats, self),
            ExtractPipeline(self.stats),
            ParsePipeline(self.stats),
        ]
        self.store = ArchivePipeline(archive_dir, self.stats, self, target=target)

    def run(self, items: Iterable[DocumentItem], on_item: Callable[[DocumentItem], None] | None = None) -> dict[str, Any]:
        self.store.open_spider()
        try:
            for item in items:
                for stage in self.stages:
                    item = stage.process_item(item)
                self.store.process_item(item)
                if on_item:
                    on_item(item)
        finally:
            self.store.close_spider()
        return self.stats.get_stats()
