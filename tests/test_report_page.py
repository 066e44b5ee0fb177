"""The pages an archivist reads in `nianbao serve`, in Chromium (Playwright, Debian's
/usr/bin/chromium): a report laid out as the national form prints it, a body's years,
search with snippets and facets. Screenshots of each page are saved under the test's
artifacts directory (printed; not compared pixel by pixel).

The archive: the sample archive (tests/synthetic_archive.py: four bodies, 2019-2023) plus one
hand-made 2023 report of 宣和镇 with a blank cell, a flagged cell, a failing check and a
PDF copy, whose figures are written out below, independently of the page's code."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db import Archive
from archive.records import CopyRecord, ParsedCopy, Sighting
from tests.synthetic_archive import SEEN, canonical_report, sample_archive, simple_applications
from tests.test_web import CHROMIUM, CHROMIUM_ARGS, serving

FLAG = "OCR：“9”可能是“8”"
TITLE = "沙坡头区宣和镇人民政府2023年政府信息公开工作年度报告"
# Table 三 of the 2021 form, row by row (label, natural persons' figure; "" = blank).
APPLICATIONS_2021 = [
    ("一、本年新收政府信息公开申请数量", "7"), ("二、上年结转政府信息公开申请数量", "2"),
    ("（一）予以公开", "9"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "0"),
    ("1.属于国家秘密", "0"), ("2.其他法律行政法规禁止公开", "0"), ("3.危及“三安全一稳定”", "0"),
    ("4.保护第三方合法权益", "0"), ("5.属于三类内部事务信息", "0"), ("6.属于四类过程性信息", "0"),
    ("7.属于行政执法案卷", "0"), ("8.属于行政查询事项", "0"),
    ("1.本机关不掌握相关政府信息", "0"), ("2.没有现成信息需要另行制作", "0"),
    ("3.补正后申请内容仍不明确", "0"),
    ("1.信访举报投诉类申请", "0"), ("2.重复申请", "0"), ("3.要求提供公开出版物", "0"),
    ("4.无正当理由大量反复申请", "0"), ("5.要求行政机关确认或重新出具已获取信息", "0"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "0"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0"),
    ("3.其他", "0"), ("（七）总计", "9"), ("四、结转下年度继续办理", ""),
]
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
       b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def add_flagged_report(root: Path) -> int:
    """宣和镇 2023: natural persons 7 new, 2 carried over, 9 granted (flagged), carried
    forward blank; a failing row total on new_received (7 ≠ 8)."""
    report = canonical_report("沙坡头区宣和镇人民政府", 2023,
                              {"1": "宣和镇本年度办理低保、信访事项。\n第二段落。"},
                              tables=simple_applications(7, 2, None), title=TITLE)
    report["checks"] = [{"rule": "applications.row_total.new_received", "status": "fail",
                         "left": 7, "right": 8}]
    with Archive.open(root) as archive:
        sha = archive.blobs.put(PDF)
        archive.add_copy(CopyRecord(sha, len(PDF), "application/pdf", "pdf", "xhz-2023.pdf", SEEN))
        archive.add_sighting(Sighting(sha, "http://www.spt.gov.cn/xhz/xhz-2023.pdf", SEEN,
                                      source="test"))
        rid = archive.save_parse(ParsedCopy(
            sha, "parsed", report, parser_version="t",
            cell_flags={"applications/granted/natural_person": FLAG}))
    assert rid is not None
    return rid


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, int]]:
    tmp = tmp_path_factory.mktemp("pages")
    root = sample_archive(tmp / "data")
    rid = add_flagged_report(root)
    with serving(root, tmp / "serve.log") as base:
        yield base, root, rid


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("artifacts")
    print(f"\nscreenshots: {out}")
    return out


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def _table_rows(page, table: str) -> list[tuple[str, list[str]]]:
    return page.eval_on_selector_all(
        f"#table-{table} tbody tr", "trs => trs.map(tr => ["
        "[...tr.querySelectorAll('th')].pop().innerText.trim(),"
        "[...tr.querySelectorAll('td')].map(td => td.dataset.value)])")


def test_report_page_lays_out_table_three_as_the_form(site, page, artifacts: Path) -> None:
    base, _, rid = site
    page.goto(f"{base}/-/report/{rid}")
    assert page.inner_text("h1") == TITLE
    got = _table_rows(page, "applications")
    assert [(label, values[0]) for label, values in got] == APPLICATIONS_2021
    assert got[0][1] == ["7", "0", "0", "0", "0", "0", "7"]  # 自然人 … 其他, 总计
    assert got[-1][1] == [""] + ["0"] * 5 + [""]  # blank stays blank, zeros stay 0
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    print(f"report page: {artifacts / 'report.png'}")


def test_report_page_marks_blanks_flags_and_failing_checks(site, page) -> None:
    base, _, rid = site
    page.goto(f"{base}/-/report/{rid}")
    forward = page.locator("#table-applications tbody tr").last.locator("td").first
    assert forward.inner_text() == "" and "blank" in forward.get_attribute("class")
    flagged = page.locator("#table-applications td.flagged")
    assert flagged.count() == 1 and flagged.get_attribute("data-value") == "9"
    assert FLAG in flagged.inner_text()
    failing = page.locator("#table-applications td.failing")  # the new_received row, 7 columns
    assert failing.count() == 7
    why = "未通过校验 各类申请人之和＝总计（一、本年新收政府信息公开申请数量）：7 ≠ 8"
    assert why in failing.first.inner_text()
    body = page.inner_text("body")
    assert "宣和镇本年度办理低保、信访事项。" in body and "第二段落。" in body
    for english in ("new_received", "natural_person", "primary_sha256", '{"'):
        assert english not in body


def test_report_page_links_the_original_inline_and_the_other_years(site, page) -> None:
    base, root, _ = site
    page.goto(f"{base}/-/report/{_report_id(root, '柔远镇', 2022)}")
    assert page.locator(".other-years a").all_inner_texts() == ["2023", "逐年数据"]
    assert page.inner_text(".other-years strong") == "2022"
    page.click("a.nianbao-view")  # an HTML original: its source as text, never rendered
    page.wait_for_url("**/-/view/*")
    assert "<h1>沙坡头区柔远镇人民政府2022年政府信息公开工作年度报告</h1>" in page.inner_text("body")
    assert page.locator("h1").count() == 0


def _report_id(root: Path, name: str, year: int) -> int:
    with Archive.open(root) as archive:
        return int(archive.db.execute(
            "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id"
            " WHERE a.name = ? AND r.year = ?", [name, year]).fetchone()[0])


def test_search_shows_snippets_and_no_internal_ids(site, page, artifacts: Path) -> None:
    base, _, _ = site
    page.goto(base + "/")
    page.fill("input[name=q]", "信访 -东园")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/-/search?q=*")
    assert page.inner_text(".hit-count") == "找到 7 份包含“信访 -东园”的报告"
    snippets = page.locator(".hit .snippet")
    assert snippets.count() == 7
    assert set(page.locator(".hit mark").all_inner_texts()) == {"信访"}
    assert "fts_rowid" not in page.inner_text("body")
    page.screenshot(path=str(artifacts / "search.png"), full_page=True)
    print(f"search page: {artifacts / 'search.png'}")
    page.fill("input[name=q]", "不存在的词")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=*")
    assert page.inner_text(".hit-count") == "没有报告包含“不存在的词”"


def test_facets_filter(site, page) -> None:
    base, _, _ = site
    page.goto(base + "/")
    page.click(".facet[data-facet=year] a:text-is('2020')")
    page.wait_for_url("**year=2020*")
    metas = page.locator(".hit-meta").all_inner_texts()
    assert len(metas) == 3 and all("2020 年" in m for m in metas)  # 东园镇, 文昌镇, 白沙镇
    page.click(".facet[data-facet=agency] a:text-is('文昌镇')")
    page.wait_for_url("**agency=*")
    assert page.locator(".hit-title").all_inner_texts() == ["沙坡头区文昌镇2020年政府信息公开工作年度报告"]


def test_body_page_years_coverage_and_chart(site, page, artifacts: Path) -> None:
    base, root, _ = site
    page.goto(f"{base}/-/report/{_report_id(root, '东园镇', 2021)}")
    page.click("a.body-link")
    page.wait_for_url("**/-/body/*")
    assert page.inner_text("h1") == "中卫市沙坡头区东园镇"
    assert page.locator("table.reports tbody tr td:first-child").all_inner_texts() == [
        "2019", "2020", "2021", "2022", "2023"]
    received = page.eval_on_selector(
        "table.figures tbody tr:first-child", "tr => [...tr.cells].map(c => c.innerText)")
    assert received == ["本年新收申请", "12", "8", "5", "3", "15"]
    reviews = page.eval_on_selector(
        "table.figures tbody tr:nth-child(3)", "tr => [...tr.cells].map(c => c.innerText)")
    assert reviews == ["行政复议", "", "", "", "", ""]  # the sample has no table 四: gaps, not 0
    assert page.locator("svg.nianbao-chart polyline").count() == 2  # received, granted
    page.screenshot(path=str(artifacts / "body.png"), full_page=True)
    print(f"body page: {artifacts / 'body.png'}")
