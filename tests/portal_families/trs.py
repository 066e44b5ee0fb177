"""The TRS district site on the main host: /xxgk/ columns paged by inline script only,
department columns, attachments of every kind, and the district's traps."""
from __future__ import annotations

import posixpath

from crawler.fixture_portal import texts
from crawler.fixture_portal.chrome import (SITE_NAME, Article, Link, anchor, breadcrumb, detail_page,
                                           esc, link_list, nav_page, page)
from crawler.fixture_portal.layout import detail_path, rel
from crawler.fixture_portal.render import Para, SeedDoc, report_html

from .cms import FILE_ERROR, PAGE_JS, SOFT_404, trs_script_pager
from .documents import docx_report
from .plan import GATE_BLOCK, GATE_ORIGIN, TLS_ORIGIN, Derived, FamiliesPlan, digits, expected, retitle

SUMMARY = "/xxgk/zfxxgknb/"
XXGK = Link("信息公开", "/xxgk/index.html")
BMML = Link("部门信息公开目录", "/xxgk/bmxxgkml/index.html")
SUMMARY_LINK = Link("政府信息公开年报", SUMMARY + "index.html")
DISTRICT = "中卫市沙坡头区"
MZJ = ("民政局", "/xxgk/bmxxgkml/mzj_31001/", "/xxgk/bmxxgkml/mzj_31001/xxgknb_31009/")
JYJ = ("教育局", "/xxgk/bmxxgkml/jyj_31021/", "/xxgk/bmxxgkml/jyj_31021/xxgknb_31029/")
COLUMN = "政府信息公开年报"
STATS_TITLE = "沙坡头区2022年统计年报"
STATS_PARAS = [
    "2022年，全区实现地区生产总值比上年增长4.1%，规模以上工业增加值增长6.3%。",
    "全年固定资产投资增长8.2%，社会消费品零售总额下降1.2%，城乡居民人均可支配收入稳步增长。",
]
NEWS_PAGES = 30


def list_html(column: str, crumbs: list[Link], links: list[Link], index: int, count: int,
              style: str) -> str:
    """A TRS list page whose paging only inline script writes."""
    main = (f'{breadcrumb(crumbs)}\n<div class="list">\n<div class="list-title"><h2>{esc(column)}'
            f"</h2></div>\n{link_list(links)}\n{trs_script_pager(count, index, style)}\n</div>")
    return page(f"{column}_{SITE_NAME}", main, {"ColumnName": column})


def add_list(plan: FamiliesPlan, folder: str, column: str, crumbs: list[Link],
             chunks: list[list[Link]], style: str, report_column: bool = True) -> list[str]:
    """The column's list pages (index.html, index_1.html …), hrefs made relative."""
    paths = []
    for index, chunk in enumerate(chunks):
        path = folder + ("index.html" if index == 0 else f"index_{index}.html")
        links = [Link(ln.text, rel(path, ln.href) if ln.href.startswith("/") else ln.href, ln.date)
                 for ln in chunk]
        plan.add(path, list_html(column, crumbs, links, index, len(chunks), style))
        paths.append(path)
    if report_column:
        plan.list_pages.extend(paths)
        plan.js_paging_only.extend(paths[1:])
    return paths


def report_page(plan: FamiliesPlan, doc: SeedDoc, folder: str, when: str, doc_id: int,
                files: list[Link], crumbs: list[Link], source: str = "区政府办") -> str:
    """A report detail page; attachment hrefs starting with "./" are made relative to it."""
    path = detail_path(folder, when, doc_id)
    fixed = [Link(f.text, rel(path, f.href[1:]) if f.href.startswith("./") else f.href)
             for f in files]
    art = Article(doc.title, crumbs[-1].text, crumbs, when, source, report_html(doc), fixed)
    plan.add(path, detail_page(art), when)
    return path


def article(plan: FamiliesPlan, folder: str, title: str, paras: list[str], when: str,
            doc_id: int, crumbs: list[Link]) -> str:
    path = detail_path(folder, when, doc_id)
    content = f"<h1>{esc(title)}</h1>\n" + "\n".join(f"<p>{esc(p)}</p>" for p in paras)
    plan.add(path, detail_page(Article(title, crumbs[-1].text, crumbs, when, "区政府办", content, [])),
             when)
    return path


def attachment(folder: str, when: str, tag: str, ext: str = "pdf") -> str:
    """`<folder><YYYYMM>/P0<YYYYMMDD><digits>.<ext>`, as TRS names uploaded files."""
    return (f"{folder}{when[:7].replace('-', '')}/P0{when[:10].replace('-', '')}"
            f"{digits(tag):0>10}.{ext}")


def agency(doc: SeedDoc) -> str:
    return doc.title[: doc.title.index(str(doc.year))]


