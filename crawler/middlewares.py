"""Downloader middlewares of nianbao.

- `CrawlStateMiddleware`: conditional requests from the crawl state (crawlstate/, through
  the crawl's one handle); a 304 is answered from the stored copy (or the page cache). A
  404/410 reaches the spider, whose failure item marks a document removed.
- `BrowserGateMiddleware`: a host answering 412/521 with a JavaScript challenge goes to
  the browser (crawler/browser.py) for the rest of the run; attachments stay on plain
  HTTP with the browser's cookies.
- `CharsetMiddleware`: pages whose bytes are not in the charset their header claims.
- `BackoffRetryMiddleware`: Scrapy's retry, plus a per-host pause on 429/503 (Retry-After).
"""
from __future__ import annotations

import asyncio
import email.utils
import hashlib
import logging
import time
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, HtmlResponse, Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.httpobj import urlparse_cached
from w3lib.encoding import html_body_declared_encoding

from crawler.browser import GATE_STATUSES, browser_meta, challenge
from crawlstate.handle import CrawlStateHandle, handle_of, utc_now
from crawlstate.tables import Fetch, UrlState
from pipelines.sniff import sniff

logger = logging.getLogger(__name__)
CONDITIONAL = ("If-None-Match", "If-Modified-Since")


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class CrawlStateMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler, self.stats = crawler, crawler.stats
        self.cache_max = crawler.settings.getint("CRAWLSTATE_PAGE_CACHE_MAXSIZE", 20 * 1024 * 1024)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStateMiddleware:
        if not crawler.settings.getbool("CRAWLSTATE_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    @property
    def state(self) -> CrawlStateHandle:
        handle = handle_of(self.crawler)
        if handle is None:
            raise NotConfigured("no crawl-state handle (CrawlJobExtension disabled?)")
        return handle

    def stat(self, key: str) -> None:
        self.stats.inc_value(f"crawlstate/{key}")

    def body_of(self, known: UrlState) -> bytes | None:
        if not known.sha256:
            return None
        body = self.state.tables().body(known.sha256)
        if body is None and known.kind == "document" and self.state.archive is not None:
            blobs = self.state.archive.blobs
            body = blobs.read(known.sha256) if blobs.has(known.sha256) else None
        return body

    def process_request(self, request: Request, spider: Any = None) -> Response | None:
        if (request.method != "GET" or request.meta.get("playwright")
                or request.meta.get("nianbao_unconditional")):
            return None
        known = self.state.get(request.url)
        if known is None or not (known.etag or known.last_modified):
            return None
        if known.kind == "document" and self.state.tables().done_in_job(known, self.state.job):
            return self.replay(request, known)
        if known.kind != "rejected" and not known.sha256:
            return None
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified
        request.meta["nianbao_known"] = known.kind
        return None

    def replay(self, request: Request, known: UrlState) -> Response:
        """A document this (resumed) job archived before it was killed: not fetched again.
        An HTML page is replayed from the store, so its attachments are still found."""
        body = self.body_of(known) if "html" in (known.content_type or "") else None
        if body is None:
            self.stat("skipped_done")
            raise IgnoreRequest(f"archived earlier in this crawl job: {request.url}")
        self.stat("replayed")
        request.meta["nianbao_replayed"] = True
        return self.stored_response(request, known, body)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if "nianbao_cached" in response.flags:
            return response
        if response.status == 304 and request.meta.get("nianbao_known"):
            return self.not_modified(request, response)
        if response.status == 200 and request.method == "GET" and not request.meta.get("playwright"):
            self.remember(request, response)
        return response

    def not_modified(self, request: Request, response: Response) -> Request | Response:
        known = self.state.get(request.url)
        if known is None or known.kind == "rejected":
            self.stat("still_rejected")
            raise IgnoreRequest(f"unchanged, and refused before: {request.url}")
        body = self.body_of(known)
        if body is None:  # the stored body is gone: fetch it whole
            self.stat("refetch_unconditional")
            again = request.replace(dont_filter=True, meta={**request.meta, "nianbao_unconditional": True})
            for name in CONDITIONAL:
                again.headers.pop(name, None)
            return again
        self.stat("not_modified")
        fresh = Fetch(request.url, utc_now(), etag=_header(response, "ETag"),
                      last_modified=_header(response, "Last-Modified"))
        if known.kind != "document":
            self.state.tables().record_seen(fresh)
        request.meta["nianbao_revalidated"] = True
        return self.stored_response(request, known, body)

    def stored_response(self, request: Request, known: UrlState, body: bytes) -> Response:
        headers = Headers({"Content-Type": known.content_type or "application/octet-stream"})
        for name, value in (("ETag", known.etag), ("Last-Modified", known.last_modified)):
            if value:
                headers[name] = value
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=200, headers=headers, body=body, request=request,
                   flags=["nianbao_cached"])

    def remember(self, request: Request, response: Response) -> None:
        """Validators (and the body, for pages and bundles) of a fresh 200."""
        etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
        kind = request.meta.get("nianbao_kind")
        body = response.body
        if kind == "attachment":
            if not body.startswith(b"PK\x03\x04") or sniff(body).format != "zip":
                return  # documents: the store records them, their bytes are in the blobs
            kind = "bundle"
        elif not isinstance(response, TextResponse):
            return
        else:
            kind = "page"
        keep = body if (etag or modified) and len(body) <= self.cache_max else None
        fetch = Fetch(response.url, utc_now(), hashlib.sha256(body).hexdigest(), etag, modified,
                      _header(response, "Content-Type"), response.status)
        self.state.tables().record_page(fetch, keep, kind=kind)


class BrowserGateMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler, self.stats = crawler, crawler.stats
        self.gated: set[str] = set()
        self.cookies: dict[str, list[dict[str, str]]] = {}
        self.user_agent = crawler.settings.get("USER_AGENT")
        # Passing a challenge is a navigation (its script reloads the page): the same bound.
        navigation_ms = crawler.settings.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", 30_000)
        self.challenge_timeout = navigation_ms / 1000

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserGateMiddleware:
        if not crawler.settings.getbool("BROWSERGATE_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def browser_meta(self) -> dict[str, Any]:
        return browser_meta(self.user_agent, self.challenge_timeout)

    def process_request(self, request: Request, spider: Any = None) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self.gated or request.meta.get("playwright"):
            return None
        if request.meta.get("nianbao_kind") == "attachment" or request.method != "GET":
            self.add_cookies(request, netloc)
            return None
        request.meta.update(self.browser_meta())
        return None

    def add_cookies(self, request: Request, netloc: str) -> None:
        """The browser's cookies on a plain request. Set here, after CookiesMiddleware (our
        priority is above its 700), so Scrapy's jar and its public-suffix lookup stay out."""
        ours = [f"{c['name']}={c['value']}" for c in self.cookies.get(netloc, [])]
        if ours:
            present = request.headers.get("Cookie")
            request.headers["Cookie"] = "; ".join(([present.decode("latin-1")] if present else []) + ours)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        netloc = urlparse_cached(request).netloc
        if request.meta.get("playwright") and request.meta.get("playwright_page_methods"):
            return self.after_browser(request, response, netloc)
        if not challenge(response):
            return response
        if netloc not in self.gated:
            self.gated.add(netloc)
            self.stats.inc_value("gate/hosts")
            logger.info("%s answers %s with a JavaScript challenge: browser from now on",
                        netloc, response.status)
        if request.meta.get("nianbao_gate_tries", 0) >= 2:
            return response
        self.stats.inc_value("gate/rerouted")
        meta = {**request.meta, **self.browser_meta(), "nianbao_gate_tries": request.meta.get("nianbao_gate_tries", 0) + 1}
        return request.replace(meta=meta, dont_filter=True)

    def after_browser(self, request: Request, response: Response, netloc: str) -> Response:
        result = request.meta["playwright_page_methods"][0].result or {}
        host = netloc.split(":")[0]
        cookies = [c for c in result.get("cookies", []) if host.endswith(c["domain"].lstrip("."))]
        if cookies:
            self.cookies[netloc] = cookies
        status = int(result.get("status") or 0)
        if status and status != response.status:
            self.stats.inc_value("gate/passed" if status not in GATE_STATUSES else "gate/failed")
            return response.replace(status=status)
        return response


class CharsetMiddleware:
    """Re-decode a page whose bytes are not in the charset its Content-Type names (a GBK page
    sent as UTF-8): as UTF-8 if they are that, else the page's own <meta> charset, else GB18030."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CharsetMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, HtmlResponse) or decodes(response.body, response.encoding):
            return response
        declared = html_body_declared_encoding(response.body)
        for candidate in ("utf-8", declared, "gb18030"):  # strict UTF-8 rarely decodes by chance
            if candidate and decodes(response.body, candidate):
                self.stats.inc_value("charset/fixed")
                return response.replace(encoding="gb18030" if candidate.lower() in ("gbk", "gb2312") else candidate)
        return response


def decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def retry_after(value: bytes | None, default: float, cap: float) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    text = value.decode("latin-1").strip() if value else ""
    seconds = default
    if text.isdigit():
        seconds = float(text)
    elif text:
        try:
            seconds = email.utils.parsedate_to_datetime(text).timestamp() - time.time()
        except (TypeError, ValueError):
            seconds = default
    return max(0.0, min(seconds, cap))


class BackoffRetryMiddleware(RetryMiddleware):
    """On 429/503 the host pauses Retry-After (else BACKOFF_DEFAULT) seconds: its requests,
    the retry included, wait here before they reach its download slot; then the usual pace."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.default = settings.getfloat("BACKOFF_DEFAULT", 5.0)
        self.cap = settings.getfloat("BACKOFF_MAX", 300.0)
        self.paused: dict[str, float] = {}  # host -> time.monotonic() when its pause ends

    @classmethod
    def from_crawler(cls, crawler: Any) -> BackoffRetryMiddleware:
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlparse_cached(request).hostname or ""
        wait = self.paused.get(host, 0.0) - time.monotonic()
        if wait > 0:
            self.crawler.stats.inc_value("backoff/waited")
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        if response.status in (429, 503) and not request.meta.get("dont_retry"):
            wait = retry_after(response.headers.get("Retry-After"), self.default, self.cap)
            host = urlparse_cached(request).hostname or ""
            self.paused[host] = max(self.paused.get(host, 0.0), time.monotonic() + wait)
            self.crawler.stats.inc_value("backoff/count")
            logger.info("%s answered %s: pausing it %.1f s", host, response.status, wait)
        return super().process_response(request, response)
