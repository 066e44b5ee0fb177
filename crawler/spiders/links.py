"""Where a page leads: <a href>, script links (`javascript:window.open('…')`, onclick),
iframes and frames (shell sites), and the file a pdf.js viewer iframe shows."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlsplit

from lxml.etree import XPath
from scrapy.http import HtmlResponse

from crawler.sources import skipped

# window.open('…'), location.href = '…', openFile('…'), downLoad('…') in href or onclick.
SCRIPT_URL = re.compile(
    r"""(?:window\.open|location(?:\.href)?\s*=|\.assign|open\w*|down\w*)\s*\(?\s*['"]([^'"]+)['"]""",
    re.I)
# A file named in an inline script (TRS writes some attachment links with document.write).
SCRIPT_FILE = re.compile(r"""['"]([^'"<>\s]+\.(?:pdf|docx?|wps|ofd|xlsx?|et|zip))['"]""", re.I)
VIEWER = re.compile(r"/(?:viewer|pdfjs[^/]*|pdf)\.html?$|/web/viewer\.html?$", re.I)


@dataclass(slots=True, frozen=True)
class PageLink:
    url: str  # absolute, fragment dropped
    text: str  # anchor text, or its title attribute when that is longer (truncated lists)
    frame: bool = False  # an <iframe>/<frame> src: part of this page, not a link away


def clean_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def script_url(code: str) -> str | None:
    """The URL a `javascript:` href or an onclick handler opens, if it names one."""
    match = SCRIPT_URL.search(code)
    return match.group(1).strip() if match else None


def viewer_file(url: str) -> str | None:
    """`…/web/viewer.html?file=/x/report.pdf` -> the absolute URL of the PDF it shows."""
    parts = urlsplit(url)
    if not VIEWER.search(parts.path):
        return None
    found = parse_qs(parts.query).get("file")
    return urljoin(url, unquote(found[0])) if found and found[0] else None


def anchor_target(href: str, onclick: str) -> str | None:
    """Where an anchor really goes: its href, or the URL its script opens."""
    href = href.strip()
    if href.lower().startswith("javascript:"):
        return script_url(href) or (script_url(onclick) if onclick else None)
    if (not href or href.startswith("#")) and onclick:
        return script_url(onclick)
    return href or None


def absolute(response: HtmlResponse, href: str) -> str | None:
    if skipped(href):
        return None
    url = urldefrag(response.urljoin(href))[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


ANCHORS = XPath("//a[@href or @onclick]")
FRAMES = XPath("//iframe[@src] | //frame[@src]")
TEXT = XPath(".//text()", smart_strings=False)


def page_links(response: HtmlResponse) -> Iterator[PageLink]:
    """Every link of the page that could lead somewhere, frames included. Read on the lxml
    tree itself (called several times a page: no Selector per anchor and text node)."""
    root = response.selector.root
    for anchor in ANCHORS(root):
        target = anchor_target(anchor.get("href") or "", anchor.get("onclick") or "")
        url = absolute(response, target) if target else None
        if url is None:
            continue
        text = clean_space(" ".join(TEXT(anchor)))
        title = clean_space(anchor.get("title") or "")
        yield PageLink(url, max(text, title, key=len))
    for frame in FRAMES(root):
        url = absolute(response, frame.get("src"))
        if url is not None:
            yield PageLink(url, clean_space(frame.get("title") or ""), frame=True)


def script_files(response: HtmlResponse) -> Iterator[PageLink]:
    """Attachment files that only an inline script names."""
    for code in response.xpath("//script[not(@src)]/text()").getall():
        for match in SCRIPT_FILE.finditer(code):
            url = absolute(response, match.group(1))
            if url is not None:
                yield PageLink(url, match.group(1).rsplit("/", 1)[-1])
