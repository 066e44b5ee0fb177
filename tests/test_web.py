"""`nianbao serve`: a real server (a `nianbao serve` child on 127.0.0.1), real HTTP, and a
real browser (Playwright driving Debian's Chromium): search, open a report, download its
original. The two browser tests are the slow ones (a few seconds)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive.db import Archive
from archive.synthetic import sample_archive

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("web")
    root = sample_archive(tmp / "data")
    port = free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--archive", str(root),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base, root
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nianbao serve exited with {proc.returncode}")
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("nianbao serve did not start")


def get(base: str, path: str, **params: str) -> tuple[int, dict[str, str], bytes]:
    url = base + path + ("?" + urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def rows(base: str, path: str, **params: str) -> list[dict]:
    status, _, body = get(base, path, _shape="array", **params)
    assert status == 200, body[:300]
    return json.loads(body)


def texts(root: Path) -> dict[int, str]:
    with Archive.open(root) as archive:
        return {r["id"]: r["text"] for r in archive.db.query("SELECT id, text FROM reports")}


@pytest.mark.parametrize("query", ["柔远", "镇", "东园镇", "。", "2021年主动"])
def test_datasette_search_box_is_exact(server, query: str) -> None:
    base, root = server
    got = {r["id"] for r in rows(base, "/archive/report_list.json", _search=query, _size="max")}
    assert got == {rid for rid, text in texts(root).items() if query in text}


def test_search_box_speaks_the_query_language(server) -> None:
    base, root = server
    got = {r["id"] for r in rows(base, "/archive/report_list.json", _search="低保 -东园 -文昌")}
    want = {rid for rid, t in texts(root).items() if "低保" in t and "东园" not in t
            and "文昌" not in t}
    assert got == want and len(want) == 3  # 柔远镇 twice, 白沙镇 (one body) once


def test_canned_search_with_filters_and_snippets(server) -> None:
    base, _ = server
    hits = rows(base, "/archive/search.json", q="低保", year="2020", agency="东园镇")
    assert [(h["年度"], h["机关"]) for h in hits] == [(2020, "中卫市沙坡头区东园镇")]
    assert "【低保】" in hits[0]["摘要"]
    assert rows(base, "/archive/search.json", q="", year="", agency="") == []


def test_sql_functions_for_your_own_queries(server) -> None:
    base, root = server
    sql = ("select count(*) as n from reports where nianbao_contains(text, '低保 -东园')"
           " and fts_rowid in (select rowid from reports_fts where reports_fts match"
           " nianbao_match('低保'))")
    assert rows(base, "/archive.json", sql=sql) == [
        {"n": sum("低保" in t and "东园" not in t for t in texts(root).values())}]


def test_canned_queries_coverage_and_cross_year(server) -> None:
    base, _ = server
    coverage = {r["机关"]: r for r in rows(base, "/archive/coverage.json")}
    assert coverage["沙坡头区文昌镇"]["2022"] is None and coverage["沙坡头区文昌镇"]["缺少年数"] == 2
    failing = rows(base, "/archive/cross_year.json")
    assert {(r["机关"], r["年度"], r["结果"]) for r in failing} >= {
        ("中卫市沙坡头区东园镇", 2020, "fail"), ("沙坡头区文昌镇", 2020, "not_assessable")}
    assert [r["规则"] for r in rows(base, "/archive/failing_checks.json")] == [
        "applications.row_total.new_received"]


def test_blob_download_serves_the_archived_bytes(server) -> None:
    base, root = server
    with Archive.open(root) as archive:
        sha, name = archive.db.execute(
            "SELECT sha256, filename FROM copies WHERE format = 'pdf'").fetchone()
        data = archive.blobs.read(sha)
    status, headers, body = get(base, f"/-/blob/{sha}")
    assert status == 200 and body == data
    assert headers["content-type"] == "application/pdf"
    assert headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert get(base, "/-/blob/" + "0" * 64)[0] == 404


def test_the_archive_is_served_read_only(server) -> None:
    base, root = server
    status, _, _ = get(base, "/archive.json", sql="update reports set title = 'x'")
    assert status == 400
    with Archive.open(root) as archive:
        assert archive.db.execute("SELECT count(*) FROM reports WHERE title = 'x'").fetchone() == (0,)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_browser_search_open_report_download_original(server, page, tmp_path: Path) -> None:
    base, root = server
    page.goto(f"{base}/archive/report_list")
    page.fill("input[name=_search]", "柔远")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=*")
    assert "2 rows where search matches" in page.inner_text("body")
    page.click("a.nianbao-report >> nth=0")  # the newest: 柔远镇 2023
    page.wait_for_url("**/archive/reports/*")
    assert "沙坡头区柔远镇人民政府2023年政府信息公开工作年度报告" in page.inner_text("body")
    with page.expect_download() as info:
        page.click("a.nianbao-original")
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with Archive.open(root) as archive:
        sha = archive.db.execute("SELECT primary_sha256 FROM reports WHERE title LIKE"
                                 " '%柔远镇%2023%'").fetchone()[0]
        assert saved.read_bytes() == archive.blobs.read(sha)
    assert download.suggested_filename == "ryz-2023.html"


def test_browser_canned_search_highlights(server, page) -> None:
    base, _ = server
    page.goto(f"{base}/archive/search")
    page.fill("input[name=q]", "信访 -东园")
    page.click("input[type=submit]")
    page.wait_for_url("**q=*")
    marks = page.locator("mark").all_inner_texts()
    assert marks and set(marks) == {"信访"}
    assert "东园镇" not in page.locator("table.rows-and-columns").inner_text()
