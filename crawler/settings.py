"""Scrapy settings of nianbao (`scrapy.cfg`: default = crawler.settings).

Polite by default: robots.txt, AutoThrottle, two requests at a time per host, an
identifying User-Agent. `fast_settings()` turns the delays off for the loopback fixture
(tests, `nianbao demo`); `-s NIANBAO_FAST=1` does the same from the command line.
"""
from __future__ import annotations

from typing import Any

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao; archive crawler for 政府信息公开年度报告)"
ROBOTSTXT_OBEY = True

# Politeness.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% (Scrapy 2.19 name of RANDOMIZE_DOWNLOAD_DELAY)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 503, 500, 502, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # a scanned report PDF can be large, not this large
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024

# Breadth-first: columns and their paging before deep links (Scrapy docs, "crawl in BFO").
DEPTH_LIMIT = 12
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
CLOSESPIDER_PAGECOUNT = 20000  # a safety net for one portal, not a target

# The portal spider's own limits (crawler/spiders/portal.py).
PORTAL_MAX_LIST_PAGES = 50  # list paging index_N.html followed up to N < this, per column
PORTAL_SOURCES_FILE = None  # a sources TOML other than crawler/sources.toml
NIANBAO_FAST = False  # True: fast_settings() applied (loopback fixture only)

# Browser: scrapy-playwright handles only requests with meta={"playwright": True}; the
# rest go to Scrapy's own HTTP handler. Debian's chromium, never `playwright install`.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}

# Archive and pipelines (pipelines/*: store -> dedup -> extract -> parse -> archive).
ARCHIVE_DIR = "nianbao-data"
ITEM_PIPELINES = {
    "pipelines.download.BlobPipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.extract.ExtractPipeline": 300,
    "pipelines.parse.ParsePipeline": 400,
    "pipelines.store.ArchivePipeline": 500,
}

# Quiet INFO logs: no per-item lines, a stats line a minute. No listening ports: neither
# the telnet console nor Scrapy 2.19's remote-control HTTP server (it runs code sent to it).
LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 60.0
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
FEEDS: dict[str, Any] = {}


def fast_settings() -> dict[str, Any]:
    """Overrides that drop the politeness delays, for the fixture portal on loopback."""
    return {
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_DELAY_JITTER": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_TIMEOUT": 20,
        "RETRY_TIMES": 1,
    }
