"""Scrapy settings of nianbao (`scrapy.cfg`: default = crawler.settings).

Polite by default: robots.txt (its Crawl-delay too), AutoThrottle, two requests at a time
per host, an identifying ASCII User-Agent with a contact, a pause on 429/503 (Retry-After).
`fast_settings()` turns the delays off for the loopback fixture (tests, `nianbao demo`);
`-s NIANBAO_FAST=1` does the same from the command line.
"""
from __future__ import annotations

from typing import Any

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# ASCII only: some servers reject a User-Agent with other bytes. Who we are and how to reach
# us; an operator running nianbao for an archive should put their own contact here.
USER_AGENT = ("nianbao/0.2 (+https://github.com/nianbao/nianbao; archive of government "
              "information-disclosure annual reports; contact: nianbao-crawler@proton.me)")
ROBOTSTXT_OBEY = True
ROBOTSTXT_CRAWL_DELAY = True  # robots.txt Crawl-delay becomes the host's download delay
ROBOTSTXT_MAX_CRAWL_DELAY = 60.0  # seconds; a larger Crawl-delay is capped to this

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
BACKOFF_DEFAULT = 5.0  # seconds a host is paused after 429/503 without Retry-After
BACKOFF_MAX = 300.0  # longest pause a Retry-After may ask for
DOWNLOAD_TIMEOUT = 60  # a hanging endpoint costs at most this (times 1 + RETRY_TIMES)
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024  # a scanned report PDF can be large, not this large
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
# Scrapy re-reads and re-parses a generator callback's source (inspect + ast) on every
# response to warn about a `return value` in it: its cache is keyed by the bound method,
# which is made anew for each request. tests/test_spider.py makes the same check, once.
WARN_ON_GENERATOR_RETURN_VALUE = False

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.BrowserGateMiddleware": 710,  # after CookiesMiddleware (700)
    "crawler.middlewares.CharsetMiddleware": 570,
    "crawler.middlewares.CrawlStateMiddleware": 585,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.PoliteAutoThrottle": 0,
    "crawler.extensions.RobotsCrawlDelay": 10,
    "crawler.extensions.CrawlJobExtension": 500,
    "crawler.extensions.OneLineErrors": 600,
}

# Breadth-first: columns and their paging before deep links (Scrapy docs, "crawl in BFO").
DEPTH_LIMIT = 12
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
CLOSESPIDER_PAGECOUNT = 20000  # a safety net for one portal, not a target
# Items (and requests) of one response handled at once. Scrapy starts this many tasks for
# every response; its 100 cost more than a portal page's outputs ever need.
CONCURRENT_ITEMS = 16

# The portal spider's own limits (crawler/spiders/portal.py).
PORTAL_MAX_LIST_PAGES = 50  # list paging index_N.html followed up to N < this, per column
PORTAL_SOURCES_FILE = None  # a sources TOML other than crawler/sources.toml
PORTAL_PAGE_MAXSIZE = 10 * 1024 * 1024  # an HTML page larger than this is no portal page
PORTAL_SKIP_OFD_TWINS = True  # an .ofd posted beside a .pdf of the same name is not fetched
PORTAL_ZIP_MAX_MEMBERS = 200  # zip bundles: refused whole beyond these (decompression bombs)
PORTAL_ZIP_MAX_TOTAL = 500 * 1024 * 1024  # bytes inflated, all members
PORTAL_ZIP_MAX_RATIO = 100.0  # inflated / compressed, for members above 1 MiB
NIANBAO_FAST = False  # True: fast_settings() applied (loopback fixture only)

# Incremental and unattended crawls (crawlstate/, crawler/middlewares.py).
CRAWLSTATE_ENABLED = True  # conditional requests, versions, removals, resumable jobs
CRAWLSTATE_PAGE_CACHE_MAXSIZE = 20 * 1024 * 1024  # pages/bundles kept for 304 answers
CRAWL_RESUME = True  # runner: JOBDIR under the archive, kept until a crawl finishes
BROWSERGATE_ENABLED = True  # 412/521 JavaScript challenges: that host goes to the browser

# Browser: scrapy-playwright handles only requests with meta={"playwright": True}; the
# rest go to Scrapy's own HTTP handler. Debian's chromium, never `playwright install`.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {  # scrapy-playwright's handler, starting Playwright only when needed
    "http": "crawler.browser.LazyPlaywrightHandler",
    "https": "crawler.browser.LazyPlaywrightHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# The browser's own headers (its cookies: a challenge sets them by script) on navigations;
# the context gets our User-Agent (crawler/middlewares.py BrowserGateMiddleware).
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms
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

# Archive and pipelines (pipelines/*: store -> dedup -> extract + parse -> archive).
ARCHIVE_DIR = "nianbao-data"
ITEM_PIPELINES = {
    "pipelines.download.BlobPipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    # extract + parse in worker processes, awaited: the reactor keeps downloading meanwhile
    "crawler.stages.CrawlParseStage": 400,
    "pipelines.store.ArchivePipeline": 500,
}
# Per-document limits (pipelines/limits.py): a document past either cap is archived as
# failed with the reason, and the crawl goes on.
EXTRACT_TIMEOUT = 120.0  # seconds of wall clock per document
EXTRACT_OCR_PAGE_TIMEOUT = 10.0  # seconds more for each page a scan must OCR
EXTRACT_TIMEOUT_MAX = 600.0  # no document's time grows past this
EXTRACT_MEMORY_MB = 2048  # data memory per worker process (RLIMIT_DATA; pipelines.limits)
EXTRACT_WORKERS = None  # worker processes; None: one per core; 0: in-process, NO limits

# Quiet INFO logs: no per-item lines, a stats line a minute. No listening ports: neither
# the telnet console nor Scrapy 2.19's remote-control HTTP server (it runs code sent to it).
LOG_LEVEL = "INFO"
NIANBAO_LOG_TRACEBACKS = True  # False (`nianbao crawl` without -v): errors as one line each
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
