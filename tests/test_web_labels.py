"""Chinese on Datasette's own table pages (issue 12): every table and view a person can reach
in `nianbao serve` (the archive's and the crawl state's) has a Chinese title and a Chinese
description of every column; the internal tables stay off the database page. A real
`nianbao serve` child over the sample archive with the crawl state's tables added
(crawlstate.tables.CrawlState migrates them, as a crawl does)."""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.web import INTERNAL
from crawlstate.tables import CrawlState
from tests.synthetic_archive import sample_archive
from tests.test_web import get, serving

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("labels")
    root = sample_archive(tmp / "data")
    db = Database(root / "archive.db")
    CrawlState(db)
    db.close()
    with serving(root, tmp / "serve.log") as base:
        yield base, root


def schema(root: Path) -> dict[str, list[str]]:
    """Every table and view but SQLite's own and the full-text index's, with its columns
    (generated ones included)."""
    conn = sqlite3.connect(root / "archive.db")
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name")]
    out = {n: [c[1] for c in conn.execute(f"PRAGMA table_xinfo([{n}])")] for n in names}
    conn.close()
    return out


def test_every_table_and_column_has_a_chinese_title_and_description(site) -> None:
    base, root = site
    status, _, body = get(base, "/-/metadata.json")
    assert status == 200
    tables = json.loads(body)["databases"]["archive"]["tables"]
    found = schema(root)
    assert {"crawl_failures", "crawl_urls", "runs", "sightings", "cells"} <= set(found)
    for name, columns in found.items():
        assert CJK.search(tables.get(name, {}).get("title", "")), name
        described = tables[name].get("columns", {})
        missing = [c for c in columns if not CJK.search(described.get(c, ""))]
        assert not missing, (name, missing)


def test_table_pages_show_the_chinese_title_and_column_descriptions(site) -> None:
    base, _ = site
    status, _, body = get(base, "/archive/sightings")
    text = body.decode("utf-8")
    assert status == 200 and "<h1>网址（每次发现）</h1>" in text
    assert 'data-column-description="WARC 记录偏移（字节）"' in text
    status, _, body = get(base, "/archive/crawl_failures")
    text = body.decode("utf-8")
    assert status == 200 and "<h1>抓取失败的网址</h1>" in text
    assert "<dt>tries</dt><dd>尝试次数</dd>" in text


def test_internal_tables_stay_off_the_database_page(site) -> None:
    base, _ = site
    status, _, body = get(base, "/archive.json")
    assert status == 200
    hidden = {t["name"]: t["hidden"] for t in json.loads(body)["tables"]}  # views: always listed
    present = set(INTERNAL) & set(hidden)
    assert {"crawl_failures", "crawl_warc_records", "sightings", "runs"} <= present
    assert all(hidden[name] for name in present)
    assert not hidden["reports"] and not hidden["agencies"]
