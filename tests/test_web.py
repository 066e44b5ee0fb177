"""`nianbao serve`: a real server (a `nianbao serve` child on 127.0.0.1), real HTTP, and a
real browser (Playwright driving Debian's Chromium): search, open a report, download its
original; and that the UI is safe to expose (issue 11): arbitrary SQL off by default and
capped when on, no filesystem path shown, nosniff everywhere, originals inline only when
safe. The browser tests are the slow ones (a few seconds). The report, body and search
pages are tested in test_report_page.py."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from archive.db import Archive
from tests.synthetic_archive import sample_archive

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(root: Path, log_path: Path, *options: str,
            env: dict[str, str] | None = None) -> Iterator[str]:
    """`nianbao serve` on `root` in a child process (`env`: its environment, else ours);
    yields its base URL."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--archive",
                                 str(root), "--port", str(port), *options],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, proc)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("web")
    root = sample_archive(tmp / "data")
    with serving(root, tmp / "serve.log") as base:
        yield base, root


@pytest.fixture(scope="module")
def sql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The same archive served with --allow-sql."""
    tmp = tmp_path_factory.mktemp("web-sql")
    root = sample_archive(tmp / "data")
    with serving(root, tmp / "serve.log", "--allow-sql") as base:
        yield base, root


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a bound for a broken server, not a speed
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


@pytest.mark.parametrize("table", ["report_list", "reports"])
def test_search_box_checks_what_the_index_cannot_exclude(server, table: str) -> None:
    """An excluded term of four or more characters is not in the MATCH (the index keeps
    only its trigrams): the plugin's text check excludes it, in the box and canned query."""
    base, root = server
    got = {r["id"] for r in rows(base, f"/archive/{table}.json", _search="镇 -沙坡头区东园",
                                 _size="max")}
    want = {rid for rid, t in texts(root).items() if "镇" in t and "沙坡头区东园" not in t}
    canned = {h["报告"] for h in rows(base, "/archive/search.json", 检索词="镇 -沙坡头区东园",
                                      年度="", 机关="")}
    assert got == want == canned and 0 < len(want) < len(texts(root))


def test_search_box_speaks_the_query_language(server) -> None:
    base, root = server
    got = {r["id"] for r in rows(base, "/archive/report_list.json", _search="低保 -东园 -文昌")}
    want = {rid for rid, t in texts(root).items() if "低保" in t and "东园" not in t
            and "文昌" not in t}
    assert got == want and len(want) == 3  # 柔远镇 twice, 白沙镇 (one body) once


def test_canned_search_with_filters_and_snippets(server) -> None:
    base, _ = server
    hits = rows(base, "/archive/search.json", 检索词="低保", 年度="2020", 机关="东园镇")
    assert [(h["年度"], h["机关"]) for h in hits] == [(2020, "中卫市沙坡头区东园镇")]
    assert "【低保】" in hits[0]["摘要"]
    assert rows(base, "/archive/search.json", 检索词="", 年度="", 机关="") == []


def test_canned_year_over_year_takes_the_row_by_its_chinese_label(server) -> None:
    base, _ = server
    granted = rows(base, "/archive/year_over_year.json", 项目="予以公开")
    default = rows(base, "/archive/year_over_year.json", 项目="")
    assert granted and {h["项目"] for h in granted} == {"（一）予以公开"}
    assert default and {h["项目"] for h in default} == {"一、本年新收政府信息公开申请数量"}


def test_sql_functions_for_your_own_queries(sql_server) -> None:
    base, root = sql_server
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


def test_the_archive_is_served_read_only(sql_server) -> None:
    base, root = sql_server
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
    page.wait_for_url("**/-/report/*")
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
    page.fill("input[name=检索词]", "信访 -东园")  # the canned query's parameters are Chinese
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "?" in url)
    marks = page.locator("mark").all_inner_texts()
    assert marks and set(marks) == {"信访"}
    assert "东园镇" not in page.locator("table.rows-and-columns").inner_text()


# Safe to expose (issue 11)

def test_arbitrary_sql_is_off_by_default(server) -> None:
    base, _ = server
    assert get(base, "/archive.json", sql="select 1")[0] == 403
    assert get(base, "/archive", sql="select 1")[0] == 403
    assert rows(base, "/archive/failing_checks.json")  # canned queries still answer


@pytest.mark.parametrize("sql", ["select zeroblob(50000000)",
                                 "select length(randomblob(300000000))",
                                 "select hex(zeroblob(10000000))"])
def test_huge_values_fail_at_once_and_small(sql_server, sql: str) -> None:
    base, _ = sql_server
    status, _, body = get(base, "/archive.json", sql=sql)
    assert status == 400 and len(body) < 2000
    assert json.loads(body)["error"] == "string or blob too big"


