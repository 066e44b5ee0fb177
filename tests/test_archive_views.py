"""The tables as SQL: readable views over `cells`, and every query of docs/sql.md run
against the sample archive (several bodies, several years, several spellings)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive.db import Archive
from archive.records import ParsedCopy, decode_parse
from tests.synthetic_archive import canonical_report, random_tables, sample_archive, store_report

DOC = Path(__file__).resolve().parent.parent / "docs" / "sql.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    root = sample_archive(tmp_path_factory.mktemp("views") / "data")
    with Archive.open(root) as archive:  # the parser doubted one cell of 文昌镇's 2021 report
        sha, parse = archive.db.execute(
            "SELECT c.sha256, c.parse FROM copies c JOIN sightings s ON s.sha256 = c.sha256"
            " WHERE s.url LIKE '%wcz-2021%'").fetchone()
        archive.save_parse(ParsedCopy(sha, "parsed", decode_parse(parse), cell_flags={
            "applications/new_received/total": "total read by position"}))
    return Database(root / "archive.db")


def rows(db: Database, sql: str) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql).fetchall()]


def test_every_documented_query_runs_and_returns_rows(db: Database) -> None:
    assert len(QUERIES) == 10
    for sql in QUERIES:
        assert rows(db, sql), sql


def test_flagged_cells_with_their_reason(db: Database) -> None:
    assert rows(db, QUERIES[8]) == [("文昌镇", 2021, "三、收到和处理政府信息公开申请情况",
                                     "一、本年新收政府信息公开申请数量", "总计", 2,
                                     "total read by position")]


def test_towns_with_more_than_ten_applications_in_2023(db: Database) -> None:
    assert rows(db, QUERIES[0]) == [("东园镇", "中卫市沙坡头区", 15), ("柔远镇", "沙坡头区", 11)]


def test_one_body_across_years_under_its_names(db: Database) -> None:
    got = rows(db, QUERIES[1])
    assert [r[0] for r in got] == [2019, 2020, 2021, 2022, 2023]
    assert got[2] == (2021, "东园镇", 5, 5) and got[0][1] == "中卫市沙坡头区东园镇人民政府"


def test_blank_cells_are_listed_and_zeros_are_not(db: Database) -> None:
    assert rows(db, QUERIES[2]) == [
        ("文昌镇", 2020, "三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理", "自然人"),
        ("文昌镇", 2020, "三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理", "总计")]


def test_cross_year_failures_and_coverage_queries(db: Database) -> None:
    assert rows(db, QUERIES[3]) == [
        ("东园镇", "中卫市沙坡头区", 2020, 2021, "自然人", 3, 1),
        ("东园镇", "中卫市沙坡头区", 2020, 2021, "总计", 3, 1)]
    coverage = {r[0]: (r[1], r[2]) for r in rows(db, QUERIES[4])}
    assert coverage["沙坡头区文昌镇"] == ("2020,2021,2023", 2)
    assert coverage["中卫市沙坡头区东园镇"][1] == 0


def test_year_over_year_change(db: Database) -> None:
    dyz = [r for r in rows(db, QUERIES[6]) if r[0] == "东园镇"]
    assert [(r[1], r[2], r[3]) for r in dyz] == [
        (2019, 12, None), (2020, 8, -4), (2021, 5, -3), (2022, 3, -2), (2023, 15, 12)]


def test_wide_views_keep_blank_distinct_from_zero(tmp_path: Path) -> None:
    import random

    with Archive.open(tmp_path / "a") as archive:
        tables = random_tables(random.Random(1), "2019")
        tables["applications"]["granted"]["commercial_enterprise"] = None
        tables["review_litigation"]["review"]["pending"] = 2
        rid = store_report(archive, canonical_report("甲镇", 2020, tables=tables), "x")
        apps = {r["row_key"]: r for r in archive.db.query(
            "SELECT * FROM applications_view WHERE report_id = ?", [rid])}
        review = next(archive.db.query("SELECT * FROM review_litigation_view"
                                       " WHERE row_key = 'review'"))
        active = {r["row_key"]: r for r in archive.db.query("SELECT * FROM active_disclosure_view")}
    assert set(apps) == set(tables["applications"])  # one row per table row the report has
    assert apps["granted"]["commercial_enterprise"] is None
    assert apps["granted"]["row_label"] == "（一）予以公开"
    assert apps["new_received"]["natural_person"] == tables["applications"]["new_received"][
        "natural_person"]
    assert (review["pending"], review["upheld"], review["row_label"]) == (2, 0, "行政复议")
    assert active["procurement"]["count"] == tables["active_disclosure"]["procurement"]["count"]
    assert active["rules"]["issued"] is None  # a 2019-template report has no such column


def test_a_wide_view_query_looks_cells_up_by_key(db: Database) -> None:
    plan = [r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM applications_view WHERE year = 2023")]
    assert not [step for step in plan if step.startswith("SCAN")], plan
    # seven columns, the row's EXISTS and its flags: each a primary-key lookup
    assert sum("USING PRIMARY KEY (report_id=? AND key_id=?)" in s for s in plan) == 9
