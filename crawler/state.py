"""The Scrapy side of crawl state: the item pipeline that records what the spider yields
about URLs that are no documents (`crawlstate.items`), through the crawl's handle.

First in ITEM_PIPELINES (the spider registers it, crawler/spiders/portal.py), so these
items never reach the archive's stages; each is dropped, quietly, once recorded.
"""
from __future__ import annotations

import hashlib
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from crawlstate.handle import CrawlStateHandle, handle_of, utc_now
from crawlstate.items import STATE_ITEMS, FailedItem, RejectedItem
from crawlstate.tables import Fetch

PIPELINE_PRIORITY = 50


class CrawlStatePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStatePipeline:
        if not crawler.settings.getbool("CRAWLSTATE_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    @property
    def handle(self) -> CrawlStateHandle:
        handle = handle_of(self.crawler)
        if handle is None:
            raise NotConfigured("no crawl-state handle (CrawlJobExtension disabled?)")
        return handle

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, STATE_ITEMS):
            return item
        if isinstance(item, RejectedItem):
            fetch = Fetch(item.url, utc_now(), hashlib.sha256(item.body).hexdigest(), item.etag,
                          item.last_modified, item.content_type, item.status)
            self.handle.record_rejected(fetch, item.reason, item.redirect_urls)
            self.crawler.stats.inc_value("crawlstate/rejected")
        else:
            assert isinstance(item, FailedItem)
            self.handle.record_failure(item.url, item.reason, item.status, item.tries)
            self.crawler.stats.inc_value("crawlstate/failed_urls")
        raise DropItem(f"crawl state recorded {item.url}", log_level="DEBUG")
