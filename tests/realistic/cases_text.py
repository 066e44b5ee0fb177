"""Cases as extracted text: pdftotext dumps (two-line titles, stray first lines, unnamed
headings with the copy's context in `hints`), dumps whose cells run together, OCR output of
scans, Markdown from PDF converters."""
from __future__ import annotations

from typing import Any

from tests.realistic import tweaks as T
from tests.realistic.model import Report, blocks, gold, report
from tests.realistic.text import concat_table, markdown, ocr_table, text_dump

Case = tuple[str, bytes, dict[str, Any]]


def _b(s: str) -> bytes:
    return s.encode("utf-8")


def titles() -> list[Case]:
    r = report(0, 2024, 71)
    r.title_lines = ["2024 年上海市人民政府办公厅政府信息公开", "工作年度报告"]
    out = [("p1_shanghai_office_2024.txt", _b(text_dump(r, [("p", "正文")] + blocks(r), width=38)), gold(r, [1]))]
    r = report(6, 2022, 72)
    r.title_lines = ["长沙县黄兴镇人民政府 2022 年政府信息公开", "工作年度报告"]
    out.append(("p1_huangxing_2022.txt", _b(text_dump(r, blocks(r), width=36, page_every=40)), gold(r, [1])))
    r = report(2, 2023, 73)
    r.title_lines = ["2023 年浙江省自然资源厅", "政府信息公开工作年度报告"]
    md = markdown(r, [("p", "正文")] + blocks(r), set(), set(), "")
    out.append(("p1_zj_natres_2023.md", _b(md), gold(r, [1, 5])))
    return out


def procurement_txt() -> list[Case]:
    r = report(9, 2019, 81)
    T.negative_changes(r, -3, 2)
    T.procurement_with_unit(r, 12, 1382.5617, "1382.5617")
    out = [("p2_jinan_scjg_2019.txt", _b(text_dump(r, blocks(r), width=40)), gold(r, [2]))]
    r = report(34, 2020, 82)
    T.negative_changes(r, -1, -4)
    T.procurement_with_unit(r, 2, 38600.5, "38600.50元")
    out.append(("p2_baotou_xtgxq_2020.txt", _b(text_dump(r, blocks(r), width=40)), gold(r, [2])))
    return out


def markdowns() -> list[Case]:
    out = []
    specs = [("p5_wuzhong_cn_2022.md", 3, 2022, 91, ["declined_repeated"], [5]),
             ("p5_fujian_simingwj_2023.md", 19, 2023, 92, ["unavailable_not_held", "carried_forward"], [5]),
             ("p5_kunming_gdcz_2021.md", 11, 2021, 93, [], [5]),
             ("p5_wulumuqi_smg_2024.md", 18, 2024, 94, ["granted"], [5]),
             ("p5_ordos_dsjt_2020.md", 21, 2020, 95, ["partially_granted"], [5])]
    for name, i, year, seed, lost, ph in specs:
        r = report(i, year, seed)
        if r.template == "2021":
            T.notes_in_cells(r, 16 + seed % 5, 29 - seed % 7)
        else:
            T.negative_changes(r)
        T.lost_totals(r, lost)
        md = markdown(r, blocks(r), set(lost), {"withheld_internal_affairs"}, "unavailable_needs_creation")
        out.append((name, _b(md), gold(r, ph)))
    return out


def nonstandard_txt() -> list[Case]:
    r = report(25, 2022, 101, numbered=True)
    out = [("p6_yubei_fgw_2022.txt", _b(text_dump(r, blocks(r, "mechanism"), width=40)), gold(r, [6]))]
    r = report(29, 2023, 102, numbered=True)
    out.append(("p6_chengguan_2023.md", _b(markdown(r, blocks(r, "standard", captions=True), set(), set(), "")),
                gold(r, [6])))
    return out


def hinted() -> list[Case]:
    """Attachments whose heading lacks the body: the link text, publisher or region says it."""
    out = []
    for name, i, year, seed, key in (("p7_yanta_yj_2022.txt", 24, 2022, 111, "publisher"),
                                     ("p7_jianbei_2021.txt", 15, 2021, 112, "link_text"),
                                     ("p7_wuyang_2023.txt", 16, 2023, 113, "region")):
        r = report(i, year, seed)
        r.title_lines = [f"{year}年政府信息公开工作年度报告"]
        full = f"{r.agency}{year}年政府信息公开工作年度报告"
        hints = {key: full if key == "link_text" else r.agency}
        out.append((name, _b(text_dump(r, blocks(r), width=38)), gold(r, [7], hints, title=full)))
    return out


def concatenated() -> list[Case]:
    out = []
    for name, i, year, seed, scale, mirror in (
            ("p8_dangchuan_2021.txt", 8, 2021, 121, 4, False), ("p8_dafengdong_2022.txt", 10, 2022, 122, 6, True),
            ("p8_liujiabao_2023.txt", 20, 2023, 123, 9, False), ("p8_huicheng_2024.txt", 28, 2024, 124, 14, True),
            ("p8_weicheng_2022.txt", 35, 2022, 125, 11, False), ("p8_jianghan_cgw_2023.txt", 23, 2023, 126, 18, True)):
        r = _concat_report(i, year, seed, scale, mirror)
        out.append((name, _b(text_dump(r, blocks(r), concat_table, width=40)), gold(r, [8])))
    return out


def _concat_report(i: int, year: int, seed: int, scale: int, mirror: bool) -> Report:
    """The first seed from `seed` whose readings stay few enough to enumerate; `mirror` adds
    two runs no identity can cut and a 规范性文件 run such as 8989."""
    for s in range(seed, seed + 50):
        r = report(i, year, s, scale=scale)
        if mirror:
            T.mirrored_rows(r, "withheld_third_party_rights", "declined_publication")
            T.normative_row(r, 8, 9, 89)
        try:
            T.concat_unknowns(r)
        except ValueError:
            continue
        return r
    raise RuntimeError(f"no tractable figures near seed {seed}")


def ocr() -> list[Case]:
    out = []
    for name, i, year, seed, below in (("p9_linquan_2021.txt", 32, 2021, 131, {"granted", "unavailable_not_held"}),
                                       ("p9_yongchang_2022.txt", 17, 2022, 132, {"new_received", "declined_repeated"}),
                                       ("p9_shuimogou_2020.txt", 18, 2020, 133, {"partially_granted", "carried_forward"})):
        r = report(i, year, seed)
        T.lost_rows(r, ["total_processed"])
        dump = text_dump(r, blocks(r), ocr_table({"total_processed"}, below), width=30, page_every=30)
        out.append((name, _b(dump), gold(r, [9])))
    return out


def all_cases() -> list[Case]:
    return titles() + procurement_txt() + markdowns() + nonstandard_txt() + hinted() + concatenated() + ocr()
