"""From a response to a `DocumentItem`: exact bytes, the server's headers, provenance, the
file name (Content-Disposition in its RFC 5987 and raw GBK/UTF-8 forms), and the context a
parser needs when a title does not name the body: who the page says published it, the
title of the page that linked an attachment, and the region the crawl covers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy.http import HtmlResponse, Response

from crawler.items import DocumentItem
from crawler.spiders.links import clean_space

TITLE_SEPARATOR = re.compile(r"_|\s[-|｜]\s|(?<=[告报])\s*-\s*")
BODY_NAME = re.compile(r"[\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|委员会|管理局|[局委办镇乡街道])$")


def header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def decode_header_bytes(raw: bytes) -> str:
    # Chinese servers send raw UTF-8 or GBK in Content-Disposition as often as RFC 2231.
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def filename_of(response: Response) -> str | None:
    """Content-Disposition's filename, else the URL's last path segment."""
    raw = response.headers.get("Content-Disposition")
    if raw:
        message = Message()
        message["Content-Disposition"] = decode_header_bytes(raw)
        name = message.get_filename()
        if name:
            return unquote(name)
    return unquote(PurePosixPath(urlsplit(response.url).path).name) or None


def joined(parts: list[str]) -> str:
    return " | ".join(clean_space(p) for p in parts if p.strip())


def article_title(response: HtmlResponse) -> str:
    """A detail page's own title: meta ArticleTitle, the headings, <title>'s first part.

    Not the whole <title>: TRS appends the column name ("…_政府信息公开年报_…"), which
    would make every page in a report column look like a report."""
    title = response.xpath("//title/text()").get("")
    return joined([
        response.xpath("//meta[@name='ArticleTitle']/@content").get(""),
        " ".join(response.xpath("(//h1)[1]//text()").getall()),
        " ".join(response.xpath("(//h1)[2]//text()").getall()),
        TITLE_SEPARATOR.split(title)[0],
    ])


def column_title(response: HtmlResponse) -> str:
    """A list page's titles: <title> and TRS meta ColumnName."""
    return joined([
        response.xpath("//title/text()").get(""),
        response.xpath("//meta[@name='ColumnName']/@content").get(""),
    ])


def agency_hint(response: HtmlResponse) -> str | None:
    """Who the page says published it: meta ContentSource/SiteName, else <title>'s last
    part or the site's heading when they name a body (…人民政府, …局, …镇)."""
    candidates = [
        response.xpath("//meta[@name='ContentSource']/@content").get(""),
        response.xpath("//meta[@name='SiteName']/@content").get(""),
        re.split(r"[-_|｜]", response.xpath("//title/text()").get(""))[-1],
        " ".join(response.xpath("(//h1)[1]//text()").getall()),
    ]
    for text in candidates:
        text = re.sub(r"\s+", "", text or "")
        if BODY_NAME.search(text):
            return text
    return None


def site_name(response: HtmlResponse) -> str | None:
    """The site's own name as its home page states it (meta SiteName, og:site_name)."""
    for query in ("//meta[@name='SiteName']/@content", "//meta[@property='og:site_name']/@content"):
        name = re.sub(r"\s+", "", response.xpath(query).get("") or "")
        if name:
            return name
    return None


@dataclass(slots=True, frozen=True)
class Context:
    """What the crawl knows around a document: the region of its source and, for an
    attachment, the title and stated publisher of the detail page that linked it."""

    region: str | None = None
    page_title: str | None = None
    agency_hint: str | None = None


def linking_context(response: HtmlResponse, region: str | None) -> Context:
    """The context a detail page hands to the attachments it links."""
    return Context(region, page_title(response), agency_hint(response))


def page_title(response: HtmlResponse) -> str | None:
    """The article's title: meta ArticleTitle, else the first <h1>, else <title>'s first part."""
    candidates = [
        response.xpath("//meta[@name='ArticleTitle']/@content").get(""),
        " ".join(response.xpath("(//h1)[1]//text()").getall()),
        TITLE_SEPARATOR.split(response.xpath("//title/text()").get(""))[0],
    ]
    return next((clean_space(t) for t in candidates if t and t.strip()), None)


def document_item(response: Response, source: str, column: str | None, link_text: str | None,
                  context: Context | None = None, **extra: Any) -> DocumentItem:
    """The fetched document exactly as received, with its provenance and context. An HTML
    page states its own publisher; a file gets the publisher of the page that linked it."""
    context = context or Context()
    own_hint = agency_hint(response) if isinstance(response, HtmlResponse) else None
    revalidated = bool(response.meta.get("nianbao_revalidated"))
    redirects = response.meta.get("redirect_urls") or []
    return DocumentItem(
        url=response.url,
        body=response.body,
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        status=304 if revalidated else response.status,
        content_type=header(response.headers, "Content-Type"),
        filename=filename_of(response),
        etag=header(response.headers, "ETag"),
        last_modified=header(response.headers, "Last-Modified"),
        source=source,
        column=column,
        referer=header(response.request.headers, "Referer") if response.request else None,
        link_text=link_text or None,
        revalidated=revalidated,
        replayed=bool(response.meta.get("nianbao_replayed")),
        requested_url=redirects[0] if redirects else None,
        agency_hint=own_hint or context.agency_hint,
        page_title=context.page_title,
        region=context.region,
        **extra,
    )
