"""The county site under /hy/ (中卫市海原县): the traps of a report's identity.

On real portals one report is often posted as two copies that name its body differently or
not at all, and the report columns carry documents that only look like reports. Here:

- 医疗保障局's page is headed `2023年政府信息公开年度报告`: the body is named only by the
  page's meta ContentSource and breadcrumb, and by the link text of its PDF (whose own
  heading names no body either). One report, two copies.
- 住房和城乡建设局's 2020 report sits in the county's column as an HTML page under its full
  name (中卫市海原县…) and in the department's column as a DOCX listed by its short name.
- Beside them: the notice that asks for the reports, an infographic of the county's report
  (an image and a few lines), the rule-of-law report, and a 2017 report on the old
  statistics table (指标名称 / 计量单位 / 数量): a legacy report.

The site links nothing outside /hy/ and nothing on the main site links to it, so the
district's expectations stay as they are; `nianbao crawl <origin>/hy/index.html` crawls it
alone, and its home page names the site (meta SiteName), the region of a bare-URL crawl.
"""
from __future__ import annotations

from crawler.fixture_portal.chrome import Link, anchor, esc
from crawler.fixture_portal.layout import detail_path, rel
from crawler.fixture_portal.render import Heading, Para, SeedDoc, Table, report_html

from .documents import docx_report, infographic_png
from .manifest import CountySite, ExpectedReport, RelatedDocument
from .plan import FamiliesPlan, retitle
from .trs import attachment

SITE = "中卫市海原县人民政府"
REGION = "中卫市海原县"
HOME = "/hy/index.html"
XXGK = Link("信息公开", "/hy/xxgk/index.html")
BMML = Link("部门信息公开目录", "/hy/xxgk/bmxxgkml/index.html")
COLUMN = "政府信息公开年报"
SUMMARY = "/hy/xxgk/zfxxgknb/"
YBJ = ("海原县医疗保障局", "/hy/xxgk/bmxxgkml/ybj_41001/", "/hy/xxgk/bmxxgkml/ybj_41001/xxgknb_41009/")
ZJJ = ("海原县住房和城乡建设局", "/hy/xxgk/bmxxgkml/zjj_41021/",
       "/hy/xxgk/bmxxgkml/zjj_41021/xxgknb_41029/")
OFFICE = "海原县人民政府办公室"

NOTICE_TITLE = "关于做好2023年政府信息公开工作年度报告编制发布工作的通知"
NOTICE_PARAS = [
    "各乡（镇）人民政府，县政府各部门、各直属机构：",
    "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
    "（国办公开办函〔2021〕30号）要求，现就做好2023年政府信息公开工作年度报告编制发布工作通知如下。",
    "一、严格按照格式编制。年度报告须包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分，表格不得增减。",
    "二、按时发布。各单位须于2024年1月31日前在本单位政府信息公开专栏“政府信息公开年报”栏目发布年度报告，"
    "并报县政府办公室备案。",
    "三、确保数据准确。收到和处理政府信息公开申请情况表中各项数据须符合勾稽关系，"
    "本年新收申请数量加上年结转数量应等于办理结果总计与结转下年度继续办理数量之和。",
    "海原县人民政府办公室　2024年1月5日",
]
INFOGRAPHIC_TITLE = "图解：海原县2023年政府信息公开工作年度报告"
INFOGRAPHIC_LINES = [
    "一图读懂海原县2023年政府信息公开工作年度报告。",
    "全年主动公开政府信息2316条，其中规范性文件9件。",
    "收到政府信息公开申请15件，全部按期办结；行政复议1件，结果维持。",
]
FAZHI_TITLE = "海原县2023年法治政府建设年度报告"
FAZHI_PARAS = [
    "2023年，海原县坚持以习近平法治思想为指导，深入推进法治政府建设，现将有关情况报告如下。",
    "一、2023年推进法治政府建设的主要举措和成效",
    "（一）依法全面履行政府职能。公布权责清单1926项，政务服务事项网上可办率达到98%。",
    "（二）完善依法行政制度体系。审核县政府及部门行政规范性文件9件，清理规范性文件21件。",
    "（三）严格规范公正文明执法。全面落实行政执法“三项制度”，开展行政执法案卷评查2次。",
    "二、存在的不足和原因",
    "基层法治机构力量薄弱，部分执法人员能力有待提升。",
    "三、2024年推进法治政府建设的主要安排",
    "持续提升依法决策、规范执法和矛盾纠纷多元化解水平。",
]
LEGACY_TITLE = "海原县人民政府2017年政府信息公开工作年度报告"
LEGACY_TABLE = [
    ["指标名称", "计量单位", "数量"],
    ["一、主动公开情况", "—", "—"],
    ["（一）主动公开政府信息数", "条", "1826"],
    ["其中：主动公开规范性文件数", "条", "12"],
    ["制发规范性文件总数", "件", "12"],
    ["（二）通过不同渠道和方式公开政府信息的情况", "—", "—"],
    ["1.政府公报公开政府信息数", "条", "0"],
    ["2.政府网站公开政府信息数", "条", "1826"],
    ["3.政务微博公开政府信息数", "条", "312"],
    ["4.政务微信公开政府信息数", "条", "428"],
    ["二、依申请公开情况", "—", "—"],
    ["（一）收到申请数", "件", "6"],
    ["（二）申请办结数", "件", "6"],
    ["1.按时办结数", "件", "6"],
    ["三、行政复议数量", "件", "0"],
    ["四、行政诉讼数量", "件", "0"],
    ["五、举报投诉数量", "件", "0"],
    ["六、依申请公开信息收取的费用", "万元", "0"],
    ["七、从事政府信息公开工作人员数", "人", "3"],
]


