"""The fixture site's plan: which page lives at which URL, and its HTML.

TRS layout of a district portal (spt.gov.cn): `/xxgk/` information disclosure,
`/xxgk/bmxxgkml/<body>_<id>/xxgknb_<id>/` per-body annual-report columns,
`/xxgk/zfxxgknb/` the district's summary column (paged `index.html`, `index_1.html`),
detail pages `YYYYMM/tYYYYMMDD_<id>.html`, attachments `./P0<digits>.pdf` beside them.
"""
from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import texts
from .chrome import STYLE_CSS, Article, Link, detail_page, esc, list_page, nav_page
from .manifest import Manifest, SeedEntry
from .render import SeedDoc, report_html

SUMMARY = "/xxgk/zfxxgknb/"
SUMMARY_NAME = "政府信息公开年报"
COLUMN_NAME = "政府信息公开年报"
XXGK = Link("信息公开", "/xxgk/index.html")
BMML = Link("部门信息公开目录", "/xxgk/bmxxgkml/index.html")
SITE_DATE = "2024-03-15 09:00"
ROBOTS = "User-agent: *\nAllow: /\n"
SUMMARY_PAGE_SIZE = 3


@dataclass(slots=True, frozen=True)
class Body:
    """A town with its own disclosure directory; `seed` is the seed file's number prefix."""

    seed: str
    slug: str
    channel: int
    name: str
    full_name: str
    day: int  # day of January its report is published

    @property
    def root(self) -> str:
        return f"/xxgk/bmxxgkml/{self.slug}_{self.channel}/"

    @property
    def column(self) -> str:
        return f"{self.root}xxgknb_{self.channel + 8}/"


BODIES = [
    Body("000", "dyz", 25291, "东园镇", "沙坡头区东园镇人民政府", 15),
    Body("001", "bsz", 25311, "白沙镇", "沙坡头区白沙镇人民政府", 20),
    Body("002", "wcz", 25331, "文昌镇", "沙坡头区文昌镇人民政府", 18),
    Body("003", "xgz", 25371, "习岗镇", "贺兰县习岗镇人民政府", 25),
    Body("004", "ryz", 25351, "柔远镇", "沙坡头区柔远镇人民政府", 20),
]
PDF_SEEDS = {"000"}  # reports also posted as a PDF attachment
DUPLICATE_SEED = "002"  # also posted, byte-identical, in the summary column


@dataclass(slots=True)
class SiteFile:
    path: str
    data: bytes
    when: str  # "YYYY-MM-DD HH:MM", becomes the file's mtime (Last-Modified)


@dataclass(slots=True)
class PdfJob:
    """An HTML document LibreOffice turns into the PDF at `path`."""

    path: str
    html: str
    when: str


@dataclass(slots=True)
class Posting:
    """One detail page in a summary list."""

    link: Link  # href is the page's absolute path
    entry: SeedEntry | None = None


@dataclass(slots=True)
class SitePlan:
    files: list[SiteFile] = field(default_factory=list)
    pdfs: list[PdfJob] = field(default_factory=list)

    def add(self, path: str, text: str, when: str = SITE_DATE) -> None:
        self.files.append(SiteFile(path, text.encode("utf-8"), when))


def mtime(when: str) -> float:
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc).timestamp()


def rel(from_page: str, to_path: str) -> str:
    """The relative href TRS writes from one page to another."""
    target = posixpath.relpath(to_path, posixpath.dirname(from_page))
    return target if target.startswith(".") else "./" + target


def detail_path(folder: str, when: str, doc_id: int) -> str:
    day = when[:10].replace("-", "")
    return f"{folder}{day[:6]}/t{day}_{doc_id}.html"


def pdf_name(seed: str, when: str) -> str:
    digits = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 10**12
    return f"P0{when[:10].replace('-', '')}{digits:012d}.pdf"


def body_crumbs(body: Body) -> list[Link]:
    return [XXGK, BMML, Link(body.name, body.root + "index.html"), column_link(body)]


def column_link(body: Body) -> Link:
    return Link(COLUMN_NAME, body.column + "index.html")


def add_seed_report(plan: SitePlan, body: Body, doc: SeedDoc, index: int) -> SeedEntry:
    """The report's detail page (and PDF, and duplicate copy) in its body's column."""
    when = f"{doc.year + 1}-01-{body.day:02d} 10:{30 + index:02d}"
    path = detail_path(body.column, when, 2_600_101 + 3_517 * index)
    entry = SeedEntry(doc.name, body.name, doc.title, doc.year, [path])
    entry.columns.append(body.column + "index.html")
    attachments: list[Link] = []
    if body.seed in PDF_SEEDS:
        pdf = posixpath.dirname(path) + "/" + pdf_name(doc.name, when)
        attachments.append(Link(f"{doc.title}.pdf", rel(path, pdf)))
        plan.pdfs.append(PdfJob(pdf, print_html(doc), when))
        entry.attachments.append(pdf)
    art = Article(doc.title, COLUMN_NAME, body_crumbs(body), when, body.name,
                  report_html(doc), attachments)
    plan.add(path, detail_page(art), when)
    if body.seed == DUPLICATE_SEED:
        copy = detail_path(SUMMARY, when, 4_100_000 + 3_517 * index)
        plan.add(copy, detail_page(art), when)  # same bytes: chrome links are absolute
        entry.pages.append(copy)
    return entry


