"""A report's title, body (agency) and year, and where each was read.

The report's own heading comes first: the first lines that name a report, joined when the
heading was broken over two or three lines (`2025 年上海市人民政府办公厅政府信息公开` /
`工作年度报告`), stray lines such as `正文` skipped. When the heading does not name the body
(`2023年政府信息公开年度报告`), the copy's context does, in this order: what the user stated
(`ingest --agency`), the page's own article title (meta ArticleTitle, the title above the
body), the page's publisher (meta ContentSource, the breadcrumb), the link text that led to an
attachment, the linking page's title and publisher. The crawl source's own body is the last
resort and is flagged as a guess. Every field records its source (`sources`), and every field
not read from the heading is flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.document import Document, Hints, TextBlock
from pipelines.sections import clean_line, heading_number

_WS = re.compile(r"\s+")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度?)?")
_KIND = re.compile(
    r"(?:关于)?(?:本级)?(?:政府|政务)?(?:信息(?:与政务)?|政务)公开(?:工作)?(?:年度)?(?:工作)?(?:年度)?(?:报告|年报).*$"
)
_REPORTISH = re.compile(r"报告|年报")
# A body's name: government, department, office, town, street, committee, zone ...
BODY = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,40}?(?:人民政府|政府办公室|政府办公厅|办事处|委员会|"
                  r"管理委员会|管委会|管理局|服务中心|[局委办厅署院会镇乡街道区县市旗处所站队中心])$")
_STRAY = re.compile(r"^(?:正文|全文|附件\d*|字号|来源|发布(?:时间|日期|机构)|浏览次数|打印|关闭|"
                    r"【[^】]*】|索引号|分类|文号|成文日期|主题词|信息来源|点击数|分享)")
_STATISTICS_PERIOD = re.compile(r"统计[^。]{0,24}?((?:19|20)\d{2})\s*年\s*(?:1|一)\s*月\s*(?:1|一)\s*日")
_YEAR_OF_WORK = re.compile(r"((?:19|20)\d{2})\s*年度?\s*(?:[，,]?\s*(?:本|我|全)[\u4e00-\u9fff]{0,8})?"
                           r"(?:政府|政务)?信息公开")
_MAX_HEAD_LINES = 16
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# What infographics, readings and bracketed tags put before the body's name.
_PREFIX = re.compile(r"^(?:关于|[【\[][^】\]]*[】\]]|(?:图解|图说|一图(?:读懂|看懂|了解|速览)|(?:政策)?解读)[:：]?)+")
_LIST_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


@dataclass(slots=True)
class Meta:
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was read
    flags: list[str] = field(default_factory=list)


def compact(text: str | None) -> str:
    return _WS.sub("", text or "")


def agency_of(title: str | None) -> str | None:
    """The body the title names: the title without its year and the report's kind."""
    if not title:
        return None
    m = YEAR.search(title)
    before, after = (title[: m.start()], title[m.end():]) if m else (title, "")
    before = re.sub(r"(关于|[（(])$", "", before)
    before = _PREFIX.sub("", before)
    before = re.sub(r"(?<=.)关于.*$", "", before)  # "…办公厅关于做好" -> "…办公厅"
    if not m:
        before = _KIND.sub("", before)
    agency = before or _KIND.sub("", after)
    agency = re.sub(r"^(?:关于|本级)", "", agency)
    return agency if agency and len(agency) >= 2 else None


def _head_lines(doc: Document) -> list[str]:
    lines = []
    for block in doc.blocks[: _MAX_HEAD_LINES * 2]:
        if isinstance(block, TextBlock):
            line = clean_line(block.text)
            if line and not _STRAY.match(compact(line)):
                lines.append(line)
    return lines[:_MAX_HEAD_LINES]


def _is_continuation(prev: str) -> bool:
    """`prev` may be the first part of a broken heading: short, no sentence end, no report word."""
    p = compact(prev)
    return (0 < len(p) <= 40 and not re.search(r"[。！？；：:，,>＞]|^\d+$", p)
            and heading_number(prev) is None and not _REPORTISH.search(p))


def heading_title(doc: Document) -> str | None:
    """The report's heading from its first lines; a heading broken after the body's name or
    before its kind (`…政府信息公开` / `工作年度报告`) is joined with the line(s) above."""
    lines = _head_lines(doc)
    for i, line in enumerate(lines):
        title = compact(line)
        if (not _REPORTISH.search(title) or len(title) > 60 or heading_number(line) is not None
                or "。" in title or _LIST_ITEM.match(title)):
            continue  # a sentence or a list item that mentions a report is no heading
        start = i
        while (start > 0 and i - start < 2 and not (YEAR.search(title) and agency_of(title))
               and _is_continuation(lines[start - 1])):
            start -= 1
            title = compact(lines[start]) + title
        return title
    return None


