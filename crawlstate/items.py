"""What the spider yields about URLs that are no documents: a refused response (an error
page, a broken file) and a failed request (an HTTP error or a download error it gave up
on). The crawl-state pipeline (crawler/state.py) records them through the handle; they
never reach the archive's pipelines."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class RejectedItem:
    url: str
    reason: str
    body: bytes
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    redirect_urls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FailedItem:
    url: str
    reason: str
    status: int | None = None  # None: no HTTP answer (timeout, refused connection, DNS)
    tries: int = 1


STATE_ITEMS = (RejectedItem, FailedItem)