def print_html(doc: SeedDoc) -> str:
    """The report body as a standalone document for LibreOffice to render."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        f"{esc(doc.title)}</title><style>body,h1,h2,h3,h4,h5,h6,p,td{{font-family:"
        '"WenQuanYi Micro Hei";}} td{border:1px solid #000;font-size:9pt}'
        f"</style></head><body>\n{report_html(doc)}\n</body></html>\n"
    )


def add_body_pages(plan: SitePlan, body: Body, entry: SeedEntry) -> None:
    """A town's directory page, its 机构职能 leaf and its annual-report column."""
    crumbs = [XXGK, BMML, Link(body.name, body.root + "index.html")]
    duties = Link("机构职能", f"{body.root}jgzn_{body.channel + 1}/index.html")
    plan.add(body.root + "index.html",
             nav_page(body.name, crumbs, [duties, column_link(body)], []))
    plan.add(duties.href, nav_page("机构职能", crumbs + [duties], [], texts.body_duties(body.name)))
    column = body.column + "index.html"
    when = next(f.when for f in plan.files if f.path == entry.pages[0])
    link = Link(entry.title, rel(column, entry.pages[0]), when[:10])
    plan.add(column, list_page(COLUMN_NAME, body_crumbs(body), [link], 0, 1))


def add_article(plan: SitePlan, folder: str, title: str, paras: list[str],
                when: str, doc_id: int, crumbs: list[Link]) -> str:
    """A plain article (no template tables) as a detail page; returns its path."""
    path = detail_path(folder, when, doc_id)
    content = f'<h1 style="text-align:center">{esc(title)}</h1>\n' + "\n".join(
        f"<p>{esc(p)}</p>" for p in paras
    )
    column = crumbs[-1].text
    plan.add(path, detail_page(Article(title, column, crumbs, when, "区政府办", content, [])),
             when)
    return path


def summary_postings(plan: SitePlan, entries: list[SeedEntry]) -> tuple[list[Posting], list[str]]:
    """The summary column's entries, newest first, and its own articles: the distractor
    (an annual report of another kind) and a page that is no report."""
    crumbs = [XXGK, Link(SUMMARY_NAME, SUMMARY + "index.html")]
    fazhi = add_article(plan, SUMMARY, texts.FAZHI_TITLE, texts.FAZHI_PARAS,
                        "2021-01-08 16:00", 3_012_345, crumbs)
    yaodian = add_article(plan, SUMMARY, texts.YAODIAN_TITLE, texts.YAODIAN_PARAS,
                          "2023-04-10 11:00", 3_987_654, crumbs)
    when = {f.path: f.when[:10] for f in plan.files}
    postings = [Posting(Link(texts.FAZHI_TITLE, fazhi, when[fazhi])),
                Posting(Link(texts.YAODIAN_TITLE, yaodian, when[yaodian]))]
    for entry in entries:
        if entry.body == "习岗镇":  # another county's town: not in this district's summary
            continue
        path = entry.pages[-1]  # the summary's own copy when there is one
        postings.append(Posting(Link(entry.title, path, when[entry.pages[0]]), entry))
    postings.sort(key=lambda p: p.link.date, reverse=True)
    return postings, [fazhi, yaodian]


def add_summary_column(plan: SitePlan, entries: list[SeedEntry]) -> tuple[list[str], list[str]]:
    """Two list pages; the distractor is the oldest, so only paging reaches it."""
    postings, articles = summary_postings(plan, entries)
    crumbs = [XXGK, Link(SUMMARY_NAME, SUMMARY + "index.html")]
    chunks = [postings[i:i + SUMMARY_PAGE_SIZE]
              for i in range(0, len(postings), SUMMARY_PAGE_SIZE)]
    pages: list[str] = []
    for index, chunk in enumerate(chunks):
        path = SUMMARY + ("index.html" if index == 0 else f"index_{index}.html")
        links = [Link(p.link.text, rel(path, p.link.href), p.link.date) for p in chunk]
        plan.add(path, list_page(SUMMARY_NAME, crumbs, links, index, len(chunks)))
        for p in chunk:
            if p.entry and path not in p.entry.columns:
                p.entry.columns.append(path)
        pages.append(path)
    return pages, articles


