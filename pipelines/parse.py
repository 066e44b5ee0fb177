"""Stages 3 and 4, extraction and parse, as one stage: each new document's bytes become its
ParseOutcome in a worker process under the per-document limits (pipelines/limits.py).

In a crawl `process_item` is a coroutine (Scrapy awaits it on the asyncio reactor): the
reactor waits on the worker's future, so downloads go on while documents are parsed.
`nianbao ingest` calls `parse_item`, the same work, waiting for it.

A parse cancelled because the run is stopping (SIGTERM, Ctrl-C: crawler/extensions.py kills
the workers: crawler/stages.py) is not dropped: the item goes on to the store as failed with the reason
archive.pending.UNPARSED, so its bytes and sighting are archived (a resumed crawl does not
fetch a URL it has seen: Scrapy's JOBDIR) and the next run parses it from its blob.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import CancelledError
from typing import Any

from archive.pending import UNPARSED
from pipelines.base import handles_for, stat
from pipelines.document import Document, Hints
from pipelines.limits import LimitExceeded, Workers
from pipelines.task import ParseTask, TaskResult, failed, parse_safely

__all__ = ["ParseStage", "hints_of", "parse_safely", "task_of"]
logger = logging.getLogger(__name__)


def hints_of(item: Any) -> Hints:
    """What a crawled or ingested item's context says about its document."""
    return Hints(link_text=item.link_text, page_title=item.page_title, publisher=item.agency_hint,
                 agency=item.agency_given, region=item.region)


def task_of(item: Any) -> ParseTask:
    return ParseTask(name=item.filename or item.url, hints=hints_of(item), sha256=item.sha256)


class ParseStage:
    """bytes -> ParseOutcome, in the run's worker pool. A file that cannot be read, or that
    passes a cap, is kept with the reason as a failed outcome."""

    def __init__(self, stats: Any, workers: Workers, owner: Any = None, root: str = "") -> None:
        self.stats, self.workers, self.owner, self.root = stats, workers, owner, root
        self._running: dict[str, asyncio.Future[Any]] = {}  # sha256 -> its parse in flight

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if item.duplicate:
            return item
        first = self._running.get(item.sha256)
        if first is not None:  # the same bytes under another URL, still being parsed
            return await self._duplicate_of(first, item)
        future = asyncio.wrap_future(self.workers.submit(item.body, task_of(item)))
        self._running[item.sha256] = future
        try:
            result = await future
        except asyncio.CancelledError:  # the worker's future: the run is stopping
            result = failed(UNPARSED)
        except LimitExceeded as exc:
            result = failed(str(exc))
        finally:
            self._running.pop(item.sha256, None)
        return self._apply(item, result)

    async def _duplicate_of(self, first: asyncio.Future[Any], item: Any) -> Any:
        """A sighting of a copy whose first URL is still in flight: once that copy is stored,
        this is a duplicate, as DedupPipeline would have said had it come later."""
        await asyncio.wait([first])  # done or cancelled, the first copy is stored next
        for _ in range(200):  # the first item's store runs right after its parse
            if handles_for(self.owner).get(self.root).has_copy(item.sha256):
                item.duplicate = True
                stat(self.stats, "new_copies", -1)
                stat(self.stats, "duplicate_copies")
                return item
            await asyncio.sleep(0.01)
        return await self.process_item(item)  # the first was not stored: parse this one

    def parse_item(self, item: Any) -> Any:
        """process_item, waiting for the worker (for runs without an event loop)."""
        if item.duplicate:
            return item
        try:
            result = self.workers.parse(item.body, task_of(item))
        except CancelledError:
            result = failed(UNPARSED)
        return self._apply(item, result)

    def _apply(self, item: Any, result: TaskResult) -> Any:
        item.outcome = result.outcome
        # The Document's blocks stay in the worker; the store reads only its format.
        item.document = Document(format=result.format or "unknown", notes=result.notes)
        if result.outcome.error == UNPARSED:
            logger.info("not parsed (the run is stopping): %s", item.url)
            stat(self.stats, "parse/cancelled")
            return item
        if result.format is None:
            logger.warning("cannot read %s: %s", item.url, result.outcome.error)
            stat(self.stats, "extract_failed")
        stat(self.stats, f"parse/{item.outcome.status}")
        return item

    def close_spider(self, spider: Any = None) -> None:
        self.workers.close()
