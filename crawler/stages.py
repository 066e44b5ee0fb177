"""The crawl's parse stage: pipelines.parse.ParseStage with its workers chosen and stopped by
the crawl. Here because pipelines/ imports no Scrapy (tests/test_layering.py).

- Workers: the run's own pool under the per-document limits (pipelines/limits.py), or with
  NIANBAO_BROKER (`nianbao crawl --broker URL`) the fleet (fleet/remote.py).
- Starting: the workers are launched from a thread at the crawl's first document to parse
  (Workers.start), not by its submit in the reactor, which would wait ~0.5 s for them; a
  crawl that parses nothing (a re-crawl of unchanged pages) launches none.
- Stopping: SIGTERM or SIGINT first cancels the parses in flight and kills the worker
  processes, then lets Scrapy stop gracefully (its engine waits for every item in
  progress). A document whose parse was cancelled is archived as "not parsed yet" and the
  next run parses it (archive/pending.py). The handlers are chained in front of Scrapy's
  own once the reactor runs.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from functools import partial
from typing import Any

from scrapy import signals

from pipelines.base import archive_dir
from pipelines.limits import Limits, Workers
from pipelines.parse import ParseStage

logger = logging.getLogger(__name__)


class CrawlParseStage(ParseStage):
    _launch: asyncio.Future[None] | None = None  # the workers' launch, begun at the first document

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlParseStage:
        broker = crawler.settings.get("NIANBAO_BROKER")
        if broker:
            from fleet.remote import FleetWorkers

            workers: Any = FleetWorkers(broker, crawler.settings.getfloat("FLEET_IDLE_TIMEOUT", 600.0))
        else:
            workers = Workers(Limits.from_settings(crawler.settings))
        stage = cls(crawler.stats, workers, crawler, archive_dir(crawler.settings))
        crawler.signals.connect(stage.engine_started, signal=signals.engine_started)
        crawler.signals.connect(stage.abort, signal=signals.engine_stopped)
        return stage

    def engine_started(self) -> None:
        from twisted.internet import reactor

        reactor.callLater(0, self.chain)  # after the reactor's startup, where Scrapy installs its own

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not item.duplicate:
            await self._workers_launched()
        return await super().process_item(item, spider)

    async def _workers_launched(self) -> None:
        """Launched once, in a thread, as the first document to parse arrives: a crawl that
        parses nothing (a re-crawl of unchanged pages) starts no worker process."""
        if self._launch is None:
            self._launch = asyncio.ensure_future(asyncio.to_thread(self.workers.start))
        await asyncio.shield(self._launch)

    def chain(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(signum)
            if callable(previous):
                signal.signal(signum, partial(self._on_signal, previous))

    def _on_signal(self, previous: Any, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self.abort)  # no logging or joining inside a signal handler
        previous(signum, frame)

    def abort(self) -> None:
        if self.workers.aborted:
            return
        if self.workers.busy:
            logger.warning("stopping: %d parses in flight cancelled, workers stopped", self.workers.busy)
        self.workers.abort()