def add_news(plan: SitePlan) -> tuple[list[Link], list[str]]:
    """新闻中心: a list and two articles a report crawler need not fetch."""
    crumbs = [Link("新闻中心", "/xwzx/index.html")]
    links: list[Link] = []
    for index, (title, paras) in enumerate(texts.NEWS):
        when = f"2024-03-{12 - 4 * index:02d} 17:00"
        path = add_article(plan, "/xwzx/zwdt/", title, paras, when, 4_400_001 + index, crumbs)
        links.append(Link(title, path, when[:10]))
    listed = [Link(ln.text, rel("/xwzx/index.html", ln.href), ln.date) for ln in links]
    plan.add("/xwzx/index.html", list_page("新闻中心", crumbs, listed, 0, 1))
    return links, [ln.href for ln in links]


def add_disclosure_pages(plan: SitePlan) -> tuple[list[str], list[str]]:
    """/xxgk/ and its channels; returns (navigation paths, off-topic file paths)."""
    guide = Link("政府信息公开指南", "/xxgk/zfxxgkzn/index.html")
    ysq = Link("依申请公开", "/xxgk/ysqgk/index.html")
    summary = Link(SUMMARY_NAME, SUMMARY + "index.html")
    bodies = [Link(b.name, b.root + "index.html") for b in BODIES]
    plan.add(XXGK.href, nav_page("信息公开", [XXGK], [guide, ysq, summary, BMML], []))
    plan.add(BMML.href, nav_page(BMML.text, [XXGK, BMML], bodies, []))
    plan.add(guide.href, nav_page(guide.text, [XXGK, guide], [], texts.GUIDE_PARAS))
    form = "/xxgk/ysqgk/P020200301527391846205.pdf"
    plan.pdfs.append(PdfJob(form, form_html(), SITE_DATE))
    form_link = Link(f"{texts.FORM_TITLE}.pdf", rel(ysq.href, form))
    plan.add(ysq.href, nav_page(ysq.text, [XXGK, ysq], [form_link], texts.YSQ_PARAS))
    paths = [XXGK.href, BMML.href, guide.href, ysq.href]
    return paths + [b.href for b in bodies], [form]


def form_html() -> str:
    paras = "".join(f"<p>{esc(p)}</p>" for p in texts.FORM_PARAS)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>h1,p{{font-family:'
            f'"WenQuanYi Micro Hei";}}</style></head><body><h1>{texts.FORM_TITLE}</h1>'
            f"{paras}</body></html>\n")


def add_home(plan: SitePlan, news: list[Link]) -> list[str]:
    """Home page (the latest news linked directly, as portals do) and the other top pages."""
    quick = [Link("信息公开", XXGK.href), Link(SUMMARY_NAME, SUMMARY + "index.html")]
    home = nav_page("首页", [], quick + news, texts.INTRO_PARAS[:1])
    plan.add("/index.html", home)
    plan.add("/zjspt/index.html", nav_page("走进沙坡头", [Link("走进沙坡头", "/zjspt/index.html")],
                                          [], texts.INTRO_PARAS))
    plan.add("/hdjl/index.html", nav_page("互动交流", [Link("互动交流", "/hdjl/index.html")],
                                         [], texts.HDJL_PARAS))
    plan.add("/robots.txt", ROBOTS)
    plan.add("/images/style.css", STYLE_CSS)
    return ["/index.html", "/zjspt/index.html", "/hdjl/index.html", "/xwzx/index.html"]


def plan_site(seeds: list[SeedDoc], version: str, key: str) -> tuple[SitePlan, Manifest]:
    """Every file of the site, and the manifest describing it."""
    plan = SitePlan()
    by_prefix = {doc.name[:3]: doc for doc in seeds}
    entries: list[SeedEntry] = []
    for index, body in enumerate(BODIES):
        entry = add_seed_report(plan, body, by_prefix[body.seed], index)
        add_body_pages(plan, body, entry)
        entries.append(entry)
    summary_pages, (fazhi, yaodian) = add_summary_column(plan, entries)
    news, news_paths = add_news(plan)
    nav, off_topic_files = add_disclosure_pages(plan)
    top = add_home(plan, news)
    duties = [f"{b.root}jgzn_{b.channel + 1}/index.html" for b in BODIES]
    dup = by_prefix[DUPLICATE_SEED].name
    manifest = Manifest(
        version=version, key=key, home="/index.html", robots="/robots.txt",
        seeds=sorted(entries, key=lambda e: e.seed),
        columns=[b.column + "index.html" for b in BODIES] + [summary_pages[0]],
        list_pages=[b.column + "index.html" for b in BODIES] + summary_pages,
        duplicate_pair=next(e.pages for e in entries if e.seed == dup),
        non_reports=[fazhi],
        other_pages=[yaodian] + news_paths,
        navigation=top + nav + duties,
        off_topic=news_paths + off_topic_files,
    )
    return plan, manifest

