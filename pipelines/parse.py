"""Stages 3 and 4, extraction and parse, as one stage: each new document's bytes become its
ParseOutcome in a worker process under the per-document limits (pipelines/limits.py).

In a crawl `process_item` is a coroutine (Scrapy awaits it on the asyncio reactor): the
reactor waits on the worker's future, so downloads go on while documents are parsed.
`nianbao ingest` calls `parse_item`, the same work, waiting for it.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import CancelledError
from typing import Any

from pipelines.base import stat
from pipelines.document import Document, Hints
from pipelines.limits import LimitExceeded, Limits, Workers, workers_for
from pipelines.task import ParseTask, TaskResult, failed, parse_safely

__all__ = ["ParseCancelled", "ParseStage", "hints_of", "parse_safely", "task_of"]
logger = logging.getLogger(__name__)


class ParseCancelled(Exception):
    """The run is stopping and this document's parse was cancelled: it is not archived
    (the next run fetches it again). The crawl's subclass raises Scrapy's DropItem."""


def hints_of(item: Any) -> Hints:
    """What a crawled or ingested item's context says about its document."""
    return Hints(link_text=item.link_text, page_title=item.page_title, publisher=item.agency_hint,
                 agency=item.agency_given, region=item.region)


def task_of(item: Any) -> ParseTask:
    return ParseTask(name=item.filename or item.url, hints=hints_of(item), sha256=item.sha256)


class ParseStage:
    """bytes -> ParseOutcome, in the run's worker pool. A file that cannot be read, or that
    passes a cap, is kept with the reason as a failed outcome."""

    cancelled: type[Exception] = ParseCancelled

    def __init__(self, stats: Any, workers: Workers) -> None:
        self.stats, self.workers = stats, workers

    @classmethod
    def from_crawler(cls, crawler: Any) -> ParseStage:
        return cls(crawler.stats, workers_for(crawler, Limits.from_settings(crawler.settings)))

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if item.duplicate:
            return item
        future = self.workers.submit(item.body, task_of(item))
        try:
            result = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            raise self.cancelled(f"parse cancelled, the crawl is stopping: {item.url}") from None
        except LimitExceeded as exc:
            result = failed(str(exc))
        return self._apply(item, result)

    def parse_item(self, item: Any) -> Any:
        """process_item, waiting for the worker (for runs without an event loop)."""
        if item.duplicate:
            return item
        try:
            return self._apply(item, self.workers.parse(item.body, task_of(item)))
        except CancelledError:
            raise self.cancelled(f"parse cancelled, the run is stopping: {item.url}") from None

    def _apply(self, item: Any, result: TaskResult) -> Any:
        item.outcome = result.outcome
        # The Document's blocks stay in the worker; the store reads only its format.
        item.document = Document(format=result.format or "unknown", notes=result.notes)
        if result.format is None:
            logger.warning("cannot read %s: %s", item.url, result.outcome.error)
            stat(self.stats, "extract_failed")
        stat(self.stats, f"parse/{item.outcome.status}")
        return item

    def close_spider(self, spider: Any = None) -> None:
        self.workers.close()
