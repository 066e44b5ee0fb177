"""The template-aware mapper on rows the way OCR and converters leave them."""
from __future__ import annotations

from pipelines import template as T
from pipelines.cells import LOST
from pipelines.document import Document, TableBlock, TextBlock
from pipelines.mapper import map_tables

ROWS_2021 = T.APPLICATION_ROWS["2021"]


def _apps(rows: list[list[str]], template: str = "2021") -> tuple[dict, list[str]]:
    mapped = map_tables(Document(blocks=[TableBlock(rows=rows)]), template)
    return mapped.tables["applications"], mapped.flags


def _row(label: str, base: int) -> list[str]:
    return [label, *(str(base + i) for i in range(6)), str(6 * base + 15)]


def test_garbled_labels_are_read_by_resemblance_even_with_a_row_missing() -> None:
    rows = [_row("一、本年新收政府信息公开申请数量", 1), _row("二、上年结转政府信息公开申请数量", 2),
            _row("（一）予以公开", 3),
            # 部分公开 lost entirely; OCR garbled the next two labels
            _row("1.属于国家秘蜜", 4), _row("2.其他法律行政法规禁上公幵", 5)]
    apps, flags = _apps(rows)
    assert apps["partially_granted"]["total"] is None
    assert apps["withheld_state_secret"]["natural_person"] == 4
    assert apps["withheld_prohibited_by_law"]["total"] == 6 * 5 + 15
    assert any("read by resemblance" in f for f in flags)


def test_row_with_extra_leading_cell_keeps_the_last_seven() -> None:
    apps, _ = _apps([["（七）总计", "9", *map(str, range(1, 8))]])
    assert [apps["total_processed"][c] for c in T.APPLICATION_COLUMNS] == list(range(1, 8))


def test_short_row_is_right_aligned_so_total_stays_total() -> None:
    apps, flags = _apps([["一、本年新收政府信息公开申请数量", "", "12"]])
    assert apps["new_received"]["total"] == 12
    assert apps["new_received"]["natural_person"] is None


def test_review_line_of_fifteen_figures_fills_three_rows() -> None:
    mapped = map_tables(Document(blocks=[TableBlock(rows=[[str(i) for i in range(15)]])]), "2019")
    review = mapped.tables["review_litigation"]
    assert review["review"]["upheld"] == 0 and review["litigation_direct"]["upheld"] == 5
    assert review["litigation_after_review"]["total"] == 14


def test_header_rows_do_not_take_the_total_row() -> None:
    rows = [["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
            ["（七）总计", *"1234567"]]
    apps, flags = _apps(rows)
    assert apps["total_processed"]["total"] == 7
    assert not any("twice" in f for f in flags)


def test_rows_whose_labels_were_lost_are_taken_by_position_and_flagged() -> None:
    rows = [_row("一、本年新收政府信息公开申请数量", 1), _row("二、上年结转政府信息公开申请数量", 2),
            _row("（一）予以公开", 3), _row("（二）部分公开", 4), _row("", 5), _row("", 6),
            _row("3.危及“三安全一稳定”", 7)]
    mapped = map_tables(Document(blocks=[TableBlock(rows=rows)]), "2021")
    apps = mapped.tables["applications"]
    assert apps["withheld_state_secret"]["natural_person"] == 5
    assert apps["withheld_prohibited_by_law"]["total"] == 6 * 6 + 15
    for key in ("withheld_state_secret", "withheld_prohibited_by_law"):
        assert "by position" in mapped.cell_flags[f"applications/{key}/total"]
    assert "applications/withheld_security_stability/total" not in mapped.cell_flags


def test_only_the_written_column_is_filled_the_blank_ones_stay_null() -> None:
    """A report that fills only 总计: the other columns are blanks, not zeros."""
    header = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [header] + [[label, "", "", "", "", "", "", "0"] for label in
                       ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（七）总计")]
    mapped = map_tables(Document(blocks=[TableBlock(rows=rows, exact_columns=True)]), "2021")
    apps = mapped.tables["applications"]
    assert apps["new_received"]["total"] == 0 and apps["total_processed"]["total"] == 0
    assert all(apps[k][c] is None for k in ("new_received", "carried_over", "total_processed")
               for c in T.APPLICATION_COLUMNS[:-1])


def test_a_lost_cell_is_null_and_flagged_never_shifted() -> None:
    rows = [["（二）部分公开", "2", "0", "0", "0", "0", "0", LOST]]
    mapped = map_tables(Document(blocks=[TableBlock(rows=rows, width=8)]), "2021")
    row = mapped.tables["applications"]["partially_granted"]
    assert (row["natural_person"], row["other_org"], row["total"]) == (2, 0, None)
    assert "lost" in mapped.cell_flags["applications/partially_granted/total"]


def test_cells_run_together_are_split_only_where_one_split_fits() -> None:
    lines = ["行政规范性文件8989", "行政复议1020012", "行政许可15"]
    mapped = map_tables(Document(blocks=[TextBlock(text=t, line=i + 1) for i, t in enumerate(lines)]), "2021")
    tables = mapped.tables
    assert tables["review_litigation"]["review"] == {"upheld": 10, "corrected": 2, "other": 0, "pending": 0, "total": 12}
    assert tables["active_disclosure"]["licensing"] == {"decisions": 15}
    assert set(tables["active_disclosure"]["normative_documents"].values()) == {None}
    assert "active_disclosure/normative_documents/issued" in mapped.cell_flags
