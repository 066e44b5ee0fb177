"""WARC capture of every HTTP exchange of a crawl (`WARC_ENABLED`, on by default).

A downloader middleware at 720 (registered by the portal spider): above
HttpCompressionMiddleware (590), RedirectMiddleware (600), CookiesMiddleware (700) and the
browser gate (710), so it sees each request with the headers it was sent with and each
answer as it came off the wire: still content-encoded, every redirect and 304 on its own,
error pages with their bodies, before the crawl state answers a 304 from its store. Answers
the crawl state made up (`nianbao_cached`: a replay or a 304's stored body) are not
exchanges and are not written. Pages the browser fetched (scrapy-playwright) are written
with their rendered HTML, marked `WARC-Nianbao-Fetched-By: browser`.

The writing itself is the crawl-state handle's (crawlstate/warc.py); this only turns
Scrapy's request and response into an `Exchange`.
"""
from __future__ import annotations

import http.client
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawlstate.handle import handle_of
from crawlstate.warc import Exchange

# Twisted de-chunks the body before Scrapy sees it: the header would lie about the payload.
DROPPED = {b"transfer-encoding"}


def header_pairs(headers: Any, drop: set[bytes] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    pairs = []
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def exchange_of(request: Request, response: Response) -> Exchange:
    sent = [("Host", urlparse_cached(request).netloc), *header_pairs(request.headers)]
    browser = bool(request.meta.get("playwright"))
    protocol = response.protocol if isinstance(getattr(response, "protocol", None), str) else None
    return Exchange(
        url=response.url, method=request.method, request_headers=sent,
        request_body=request.body or b"", status=response.status,
        reason=http.client.responses.get(response.status, ""), protocol=protocol or "HTTP/1.1",
        response_headers=header_pairs(response.headers, DROPPED | ({b"content-encoding"} if browser else set())),
        payload=response.body, fetched_by="browser" if browser else "http")


class WarcCaptureMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCaptureMiddleware:
        if not (crawler.settings.getbool("WARC_ENABLED", True)
                and crawler.settings.getbool("CRAWLSTATE_ENABLED", True)):
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if "nianbao_cached" in response.flags:
            return response
        handle = handle_of(self.crawler)
        if handle is not None and handle.capture(exchange_of(request, response)) is not None:
            self.crawler.stats.inc_value("warc/records")
            self.crawler.stats.inc_value("warc/payload_bytes", len(response.body))
        return response