def test_many_large_rows_stop_at_the_result_budget(sql_server) -> None:
    base, _ = sql_server  # 1,000 rows of 10 MB: 10 GB if nothing stopped it
    sql = ("with recursive r(n, x) as (select 1, zeroblob(10000000) union all"
           " select n + 1, x from r where n < 1000) select n, x from r")
    status, _, body = get(base, "/archive.json", sql=sql)
    assert status == 400 and len(body) < 2000
    assert json.loads(body)["error"].startswith("results too large")
    assert rows(base, "/archive.json", sql="select 2 as two") == [{"two": 2}]  # still serving


PAGES = ["/", "/-/search?q=%E4%BD%8E%E4%BF%9D", "/-/report/1", "/-/body/1", "/archive",
         "/archive/report_list", "/archive/reports/1", "/archive/copies_view",
         "/-/databases.json", "/-/databases", "/-/metadata.json", "/-/plugins.json",
         "/-/settings.json", "/-/versions.json", "/archive.json", "/archive/coverage",
         "/archive/reports.json?sql=select%201", "/-/view/" + "0" * 64, "/nothing-here"]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_shows_a_filesystem_path_and_every_one_is_nosniff(server, path: str) -> None:
    base, root = server
    status, headers, body = get(base, path)
    text = body.decode("utf-8", "replace")
    assert str(root.resolve()) not in text and str(root) not in text
    assert not re.search(r"/(tmp|root|home|usr)/", text), re.search(r"/(tmp|root|home|usr)/.{40}", text)
    assert headers["x-content-type-options"] == "nosniff", status


@pytest.mark.parametrize("path", ["/archive.db/0", "/nothing-here", "/archive/reports/0"])
def test_a_malformed_path_gets_its_404_page_and_no_traceback_in_the_log(server, path: str) -> None:
    base, root = server
    log = root.parent / "serve.log"
    before = log.read_text()
    status, headers, body = get(base, path)
    assert (status, headers["content-type"].split(";")[0]) == (404, "text/html")
    assert "Error 404" in body.decode()
    assert log.read_text() == before  # a visitor's bad URL is not the server's error


def test_databases_json_lists_the_archive_without_its_path(server) -> None:
    base, _ = server
    status, _, body = get(base, "/-/databases.json")
    assert status == 200
    assert [d["name"] for d in json.loads(body)] == ["archive"]
    assert all("path" not in d for d in json.loads(body))


def _copy(root: Path, fmt: str) -> tuple[str, bytes, str]:
    with Archive.open(root) as archive:
        sha, name = archive.db.execute(
            "SELECT sha256, filename FROM copies WHERE format = ? ORDER BY sha256",
            [fmt]).fetchone()
        return sha, archive.blobs.read(sha), name


def test_a_pdf_original_opens_inline(server) -> None:
    base, root = server
    sha, data, name = _copy(root, "pdf")
    status, headers, body = get(base, f"/-/view/{sha}")
    assert status == 200 and body == data
    assert headers["content-type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith(f'inline; filename="{name}"')
    assert headers["x-content-type-options"] == "nosniff"


def test_an_html_original_is_shown_as_text_never_as_html(server) -> None:
    base, root = server
    sha, data, name = _copy(root, "html")
    status, headers, body = get(base, f"/-/view/{sha}")
    assert status == 200 and body == data
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["Content-Disposition"].startswith("inline;")
    status, headers, body = get(base, f"/-/blob/{sha}")  # the download keeps its type
    assert headers["content-type"] == "text/html" and headers["Content-Disposition"].startswith(
        "attachment;")
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("mime, data, kind, disposition", [
    ("application/pdf", b"%PDF-1.4", "application/pdf", "inline"),
    ("image/png", b"\x89PNG", "image/png", "inline"),
    ("text/html", "<p>年报</p>".encode("gb18030"), "text/plain; charset=gb18030", "inline"),
    ("text/plain", "年报".encode(), "text/plain; charset=utf-8", "inline"),
    ("image/svg+xml", b"<svg/>", "image/svg+xml", "attachment"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "attachment"),
    ("application/msword", b"\xd0\xcf", "application/msword", "attachment"),
    (None, b"?", "application/octet-stream", "attachment"),
])
def test_inline_only_for_safe_types(mime, data, kind, disposition) -> None:
    from archive.originals import view

    how = view(mime, "报告.x", data)
    assert (how.content_type, how.disposition) == (kind, disposition)
    assert how.headers()["Content-Disposition"].startswith(disposition + ";")


def test_serve_on_a_busy_port_says_so_before_serving(server, tmp_path: Path) -> None:
    base, root = server
    port = base.rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, "-m", "crawler.cli", "serve", "--archive", str(root),
                           "--port", port], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Serving" not in done.stderr
    assert done.stderr.strip() == f"Error: cannot serve on 127.0.0.1:{port}: Address already in use"