def _named(candidates: list[tuple[str, str | None]]) -> tuple[str, str] | None:
    """The first (source, text) whose text names a body."""
    for source, text in candidates:
        text = compact(text)
        if text and (agency_of(text) or BODY.search(text)):
            return source, text
    return None


def _title_candidates(doc: Document, hints: Hints) -> list[tuple[str, str | None]]:
    return [("page article title", doc.meta.get("ArticleTitle")),
            ("page heading", doc.meta.get("heading") or doc.title_hint),
            ("link text", hints.link_text), ("linking page's title", hints.page_title)]


def _publisher_candidates(doc: Document, hints: Hints) -> list[tuple[str, str | None]]:
    return [("page meta ContentSource", doc.meta.get("ContentSource")),
            ("page breadcrumb", doc.meta.get("breadcrumb")),
            ("linking page's publisher", hints.publisher),
            ("page meta SiteName", doc.meta.get("SiteName"))]


def _report_title(text: str, year: int | None) -> bool:
    m = YEAR.search(text)
    return bool(_REPORTISH.search(text) and (m is None or year is None or int(m.group(1)) == year))


def _body_of(text: str | None) -> str | None:
    """The body a publisher field names: the last breadcrumb segment that is a body."""
    for part in reversed(re.split(r"[>＞»/|｜→]+|\s{2,}", text or "")):
        part = compact(part)
        if part and BODY.search(part) and not re.search(r"首页|本站|原创|网站|门户|公开目录|专栏", part):
            return part
    return None


def _year_from(meta: Meta, doc: Document, text: str, hints: Hints) -> None:
    """The year the statistics cover: the title's, else the other titles', the statistics
    period, a 'YYYY年…信息公开' phrase of the first lines."""
    for source, candidate in [("title", meta.title)] + _title_candidates(doc, hints):
        usable = candidate and (source == "title" or _REPORTISH.search(compact(candidate)))
        m = YEAR.search(compact(candidate)) if usable else None
        if m:
            meta.year, meta.sources["year"] = int(m.group(1)), source
            break
    else:
        head = "".join(_head_lines(doc))
        for source, pattern, where in (("statistics period", _STATISTICS_PERIOD, text),
                                       ("first lines", _YEAR_OF_WORK, head),
                                       ("first year written in the first lines", _ANY_YEAR, head)):
            m = pattern.search(where)
            if m:
                meta.year, meta.sources["year"] = int(m.group(1)), source
                break
    if meta.year is not None and meta.sources["year"] != "title":
        meta.flags.append(f"year: read from the {meta.sources['year']}, not the title")


def _agency_from(meta: Meta, doc: Document, hints: Hints) -> None:
    if hints.agency:
        meta.agency, meta.sources["agency"] = compact(hints.agency), "stated (--agency)"
        return
    if agency_of(meta.title):
        meta.agency, meta.sources["agency"] = agency_of(meta.title), meta.sources.get("title", "title")
        return
    titled = _named([(s, t) for s, t in _title_candidates(doc, hints)
                     if t and _report_title(compact(t), meta.year) and agency_of(compact(t))])
    if titled:
        meta.title, meta.sources["title"] = titled[1], titled[0]
        meta.agency, meta.sources["agency"] = agency_of(titled[1]), titled[0]
        meta.flags.append(f"agency: {meta.agency!r} and title read from the {titled[0]}, not the heading")
        return
    for source, text in _publisher_candidates(doc, hints):
        body = _body_of(text)
        if body:
            meta.agency, meta.sources["agency"] = body, source
            break
    else:
        if hints.region and _body_of(hints.region):
            meta.agency, meta.sources["agency"] = _body_of(hints.region), "crawl source (a guess)"
    if meta.agency:
        meta.flags.append(f"agency: {meta.agency!r} read from the {meta.sources['agency']}, not the heading")
        if meta.title and YEAR.match(meta.title):  # "2023年…报告" -> "<body>2023年…报告"
            meta.title = meta.agency + meta.title
            meta.sources["title"] = f"heading, body from the {meta.sources['agency']}"


def read_metadata(doc: Document, text: str, hints: Hints | None = None) -> Meta:
    """Title, agency and year of a report, each with its source (see module docstring)."""
    hints = hints or Hints()
    meta = Meta()
    own = compact(doc.meta.get("ArticleTitle") or doc.title_hint or doc.meta.get("heading"))
    heading = heading_title(doc)
    if own and _REPORTISH.search(own) and YEAR.search(own):
        meta.title, meta.sources["title"] = own, "page title"  # cleaner than the body's lines
    elif heading:
        meta.title, meta.sources["title"] = heading, "heading"
    elif own or hints.link_text:
        meta.title = own or compact(hints.link_text)
        meta.sources["title"] = "page title" if own else "link text"
    _year_from(meta, doc, text, hints)
    _agency_from(meta, doc, hints)
    return meta
