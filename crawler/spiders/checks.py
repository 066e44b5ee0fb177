"""What a fetched response really is: an error page dressed as a document (soft 404, an
HTML error at a .pdf URL, a redirect chain ending on an error page), a broken file
(truncated PDF, corrupt zip), or a list page linked with a report's title."""
from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

from lxml.etree import XPath
from scrapy.http import HtmlResponse, Response

from crawler.sources import Source
from crawler.spiders.documents import article_title
from crawler.spiders.links import page_links
from crawler.spiders.paging import CREATE_PAGE, COUNT_PAGE, VSB_TOTAL, hanweb_store
from pipelines.sniff import Kind, sniff

# Phrases of error pages; only trusted in a title/heading or on a short page (a report
# may well say "不存在…的情况").
ERROR_PHRASES = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要的)?页面|您访问的页面|访问的页面不存在|页面已(?:被)?删除"
    r"|文件不存在|信息不存在|信息已(?:被)?删除|已经?被删除|已下线|已撤销|无法找到|资源不存在|"
    r"404\s*not\s*found|not\s*found|\berror\s*404|\b404\b|出错了|错误提示|系统繁忙")
ERROR_PATH = re.compile(r"/(?:40[34]|50[03]|error|notfound|not_found|nofound)(?:\.\w+)?$|/error/", re.I)
YEAR = re.compile(r"(?:19|20)\d\d")
REPORT_HEAD = re.compile(r"(?:19|20)\d\d\s*年.{0,40}报告")
SHORT_PAGE = 600  # characters of visible text below which a page may be an error page
LIST_TEXT = 1200  # non-link characters below which a link-heavy page is a list
ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|ofd|xlsx?|et|zip|rar|7z)$|/down(?:load)?file|download", re.I)


VISIBLE = "//body//text()[not(ancestor::script) and not(ancestor::style){}]"
VISIBLE_TEXT = {outside: XPath(VISIBLE.format(" and not(ancestor::a)" if outside else ""),
                               smart_strings=False) for outside in (False, True)}


def visible_text(response: HtmlResponse, outside_links: bool = False) -> str:
    """The page's text outside scripts and styles (and links), without white space. On the
    lxml tree itself: a page's thousands of text nodes as strings, not as Selectors."""
    parts = VISIBLE_TEXT[outside_links](response.selector.root)
    return re.sub(r"\s+", "", "".join(parts))


def error_page_reason(response: HtmlResponse) -> str | None:
    """Why this HTML answer is an error page, or None."""
    redirects = response.meta.get("redirect_urls") or []
    if redirects and ERROR_PATH.search(urlsplit(response.url).path):
        return "redirected to an error page"
    head = " ".join(response.xpath("//title//text() | //h1//text() | //h2//text()").getall())
    text = visible_text(response)
    if ERROR_PHRASES.search(head) and not REPORT_HEAD.search(head):
        return "error page (title)"  # a report's heading names a year and a 报告
    if len(text) < SHORT_PAGE and ERROR_PHRASES.search(text):
        return "soft 404"
    return None


def attachment_problem(response: Response, kind: Kind) -> str | None:
    """Why an attachment's bytes are not the document it promised, or None."""
    body = response.body
    if not body:
        return "empty body"
    if kind.format in ("html", "text"):
        return f"an {kind.format} page instead of a document"
    if kind.format == "pdf":
        return pdf_problem(body)
    if kind.format == "zip":
        return None  # a bundle: bundles.unpack checks it member by member, within its limits
    if body.startswith(b"PK\x03\x04") or kind.format in ("docx", "xlsx", "ofd"):
        return zip_problem(body)
    return None


# pdfminer reads a cross-reference table in Python, in the reactor thread, at ~0.14 s a MB
# (a 19 MB table of a million entries: 2.6 s): above this size the table is left to the
# parse, which reads it in a worker under the per-document limits, and a PDF it cannot read
# is archived as failed with the reason.
XREF_CHECK_MAX = 4 << 20


def pdf_problem(body: bytes) -> str | None:
    """A truncated or (up to XREF_CHECK_MAX) unparseable PDF: pdfminer must read its
    cross-reference table."""
    end = body.rfind(b"%%EOF")
    if end < 0 or end < len(body) - 2048:
        return "truncated pdf (no %%EOF)"
    if len(body) > XREF_CHECK_MAX:
        return None
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        PDFDocument(PDFParser(io.BytesIO(body)))
    except Exception as exc:  # pdfminer raises many kinds; any of them means unreadable
        return f"unparseable pdf ({type(exc).__name__})"
    return None


def zip_problem(body: bytes, max_total: int = 200 << 20) -> str | None:
    """A zip container (zip, DOCX, XLSX, OFD) that does not open or fails its CRCs.
    Reading is bounded by the declared sizes; bundles get their own limits later."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            if sum(i.file_size for i in archive.infolist()) > max_total:
                return None  # too big to test here: the bundle limits decide
            bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError) as exc:
        return f"broken zip ({type(exc).__name__})"
    return f"broken zip (bad CRC in {bad})" if bad else None


def sniffed(response: Response, name: str) -> Kind:
    return sniff(response.body, name)


def has_pager(response: HtmlResponse) -> bool:
    text = response.text
    return bool(CREATE_PAGE.search(text) or COUNT_PAGE.search(text) or hanweb_store(response)
                or VSB_TOTAL.search(text))


def is_listing(response: HtmlResponse, source: Source) -> bool:
    """A list page (paging, several report links, little text of its own), not an article."""
    if len(visible_text(response, outside_links=True)) >= LIST_TEXT:
        return False
    if has_pager(response):
        return True
    links = [ln for ln in page_links(response) if ln.url != response.url and not ln.frame
             and not ATTACHMENT.search(urlsplit(ln.url).path)]
    # A report's title carries its year; a column's name ("政府信息公开年报") in a
    # breadcrumb does not, and every article of a report column links to it.
    reports = {ln.url for ln in links if source.looks_like_report(ln.text) and YEAR.search(ln.text)}
    details = {ln.url for ln in links if source.is_detail(ln.url)}
    return len(reports) >= 1 or len(details) >= 6 or lists_files(response, source)


def lists_files(response: HtmlResponse, source: Source) -> bool:
    """A column that lists the report files themselves: links to reports' files, and a
    title without a year (a report page linking its own PDF names the report's year)."""
    if YEAR.search(article_title(response)):
        return False
    return any(source.looks_like_report(ln.text) and YEAR.search(ln.text)
               for ln in page_links(response) if ATTACHMENT.search(urlsplit(ln.url).path))
