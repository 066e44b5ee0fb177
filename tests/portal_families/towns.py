"""The town sites: Hanweb (/hanweb/), VSB in GBK (/vsb/), an iframe shell (/shell/), the
gated town (its own host, files under /_gate/) and the unlinked lab endpoints (/lab/)."""
from __future__ import annotations

from crawler.fixture_portal.chrome import Link, anchor, esc
from crawler.fixture_portal.layout import detail_path, rel
from crawler.fixture_portal.render import SeedDoc, report_html

from .cms import (VIEWER_HTML, Hanweb, hanweb_article, hanweb_column, hanweb_page, hanweb_record,
                  iframe_shell, viewer_iframe, vsb_article, vsb_page, vsb_pager)
from .documents import docx_report
from .plan import FamiliesPlan, expected, retitle

HW = Hanweb("/hanweb/", "中卫市沙坡头区常乐镇人民政府", webid=12, column=3301, unitid=8801)
HW_NEWS = Hanweb("/hanweb/", HW.site, webid=12, column=3302, unitid=8802)
HW_AGENCY = "沙坡头区常乐镇人民政府"
HW_PER_PAGE = 3
VSB_SITE = "沙坡头区宣和镇人民政府"
VSB_FIRST = "/vsb/xxgk/ndbg.htm"
SHELL_SITE = "沙坡头区迎水桥镇人民政府"
GATE_SITE = "沙坡头区香山乡人民政府"
GATE_ROOT = "/_gate"  # the gated host's document root inside the built site
DOWNFILE = "/hanweb/module/download/downfile.jsp?classid=0&filename="


def paras_html(title: str, paras: list[str]) -> str:
    return f"<h1>{esc(title)}</h1>\n" + "\n".join(f"<p>{esc(p)}</p>" for p in paras)


def hanweb_path(when: str, column: int, art: int) -> str:
    y, m, d = (int(x) for x in when[:10].split("-"))
    return f"/hanweb/art/{y}/{m}/{d}/art_{column}_{art}.html"


def hanweb_files(plan: FamiliesPlan, doc: SeedDoc, kind: str, when: str, file_id: str) -> tuple[list[Link], list[str]]:
    """downfile.jsp links that 302 to an extension-less file named only in Content-Disposition."""
    if kind == "html":
        return [], []
    target = f"/hanweb/uploadfiles/f/{file_id}"
    if kind == "pdf":
        plan.pdf(target, doc, when)
        plan.routes.dispositions[target] = [f"{doc.title}.pdf", "rfc5987"]
    else:
        plan.add_bytes(target, docx_report(doc), when)
        plan.routes.dispositions[target] = [f"{doc.title}.docx", "gbk"]
    plan.routes.redirects[f"{DOWNFILE}{file_id}.{kind}"] = target
    return [Link(f"{doc.title[:8]}….{kind}", f"{DOWNFILE}{file_id}.{kind}")], [target]


