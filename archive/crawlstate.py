"""Moved: crawl state is its own package now (crawlstate/). This name stays only so that
code written against it (tests/crawl_support.py) keeps working; new code imports
`crawlstate.tables`. The archive itself never reads crawl state through here."""
from __future__ import annotations

from crawlstate.tables import CrawlState, Failure, Fetch, Job, UrlState

__all__ = ["CrawlState", "Failure", "Fetch", "Job", "UrlState"]
