"""The crawl's side of pipelines.parse.ParseStage: a parse cancelled because the crawl is
stopping raises Scrapy's DropItem, so the item is not archived (the next run fetches it
again). Here because pipelines/ imports no scrapy (tests/test_layering.py)."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from pipelines.parse import ParseStage


class CrawlParseStage(ParseStage):
    cancelled = DropItem
