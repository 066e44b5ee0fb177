"""Schema upkeep: an archive written before m002 (one report per agency spelling, the old
per-character index) is migrated on open: agencies resolved, spellings of one body merged
into one report, the exact index rebuilt, views created."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlite_utils import Database

from archive.db import Archive
from archive.identity import assign_agencies
from archive.migrations import migrations
from archive.search import search
from tests.synthetic_archive import canonical_report, simple_applications

T = "2024-01-01T00:00:00+00:00"


def _old_archive(root: Path) -> None:
    """What the m001 code wrote: reports keyed by the agency as written."""
    root.mkdir()
    (root / "blobs").mkdir()
    db = Database(root / "archive.db")
    migrations.apply(db, stop_before="m002_agencies")
    for rid, (name, url) in enumerate([("沙坡头区东园镇人民政府", "http://www.spt.gov.cn/a.html"),
                                       ("东园镇人民政府", "http://www.spt.gov.cn/b.html")], 1):
        report = canonical_report(name, 2020, {"1": "办理低保事项。"},
                                  tables=simple_applications(rid, 0, 0))
        sha = hashlib.sha256(name.encode()).hexdigest()
        text = report["title"] + "\n办理低保事项。"
        db.execute("INSERT INTO reports (id, agency_key, agency, year, template, title, tables,"
                   " checks, text, primary_sha256) VALUES (?, ?, ?, 2020, '2019', ?, ?, '[]', ?, ?)",
                   [rid, name, name, report["title"], json.dumps(report["tables"]), text, sha])
        db.execute("INSERT INTO copies (sha256, size, format, status, report_id, parse,"
                   " first_seen) VALUES (?, 1, 'html', 'parsed', ?, ?, ?)",
                   [sha, rid, json.dumps(report, ensure_ascii=False), f"{T}{rid}"])
        db.execute("INSERT INTO sightings (sha256, url, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                   [sha, url, T, T])
        db.execute("INSERT INTO reports_fts(rowid, body) VALUES (?, ?)", [rid, " ".join(text)])
    db.close()


def test_an_m001_archive_is_migrated_and_its_spellings_merged(tmp_path: Path) -> None:
    _old_archive(tmp_path / "old")
    with Archive.open(tmp_path / "old") as archive:
        applied = [r["name"] for r in archive.db.query(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'nianbao.archive'")]
        reports = archive.list_reports()
        hits = search(archive.db, "低保", limit=0)
        agencies = list(archive.db.query("SELECT name, region FROM agencies"))
        names = {r["name"] for r in archive.db.query("SELECT name FROM agency_names")}
        views = set(archive.db.view_names())
    assert applied[1:] == ["m002_agencies", "m003_exact_search_index", "m004_labels_and_views",
                           "m005_compact_cells", "m006_agency_name_indexes",
                           "m007_views_without_row_reads", "m008_kinds_flags_related",
                           "m009_sighting_context", "m010_sighting_warc_records",
                           "m011_store_once", "m012_compact_cells_and_parse",
                           "m013_compact_provenance", "m014_index_without_positions",
                           "m015_text_last", "m016_hit_list_index",
                         "m017_archive_state", "m018_index_hash_size"]
    assert agencies == [{"name": "东园镇", "region": "沙坡头区"}]
    assert len(reports) == 1 and len(reports[0]["copies"]) == 2
    assert reports[0]["id"] == 1  # the first report kept its id
    assert [h.id for h in hits] == [1]
    assert names == {"沙坡头区东园镇人民政府", "东园镇人民政府"}
    assert {"report_list", "applications_view", "cross_year_checks"} <= views


def test_reopening_resolves_nothing_again(tmp_path: Path) -> None:
    _old_archive(tmp_path / "old")
    Archive.open(tmp_path / "old").close()
    with Archive.open(tmp_path / "old") as archive:
        before = archive.db.execute("SELECT max(updated_at) FROM reports").fetchone()
        assign_agencies(archive)
        assert archive.db.execute("SELECT max(updated_at) FROM reports").fetchone() == before
        assert archive.db.execute("SELECT count(*) FROM agencies").fetchone()[0] == 1


def _m010_archive(root: Path, sections: list[object]) -> None:
    """Reports as the code before m011 wrote them: `sections` JSON beside `text`."""
    root.mkdir()
    (root / "blobs").mkdir()
    db = Database(root / "archive.db")
    migrations.apply(db, stop_before="m011_store_once")
    for rid, parts in enumerate(sections, 1):
        sha = f"{rid:064x}"
        title = f"{rid}号镇2021年政府信息公开工作年度报告"
        text = title + "\n" + "\n".join(
            v for k, v in (parts or {}).items() if k in "123456" and v is not None)
        parse = {"title": title, "agency": title, "year": 2021, "template": None,
                 "contact": None, "sections": parts, "tables": None, "checks": []}
        db.execute("INSERT INTO copies (sha256, size, format, status, first_seen, parse)"
                   " VALUES (?, 1, 'html', 'parsed', ?, ?)",
                   [sha, T, json.dumps(parse, ensure_ascii=False)])
        db.execute("INSERT INTO reports (id, agency_key, agency, year, title, sections, checks,"
                   " text, primary_sha256) VALUES (?, ?, ?, 2021, ?, ?, '[]', ?, ?)",
                   [rid, title, title, title, json.dumps(parts, ensure_ascii=False), text, sha])
        db.execute("UPDATE copies SET report_id = ? WHERE sha256 = ?", [rid, sha])
    db.close()


def test_m011_keeps_every_section_and_the_search(tmp_path: Path) -> None:
    """sections becomes a column cut from text: every shape reads back as it was written,
    the odd ones (other keys, missing keys) kept verbatim; the rebuilt index finds them."""
    canonical = {"1": "办理低保事项。\n第二行", "2": None, "3": "", "4": "信访", "5": None,
                 "6": "（一）六"}
    odd = [{"1": "只有一", "7": "其他"}, {"2": "二"}, None]
    _m010_archive(tmp_path / "a", [canonical, *odd])
    with Archive.open(tmp_path / "a") as archive:
        got = [json.loads(r[0]) if r[0] else None for r in archive.db.execute(
            "SELECT sections FROM reports ORDER BY id")]
        spans = [r[0] for r in archive.db.execute("SELECT section_spans FROM reports")]
        assert {h.id for h in search(archive.db, "低保", limit=0)} == {1}
        assert {h.id for h in search(archive.db, "第二行", limit=0)} == {1}
        assert {h.id for h in search(archive.db, "二", limit=0)} == {1, 3}
    assert got == [canonical, *odd]
    assert spans[0] is not None and spans[1:] == [None, None, None]


def test_m014_m015_keep_reports_checks_and_search(tmp_path: Path) -> None:
    """m014 rebuilds both indexes without positions, m015 moves `text` last: with foreign
    keys on (checks cascade on a report's delete) no check, text or section is lost, and a
    term the index cannot answer alone (four or more characters) is still found exactly."""
    _m010_archive(tmp_path / "a", [{"1": "办理低保事项。", "4": "信访"}, {"1": "低保，办理，事项"}])
    db = Database(tmp_path / "a" / "archive.db")
    migrations.apply(db, stop_before="m014_index_without_positions")
    db.execute("INSERT INTO checks (report_id, rule, status) VALUES (1, 'r1', 'pass'),"
               " (2, 'r2', 'fail')")
    db.execute("INSERT INTO related_documents (sha256, kind, text) VALUES (?, 'notice', ?)",
               ["f" * 64, "关于做好低保事项公开的通知"])
    db.close()
    with Archive.open(tmp_path / "a") as archive:
        columns = [r[1] for r in archive.db.execute("PRAGMA table_xinfo(reports)")]
        stored = [r[1] for r in archive.db.execute("PRAGMA table_info(reports)")]
        checks = archive.db.execute("SELECT report_id, rule FROM checks ORDER BY 1").fetchall()
        sections = json.loads(archive.db.execute(
            "SELECT sections FROM reports WHERE id = 1").fetchone()[0])
        hits = [(h.kind, h.id) for h in search(archive.db, "低保事项", limit=0, related=True)]
        apart = search(archive.db, "办理 事项", limit=0)
    assert columns[-2:] == ["text", "sections"] and stored[-1] == "text"
    assert checks == [(1, "r1"), (2, "r2")]
    assert sections["1"] == "办理低保事项。" and sections["4"] == "信访"
    assert hits == [("report", 1), ("notice", 1)]
    assert {h.id for h in apart} == {1, 2}


def test_m018_sets_the_index_hash_size_and_keeps_the_search(tmp_path: Path) -> None:
    """m018 changes only the indexes' write options (no token, no row): what the index held
    before is found after it, and after a rebuild with the new size."""
    from archive.search import INDEX_HASHSIZE, rebuild_index

    _m010_archive(tmp_path / "a", [{"1": "办理低保事项。", "4": "信访"}, {"1": "低保，办理，事项"}])
    db = Database(tmp_path / "a" / "archive.db")
    migrations.apply(db, stop_before="m018_index_hash_size")
    db.close()
    with Archive.open(tmp_path / "a") as archive:
        sizes = [archive.db.execute(f"SELECT v FROM {t}_config WHERE k = 'hashsize'").fetchone()
                 for t in ("reports_fts", "related_fts")]
        found = {h.id for h in search(archive.db, "低保事项", limit=0)}
        apart = {h.id for h in search(archive.db, "办理 事项", limit=0)}
        assert rebuild_index(archive.db) == 2
        again = {h.id for h in search(archive.db, "低保", limit=0)}
    assert sizes == [(INDEX_HASHSIZE,), (INDEX_HASHSIZE,)]
    assert found == {1} and apart == {1, 2} and again == {1, 2}
