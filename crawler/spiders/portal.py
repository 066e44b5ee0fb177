"""PortalSpider: walk a portal breadth-first and yield its annual-report documents.

From a source's start URLs (a configured profile, or a bare root URL) the spider follows
in-scope navigation, column and list-paging links. A detail page is fetched when it is
linked from an annual-report column or its link text looks like one; it is yielded when its
title or link text looks like an annual report (the parser decides what really is one),
together with every attachment it links. Spiders only yield items and requests: hashing,
dedup by content and cleaning are the pipelines' job.
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings

from crawler.items import DocumentItem
from crawler.settings import fast_settings
from crawler.sources import Source, resolve, skipped

ATTACHMENT_RE = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et|zip|rar|7z)(?:[?#]|$)", re.I)
# Download endpoints that name the file only in Content-Disposition (downfile.jsp?id=…).
DOWNFILE_RE = re.compile(r"/(?:down(?:load)?file|download|getfile|filedown)[^/]*$", re.I)
PAGING_RE = re.compile(r"/index_(\d+)\.s?html?$")
TITLE_SEPARATOR = re.compile(r"_|\s[-|｜]\s")
PRIORITY_DETAIL = 10  # reports before further navigation at the same depth
PRIORITY_ATTACHMENT = 20


@dataclass(slots=True, frozen=True)
class PageLink:
    url: str  # absolute, fragment dropped
    text: str  # anchor text, or its title attribute when that is longer (truncated lists)


def clean_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_links(response: HtmlResponse) -> Iterator[PageLink]:
    """Every <a href> of the page that could lead somewhere."""
    for anchor in response.xpath("//a[@href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith("#") or skipped(href):
            continue
        text = clean_space(" ".join(anchor.xpath(".//text()").getall()))
        title = clean_space(anchor.attrib.get("title") or "")
        yield PageLink(urldefrag(response.urljoin(href))[0], max(text, title, key=len))


def joined(parts: list[str]) -> str:
    return " | ".join(clean_space(p) for p in parts if p.strip())


def article_title(response: HtmlResponse) -> str:
    """A detail page's own title: TRS meta ArticleTitle, first <h1>, <title>'s first part.

    Not the whole <title>: TRS appends the column name ("…_政府信息公开年报_…"), which
    would make every page in a report column look like a report."""
    title = response.xpath("//title/text()").get("")
    return joined([
        response.xpath("//meta[@name='ArticleTitle']/@content").get(""),
        " ".join(response.xpath("(//h1)[1]//text()").getall()),
        TITLE_SEPARATOR.split(title)[0],
    ])


def column_title(response: HtmlResponse) -> str:
    """A list page's titles: <title> and TRS meta ColumnName."""
    return joined([
        response.xpath("//title/text()").get(""),
        response.xpath("//meta[@name='ColumnName']/@content").get(""),
    ])


def is_attachment(url: str) -> bool:
    path = urlsplit(url).path
    return bool(ATTACHMENT_RE.search(path) or DOWNFILE_RE.search(path))


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


def document_item(response: Response, source: str, column: str | None,
                  link_text: str | None) -> DocumentItem:
    """The fetched document exactly as received, with its provenance."""
    return DocumentItem(
        url=response.url,
        body=response.body,
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        status=response.status,
        content_type=header(response.headers, "Content-Type"),
        filename=filename_of(response),
        etag=header(response.headers, "ETag"),
        last_modified=header(response.headers, "Last-Modified"),
        source=source,
        column=column,
        referer=header(response.request.headers, "Referer") if response.request else None,
        link_text=link_text or None,
    )


class PortalSpider(scrapy.Spider):
    """`scrapy crawl portal -a target=URL|NAME`: a portal's annual reports and attachments."""

    name = "portal"
    source: Source
    max_list_pages: int

    def __init__(self, target: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not target:
            raise ValueError("PortalSpider needs a target: -a target=URL or a source name")
        self.target = target

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if settings.getbool("NIANBAO_FAST"):
            # Below cmdline priority: an explicit -s DOWNLOAD_DELAY=… still wins.
            settings.setdict(fast_settings(), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        sources_file = crawler.settings.get("PORTAL_SOURCES_FILE")
        spider.source = resolve(spider.target, Path(sources_file) if sources_file else None)
        spider.allowed_domains = list(spider.source.allowed_domains)
        spider.max_list_pages = crawler.settings.getint("PORTAL_MAX_LIST_PAGES", 50)
        return spider

    def stat(self, key: str) -> None:
        self.crawler.stats.inc_value(f"portal/{key}")

    def page_meta(self) -> dict[str, Any]:
        return {"playwright": True} if self.source.needs_browser else {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse_page, meta=self.page_meta())

    def parse_page(self, response: Response) -> Iterator[scrapy.Request]:
        """A navigation or list page: follow its links, never yield it."""
        if not isinstance(response, HtmlResponse):
            self.stat("not_html")
            return
        in_column = self.is_column(response)
        self.stat("column_pages" if in_column else "pages")
        for link in page_links(response):
            request = self.follow(response, link, in_column)
            if request is not None:
                yield request

    def is_column(self, response: HtmlResponse) -> bool:
        """An annual-report column: by the profile's URL rules, or by its title."""
        return self.source.is_column(response.url) or self.source.looks_like_report(
            column_title(response)
        )

    def follow(self, response: HtmlResponse, link: PageLink,
               in_column: bool) -> scrapy.Request | None:
        if is_attachment(link.url):
            return None  # attachments only of report pages, see parse_detail
        if self.source.is_detail(link.url):
            if in_column or self.source.looks_like_report(link.text):
                return response.follow(
                    link.url, callback=self.parse_detail, priority=PRIORITY_DETAIL,
                    meta=self.page_meta(),
                    cb_kwargs={"column": response.url, "link_text": link.text},
                )
            self.stat("detail_skipped")
            return None
        if not self.source.follows(link.url) or not self.within_paging(link.url):
            return None
        return response.follow(link.url, callback=self.parse_page, meta=self.page_meta())

    def within_paging(self, url: str) -> bool:
        match = PAGING_RE.search(urlsplit(url).path)
        if match and int(match.group(1)) >= self.max_list_pages:
            self.stat("paging_capped")
            return False
        return True

    def parse_detail(self, response: Response, column: str,
                     link_text: str) -> Iterator[DocumentItem | scrapy.Request]:
        """A detail page: yield it and its attachments when it may be an annual report."""
        if not isinstance(response, HtmlResponse):  # a detail URL that served a file
            yield from self.parse_attachment(response, column, link_text)
            return
        if not (self.source.looks_like_report(article_title(response))
                or self.source.looks_like_report(link_text)):
            self.stat("not_candidate")
            return
        self.stat("candidates")
        yield document_item(response, self.source.name, column, link_text)
        for link in page_links(response):
            if is_attachment(link.url):
                yield response.follow(
                    link.url, callback=self.parse_attachment, priority=PRIORITY_ATTACHMENT,
                    cb_kwargs={"column": column, "link_text": link.text},
                )

    def parse_attachment(self, response: Response, column: str,
                         link_text: str) -> Iterator[DocumentItem]:
        self.stat("attachments")
        yield document_item(response, self.source.name, column, link_text)