def legacy_doc() -> SeedDoc:
    """A report on the pre-2019 form: six parts and the 政府信息公开情况统计表."""
    blocks = [
        Para("本报告根据《中华人民共和国政府信息公开条例》要求，由海原县人民政府办公室编制。"
             "本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。"),
        Heading(2, "一、概述"),
        Para("2017年，我县认真贯彻落实《条例》，完善政府信息公开工作机制，推进重点领域信息公开。"),
        Heading(2, "二、主动公开政府信息情况"),
        Para("全年主动公开政府信息1826条，其中通过政府网站公开1826条。"),
        Heading(2, "三、依申请公开政府信息情况"),
        Para("全年共受理政府信息公开申请6件，均已按时答复。"),
        Heading(2, "四、政府信息公开的收费及减免情况"),
        Para("未收取任何费用。"),
        Heading(2, "五、因政府信息公开申请提起行政复议、行政诉讼的情况"),
        Para("未发生因政府信息公开申请提起的行政复议、行政诉讼。"),
        Heading(2, "六、政府信息公开工作存在的主要问题及改进情况"),
        Para("公开内容不够全面，下一步将加强培训，提升公开质量。"),
        Para("附表：政府信息公开情况统计表"),
        Table([list(row) for row in LEGACY_TABLE]),
    ]
    return SeedDoc("legacy-2017", [LEGACY_TITLE], blocks)


def county_page(title: str, main: str, meta: dict[str, str] | None = None) -> str:
    """A page of the county's TRS site; its chrome links only inside /hy/."""
    metas = "".join(f'<meta name="{esc(k)}" content="{esc(v)}">\n'
                    for k, v in {"SiteName": SITE, **(meta or {})}.items())
    nav = " ".join(anchor(ln) for ln in [Link("首页", HOME), XXGK])
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n{metas}'
            f"<title>{esc(title)}</title>\n</head>\n<body>\n"
            f'<div class="header"><div class="logo">{esc(SITE)}</div><div class="nav">{nav}</div></div>\n'
            f'<div class="main">\n{main}\n</div>\n'
            f'<div class="footer">主办单位：{esc(OFFICE)}　网站标识码：6405220001</div>\n</body>\n</html>\n')


def crumbs_html(crumbs: list[Link]) -> str:
    parts = [anchor(Link("首页", HOME))] + [anchor(c) for c in crumbs]
    return '<div class="position">当前位置：' + " &gt; ".join(parts) + "</div>"