def add_hanweb(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """常乐镇 on Hanweb: seven records, three in the page's datastore, four only by POST."""
    specs = [  # seed or None (an article), year or title, published, article id, attachment
        ("002", 2023, "2024-01-19 09:00", 52001, "html"),
        (None, "沙坡头区常乐镇2023年政务公开工作要点", "2023-03-02 09:00", 52002, ""),
        ("004", 2021, "2022-01-20 10:00", 52003, "pdf"),
        ("000", 2020, "2021-01-21 10:00", 52004, "docx"),
        (None, "沙坡头区常乐镇2022年统计年报", "2023-02-10 10:00", 52005, ""),
        ("004", 2022, "2023-01-18 10:00", 52006, "html"),
        (None, "常乐镇召开政务公开专题培训会", "2023-01-05 15:00", 52007, ""),
    ]
    records = []
    for index, (seed, year_or_title, when, art, kind) in enumerate(specs):
        path = hanweb_path(when, HW.column, art)
        if seed is None:
            title = str(year_or_title)
            plan.add(path, hanweb_article(HW, title, when, paras_html(title, [title + "。"]), []), when)
            plan.distractors.append(path)
        else:
            doc = retitle(seeds[seed], HW_AGENCY, int(str(year_or_title)))
            files, documents = hanweb_files(plan, doc, kind, when, f"{when[2:10].replace('-', '')}{index}")
            plan.add(path, hanweb_article(HW, doc.title, when, report_html(doc), files), when)
            plan.reports.append(expected(doc, HW_AGENCY, "hanweb", [path, *documents]))
            title = doc.title
        records.append(hanweb_record(Link(title, path, when[:10])))
        if index >= HW_PER_PAGE:
            plan.post_only.append(path)
    add_hanweb_columns(plan, records)


def add_hanweb_columns(plan: FamiliesPlan, records: list[str]) -> None:
    column = f"{HW.prefix}col/col{HW.column}/index.html"
    news_col = f"{HW.prefix}col/col{HW_NEWS.column}/index.html"
    plan.add(column, hanweb_column(HW, "政府信息公开年报", records[:HW_PER_PAGE], len(records), HW_PER_PAGE))
    news = []
    for n in range(40):
        when = f"2023-{12 - n // 4:02d}-{28 - n % 4 * 5:02d} 17:00"
        path = hanweb_path(when, HW_NEWS.column, 53000 + n)
        news.append(hanweb_record(Link(f"常乐镇工作动态第{n + 1}期", path, when[:10])))
        if n < HW_PER_PAGE:
            plan.add(path, hanweb_article(HW, f"常乐镇工作动态第{n + 1}期", when, "<p>动态。</p>", []))
            plan.not_followed.append(path)
    plan.add(news_col, hanweb_column(HW_NEWS, "工作动态", news[:HW_PER_PAGE], len(news), HW_PER_PAGE))
    plan.routes.dataproxy[HW.proxy] = {str(HW.column): records, str(HW_NEWS.column): news}
    hub = f"{HW.prefix}col/col{HW.column - 1}/index.html"
    links = "".join(f"<li>{anchor(ln)}</li>" for ln in [Link("政府信息公开年报", column), Link("工作动态", news_col)])
    plan.add(hub, hanweb_page(HW, "政务公开", f'<ul class="lm">{links}</ul>'))
    plan.add(f"{HW.prefix}index.html", hanweb_page(HW, "首页", f'<p>{anchor(Link("政务公开", hub))}</p>'))
    plan.list_pages.append(column)
    plan.navigation.extend([hub, f"{HW.prefix}index.html", news_col])


VSB_NAV = [Link("首页", "/vsb/index.htm"), Link("信息公开", "/vsb/xxgk.htm")]


def vsb_list_main(path: str, entries: list[Link], number: int, total: int) -> str:
    first, folder = ("ndbg.htm", "ndbg") if number == 1 else ("../ndbg.htm", ".")
    items = "".join(f'<li><a href="{esc(rel(path, e.href))}" title="{esc(e.text)}">{esc(e.text)}</a>'
                    f"<span>{e.date}</span></li>" for e in entries)
    return f'<div class="list"><h2>政府信息公开年度报告</h2><ul>{items}</ul>{vsb_pager(first, total, number, folder)}</div>'


def vsb_detail(plan: FamiliesPlan, doc: SeedDoc | None, title: str, when: str, info: int,
               with_file: bool) -> tuple[str, list[str]]:
    path = f"/vsb/info/1021/{info}.htm"
    files, documents = [], []
    if with_file and doc is not None:
        target = f"/vsb/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1021&wbfileid={info}"
        plan.pdf(f"/vsb/__attach/{info}.pdf", doc, when)
        plan.routes.aliases[target] = f"/vsb/__attach/{info}.pdf"
        plan.routes.dispositions[target] = [f"{doc.title}.pdf", "gbk"]
        files, documents = [Link(f"{doc.title}.pdf", target)], [target]
    content = report_html(doc) if doc else paras_html(title, [title + "全文略。"])
    plan.add_bytes(path, vsb_page(VSB_SITE, title, vsb_article(title, when[:10], VSB_SITE, content, files),
                                  VSB_NAV), when)
    return path, documents


def add_vsb(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """宣和镇 on VSB: GBK pages served as UTF-8, four list pages paged backwards."""
    pages = [VSB_FIRST] + [f"/vsb/xxgk/ndbg/{n}.htm" for n in (3, 2, 1)]
    specs = [  # page, seed, agency in the title, year, published, info id, attachment
        (0, "002", "沙坡头区宣和镇", 2023, "2024-01-22 09:00", 5101, False),
        (1, "004", None, 2021, "2022-01-24 09:00", 5088, False),  # the title names no body: the page does
        (2, "003", "沙坡头区宣和镇", 2020, "2021-01-25 09:00", 5070, True),
        (3, "004", "沙坡头区宣和镇", 2022, "2023-01-30 09:00", 5052, False),
    ]
    entries: list[list[Link]] = [[] for _ in pages]
    for number, seed, agency, year, when, info, with_file in specs:
        doc = retitle(seeds[seed], agency, year)
        path, documents = vsb_detail(plan, doc, doc.title, when, info, with_file)
        plan.reports.append(expected(doc, agency or VSB_SITE, "vsb", [path, *documents]))
        entries[number].append(Link(doc.title, path, when[:10]))
    fazhi = "沙坡头区宣和镇2020年法治政府建设年度报告"
    path, _ = vsb_detail(plan, None, fazhi, "2021-01-10 09:00", 5040, False)
    entries[3].append(Link(fazhi, path, "2021-01-10"))
    plan.distractors.append(path)
    for number, page_path in enumerate(pages, start=1):
        main = vsb_list_main(page_path, entries[number - 1], number, len(pages))
        plan.add_bytes(page_path, vsb_page(VSB_SITE, "政府信息公开年度报告", main, VSB_NAV))
    plan.add_bytes("/vsb/xxgk.htm", vsb_page(VSB_SITE, "信息公开", f"<p>{anchor(Link('政府信息公开年度报告', 'xxgk/ndbg.htm'))}</p>", VSB_NAV))
    plan.add_bytes("/vsb/index.htm", vsb_page(VSB_SITE, "首页", f"<p>{anchor(Link('信息公开', 'xxgk.htm'))}</p>", VSB_NAV))
    plan.routes.gbk_prefixes.append("/vsb/")
    plan.list_pages.extend(pages)
    plan.navigation.extend(["/vsb/index.htm", "/vsb/xxgk.htm"])


def simple_page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
            f"<body>\n{body}\n</body></html>\n")


def add_shell(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """迎水桥镇: an iframe shell; its report is a PDF shown through a pdf.js viewer iframe."""
    doc = retitle(seeds["003"], SHELL_SITE)
    when = "2021-01-15 10:00"
    detail = detail_path("/shell/main/ndbg/", when, 7001)
    pdf = plan.pdf("/shell/main/ndbg/202101/P020210115700100.pdf", doc, when)
    viewer = "/shell/pdfjs/web/viewer.html"
    plan.add(detail, simple_page(f"{doc.title}-{SHELL_SITE}", f"<h1>{esc(doc.title)}</h1>\n"
                                 f"{viewer_iframe(viewer, pdf)}"), when)
    plan.add(viewer, VIEWER_HTML)
    column = "/shell/main/ndbg/index.html"
    plan.add(column, simple_page(f"政府信息公开年报-{SHELL_SITE}",
                                 f'<h2>政府信息公开年报</h2><ul><li>{anchor(Link(doc.title, rel(column, detail)))}</li></ul>'))
    plan.add("/shell/main/index.html", simple_page(SHELL_SITE, f"<p>{anchor(Link('政府信息公开年报', column))}</p>"))
    plan.add("/shell/index.html", iframe_shell(SHELL_SITE, "/shell/main/index.html"))
    plan.reports.append(expected(doc, SHELL_SITE, "shell", [detail, pdf]))
    plan.list_pages.append(column)
    plan.navigation.extend(["/shell/index.html", "/shell/main/index.html"])
    plan.never_archived.append(viewer)


def add_gate(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """香山乡 behind a 412 JavaScript challenge, on a host of its own."""
    doc = retitle(seeds["001"], GATE_SITE)
    when = "2021-01-18 10:00"
    detail = detail_path("/xxgk/xxgknb/", when, 8001)
    pdf = detail.rsplit("/", 1)[0] + "/P020210118800100.pdf"
    plan.pdf(GATE_ROOT + pdf, doc, when)
    body = (f"<h1>{esc(doc.title)}</h1>\n{report_html(doc)}\n"
            f'<p>附件：{anchor(Link(f"{doc.title}.pdf", "./" + pdf.rsplit("/", 1)[1]))}</p>')
    plan.add(GATE_ROOT + detail, simple_page(f"{doc.title}_{GATE_SITE}", body), when)
    column = "/xxgk/xxgknb/index.html"
    plan.add(GATE_ROOT + column, simple_page(f"政府信息公开年报_{GATE_SITE}",
                                             f"<ul><li>{anchor(Link(doc.title, rel(column, detail)))}</li></ul>"))
    plan.add(GATE_ROOT + "/index.html", simple_page(GATE_SITE, f"<p>{anchor(Link('政府信息公开年报', column))}</p>"))
    plan.add(GATE_ROOT + "/robots.txt", "User-agent: *\nAllow: /\n")
    plan.gate_reports.append(expected(doc, GATE_SITE, "gate", ["gate:" + detail, "gate:" + pdf]))


def add_lab(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """Unlinked single-behaviour endpoints: a slow, a hanging and an oversized attachment."""
    doc = retitle(seeds["001"], "沙坡头区实验镇人民政府")
    when = "2024-01-02 10:00"
    detail = detail_path("/lab/", when, 1)
    names = {k: f"/lab/202401/{k}.pdf" for k in ("slow", "hang", "big")}
    plan.pdf(names["slow"], doc, when)
    plan.routes.slow[names["slow"]] = 1.5
    plan.routes.hang.append(names["hang"])
    plan.routes.big[names["big"]] = 3_000_000
    files = "".join(f"<p>附件：{anchor(Link(f'{k}.pdf', './' + k + '.pdf'))}</p>" for k in names)
    plan.add(detail, simple_page(doc.title, f"<h1>{esc(doc.title)}</h1>{report_html(doc)}{files}"), when)
    plan.add("/lab/index.html", simple_page("政府信息公开年报（实验）",
                                            f"<ul><li>{anchor(Link(doc.title, rel('/lab/index.html', detail)))}</li></ul>"))
    plan.lab.update(column="/lab/index.html", detail=detail, **names)