def add_civil_affairs(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> str:
    """R1: 民政局 2023, also posted (same bytes) in the summary column; its "original"
    attachment is an HTML error page at a .pdf URL. Returns the summary copy's path."""
    crumbs = [XXGK, BMML, Link(MZJ[0], MZJ[1] + "index.html"), Link(COLUMN, MZJ[2] + "index.html")]
    r1 = retitle(seeds["002"], DISTRICT + MZJ[0])
    when = "2024-01-20 10:00"
    bad_pdf = attachment(MZJ[2], when, "r1-original")
    plan.add(bad_pdf, FILE_ERROR, when)
    plan.routes.content_types[bad_pdf] = "text/html; charset=utf-8"
    first = report_page(plan, r1, MZJ[2], when, 5_200_101, [Link("报告原文.pdf", bad_pdf)], crumbs)
    copy = detail_path(SUMMARY, when, 5_300_101)
    plan.add_bytes(copy, plan.files[-1].data, when)
    add_list(plan, MZJ[2], COLUMN, crumbs, [[Link(r1.title, first, when[:10])]], "write")
    add_body_root(plan, MZJ, crumbs[:3])
    plan.never_archived.append(bad_pdf)
    plan.reports.append(expected(r1, agency(r1), "trs", [first, copy]))
    return copy


def add_education(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    """R2: 教育局 2020 on its column's second page (script paging), a slow PDF and its .ofd
    twin; the mutable document of the incremental tests (a revised PDF is built too)."""
    crumbs = [XXGK, BMML, Link(JYJ[0], JYJ[1] + "index.html"), Link(COLUMN, JYJ[2] + "index.html")]
    r2 = retitle(seeds["001"], DISTRICT + JYJ[0])
    when = "2021-01-22 09:30"
    pdf = plan.pdf(attachment(JYJ[2], when, "r2"), r2, when)
    ofd = pdf[:-4] + ".ofd"
    plan.derived.append(Derived(ofd, "ofd", [("", "text:" + r2.title)], when))
    plan.routes.slow[pdf] = 0.5
    files = [Link(f"{r2.title}.pdf", "." + pdf), Link(f"{r2.title}.ofd", "." + ofd)]
    detail = report_page(plan, r2, JYJ[2], when, 5_200_201, files, crumbs)
    notice_title = "沙坡头区教育局2023年政务公开工作要点"
    notice = article(plan, JYJ[2], notice_title, texts.YAODIAN_PARAS, "2023-03-01 09:00",
                     5_200_202, crumbs)
    pages = add_list(plan, JYJ[2], COLUMN, crumbs, [[Link(notice_title, notice, "2023-03-01")],
                                                    [Link(r2.title, detail, when[:10])]], "write")
    add_body_root(plan, JYJ, crumbs[:3])
    revised = SeedDoc(r2.name, r2.title_lines, r2.blocks + [Para("（2021年3月修订）")])
    revision = plan.pdf("/_fixture/rev/" + posixpath.basename(pdf), revised, "2021-03-01 09:00")
    plan.distractors.append(notice)
    plan.never_archived.append(ofd)
    plan.reports.append(expected(r2, agency(r2), "trs", [detail, pdf]))
    plan.mutable.update(column=pages[0], second_page=pages[1], detail=detail, document=pdf,
                        revision=revision)


def add_body_root(plan: FamiliesPlan, body: tuple[str, str, str], crumbs: list[Link]) -> None:
    duties = Link("机构职能", body[1] + "jgzn/index.html")
    plan.add(body[1] + "index.html",
             nav_page(body[0], crumbs, [duties, Link(COLUMN, body[2] + "index.html")], []))
    plan.add(duties.href, nav_page("机构职能", crumbs + [duties], [], texts.body_duties(body[0])))
    plan.navigation.extend([body[1] + "index.html", duties.href])


def summary_entries(plan: FamiliesPlan, seeds: dict[str, SeedDoc], copy: str) -> list[list[Link]]:
    """The district column's twelve entries on three pages (R4 only on the third)."""
    crumbs = [XXGK, SUMMARY_LINK]
    r = district_reports(plan, seeds, crumbs)
    traps = add_traps(plan, crumbs)
    fazhi = article(plan, SUMMARY, texts.FAZHI_TITLE, texts.FAZHI_PARAS, "2021-01-08 16:00",
                    5_300_901, crumbs)
    stats = article(plan, SUMMARY, STATS_TITLE, STATS_PARAS, "2023-03-20 09:00", 5_300_902, crumbs)
    yaodian = article(plan, SUMMARY, texts.YAODIAN_TITLE, texts.YAODIAN_PARAS,
                      "2023-04-10 11:00", 5_300_903, crumbs)
    plan.distractors.extend([fazhi, stats, yaodian])
    r1 = plan.reports[0]
    return [
        [r["r3"], Link(r1.title, copy, "2024-01-20"), r["r6"], traps[0]],
        [r["r7"], r["r8"], Link(STATS_TITLE, stats, "2023-03-20"), traps[1]],
        [r["r5"], r["r4"], Link(texts.FAZHI_TITLE, fazhi, "2021-01-08"),
         Link(texts.YAODIAN_TITLE, yaodian, "2023-04-10")],
    ]


def district_reports(plan: FamiliesPlan, seeds: dict[str, SeedDoc], crumbs: list[Link]) -> dict[str, Link]:
    """R3…R8: the reports the district column itself carries."""
    specs = [  # key, seed, body, published, id
        ("r3", "004", "人民政府", "2022-01-18 09:00", 5_300_301),
        ("r4", "003", "政务服务管理局", "2021-01-26 15:00", 5_300_401),
        ("r5", "000", "卫生健康局", "2023-06-01 10:00", 5_300_501),  # a 2020 report, 2023 folder
        ("r6", "002", "自然资源局", "2024-01-16 11:00", 5_300_601),
        ("r7", "004", "水务局", "2022-01-21 16:00", 5_300_701),
        ("r8", "000", "文化旅游广电局", "2021-01-19 08:30", 5_300_801),
    ]
    out = {}
    for key, seed, body, when, doc_id in specs:
        doc = retitle(seeds[seed], DISTRICT + body)
        files, documents = district_files(plan, key, doc, when, seeds)
        path = report_page(plan, doc, SUMMARY, when, doc_id, files, crumbs)
        plan.reports.append(expected(doc, agency(doc), "trs", [path, *documents]))
        out[key] = Link(doc.title, path, when[:10])
        status = {"r6": [429, 1], "r7": [503, 1]}.get(key)
        if status:
            plan.routes.status_once[path] = status
    return out


def district_files(plan: FamiliesPlan, key: str, doc: SeedDoc, when: str,
                   seeds: dict[str, SeedDoc]) -> tuple[list[Link], list[str]]:
    """Each report's attachments (links) and which of them must be archived."""
    if key == "r4":  # opened by javascript:window.open('./P0….pdf')
        pdf = plan.pdf(attachment(SUMMARY, when, key), doc, when)
        name = posixpath.basename(pdf)
        return [Link(f"{doc.title}.pdf", f"javascript:window.open('./{name}')")], [pdf]
    if key == "r5":  # the PDF sits on the https mirror, linked absolutely
        pdf = plan.pdf(attachment(SUMMARY, when, key), doc, when)
        return [Link(f"{doc.title}.pdf", TLS_ORIGIN + pdf)], ["tls:" + pdf]
    if key == "r6":  # a zip bomb: one member inflating a thousandfold
        bomb = attachment(SUMMARY, when, key, "zip")
        plan.derived.append(Derived(bomb, "bomb", [], when))
        plan.never_archived.append(bomb)
        return [Link("附表.zip", "." + bomb)], []
    if key == "r7":
        return bundle(plan, doc, when, seeds)
    if key == "r8":  # a PDF cut in half and a broken zip: neither is archived
        cut, broken = attachment(SUMMARY, when, "r8"), attachment(SUMMARY, when, "r8", "zip")
        plan.pdf("/_fixture/whole/" + posixpath.basename(cut), doc, when)
        plan.derived.append(Derived(cut, "truncated", [("", "/_fixture/whole/" + posixpath.basename(cut))], when))
        plan.derived.append(Derived(broken, "broken_zip", [("", "text:" + doc.title)], when))
        plan.never_archived.extend([cut, broken])
        return [Link(f"{doc.title}.pdf", "." + cut), Link("报表.zip", "." + broken)], []
    return [], []


def bundle(plan: FamiliesPlan, doc: SeedDoc, when: str, seeds: dict[str, SeedDoc]) -> tuple[list[Link], list[str]]:
    """R7's zip: two towns' reports (DOCX, PDF), a path-traversal member, a text note."""
    path = attachment(SUMMARY, when, "r7", "zip")
    town_docx = retitle(seeds["004"], "沙坡头区镇罗镇人民政府")
    town_pdf = retitle(seeds["001"], "沙坡头区永康镇人民政府")
    pdf_src = plan.pdf("/_fixture/bundle/yongkang.pdf", town_pdf, when)
    docx_src = "/_fixture/bundle/zhenluo.docx"
    plan.add_bytes(docx_src, docx_report(town_docx), when)
    names = [f"{town_docx.title}.docx", f"乡镇/{town_pdf.title}.pdf"]
    members = [(names[0], docx_src), (names[1], pdf_src), ("../../../tmp/evil.pdf", "text:evil"),
               ("说明.txt", "text:本压缩包收录各乡镇政府信息公开工作年度报告。")]
    plan.derived.append(Derived(path, "zip", members, when))
    for member_doc, name in ((town_docx, names[0]), (town_pdf, names[1])):
        plan.reports.append(expected(member_doc, agency(member_doc), "bundle", [f"{path}#{name}"]))
    plan.never_archived.append(f"{path}#../../../tmp/evil.pdf")
    return [Link("各乡镇年报汇编.zip", "." + path)], []


def add_traps(plan: FamiliesPlan, crumbs: list[Link]) -> list[Link]:
    """A soft 404 and a redirect chain ending on the error page, both titled as reports."""
    soft = detail_path(SUMMARY, "2022-01-18 10:00", 5_300_991)
    chain = detail_path(SUMMARY, "2022-01-20 10:00", 5_300_992)
    plan.add("/404.html", SOFT_404)
    plan.routes.soft404.append(soft)
    plan.routes.redirects[chain] = "/system/redirect.jsp?id=5300992"
    plan.routes.redirects["/system/redirect.jsp?id=5300992"] = "/404.html"
    plan.never_archived.extend([soft, chain, "/404.html"])
    return [Link(f"{DISTRICT}财政局2021年政府信息公开工作年度报告", soft, "2022-01-18"),
            Link(f"{DISTRICT}应急管理局2021年政府信息公开工作年度报告", chain, "2022-01-20")]


def add_district(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> None:
    copy = add_civil_affairs(plan, seeds)
    add_education(plan, seeds)
    chunks = summary_entries(plan, seeds, copy)
    add_list(plan, SUMMARY, COLUMN, [XXGK, SUMMARY_LINK], chunks, "create")
    plan.add("/js/page.js", PAGE_JS)
    add_disclosure(plan)
    add_news(plan)
    add_home(plan)


def add_disclosure(plan: FamiliesPlan) -> None:
    """/xxgk/: a report-titled link to the column (a list page), the directory, and a
    robots-disallowed area whose report must never be fetched."""
    private = Link("内部资料", "/xxgk/private/index.html")
    secret = detail_path("/xxgk/private/", "2024-01-10 09:00", 9001)
    title = f"{DISTRICT}档案局2023年政府信息公开工作年度报告"
    plan.add(private.href, nav_page("内部资料", [XXGK, private], [Link(title, secret)], []))
    plan.add(secret, detail_page(Article(title, "内部资料", [XXGK, private], "2024-01-10 09:00",
                                         "档案局", f"<h1>{esc(title)}</h1><p>内部。</p>", [])))
    plan.never_fetched.extend([private.href, secret])
    report_link = Link("政府信息公开工作年度报告", SUMMARY_LINK.href)
    plan.add(XXGK.href, nav_page("信息公开", [XXGK], [report_link, BMML, private], texts.GUIDE_PARAS))
    bodies = [Link(b[0], b[1] + "index.html") for b in (MZJ, JYJ)]
    plan.add(BMML.href, nav_page(BMML.text, [XXGK, BMML], bodies, []))
    plan.navigation.extend([XXGK.href, BMML.href])


def add_news(plan: FamiliesPlan) -> None:
    """新闻中心 with thirty list pages: a report crawler follows none of its paging."""
    crumbs = [Link("新闻中心", "/xwzx/index.html")]
    links = []
    for index, (title, paras) in enumerate(texts.NEWS):
        when = f"2024-03-{12 - 4 * index:02d} 17:00"
        links.append(Link(title, article(plan, "/xwzx/", title, paras, when, 6_000_001 + index, crumbs),
                          when[:10]))
        plan.not_followed.append(links[-1].href)
    pages = add_list(plan, "/xwzx/", "新闻中心", crumbs, [links] + [[] for _ in range(NEWS_PAGES - 1)],
                     "create", report_column=False)
    plan.navigation.append(pages[0])
    plan.not_followed.extend(pages[1:])


def add_home(plan: FamiliesPlan) -> None:
    towns = [Link("常乐镇", "/hanweb/index.html"), Link("宣和镇", "/vsb/index.htm"),
             Link("迎水桥镇", "/shell/index.html")]
    gate = f'{GATE_BLOCK[0]}<p class="towns">{anchor(Link("香山乡", GATE_ORIGIN + "/"))}</p>{GATE_BLOCK[1]}'
    quick = [XXGK, Link("新闻中心", "/xwzx/index.html")] + towns
    home = nav_page("首页", [], quick, texts.INTRO_PARAS[:1])
    home = home.replace('<ul class="channel-links">', gate + '<ul class="channel-links">', 1)
    # The site's name, as TRS home pages state it: a bare-URL crawl's region.
    home = home.replace("<title>", f'<meta name="SiteName" content="{SITE_NAME}">\n<title>', 1)
    plan.add("/index.html", home)
    plan.add("/images/style.css", "body{margin:0}")
    plan.navigation.append("/index.html")