def detail(plan: FamiliesPlan, folder: str, title: str, content: str, when: str, doc_id: int,
           crumbs: list[Link], source: str, files: list[Link] | None = None) -> str:
    """An article page: meta ArticleTitle and ContentSource, breadcrumb, attachments."""
    path = detail_path(folder, when, doc_id)
    links = "".join(f"<p>附件：{anchor(Link(f.text, rel(path, f.href)))}</p>" for f in files or [])
    main = (f"{crumbs_html(crumbs)}\n<div class=\"article\">\n<div class=\"info\">发布时间：{when}"
            f"　来源：{esc(source)}</div>\n<div class=\"TRS_Editor\">\n{content}\n</div>\n"
            f'<div class="article-fj">{links}</div>\n</div>')
    meta = {"ColumnName": crumbs[-1].text, "ArticleTitle": title, "PubDate": when,
            "ContentSource": source}
    plan.add(path, county_page(f"{title}_{crumbs[-1].text}_{SITE}", main, meta), when)
    return path


def paras(title: str, lines: list[str]) -> str:
    return f"<h1>{esc(title)}</h1>\n" + "\n".join(f"<p>{esc(p)}</p>" for p in lines)


def column(plan: FamiliesPlan, folder: str, crumbs: list[Link], entries: list[Link]) -> str:
    path = folder + "index.html"
    items = "".join(f'<li><a href="{esc(rel(path, e.href))}" title="{esc(e.text)}" target="_blank">'
                    f'{esc(e.text)}</a><span class="date">{e.date}</span></li>' for e in entries)
    main = f'{crumbs_html(crumbs)}\n<div class="list"><h2>{COLUMN}</h2>\n<ul>{items}</ul></div>'
    plan.add(path, county_page(f"{COLUMN}_{SITE}", main, {"ColumnName": COLUMN}))
    return path


def headless_report(plan: FamiliesPlan, seeds: dict[str, SeedDoc], site: CountySite) -> list[Link]:
    """医疗保障局 2023: page and PDF headed without the body; the PDF's link text names it."""
    crumbs = [XXGK, BMML, Link(YBJ[0], YBJ[1] + "index.html"), Link(COLUMN, YBJ[2] + "index.html")]
    doc = SeedDoc(seeds["002"].name, ["2023年政府信息公开年度报告"], seeds["002"].blocks)
    when = "2024-01-18 10:00"
    pdf = plan.pdf(attachment(YBJ[2], when, "hy-ybj"), doc, when)
    page = detail(plan, YBJ[2], doc.title, report_html(doc), when, 4_100_901, crumbs, YBJ[0],
                  [Link(f"{YBJ[0]}2023年政府信息公开工作年度报告.pdf", pdf)])
    site.reports.append(ExpectedReport(doc.title, YBJ[0], 2023, "county", [page, pdf]))
    notice = detail(plan, YBJ[2], NOTICE_TITLE, paras(NOTICE_TITLE, NOTICE_PARAS),
                    "2024-01-05 09:00", 4_100_902, crumbs, OFFICE)
    site.related.append(RelatedDocument(NOTICE_TITLE, "notice", 2023, [notice]))
    column(plan, YBJ[2], crumbs, [Link(doc.title, page, when[:10]),
                                  Link(NOTICE_TITLE, notice, "2024-01-05")])
    return crumbs[2:3]


def two_names(plan: FamiliesPlan, seeds: dict[str, SeedDoc], site: CountySite,
              summary: list[Link]) -> list[Link]:
    """住房和城乡建设局 2020: HTML in the county column under its full name, DOCX listed
    by the department's column under its short name."""
    crumbs = [XXGK, BMML, Link(ZJJ[0], ZJJ[1] + "index.html"), Link(COLUMN, ZJJ[2] + "index.html")]
    full = retitle(seeds["000"], REGION + "住房和城乡建设局")
    short = retitle(seeds["000"], "住房和城乡建设局")
    when = "2021-01-25 15:00"
    page = detail(plan, SUMMARY, full.title, report_html(full), when, 4_100_101,
                  [XXGK, Link(COLUMN, SUMMARY + "index.html")], ZJJ[0])
    docx = attachment(ZJJ[2], when, "hy-zjj", "docx")
    plan.add_bytes(docx, docx_report(short), when)
    site.reports.append(ExpectedReport(full.title, REGION + "住房和城乡建设局", 2020, "county",
                                       [page, docx]))
    summary.append(Link(full.title, page, when[:10]))
    column(plan, ZJJ[2], crumbs, [Link(short.title, docx, when[:10])])
    return crumbs[2:3]


