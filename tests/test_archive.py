"""Archive: blob store, copy/sighting dedup, parse storage and the report upsert."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive.blobs import BlobStore
from archive.db import Archive
from archive.errors import InvalidRecord, NoArchive, NotFound
from archive.records import CopyRecord, ParsedCopy, Sighting

T1, T2, T3 = "2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00"


def sha(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()


def make_report(agency: str = "东园镇人民政府", year: int = 2021, **cells: Any) -> dict[str, Any]:
    """A minimal canonical report; `cells` are applications.new_received columns."""
    row = {"natural_person": 3, "commercial_enterprise": 0, "total": None}
    row.update(cells)
    return {
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "year": year,
        "template": "2021",
        "contact": {"address": None, "postcode": None, "phone": "0955-1", "email": None},
        "sections": {"1": "总体情况。", "2": "主动公开。", "3": None, "4": None, "5": None,
                     "6": None},
        "tables": {"applications": {"new_received": row}},
        "checks": [],
    }


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive.open(tmp_path / "data") as a:
        yield a


def add(archive: Archive, name: str, fmt: str = "html", seen: str = T1) -> str:
    digest = sha(name)
    archive.add_copy(CopyRecord(digest, len(name), f"x/{fmt}", fmt, f"{name}.{fmt}", seen))
    return digest


def parsed(digest: str, report: dict[str, Any], **kw: Any) -> ParsedCopy:
    return ParsedCopy(digest, "parsed", report, parser_version="t1", **kw)


# -- blobs ------------------------------------------------------------------------------

def test_blob_put_is_idempotent_content_addressed_and_verifiable(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    digest = store.put(b"report bytes")
    assert digest == hashlib.sha256(b"report bytes").hexdigest()
    assert store.put(b"report bytes") == digest
    assert store.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert store.has(digest) and store.read(digest) == b"report bytes"
    assert [p.name for p in store.path(digest).parent.iterdir()] == [digest]  # no temp left
    assert store.verify(digest)
    store.path(digest).write_bytes(b"tampered")
    assert not store.verify(digest)
    other = sha("never stored")
    assert not store.has(other) and not store.verify(other)


def test_blob_rejects_a_name_that_is_not_a_sha256(tmp_path: Path) -> None:
    with pytest.raises(InvalidRecord):
        BlobStore(tmp_path).path("../../etc/passwd")


# -- open -------------------------------------------------------------------------------

def test_open_creates_migrated_wal_archive_and_reopens(tmp_path: Path) -> None:
    root = tmp_path / "new"
    with Archive.open(root) as a:
        assert (root / "archive.db").is_file() and (root / "blobs").is_dir()
        assert a.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert a.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert {"copies", "sightings", "reports", "cell_values", "cell_keys", "checks",
                "runs"} <= set(a.db.table_names())
        assert "cells" in a.db.view_names()  # m012: the readable cells
    with Archive.open(root) as a:  # a second open applies nothing twice
        names = [r["name"] for r in a.db.query(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'nianbao.archive'")]
        assert names == ["m001_initial", "m002_agencies", "m003_exact_search_index",
                         "m004_labels_and_views", "m005_compact_cells", "m006_agency_name_indexes",
                         "m007_views_without_row_reads", "m008_kinds_flags_related",
                         "m009_sighting_context", "m010_sighting_warc_records",
                         "m011_store_once",
                         "m012_compact_cells_and_parse",
                         "m013_compact_provenance", "m014_index_without_positions",
                         "m015_text_last", "m016_hit_list_index",
                         "m017_archive_state", "m018_index_hash_size"]


def test_open_without_create_raises_noarchive(tmp_path: Path) -> None:
    with pytest.raises(NoArchive):
        Archive.open(tmp_path / "missing", create=False)
    assert not (tmp_path / "missing").exists()


# -- copies and sightings ---------------------------------------------------------------

def test_same_copy_at_two_urls_is_one_copy_two_sightings(archive: Archive) -> None:
    digest = sha("a")
    rec = CopyRecord(digest, 1, "text/html", "html", "a.html", T2)
    assert archive.add_copy(rec) is True
    assert archive.add_copy(CopyRecord(digest, 1, "text/html", "html", None, T1)) is False
    assert archive.add_copy(CopyRecord(digest, 1, "text/html", "html", None, T3)) is False
    assert archive.has_copy(digest) and not archive.has_copy(sha("b"))
    assert archive.add_sighting(Sighting(digest, "http://a/1", T1, etag="e1")) is True
    assert archive.add_sighting(Sighting(digest, "http://a/2", T1)) is True
    assert archive.add_sighting(Sighting(digest, "http://a/1", T2, etag="e2")) is False
    copy = archive.db.execute(
        "SELECT count(*), min(first_seen), max(last_seen), min(filename) FROM copies").fetchone()
    assert copy == (1, T1, T3, "a.html")
    rows = {r["url"]: r for r in archive.db.query("SELECT * FROM sightings")}
    assert set(rows) == {"http://a/1", "http://a/2"}
    assert rows["http://a/1"]["times_seen"] == 2 and rows["http://a/2"]["times_seen"] == 1
    assert (rows["http://a/1"]["first_seen"], rows["http://a/1"]["last_seen"]) == (T1, T2)
    assert rows["http://a/1"]["etag"] == "e2"


def test_an_older_sighting_does_not_overwrite_newer_validators(archive: Archive) -> None:
    digest = add(archive, "a")
    archive.add_sighting(Sighting(digest, "http://a/1", T3, etag="new", link_text="年报"))
    archive.add_sighting(Sighting(digest, "http://a/1", T1, etag="old", link_text="x"))
    row = next(archive.db.query("SELECT * FROM sightings"))
    assert (row["etag"], row["link_text"], row["first_seen"], row["last_seen"]) == (
        "new", "年报", T1, T3)


def test_sighting_of_unknown_copy_raises_notfound(archive: Archive) -> None:
    with pytest.raises(NotFound):
        archive.add_sighting(Sighting(sha("nope"), "http://a/1", T1))


# -- parses and reports -----------------------------------------------------------------

def test_html_and_pdf_of_one_report_are_one_report_with_two_copies(archive: Archive) -> None:
    html, pdf = add(archive, "r-html", "html", T1), add(archive, "r-pdf", "pdf", T2)
    archive.add_sighting(Sighting(html, "http://gov/r.html", T1))
    archive.add_sighting(Sighting(pdf, "http://gov/r.pdf", T2))
    first = archive.save_parse(parsed(html, make_report()))
    second = archive.save_parse(parsed(pdf, make_report(agency="东园镇 人民政府")))
    assert first == second is not None
    reports = archive.list_reports()
    assert len(reports) == 1
    copies = reports[0]["copies"]
    assert {c["format"] for c in copies} == {"html", "pdf"}
    assert {u["url"] for c in copies for u in c["urls"]} == {"http://gov/r.html",
                                                            "http://gov/r.pdf"}
    assert archive.counts()["reports"] == 1 and archive.counts()["copies"] == 2
    ids = {r["report_id"] for r in archive.db.query("SELECT report_id FROM copies")}
    assert ids == {first}


def test_other_year_or_agency_is_another_report(archive: Archive) -> None:
    a, b, c = add(archive, "a"), add(archive, "b"), add(archive, "c")
    ids = {archive.save_parse(parsed(a, make_report(year=2020))),
           archive.save_parse(parsed(b, make_report(year=2021))),
           archive.save_parse(parsed(c, make_report(agency="白沙镇人民政府")))}
    assert len(ids) == 3
    assert [(r["agency"], r["year"]) for r in archive.list_reports()] == [
        ("东园镇人民政府", 2020), ("东园镇人民政府", 2021), ("白沙镇人民政府", 2021)]


def test_primary_is_the_copy_with_strictly_more_cells(archive: Archive) -> None:
    html, pdf, doc = add(archive, "h"), add(archive, "p", "pdf"), add(archive, "d", "doc")
    rid = archive.save_parse(parsed(html, make_report(commercial_enterprise=None)))
    archive.save_parse(parsed(pdf, make_report(total=3)))  # 3 cells beat 1
    assert archive.get_report(rid)["primary_sha256"] == pdf
    assert archive.get_report(rid)["tables"]["applications"]["new_received"]["total"] == 3
    tie = make_report(total=9)
    archive.save_parse(parsed(doc, tie))  # 3 cells too: the tie keeps the first
    report = archive.get_report(rid)
    assert report["primary_sha256"] == pdf
    assert any("differs from the primary in 1 cells" in f for f in report["flags"])
    totals = [r[0] for r in archive.db.execute(
        "SELECT value FROM cells WHERE column_key = 'total'")]
    assert totals == [3]  # the cells are the primary copy's


def test_blank_cell_is_null_with_is_blank_and_zero_stays_zero(archive: Archive) -> None:
    digest = add(archive, "a")
    prov = {"applications/new_received/natural_person": "table 3 row 1 col 1"}
    rid = archive.save_parse(parsed(digest, make_report(), provenance=prov))
    cells = {r["column_key"]: r for r in archive.db.query(
        "SELECT * FROM cells WHERE report_id = ?", [rid])}
    assert set(cells) == {"natural_person", "commercial_enterprise", "total"}
    assert (cells["total"]["value"], cells["total"]["is_blank"]) == (None, 1)
    assert (cells["commercial_enterprise"]["value"],
            cells["commercial_enterprise"]["is_blank"]) == (0, 0)
    assert cells["natural_person"]["value"] == 3
    assert cells["natural_person"]["provenance"] == "table 3 row 1 col 1"
    assert archive.get_report(rid)["provenance"] == prov


def test_money_stays_decimal_and_checks_are_rows(archive: Archive) -> None:
    digest = add(archive, "a")
    report = make_report(natural_person=1.25)
    report["checks"] = [{"rule": "applications.row_total.new_received", "status": "fail",
                         "left": 1.25, "right": 0}]
    rid = archive.save_parse(parsed(digest, report))
    value = archive.db.execute("SELECT value FROM cells WHERE column_key = 'natural_person'")
    assert value.fetchone()[0] == 1.25
    rows = list(archive.db.query('SELECT rule, status, "left", "right" FROM checks'))
    assert rows == [{"rule": "applications.row_total.new_received", "status": "fail",
                     "left": 1.25, "right": 0}]
    assert archive.get_report(rid)["checks"] == report["checks"]


def test_reparse_rewrites_cells_and_drops_an_orphaned_report(archive: Archive) -> None:
    digest = add(archive, "a")
    rid = archive.save_parse(parsed(digest, make_report(natural_person=3)))
    assert archive.save_parse(parsed(digest, make_report(natural_person=7))) == rid
    values = [r[0] for r in archive.db.execute("SELECT value FROM cells WHERE column_key = "
                                               "'natural_person'")]
    assert values == [7]
    assert archive.save_parse(ParsedCopy(digest, "not_report")) is None
    assert archive.list_reports() == []
    assert archive.db.execute("SELECT count(*) FROM cells").fetchone()[0] == 0
    with pytest.raises(NotFound):
        archive.get_report(rid)


def test_failed_and_not_report_copies_are_counted(archive: Archive) -> None:
    bad, other, good = add(archive, "bad", "pdf"), add(archive, "other"), add(archive, "ok")
    add(archive, "unparsed")
    archive.add_sighting(Sighting(bad, "http://gov/bad.pdf", T1))
    archive.save_parse(ParsedCopy(bad, "failed", error="PDF has no text layer"))
    archive.save_parse(ParsedCopy(other, "not_report"))
    archive.save_parse(parsed(good, make_report()))
    assert archive.counts() == {"reports": 1, "copies": 4, "sightings": 1, "parsed": 1,
                                "failed": 1, "not_report": 1, "unparsed": 1, "related": 0}
    assert archive.failed_copies() == [{"sha256": bad, "filename": "bad.pdf",
                                        "error": "PDF has no text layer",
                                        "urls": ["http://gov/bad.pdf"]}]


def test_get_report_has_canonical_keys(archive: Archive) -> None:
    digest = add(archive, "a")
    report = make_report()
    rid = archive.save_parse(parsed(digest, report, flags=["guessed a row"]))
    got = archive.get_report(rid)
    for key in ("title", "agency", "year", "template", "contact", "sections", "tables",
                "checks"):
        assert got[key] == report[key], key
    assert got["id"] == rid and got["flags"] == ["guessed a row"]
    assert got["text"] == report["title"] + "\n总体情况。\n主动公开。"
    assert [c["sha256"] for c in got["copies"]] == [digest]


def test_unknown_ids_raise_notfound(archive: Archive) -> None:
    with pytest.raises(NotFound):
        archive.get_report(42)
    with pytest.raises(NotFound):
        archive.save_parse(parsed(sha("never added"), make_report()))
    with pytest.raises(NotFound):
        archive.finish_run(42, "done", {})


@pytest.mark.parametrize("change", [{"year": None}, {"year": "2021"},
                                    {"agency": None, "title": None},
                                    {"tables": {"t": {"r": {"c": "12"}}}}])
def test_malformed_report_is_rejected_before_any_write(archive: Archive,
                                                       change: dict[str, Any]) -> None:
    digest = add(archive, "a")
    with pytest.raises(InvalidRecord):
        archive.save_parse(parsed(digest, {**make_report(), **change}))
    row = next(archive.db.query("SELECT status, report_id FROM copies"))
    assert row == {"status": None, "report_id": None}


def test_agency_null_keys_the_report_by_title(archive: Archive) -> None:
    a, b = add(archive, "a"), add(archive, "b")
    report = {**make_report(), "agency": None}
    assert archive.save_parse(parsed(a, report)) == archive.save_parse(parsed(b, report))
    key = archive.db.execute("SELECT agency_key FROM reports").fetchone()[0]
    assert key == report["title"]


def test_runs_are_recorded(archive: Archive) -> None:
    run_id = archive.start_run("demo")
    digest = add(archive, "a")
    archive.add_sighting(Sighting(digest, "http://a/1", T1, run_id=run_id))
    archive.finish_run(run_id, "finished", {"item_scraped_count": 3})
    row = next(archive.db.query("SELECT * FROM runs"))
    assert (row["target"], row["status"], row["stats"]) == (
        "demo", "finished", '{"item_scraped_count": 3}')
    assert row["started_at"] and row["finished_at"]


def test_sighting_with_unknown_run_violates_the_foreign_key(archive: Archive) -> None:
    digest = add(archive, "a")
    with pytest.raises(sqlite3.IntegrityError):
        archive.add_sighting(Sighting(digest, "http://a/1", T1, run_id=99))


def test_newest_version_at_a_url_becomes_the_primary_copy(archive: Archive) -> None:
    """A revised report (same URL, new bytes, same number of cells) replaces the old one."""
    from crawlstate.tables import CrawlState, Fetch

    state = CrawlState(archive.db)
    url = "http://127.0.0.1/xxgk/report.html"
    old, new = add(archive, "v1", seen=T1), add(archive, "v2", seen=T1)
    state.record_document(Fetch(url=url, seen_at=T1, sha256=old))
    archive.save_parse(parsed(old, make_report(natural_person=3)))
    state.record_document(Fetch(url=url, seen_at="2026-02-01T00:00:00+00:00", sha256=new))
    report_id = archive.save_parse(parsed(new, make_report(natural_person=5)))
    report = archive.get_report(report_id)
    assert report["primary_sha256"] == new
    assert report["tables"]["applications"]["new_received"]["natural_person"] == 5
