"""Cases published as HTML: portal article pages (2019 template with its signed changes and
`&nbsp;` cells, procurement amounts with their unit, headings that do not name the body) and
Word "Save as Web Page" exports."""
from __future__ import annotations

from typing import Any

from tests.realistic import tweaks as T
from tests.realistic.html import portal_body, portal_page, word_html
from tests.realistic.model import Report, blocks, gold, report

Case = tuple[str, bytes, dict[str, Any]]


def _page(r: Report, body: str, crumbs: bool = True, meta: bool = True, title: str | None = None) -> bytes:
    title = title or r.title
    m = {"ArticleTitle": title, "ContentSource": r.agency, "PubDate": f"{r.year + 1}-01-2{r.year % 10} 09:30"} if meta else None
    trail = ["首页", "政务公开", "政府信息公开", r.agency, "政府信息公开年报"] if crumbs else None
    return portal_page(body, f"{title}_{r.agency}", m, trail, title, r.agency).encode("utf-8")


def portal_2019() -> list[Case]:
    out = []
    specs = [("p3_wuhou_2020.html", 4, 2020, 31, (6, 251000, "251000元"), [2, 3]),
             ("p3_xiangfang_2019.html", 13, 2019, 32, (135, 75394432.52, "75394432.52元"), [2, 3]),
             ("p3_yanta_2020.html", 24, 2020, 33, None, [3]),
             ("p3_hefei_gxq_2019.html", 14, 2019, 34, None, [3])]
    for name, i, year, seed, proc, ph in specs:
        r = report(i, year, seed)
        T.negative_changes(r, -3, -1 if seed % 2 else -2)
        if proc:
            T.procurement_with_unit(r, *proc)
        if seed in (33, 34):
            T.blank_some_zeros(r, seed, 5)
        out.append((name, _page(r, portal_body(r, blocks(r))), gold(r, ph)))
    return out


def word_exports() -> list[Case]:
    out = []
    specs = [("p4_sptzjj_2020.htm", 12, 2020, 41, [2, 4]), ("p4_jiangmen_2021.htm", 28, 2021, 42, [4]),
             ("p4_guiyang_2022.htm", 30, 2022, 43, [4]), ("p4_luoyang_2023.htm", 31, 2023, 44, [4]),
             ("p4_qdhd_2024.htm", 33, 2024, 45, [4, 7])]
    for name, i, year, seed, ph in specs:
        r = report(i, year, seed)
        if year < 2021:
            T.negative_changes(r)
            T.procurement_with_unit(r, 3, 186000, "186000元")
        T.blank_some_zeros(r, seed, 8)
        hints = None
        if 7 in ph:
            r.title_lines = [f"{r.year}年政府信息公开工作年度报告"]
            hints = {"link_text": f"{r.agency}{r.year}年政府信息公开工作年度报告"}
        out.append((name, word_html(r, blocks(r), seed).encode("utf-8"),
                    gold(r, ph, hints, title=f"{r.agency}{r.year}年政府信息公开工作年度报告")))
    return out


def unnamed_headings() -> list[Case]:
    """The report's heading lacks the body; the page names it (phenomenon 7)."""
    out = []
    r = report(1, 2023, 51)
    r.title_lines = ["2023年政府信息公开年度报告"]
    title = "上海市徐汇区教育局2023年政府信息公开工作年度报告"
    out.append(("p7_xuhui_edu_2023.html", _page(r, portal_body(r, blocks(r)), crumbs=False, title=title), gold(r, [7], title=title)))
    r = report(22, 2022, 52)
    r.title_lines = ["2022年度政府信息公开工作年度报告"]
    title = "南宁市青秀区民政局2022年度政府信息公开工作年度报告"
    page = _page(r, portal_body(r, blocks(r)), meta=False, title=title)
    out.append(("p7_qingxiu_mz_2022.html", page, gold(r, [7], title=title)))
    r = report(0, 2025, 53)
    r.title_lines = ["2025 年上海市人民政府办公厅政府信息公开", "工作年度报告"]
    out.append(("p1_shanghai_office_2025.html", _page(r, portal_body(r, blocks(r))), gold(r, [1])))
    return out


def nonstandard_html() -> list[Case]:
    r = report(26, 2021, 61, numbered=True)
    body = portal_body(r, blocks(r, "grouped"))
    return [("p6_haidian_sfj_2021.html", _page(r, body), gold(r, [6]))]


def all_cases() -> list[Case]:
    return portal_2019() + word_exports() + unnamed_headings() + nonstandard_html()
