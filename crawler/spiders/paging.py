"""List paging the CMS families write without plain links, and Hanweb's record stores.

- TRS: `createPageHTML(count, current, "index", "html")` or `var countPage = N` with
  document.write: pages are `index.html`, `index_1.html` … `index_{N-1}.html`.
- VSB: `list.htm`, then `list/N.htm` down to `list/1.htm`; the pager shows only a few.
- Hanweb: the first records sit in `<script type="text/xml">` as CDATA `<record>`s; the
  others come only from POST `/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…`
  with the column's ids (from the `nextgroup` link) as form fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy.http import TextResponse

from crawler.spiders.links import PageLink, clean_space

# createPageHTML(3, 0, "index", "html"); newer TRS puts the pager's element id first:
# createPageHTML('page_div', 3, 0, 'index', 'html', 57).
CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?"
    r"\s*,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*['\"]?(\d+)")
PAGE_NAME = re.compile(r"/([\w-]+?)(?:_\d+)?\.(s?html?)$")
VSB_NUMBERED = re.compile(r"^(.*/)(\d+)\.htm$")
VSB_TOTAL = re.compile(r"_simple_list_gotopage_fun\(\s*(\d+)|共\s*(\d+)\s*页")
PAGER_TEXT = re.compile(r"^(?:\d+|首页|上页|上一页|下页|下一页|尾页|末页|最后一页|\[?\d+\]?)$")
HANWEB_STORE = re.compile(r"<script[^>]*type=['\"]text/xml['\"][^>]*>(.*?)</script>", re.S | re.I)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=['\"]([^'\"]+)['\"]", re.S)
TOTAL_RECORD = re.compile(r"totalRecord\s*[:=]\s*['\"]?(\d+)|<totalrecord>(\d+)</totalrecord>", re.I)
PER_PAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
PROXY_URL = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
ANCHOR = re.compile(r"<a\s[^>]*?href=['\"]([^'\"]+)['\"][^>]*>(.*?)</a>", re.S | re.I)
TITLE_ATTR = re.compile(r"title=['\"]([^'\"]+)['\"]")
TAGS = re.compile(r"<[^>]+>")
PROXY_CHUNK = 45  # records per POST: Hanweb's own pager asks for three pages of 15


def trs_pages(response: TextResponse, limit: int) -> list[str]:
    """The other list pages a TRS paging script would write (at most `limit` in all)."""
    text = response.text
    match = CREATE_PAGE.search(text)
    if match:
        count, name, ext = int(match.group(1)), match.group(3), match.group(4)
    else:
        found = COUNT_PAGE.search(text)
        own = PAGE_NAME.search(urlsplit(response.url).path)
        if not found:
            return []
        count, name, ext = int(found.group(1)), (own.group(1) if own else "index"), (own.group(2) if own else "html")
    return [urljoin(response.url, f"{name}_{i}.{ext}") for i in range(1, min(count, limit))]


def vsb_pages(response: TextResponse, links: list[PageLink], limit: int) -> list[str]:
    """Every `folder/N.htm` of a VSB list whose pager shows some of them."""
    numbered: dict[str, int] = {}
    for link in links:
        match = VSB_NUMBERED.match(urlsplit(link.url).path)
        if match and PAGER_TEXT.match(link.text):
            base = link.url[: link.url.rindex("/") + 1]
            numbered[base] = max(numbered.get(base, 0), int(match.group(2)))
    if not numbered:
        return []
    total = VSB_TOTAL.search(response.text)
    pages: list[str] = []
    for base, top in numbered.items():
        declared = int(next(g for g in total.groups() if g)) - 1 if total else top
        highest = min(max(top, declared), limit)
        pages.extend(f"{base}{n}.htm" for n in range(highest, 0, -1))
    return pages


def is_pager_link(link: PageLink, page_url: str) -> bool:
    """A paging link (index_3.html, 12.htm, 下一页) rather than a way into another column."""
    path = urlsplit(link.url).path
    if re.search(r"/index_\d+\.s?html?$", path):
        return True
    return bool(PAGER_TEXT.match(link.text) and VSB_NUMBERED.match(path))


@dataclass(slots=True, frozen=True)
class ProxyCall:
    url: str
    form: dict[str, str]
    start: int = 0  # with `more`: the total is unknown, ask for the next chunk after this one
    per_page: int = 15
    more: bool = False


def proxy_url(endpoint: str, start: int, end: int, per_page: int) -> str:
    return f"{endpoint}?startrecord={start}&endrecord={end}&perpage={per_page}"


def next_call(call: ProxyCall) -> ProxyCall:
    start = call.start + PROXY_CHUNK
    endpoint = call.url.split("?", 1)[0]
    return ProxyCall(proxy_url(endpoint, start, start + PROXY_CHUNK - 1, call.per_page), call.form,
                     start, call.per_page, more=True)


def record_links(xml: str, base_url: str) -> list[PageLink]:
    """The links inside a Hanweb datastore's CDATA records."""
    links = []
    for record in RECORD.findall(xml):
        for href, inner in ANCHOR.findall(record):
            title = TITLE_ATTR.search(record)
            text = clean_space(TAGS.sub("", inner))
            if title and len(title.group(1)) > len(text):
                text = title.group(1)
            links.append(PageLink(urljoin(base_url, href.replace("&amp;", "&")), text))
    return links


def hanweb_store(response: TextResponse) -> str | None:
    match = HANWEB_STORE.search(response.text)
    return match.group(1) if match and "<datastore" in match.group(1) else None


def hanweb_calls(response: TextResponse, store: str, have: int) -> list[ProxyCall]:
    """The dataproxy POSTs that fetch the records after the first `have`."""
    nextgroup = NEXTGROUP.search(store)
    if not nextgroup:
        return []
    per_match = PER_PAGE.search(response.text)
    per_page = int(per_match.group(1)) if per_match else 15
    link = urljoin(response.url, nextgroup.group(1).replace("&amp;", "&"))
    proxy = PROXY_URL.search(response.text)
    endpoint = urljoin(response.url, proxy.group(1)) if proxy else link.split("?", 1)[0]
    form = {k: v for k, v in parse_qsl(urlsplit(link).query) if k != "page"}
    form.update(col="1", sourceContentType="1")
    total_match = TOTAL_RECORD.search(response.text)
    if not total_match:  # ask chunk after chunk until one comes back short
        first = have + 1
        return [ProxyCall(proxy_url(endpoint, first, first + PROXY_CHUNK - 1, per_page), form,
                          first, per_page, more=True)]
    total = int(next(g for g in total_match.groups() if g))
    return [ProxyCall(proxy_url(endpoint, start, min(start + PROXY_CHUNK - 1, total), per_page), form)
            for start in range(have + 1, total + 1, PROXY_CHUNK)]
