"""Crawl-wide components: the owner of the crawl's state handle (crawlstate/handle.py: the
job, resume, removal of documents gone from their listing page, the one run record, the
WARC files), robots.txt Crawl-delay as the host's download delay, and an AutoThrottle that
never goes below that delay."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle

from crawlstate.handle import HANDLE_REQUESTED, CrawlStateHandle, Options, handle_of
from pipelines.base import STATS_PREFIX

logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _n(stats: dict[str, Any], key: str) -> int:
    return int(stats.get(key, 0) or 0)


def outcome(stats: dict[str, Any]) -> str:
    """success | partial | interrupted | failed, from a crawl's final stats.

    failed: nothing but robots.txt answered (or the crawl did not run); interrupted: stopped
    before the end (a signal, a close-spider limit): the same command resumes it; partial:
    it ran to the end but some downloads gave up, some copies failed to parse, or errors
    were logged."""
    answered = sum(int(v or 0) for k, v in stats.items()
                   if k.startswith("downloader/response_status_count/")
                   and (k[-3] == "2" or k.endswith("/304")))
    if answered - _n(stats, "robotstxt/response_status_count/200") <= 0:
        return "failed"
    if stats.get("finish_reason") not in (None, "finished"):
        return "interrupted"
    troubles = (_n(stats, f"{STATS_PREFIX}/copies/failed") + _n(stats, "log_count/ERROR")
                + _n(stats, "retry/max_reached") + _n(stats, "spider_exceptions/count"))
    return "partial" if troubles else "success"


class CrawlJobExtension:
    """Owns the crawl's state handle: builds it, hands it to the other components (they ask
    through the crawler's signals, `crawlstate.handle.handle_of`), opens the job and the run
    when the spider opens; at the end marks documents no longer listed as removed (only
    after a finished crawl) and writes the run record, once, with the crawl's outcome."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.handle = CrawlStateHandle(Options.from_settings(crawler.settings))

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlJobExtension:
        if not crawler.settings.getbool("CRAWLSTATE_ENABLED", True):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.provide, signal=HANDLE_REQUESTED)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def provide(self) -> CrawlStateHandle:
        return self.handle

    def spider_opened(self, spider: Any) -> None:
        self.handle.open_for(spider)
        job = self.handle.job
        self.crawler.stats.set_value(f"{STATS_PREFIX}/run_id", self.handle.run_id)
        if job is not None and job.resumed:
            self.crawler.stats.set_value("crawlstate/resumed_job", job.started_at)
            logger.info("resuming the crawl job of %s started %s", job.target, job.started_at)

    def spider_closed(self, spider: Any, reason: str) -> None:
        final = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        removed = self.handle.close(reason, outcome(final), final)
        self.crawler.stats.set_value("crawlstate/removed_unlisted", len(removed))
        for url in removed:
            logger.info("no longer listed: %s (marked removed)", url)


class RobotsCrawlDelay:
    """robots.txt's Crawl-delay for our user agent becomes its host's download delay
    (capped by ROBOTSTXT_MAX_CRAWL_DELAY), without jitter below it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("ROBOTSTXT_MAX_CRAWL_DELAY", 60.0)
        self.agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings["USER_AGENT"]
        self.own_floors: dict[str, float] = {}  # without crawl state (CRAWLSTATE_ENABLED off)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RobotsCrawlDelay:
        if not (crawler.settings.getbool("ROBOTSTXT_OBEY")
                and crawler.settings.getbool("ROBOTSTXT_CRAWL_DELAY", True)):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.robots_parsed, signal=signals.robots_parsed)
        return ext

    def robots_parsed(self, robotparser: Any, request: Any) -> None:
        reader = getattr(robotparser, "crawl_delay", None)
        delay = reader(self.agent) if reader else None
        if not delay:
            return
        delay = min(float(delay), self.cap)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        floors = delay_floors(self.crawler, self.own_floors)
        floors[key] = max(floors.get(key, 0.0), delay)
        downloader.per_slot_settings.setdefault(key, {}).update(delay=floors[key], jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, floors[key]), 0.0
        self.crawler.stats.set_value(f"robotstxt/crawl_delay/{key}", floors[key])
        logger.info("robots.txt of %s asks for Crawl-delay %s s", key, floors[key])


def delay_floors(crawler: Any, default: dict[str, float] | None = None) -> dict[str, float]:
    """The run's robots.txt delay floors per download slot, kept by the crawl-state handle."""
    handle = handle_of(crawler)
    return handle.delay_floors if handle is not None else (default if default is not None else {})


class PoliteAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, kept at or above a host's robots.txt Crawl-delay."""

    def _response_downloaded(self, response: Any, request: Any, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = delay_floors(self.crawler).get(key or "")
        if slot is not None and floor:
            slot.delay = max(slot.delay, floor)


class OneLineErrors(logging.Filter):
    """With NIANBAO_LOG_TRACEBACKS off (`nianbao crawl` without -v) a logged exception is one
    line: its type and message, no traceback. Installed on the root log handlers."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> OneLineErrors:
        if crawler.settings.getbool("NIANBAO_LOG_TRACEBACKS", True):
            raise NotConfigured
        one = cls()
        crawler.signals.connect(one.install, signal=signals.engine_started)
        return one

    def install(self) -> None:
        for handler in logging.root.handlers:  # Scrapy's own is in place once the engine runs
            handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.msg, record.args = f"{record.getMessage()} ({type(exc).__name__}: {exc})", ()
            record.exc_info, record.exc_text = None, None
        return True
