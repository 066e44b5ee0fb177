"""PortalSpider: walk a portal breadth-first and yield its annual-report documents.

From a source's start URLs (a configured profile, or a bare root URL) the spider follows
in-scope navigation, frames and report columns, including paging that only inline script
writes (TRS), backwards paging (VSB) and Hanweb's POST-only record pages. A detail page is
fetched when a report column lists it or its link text looks like a report; it is yielded
when it is an article that looks like an annual report (the parser decides what really is
one), never when it is a list or an error page, together with its attachments (plain
links, `javascript:window.open`, pdf.js viewers). Attachments are checked (error pages,
truncated PDFs, broken zips) and zip bundles yield one item per member. Each item carries
its context for the parser, whose titles often omit the body: the source's region (a
profile's title, or the name a bare URL's root page states) and, for an attachment, the
title and stated publisher of the detail page that linked it (a PDF has no meta of its
own). Hashing, dedup and cleaning are the pipelines' job; the spider only yields items
and requests: a refused response is a `RejectedItem`, a request that failed (an HTTP error,
or a download error after its retries) a `FailedItem` from its errback, both recorded by
the crawl-state pipeline (crawler/state.py) that the spider registers with the WARC capture.
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import DocumentItem
from crawlstate.items import FailedItem, RejectedItem
from crawler.settings import fast_settings
from crawler.sources import Source, resolve
from crawler.spiders import bundles, checks, documents, paging
from crawler.spiders.documents import (Context, article_title, column_title, document_item,
                                       linking_context, site_name)
from crawler.spiders.links import PageLink, page_links, script_files, viewer_file

ATTACHMENT_RE = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et|zip|rar|7z)(?:[?#]|$)", re.I)
# Download endpoints that name the file only in Content-Disposition (downfile.jsp?id=…).
DOWNFILE_RE = re.compile(r"/(?:down(?:load)?file|download|getfile|filedown)[^/]*$", re.I)
PAGING_RE = re.compile(r"/index_(\d+)\.s?html?$")
DISCLOSURE_TEXT = re.compile(r"信息公开|政务公开|年报|年度报告|公开目录")
PRIORITY_DETAIL, PRIORITY_ATTACHMENT, PRIORITY_PROXY, PRIORITY_DISCLOSURE = 10, 20, 5, 2
Out = Iterator[DocumentItem | RejectedItem | FailedItem | scrapy.Request]
# Components of crawl state and capture, registered with the spider (update_settings).
STATE_PIPELINE = ("crawler.state.CrawlStatePipeline", 50)  # before the archive's stages
CAPTURE_MIDDLEWARE = ("crawler.capture.WarcCaptureMiddleware", 720)  # above compression,
# redirects, cookies (590, 600, 700) and the browser gate (710): exchanges as on the wire
SPIDER_PRIORITY = SETTINGS_PRIORITIES["spider"]


def is_attachment(url: str) -> bool:
    path = urlsplit(url).path
    return bool(ATTACHMENT_RE.search(path) or DOWNFILE_RE.search(path))


def ofd_twins(urls: list[str]) -> set[str]:
    """OFD files posted beside a PDF of the same name: the PDF is the copy we keep."""
    pdfs = {u.rsplit(".", 1)[0] for u in urls if urlsplit(u).path.lower().endswith(".pdf")}
    return {u for u in urls if urlsplit(u).path.lower().endswith(".ofd")
            and u.rsplit(".", 1)[0] in pdfs}


class PortalSpider(scrapy.Spider):
    """`scrapy crawl portal -a target=URL|NAME`: a portal's annual reports and attachments."""

    name = "portal"
    source: Source
    allowed_domains: list[str]
    max_list_pages: int
    page_maxsize: int
    skip_ofd_twins: bool
    bundle_limits: bundles.Limits
    site_name: str | None = None  # a bare URL's region: the name its root page states

    def __init__(self, target: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not target:
            raise ValueError("PortalSpider needs a target: -a target=URL or a source name")
        self.target = target

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        for name, (path, order) in (("ITEM_PIPELINES", STATE_PIPELINE),
                                    ("DOWNLOADER_MIDDLEWARES", CAPTURE_MIDDLEWARE)):
            # At spider priority: CrawlerProcess.crawl() re-applies the project's settings.
            components = {**settings.getdict(name), path: order}
            settings.set(name, components, max(settings.getpriority(name) or 0, SPIDER_PRIORITY))
        if settings.getbool("NIANBAO_FAST"):
            # Below cmdline priority: an explicit -s DOWNLOAD_DELAY=… still wins.
            settings.setdict(fast_settings(), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        sources_file = crawler.settings.get("PORTAL_SOURCES_FILE")
        spider.source = resolve(spider.target, Path(sources_file) if sources_file else None)
        spider.allowed_domains = list(spider.source.allowed_domains)
        settings = crawler.settings
        spider.max_list_pages = settings.getint("PORTAL_MAX_LIST_PAGES", 50)
        spider.page_maxsize = settings.getint("PORTAL_PAGE_MAXSIZE", 10 * 1024 * 1024)
        spider.skip_ofd_twins = settings.getbool("PORTAL_SKIP_OFD_TWINS", True)
        spider.bundle_limits = bundles.Limits(
            max_members=settings.getint("PORTAL_ZIP_MAX_MEMBERS", 200),
            max_total=settings.getint("PORTAL_ZIP_MAX_TOTAL", 500 * 1024 * 1024),
            max_member=settings.getint("DOWNLOAD_MAXSIZE", 200 * 1024 * 1024),
            max_ratio=settings.getfloat("PORTAL_ZIP_MAX_RATIO", 100.0))
        return spider

    def stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"portal/{key}", count)

    @property
    def region(self) -> str | None:
        """The region/body of every item: the profile's title, else the site's own name."""
        if self.source.region:
            return self.source.region
        state = getattr(self, "state", None)  # JOBDIR: the name survives a resume
        return self.site_name or (state.get("site_name") if isinstance(state, dict) else None)

    def learn_site_name(self, response: HtmlResponse) -> None:
        if self.source.region or self.site_name or not response.meta.get("nianbao_start"):
            return
        self.site_name = site_name(response)
        state = getattr(self, "state", None)
        if self.site_name and isinstance(state, dict):
            state["site_name"] = self.site_name

    def meta(self, kind: str) -> dict[str, Any]:
        meta: dict[str, Any] = {"nianbao_kind": kind}
        if kind != "attachment":
            meta["download_maxsize"] = self.page_maxsize
        if self.source.needs_browser and kind != "attachment":
            meta["playwright"] = True
        return meta

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:  # resuming a JOBDIR, Scrapy filters them as seen
            yield scrapy.Request(url, callback=self.parse_page, errback=self.failed,
                                 meta={**self.meta("page"), "nianbao_start": True})

    # -- navigation and list pages ---------------------------------------------------------

    def parse_page(self, response: Response, column_hint: bool = False) -> Out:
        """A navigation or list page: follow its links, never yield it."""
        if not isinstance(response, HtmlResponse):
            self.stat("not_html")
            return
        self.learn_site_name(response)
        in_column = column_hint or self.is_column(response)
        self.stat("column_pages" if in_column else "pages")
        links = list(page_links(response))
        store = paging.hanweb_store(response)
        records = paging.record_links(store, response.url) if store else []
        if in_column:
            yield from self.paging(response, links, store, len(records))
        for link in records:
            yield from self.follow(response, link, in_column)
        for link in links:
            yield from self.follow(response, link, in_column)

    def is_column(self, response: HtmlResponse) -> bool:
        """An annual-report column: by the profile's URL rules, or by its title."""
        return self.source.is_column(response.url) or self.source.looks_like_report(
            column_title(response))

    def paging(self, response: HtmlResponse, links: list[PageLink], store: str | None,
               have: int) -> Out:
        """The column's other pages: TRS script paging, VSB numbering, Hanweb POSTs."""
        pages = paging.trs_pages(response, self.max_list_pages) + paging.vsb_pages(
            response, links, self.max_list_pages)
        for url in pages:
            self.stat("paging_generated")
            yield response.follow(url, callback=self.parse_page, meta=self.meta("page"),
                                  cb_kwargs={"column_hint": True}, errback=self.failed)
        for call in paging.hanweb_calls(response, store, have) if store else []:
            yield self.proxy_request(call, response.url)

    def proxy_request(self, call: paging.ProxyCall, column: str) -> scrapy.Request:
        self.stat("hanweb_proxy")
        more = (call.start, call.per_page) if call.more else None
        return scrapy.FormRequest(call.url, formdata=call.form, callback=self.parse_records,
                                  errback=self.failed,
                                  priority=PRIORITY_PROXY, meta=self.meta("proxy"),
                                  cb_kwargs={"column": column, "form": call.form, "more": more})

    def parse_records(self, response: Response, column: str, form: dict[str, str] | None = None,
                      more: tuple[int, int] | None = None) -> Out:
        """A Hanweb dataproxy answer: more records of the column (and, when the column's
        total was unknown, a request for the next chunk while chunks come back full)."""
        if not isinstance(response, TextResponse):
            return
        links = paging.record_links(response.text, column)
        for link in links:
            yield from self.follow(response, link, True, column=column)
        if more and len(paging.RECORD.findall(response.text)) >= paging.PROXY_CHUNK \
                and more[0] < paging.PROXY_CHUNK * self.max_list_pages:
            call = paging.ProxyCall(response.url, form or {}, more[0], more[1], more=True)
            yield self.proxy_request(paging.next_call(call), column)

    def follow(self, response: Response, link: PageLink, in_column: bool,
               column: str | None = None) -> Out:
        column = column or response.url
        if link.frame:  # a shell's content (a pdf.js viewer only counts on a report page)
            if viewer_file(link.url) is None and self.source.follows(link.url):
                yield response.follow(link.url, callback=self.parse_page, meta=self.meta("page"),
                                      cb_kwargs={"column_hint": in_column}, errback=self.failed)
            return
        reportish = self.source.looks_like_report(link.text)
        if is_attachment(link.url):
            if in_column and reportish:  # a column listing the PDF itself
                yield self.attachment_request(response, link, column)
            return
        if self.source.is_detail(link.url) or (reportish and self.source.follows(link.url)):
            if in_column or reportish:
                yield response.follow(link.url, callback=self.parse_detail, priority=PRIORITY_DETAIL,
                                      meta=self.meta("detail"), errback=self.failed,
                                      cb_kwargs={"column": column, "link_text": link.text})
            else:
                self.stat("detail_skipped")
            return
        yield from self.follow_page(response, link, in_column)

    def follow_page(self, response: Response, link: PageLink, in_column: bool) -> Out:
        if paging.is_pager_link(link, response.url) and not in_column:
            self.stat("paging_skipped")  # news and other columns: no need to page them
            return
        if not self.source.follows(link.url) or not self.within_paging(link.url):
            return
        priority = PRIORITY_DISCLOSURE if DISCLOSURE_TEXT.search(link.text) else 0
        yield response.follow(link.url, callback=self.parse_page, meta=self.meta("page"),
                              priority=priority, errback=self.failed,
                              cb_kwargs={"column_hint": in_column and
                                                            paging.is_pager_link(link, response.url)})

    def within_paging(self, url: str) -> bool:
        match = PAGING_RE.search(urlsplit(url).path)
        if match and int(match.group(1)) >= self.max_list_pages:
            self.stat("paging_capped")
            return False
        return True

    # -- detail pages and attachments -------------------------------------------------------

    def parse_detail(self, response: Response, column: str, link_text: str) -> Out:
        """A detail page: yield it and its attachments when it may be an annual report."""
        if not isinstance(response, HtmlResponse):  # a detail URL that served a file
            yield from self.parse_attachment(response, column, link_text)
            return
        reason = checks.error_page_reason(response)
        if reason:
            yield self.reject(response, reason)
            return
        if checks.is_listing(response, self.source):
            self.stat("detail_is_listing")
            yield from self.parse_page(response, column_hint=True)
            return
        if not (self.source.looks_like_report(article_title(response))
                or self.source.looks_like_report(link_text)):
            self.stat("not_candidate")
            return
        self.stat("candidates")
        yield document_item(response, self.source.name, column, link_text, Context(self.region))
        yield from self.attachments(response, column, linking_context(response, self.region))

    def attachments(self, response: HtmlResponse, column: str, context: Context) -> Out:
        links = [ln for ln in page_links(response) if is_attachment(ln.url) or
                 (ln.frame and viewer_file(ln.url))]
        links += [ln for ln in script_files(response) if ln.url not in {x.url for x in links}]
        links = [PageLink(viewer_file(ln.url) or ln.url, ln.text or "pdf.js") if ln.frame else ln
                 for ln in links]
        twins = ofd_twins([ln.url for ln in links]) if self.skip_ofd_twins else set()
        for link in links:
            if link.url in twins:
                self.stat("ofd_twin_skipped")
                continue
            yield self.attachment_request(response, link, column, context)

    def attachment_request(self, response: Response, link: PageLink, column: str,
                           context: Context | None = None) -> scrapy.Request:
        """The file's request, carrying what the linking page says about it (pickled with
        the request when a crawl is paused, so plain strings)."""
        linked = {"page_title": context.page_title, "agency_hint": context.agency_hint} \
            if context else {}
        return response.follow(link.url, callback=self.parse_attachment, priority=PRIORITY_ATTACHMENT,
                               meta=self.meta("attachment"), errback=self.failed,
                               cb_kwargs={"column": column, "link_text": link.text, **linked})

    def parse_attachment(self, response: Response, column: str, link_text: str,
                         page_title: str | None = None, agency_hint: str | None = None) -> Out:
        kind = checks.sniffed(response, link_text or response.url)
        problem = checks.attachment_problem(response, kind)
        if (problem and problem.startswith("truncated") and response.request is not None
                and not response.meta.get("nianbao_refetch")):
            self.stat("refetch_truncated")  # a transfer cut short is worth one more try
            yield response.request.replace(dont_filter=True, meta={**response.meta, "nianbao_refetch": 1})
            return
        if problem:
            yield self.reject(response, problem)
            return
        self.stat("attachments")
        if kind.format == "zip":
            yield from self.unpack(response, column)
            return
        yield document_item(response, self.source.name, column, link_text,
                            Context(self.region, page_title, agency_hint))

    def unpack(self, response: Response, column: str) -> Iterator[DocumentItem | RejectedItem]:
        try:
            members, skipped = bundles.unpack(response.body, self.bundle_limits)
        except bundles.BundleRefused as exc:
            yield self.reject(response, f"zip bundle refused: {exc}")
            return
        for reason in skipped:
            self.logger.warning("zip %s: skipped %s", response.url, reason)
        if not members:
            yield self.reject(response, "zip bundle without a readable document")
            return
        self.stat("zip/members", len(members))
        self.stat("zip/skipped", len(skipped))
        # A bundle gathers several bodies' reports: the page that linked it names none of them.
        context = Context(self.region)
        for member in members:
            item = document_item(response, self.source.name, column, PurePosixPath(member.name).stem,
                                 context, bundle=response.url)
            item.url, item.body = f"{response.url}#{member.name}", member.data
            item.filename, item.content_type = PurePosixPath(member.name).name, None
            item.referer = response.url
            yield item

    def reject(self, response: Response, reason: str) -> RejectedItem:
        """An error page or broken file: never archived; remembered by the crawl state."""
        self.stat("rejected")
        self.logger.info("rejected %s: %s", response.url, reason)
        headers = response.headers
        return RejectedItem(response.url, reason, response.body, response.status,
                            *(documents.header(headers, n) for n in ("ETag", "Last-Modified", "Content-Type")),
                            redirect_urls=list(response.meta.get("redirect_urls") or []))

    def failed(self, failure: Failure) -> Iterator[FailedItem]:
        """A request's errback: an HTTP error answer or a download error, after its retries
        (robots.txt, offsite and the crawl state's own skips are no failures)."""
        request = failure.request  # type: ignore[attr-defined]
        tries = int(request.meta.get("retry_times", 0)) + 1
        if failure.check(HttpError):
            response = failure.value.response
            self.logger.info("HTTP %s for %s", response.status, request.url)
            yield FailedItem(request.url, f"HTTP {response.status}", response.status, tries)
        elif not failure.check(IgnoreRequest):
            self.logger.error("download failed: %s (%s: %s)", request.url,
                              type(failure.value).__name__, failure.value)
            yield FailedItem(request.url, f"{type(failure.value).__name__}: {failure.value}",
                             None, tries)
