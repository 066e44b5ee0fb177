"""Metadata and the six parts: titles, agencies, headings, line joining."""
from __future__ import annotations

import pytest

from pipelines.metadata import agency_of, read_metadata
from pipelines.sections import heading_split, join_lines
from pipelines.textdoc import text_to_document
from pipelines.reports import parse_document


@pytest.mark.parametrize("title,agency", [
    ("沙坡头区东园镇人民政府2020年政府信息公开工作年度报告", "沙坡头区东园镇人民政府"),
    ("2024年上海市科委政府信息公开工作年度报告", "上海市科委"),
    ("中卫市民政局关于2022年度政府信息公开工作年度报告", "中卫市民政局"),
    ("沙坡头区柔远镇人民政府2021年政务信息公开工作年度报告", "沙坡头区柔远镇人民政府"),
    ("2023年政府信息公开工作年度报告", None),
])
def test_agency_is_the_title_without_year_and_kind(title: str, agency: str | None) -> None:
    assert agency_of(title) == agency


def test_year_falls_back_on_the_statistics_period() -> None:
    text = "某局政府信息公开工作年度报告\n本报告所列数据统计期限自2022年1月1日起至12月31日止。"
    meta = read_metadata(text_to_document(text), text)
    assert (meta.year, meta.sources["year"]) == (2022, "statistics period")
    assert any(f.startswith("year: read from the statistics period") for f in meta.flags)


def test_heading_may_open_a_paragraph() -> None:
    assert heading_split("一、总体情况。2022年，我局认真贯彻落实《条例》，主动公开各类信息三百余条，全面推进。") == (
        1, "2022年，我局认真贯彻落实《条例》，主动公开各类信息三百余条，全面推进。")
    assert heading_split("四、结转下年度继续办理") is None  # a table row label, not part 四


def test_breaks_inside_sentences_are_removed_but_items_stay_apart() -> None:
    text = join_lines(["在镇村摆放政策文件、办", "事指南等纸质资料。", "（二）依申请公开", "全年未收到申请。", "AB", "岗制度"])
    assert text.split("\n") == ["在镇村摆放政策文件、办事指南等纸质资料。", "（二）依申请公开", "全年未收到申请。", "AB岗制度"]


def test_page_footer_and_signature_are_dropped() -> None:
    text = "\n".join([
        "某镇2021年政府信息公开工作年度报告", "一、总体情况", "多方位拓宽政务公", "— 2 —", "开监督渠道。",
        "六、其他需要报告的事项", "无", "某镇人民政府", "2022年1月20日", "（此件公开发布）",
    ])
    sections = parse_document(text_to_document(text)).report["sections"]
    assert sections["1"] == "多方位拓宽政务公开监督渠道。"
    assert sections["6"] == "无"


def test_a_heading_broken_over_lines_is_joined_and_stray_lines_skipped() -> None:
    text = "正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n一、总体情况\n全年公开信息。"
    meta = read_metadata(text_to_document(text), text)
    assert (meta.title, meta.agency, meta.year) == ("2025年上海市人民政府办公厅政府信息公开工作年度报告",
                                                    "上海市人民政府办公厅", 2025)


def test_a_heading_without_the_body_takes_it_from_the_context_and_says_so() -> None:
    from pipelines.document import Hints

    text = "2023年政府信息公开年度报告\n一、总体情况\n全年公开信息。"
    meta = read_metadata(text_to_document(text), text, Hints(link_text="上海市徐汇区教育局2023年政府信息公开年度报告"))
    assert (meta.agency, meta.title) == ("上海市徐汇区教育局", "上海市徐汇区教育局2023年政府信息公开年度报告")
    assert meta.sources["agency"] == "link text"
    assert any(f.startswith("agency: ") for f in meta.flags)


@pytest.mark.parametrize("title,kind", [
    ("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "notice"),
    ("图解：徐汇区2023年政府信息公开工作年度报告", "infographic"),
    ("一图读懂成都市武侯区2022年政府信息公开工作年度报告", "infographic"),
    ("济南市2023年法治政府建设年度报告", "rule_of_law_report"),
    ("长沙市2023年国民经济和社会发展统计公报", "statistics_report"),
    ("贵阳市2024年政务公开工作要点", "work_plan"),
    ("沙坡头区东园镇人民政府2020年政府信息公开工作年度报告", None),
])
def test_related_documents_are_told_by_their_titles(title: str, kind: str | None) -> None:
    from pipelines.kinds import related_kind

    assert related_kind(title) == kind
