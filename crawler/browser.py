"""The browser side of the crawl (Playwright driving Debian's Chromium).

- `LazyPlaywrightHandler`: scrapy-playwright's download handler, but Playwright starts on
  the first request that needs the browser: a crawl that never meets a gate never pays
  for it (scrapy-playwright starts its driver when the engine starts).
- `pass_challenge`: the page method that waits until a JavaScript challenge (HTTP 412/521
  with a script that sets a cookie and reloads) has let the browser through.
"""
from __future__ import annotations

import asyncio
from typing import Any

from scrapy import signals
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

GATE_STATUSES = (412, 521)
NAVIGATION = ("() => { const e = performance.getEntriesByType('navigation')[0];"
              " return [e ? (e.responseStatus || 0) : 0, document.readyState]; }")


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        for receiver in (self._maybe_launch_in_thread, self._engine_started):
            crawler.signals.disconnect(receiver, signal=signals.engine_started)
        self._launched = False
        self._launch_lock = asyncio.Lock()

    async def _download_request(self, request: Any, spider: Any = None) -> Response:
        if not self._launched:
            async with self._launch_lock:
                if not self._launched:
                    await self._launch()
                    self._launched = True
        return await super()._download_request(request, spider)


def challenge(response: Response) -> bool:
    """A 412/521 answer carrying a script: the JavaScript cookie challenges of Chinese WAFs."""
    return response.status in GATE_STATUSES and b"<script" in response.body[:65536].lower()


async def pass_challenge(page: Any, timeout: float = 20.0) -> dict[str, Any]:
    """Playwright page method: wait until the challenge has reloaded into the real page;
    report that page's HTTP status and the context's cookies."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    status = 0
    while loop.time() < deadline:
        try:
            status, ready = await page.evaluate(NAVIGATION)
        except Exception:  # the page is navigating: its context went away, ask again
            status, ready = 0, "loading"
        if status and status not in GATE_STATUSES and ready == "complete":
            break
        await asyncio.sleep(0.2)
    cookies = await page.context.cookies()
    return {"status": status, "cookies": [{k: c[k] for k in ("name", "value", "domain", "path")}
                                          for c in cookies]}


def browser_meta(user_agent: str, challenge_timeout: float = 20.0) -> dict[str, Any]:
    """Request meta sending a request through the browser, past a challenge (waited for at
    most `challenge_timeout` seconds)."""
    from scrapy_playwright.page import PageMethod

    return {"playwright": True, "playwright_context": "nianbao",
            "playwright_context_kwargs": {"ignore_https_errors": True, "user_agent": user_agent},
            "playwright_page_goto_kwargs": {"wait_until": "commit"},
            "playwright_page_methods": [PageMethod(pass_challenge, timeout=challenge_timeout)]}
