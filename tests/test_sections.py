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