def county_column(plan: FamiliesPlan, seeds: dict[str, SeedDoc], site: CountySite,
                  summary: list[Link]) -> None:
    """The county's own column: its 2023 report, the look-alikes, the 2017 report."""
    crumbs = [XXGK, Link(COLUMN, SUMMARY + "index.html")]
    own = retitle(seeds["004"], "海原县人民政府", 2023)
    entries = [(own.title, report_html(own), "2024-01-26 10:00", 4_100_001, "report"),
               (INFOGRAPHIC_TITLE, infographic_html(plan), "2024-01-26 16:00", 4_100_002, "infographic"),
               (FAZHI_TITLE, paras(FAZHI_TITLE, FAZHI_PARAS), "2024-02-20 09:00", 4_100_003,
                "rule_of_law_report"),
               (LEGACY_TITLE, report_html(legacy_doc()), "2018-01-30 10:00", 4_000_001, "legacy")]
    links = []
    for title, content, when, doc_id, kind in entries:
        page = detail(plan, SUMMARY, title, content, when, doc_id, crumbs, OFFICE)
        year = 2017 if kind == "legacy" else 2023
        if kind in ("report", "legacy"):
            site.reports.append(ExpectedReport(title, "海原县人民政府", year, "county", [page], kind))
        else:
            site.related.append(RelatedDocument(title, kind, year, [page]))
        links.append(Link(title, page, when[:10]))
    column(plan, SUMMARY, crumbs, [links[2], links[0], links[1], *summary, links[3]])  # newest first


def infographic_html(plan: FamiliesPlan) -> str:
    image = SUMMARY + "202401/W020240126400002.png"
    plan.add_bytes(image, infographic_png(), "2024-01-26 16:00")
    lines = "\n".join(f"<p>{esc(line)}</p>" for line in INFOGRAPHIC_LINES)
    return (f"<h1>{esc(INFOGRAPHIC_TITLE)}</h1>\n"
            f'<p style="text-align:center"><img src="{image}" alt="{esc(INFOGRAPHIC_TITLE)}"></p>\n{lines}')


def add_county(plan: FamiliesPlan, seeds: dict[str, SeedDoc]) -> CountySite:
    """Every page and file of /hy/, and what the crawl must make of them."""
    site = CountySite(root=HOME, region=SITE)
    summary: list[Link] = []
    bodies = headless_report(plan, seeds, site) + two_names(plan, seeds, site, summary)
    county_column(plan, seeds, site, summary)
    dept = [Link(b.text, b.href) for b in bodies]
    plan.add(BMML.href, county_page(f"{BMML.text}_{SITE}", nav_main([XXGK, BMML], dept)))
    for body, folder in ((YBJ, YBJ), (ZJJ, ZJJ)):
        crumbs = [XXGK, BMML, Link(body[0], folder[1] + "index.html")]
        plan.add(folder[1] + "index.html", county_page(
            f"{body[0]}_{SITE}", nav_main(crumbs, [Link(COLUMN, folder[2] + "index.html")])))
    links = [Link(COLUMN, SUMMARY + "index.html"), BMML]
    plan.add(XXGK.href, county_page(f"信息公开_{SITE}", nav_main([XXGK], links)))
    plan.add(HOME, county_page(SITE, nav_main([], [XXGK])))
    return site


def nav_main(crumbs: list[Link], links: list[Link]) -> str:
    items = "".join(f"<li>{anchor(ln)}</li>" for ln in links)
    return f'{crumbs_html(crumbs)}\n<ul class="channel-links">{items}</ul>'
