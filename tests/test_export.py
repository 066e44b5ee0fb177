"""`nianbao export` (csv, json, xlsx) and `nianbao plot` on the sample archive."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.cli import cli
from archive.db import Archive
from tests.synthetic_archive import SAMPLE, canonical_report, sample_archive, store_report


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_archive(tmp_path_factory.mktemp("export") / "data")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], lines


def test_csv_is_for_excel_by_default_bom_and_chinese_headers(sample: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports.csv"
    assert run("export", "--format", "csv", "--out", str(target), "--archive",
               str(sample)).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].decode("utf-8").splitlines()[0].split(",")
    assert header[:6] == ["报告编号", "机关编号", "机关", "地区", "机关（报告原文）", "年度"]
    plain = run("export", "--format", "csv", "--no-bom", "--headers", "en", "--archive",
                str(sample)).output
    assert plain.startswith("id,agency_id,agency,")


def test_csv_of_reports_and_cells(sample: Path) -> None:
    reports = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--no-bom",
                                                  "--headers", "en", "--archive",
                                                  str(sample)).output)))
    assert len(reports) == len(SAMPLE) - 2  # two copies each of two 2020 reports
    dyz = [r for r in reports if r["agency"] == "东园镇"]
    assert [r["year"] for r in dyz] == ["2019", "2020", "2021", "2022", "2023"]
    assert dyz[0]["agency_as_written"] == "中卫市沙坡头区东园镇人民政府"
    assert dyz[0]["url"].startswith("http://www.spt.gov.cn/") and len(dyz[0]["primary_sha256"]) == 64
    out = run("export", "--format", "csv", "--table", "cells", "--no-bom", "--headers", "en",
              "--archive", str(sample)).output
    cells = list(csv.DictReader(io.StringIO(out)))
    blank = [c for c in cells if c["is_blank"] == "1"]
    assert {(c["agency"], c["row_label"], c["value"]) for c in blank} == {
        ("文昌镇", "四、结转下年度继续办理", "")}
    zero = next(c for c in cells if c["value"] == "0")
    assert zero["is_blank"] == "0" and zero["column_label"]


def test_json_export_nests_and_keeps_null(sample: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run("export", "--format", "json", "--out", str(target), "--archive", str(sample))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) == {"reports", "cells"}
    assert data["reports"][0]["sections"]["1"].endswith("依申请公开工作平稳。")
    blank = [c for c in data["cells"] if c["is_blank"]]
    assert blank and all(c["value"] is None for c in blank)
    with Archive.open(sample) as archive:
        assert len(data["cells"]) == archive.db.execute("SELECT count(*) FROM cells").fetchone()[0]


def test_xlsx_has_a_sheet_per_table(sample: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    assert run("export", "--format", "xlsx", "--out", str(target), "--archive",
               str(sample)).exit_code == 0
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["二 主动公开", "三 申请办理", "四 复议诉讼", "报告 reports", "单元格 cells"]
    header, *body = list(book["报告 reports"].iter_rows(values_only=True))
    assert header[:3] == ("报告编号", "机关编号", "机关") and len(body) == len(SAMPLE) - 2
    cells = list(book["单元格 cells"].iter_rows(values_only=True))
    value, blank = cells[0].index("数值"), cells[0].index("空白（1＝原表空白）")
    assert {r[value] for r in cells[1:] if r[blank] == 1} == {None}
    assert 0 in {r[value] for r in cells[1:] if r[blank] == 0}


def test_xlsx_wide_sheet_is_the_form_one_row_per_report(sample: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "wide.xlsx"
    assert run("export", "--format", "xlsx", "--out", str(target), "--archive",
               str(sample)).exit_code == 0
    sheet = load_workbook(target)["三 申请办理"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}12"
    assert sheet.max_row == 12  # a header and 11 reports
    head = [c.value for c in sheet[1]]
    assert head[:7] == ["报告编号", "机关", "地区", "年度", "模板",
                        "一、本年新收政府信息公开申请数量 | 自然人", "一、本年新收政府信息公开申请数量 | 商业企业"]
    assert head[-1] == "四、结转下年度继续办理 | 总计"
    assert sheet.column_dimensions["B"].width == 22
    rows = {(r[1], r[3]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    forward = head.index("四、结转下年度继续办理 | 自然人")
    new = head.index("一、本年新收政府信息公开申请数量 | 自然人")
    over = head.index("二、上年结转政府信息公开申请数量 | 自然人")
    assert [rows[("中卫市沙坡头区东园镇", y)][new] for y in (2019, 2020, 2021, 2022, 2023)] == [
        12, 8, 5, 3, 15]
    assert rows[("中卫市沙坡头区东园镇", 2021)][over] == 1
    assert rows[("沙坡头区文昌镇", 2020)][forward] is None  # blank, not 0
    assert rows[("沙坡头区文昌镇", 2021)][forward] == 0


def test_a_bad_xlsx_path_is_one_line(sample: Path, tmp_path: Path) -> None:
    result = run("export", "--format", "xlsx", "--out", str(tmp_path / "no" / "x.xlsx"),
                 "--archive", str(sample))
    one_line_error(result, f"cannot write {tmp_path / 'no' / 'x.xlsx'}: No such file or directory")
    assert not (tmp_path / "no").exists()


def test_export_errors_are_one_line(sample: Path, tmp_path: Path) -> None:
    one_line_error(run("export", "--format", "xlsx", "--archive", str(sample)), "needs --out")
    one_line_error(run("export", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"),
                       "--archive", str(sample)), "cannot write")


def test_plot_draws_one_agency_across_years(sample: Path, tmp_path: Path) -> None:
    from matplotlib.image import imread

    from archive.plot import plot_agency

    target = tmp_path / "dyz.png"
    result = run("plot", "沙坡头区东园镇人民政府", "--out", str(target), "--archive", str(sample))
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert imread(target).shape[:2] == (700, 800)
    with Archive.open(sample) as archive:
        drawn = plot_agency(archive.db, 1, "东园镇", tmp_path / "again.png")
    assert drawn.years == [2019, 2020, 2021, 2022, 2023]
    assert drawn.series["本年新收"] == [12, 8, 5, 3, 15]
    assert drawn.series["上年结转"] == [0, 2, 1, 0, 0]
    assert "WenQuanYi" in drawn.font or "Noto" in drawn.font


def test_plot_gaps_and_ambiguity(sample: Path, tmp_path: Path) -> None:
    from archive.plot import plot_agency

    with Archive.open(sample) as archive:
        wcz = plot_agency(archive.db, 2, "文昌镇", tmp_path / "w.png")
    assert wcz.years == [2020, 2021, 2022, 2023]
    assert wcz.series["本年新收"] == [1, 2, None, 4]  # no 2022 report: a gap, not 0
    assert wcz.series["结转下年度"][0] is None  # a blank cell: a gap too
    one_line_error(run("plot", "不存在的机关", "--archive", str(sample)), "no agency")


def test_plot_of_a_name_two_bodies_share_asks_for_an_id(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "two") as archive:  # one 白沙镇 per county: two bodies
        for name in ("中卫市沙坡头区白沙镇", "中卫市海原县白沙镇"):
            store_report(archive, canonical_report(name, 2021, tables={}), name)
    one_line_error(run("plot", "白沙镇", "--archive", str(tmp_path / "two")), "names 2 agencies")


@pytest.mark.parametrize("values, expected", [
    ([5, 5, 5], (0.0, 5.75)), ([0, 0], (0.0, 1.0)), ([None, None], (0.0, 1.0)),
    ([3], (0.0, 3.45)), ([-2, 4, None], (-2.0, 4.6))])
def test_plot_axes_are_sensible_for_equal_values_and_one_year(values, expected) -> None:
    from archive.plot import y_range

    assert y_range(values) == pytest.approx(expected)
