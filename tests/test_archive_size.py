"""Issue 13, archive size (m012, m013): cells stored with integer keys behind the `cells`
view, `copies.parse` and `copies.provenance` stored as zlib, `reports.tables` read from the
primary copy's parse. An
archive written at m011 upgrades in place and reads back the same reports, cells and parses.
(The size itself is measured by benchmarks/size.py, not here.)"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive.db import Archive
from archive.errors import ArchiveError
from archive.migrations import migrations
from archive.records import (PARSE_ZLIB_V1, ParsedCopy, decode_parse, decode_parse_json,
                             encode_parse, encode_parse_json)
from archive.search import report_text, search
from archive.shape import iter_cells, section_columns
from tests.synthetic_archive import canonical_report, random_tables, store_report

T = "2024-01-01T00:00:00+00:00"
CELLS = ("SELECT report_id, table_name, row_key, column_key, value, typeof(value),"
         " is_blank, provenance, flag FROM cells"
         " ORDER BY report_id, table_name, row_key, column_key")
REPORT_COLUMNS = ("id, agency_key, agency, year, template, title, contact, checks, text,"
                  " primary_sha256, flags, first_seen, updated_at, agency_id, fts_rowid, kind,"
                  " primary_reason, disagreements, section_spans, sections_raw, sections")


def _reports() -> list[tuple[str, dict[str, Any], dict[str, str], dict[str, str]]]:
    """(copy name, report, provenance, cell flags): a 2019 and a 2021 report with a blank
    cell, money as a float (3.0 stays 3 in cells, 3.0 in the parse), provenance, a flag and
    a cell outside the forms' keys; the second report has two copies that disagree."""
    rng = random.Random(7)
    a = canonical_report("东园镇", 2020, {"1": "办理低保事项。", "3": "依申请公开。"},
                         tables=random_tables(rng, "2019"))
    a["tables"]["applications"]["carried_over"]["natural_person"] = None
    a["tables"]["active_disclosure"]["procurement"]["amount"] = 3.0
    a["tables"]["applications"]["new_received"]["extra_column"] = 4
    a["checks"] = [{"rule": "applications.balance.total", "status": "pass", "left": 1,
                    "right": 1}]
    b = canonical_report("文昌镇", 2021, {"2": "主动公开。"}, tables=random_tables(rng, "2021"))
    b2 = json.loads(json.dumps(b))
    b2["tables"]["applications"]["granted"]["total"] = 99
    prov = {"applications/new_received/natural_person": "table 3 row 2 col 1"}
    flags = {"applications/new_received/total": "total read by position"}
    return [("a", a, prov, flags), ("b-html", b, {}, {}), ("b-pdf", b2, prov, {})]


def _m011_archive(root: Path) -> None:
    """What the code before m012 wrote: cells as a table with text keys, parse as JSON text,
    reports.tables beside them. Rows by SQL, as that code's save_parse left them."""
    root.mkdir()
    (root / "blobs").mkdir()
    db = Database(root / "archive.db")
    migrations.apply(db, stop_before="m012_compact_cells_and_parse")
    db.execute("INSERT INTO agencies (id, scope, name, region) VALUES (1, 's', '东园镇', ''),"
               " (2, 's', '文昌镇', '')")
    ids: dict[str, int] = {}
    for name, report, prov, flags in _reports():
        sha = hashlib.sha256(name.encode()).hexdigest()
        rid = ids.setdefault(report["agency"], len(ids) + 1)
        db.execute("INSERT INTO copies (sha256, size, format, status, report_id, parse,"
                   " provenance, flags, cell_flags, kind, first_seen) VALUES"
                   " (?, 1, 'html', 'parsed', ?, ?, ?, '[]', ?, 'report', ?)",
                   [sha, rid, _json(report), _json(prov), _json(flags), f"{T}{name}"])
        if name != "b-pdf":  # the other copy of report 2 is not its primary
            _old_report(db, rid, sha, report, prov, flags)
    db.conn.commit()  # its index is left empty: m014 indexes every report
    db.close()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _old_report(db: Database, rid: int, sha: str, report: dict[str, Any],
                prov: dict[str, str], flags: dict[str, str]) -> None:
    text = report_text(report)
    db.execute(
        "INSERT INTO reports (id, agency_key, agency, year, template, title, contact, tables,"
        " checks, text, primary_sha256, flags, agency_id, kind, primary_reason, section_spans,"
        " sections_raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, 'report',"
        " 'the only parsed copy', ?, ?)",
        [rid, f"agency:{rid}", report["agency"], report["year"], report["template"],
         report["title"], _json(report["contact"]), _json(report["tables"]),
         _json(report["checks"]), text, sha, rid,
         *section_columns(report["title"], report["sections"], text).values()])
    db.conn.executemany(
        "INSERT INTO cells (report_id, table_name, row_key, column_key, value, is_blank,"
        " provenance, flag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, t, r, c, v, int(v is None), prov.get(f"{t}/{r}/{c}"), flags.get(f"{t}/{r}/{c}"))
         for t, r, c, v in iter_cells(report["tables"])])
    db.conn.executemany(
        'INSERT INTO checks (report_id, rule, status, "left", "right") VALUES (?, ?, ?, ?, ?)',
        [(rid, c["rule"], c["status"], c["left"], c["right"]) for c in report["checks"]])


def _state(db: Database) -> dict[str, Any]:
    return {"cells": db.execute(CELLS).fetchall(),
            "reports": db.execute(f"SELECT {REPORT_COLUMNS} FROM reports"
                                  " ORDER BY id").fetchall(),
            "checks": db.execute("SELECT * FROM checks ORDER BY report_id, rule").fetchall(),
            "copies": [(*row[:3], decode_parse_json(row[3]), row[4]) for row in db.execute(
                "SELECT sha256, status, report_id, provenance, cell_flags FROM copies"
                " ORDER BY sha256")]}


def test_an_m011_archive_upgrades_and_reads_back_the_same(tmp_path: Path) -> None:
    _m011_archive(root := tmp_path / "old")
    with Database(root / "archive.db") as old:
        before = _state(old)
        parses = dict(old.execute("SELECT sha256, parse FROM copies").fetchall())
        tables = dict(old.execute("SELECT id, tables FROM reports").fetchall())
    with Archive.open(root) as archive:
        assert _state(archive.db) == before  # cells (values and their types), reports, checks
        stored = dict(archive.db.execute("SELECT sha256, parse FROM copies").fetchall())
        assert {sha: decode_parse_json(v) for sha, v in stored.items()} == parses  # verbatim
        assert all(v[:1] == PARSE_ZLIB_V1 for v in stored.values())
        assert {r[0][:1] for r in archive.db.execute("SELECT provenance FROM copies")} == {
            PARSE_ZLIB_V1}  # m013
        for rid, old_tables in tables.items():
            report = archive.get_report(rid)
            assert report["tables"] == json.loads(old_tables)
            assert json.dumps(report["tables"]) == json.dumps(json.loads(old_tables))  # order
        wide = archive.db.execute("SELECT natural_person, total FROM applications_view"
                                  " WHERE report_id = 1 AND row_key = 'new_received'").fetchone()
        row = json.loads(tables[1])["applications"]["new_received"]
        assert wide == (row["natural_person"], row["total"])
        assert archive.db.execute("SELECT count(*) FROM cells_view").fetchone()[0] == len(
            before["cells"])
        assert [h.id for h in search(archive.db, "低保", limit=0)] == [1]
        assert archive.get_report(1)["provenance"] == _reports()[0][2]
        assert "tables" not in {c.name for c in archive.db["reports"].columns}
        assert archive.db.execute("SELECT count(*) FROM cell_keys WHERE row_key = 'new_received'"
                                  " AND column_key = 'extra_column'").fetchone()[0] == 1


def test_the_upgraded_archive_takes_new_parses_and_keeps_a_report_whole(tmp_path: Path) -> None:
    _m011_archive(root := tmp_path / "old")
    with Archive.open(root) as archive:
        sha = archive.db.execute("SELECT primary_sha256 FROM reports WHERE id = 1").fetchone()[0]
        report = decode_parse(archive.db.execute("SELECT parse FROM copies WHERE sha256 = ?",
                                                 [sha]).fetchone()[0])
        assert report is not None
        report["tables"]["applications"]["granted"]["natural_person"] = 41
        archive.save_parse(ParsedCopy(sha, "parsed", report))
        got = archive.get_report(1)
        cells = {(t, r, c): v for rid, t, r, c, v, *_ in archive.db.execute(CELLS) if rid == 1}
    assert got["tables"] == report["tables"]
    assert cells == {(t, r, c): v for t, r, c, v in iter_cells(report["tables"])}


def test_the_cells_view_is_writable_and_keeps_each_key_once(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        db = archive.db
        keys = db.execute("SELECT count(*) FROM cell_keys").fetchone()[0]
        db.execute("INSERT INTO cells VALUES (7, 'applications', 'granted', 'total', 3, 0,"
                   " 'p', NULL), (8, 'applications', 'granted', 'total', NULL, 1, NULL, 'f'),"
                   " (8, 'x_table', 'x_row', 'x_col', 2.5, 0, NULL, NULL)")
        assert db.execute("SELECT count(*) FROM cell_keys").fetchone()[0] == keys + 1
        db.execute("UPDATE cells SET value = 4, flag = 'g' WHERE report_id = 7")
        db.execute("DELETE FROM cells WHERE report_id = 8 AND table_name = 'applications'")
        assert db.execute("SELECT report_id, table_name, value, is_blank, provenance, flag"
                          " FROM cells ORDER BY report_id").fetchall() == [
            (7, "applications", 4, 0, "p", "g"), (8, "x_table", 2.5, 0, None, None)]
        assert db.execute("SELECT count(*) FROM cell_values").fetchone()[0] == 2


def test_a_report_written_now_has_its_cells_and_tables_once(tmp_path: Path) -> None:
    report = canonical_report("东园镇", 2021, {"1": "低保。"},
                              tables=random_tables(random.Random(1), "2021"))
    with Archive.open(tmp_path / "a") as archive:
        rid = store_report(archive, report, "x")
        parse = archive.db.execute("SELECT parse FROM copies").fetchone()[0]
        cells = {(t, r, c): v for _, t, r, c, v, *_ in archive.db.execute(CELLS)}
        shown = archive.get_report(rid)
    assert isinstance(parse, bytes) and decode_parse(parse) == report
    assert shown["provenance"] == {}
    assert cells == {(t, r, c): v for t, r, c, v in iter_cells(report["tables"])}
    assert shown["tables"] == report["tables"]


def test_the_parse_codec_is_deterministic_and_exact() -> None:
    report = canonical_report("东园镇", 2021, {"1": "低保 \"引号\" \\ ☃ 𠀀"},
                              tables=random_tables(random.Random(3), "2021"))
    text = json.dumps(report, ensure_ascii=False)
    assert encode_parse(report) == encode_parse(json.loads(text)) == encode_parse_json(text)
    assert decode_parse_json(encode_parse(report)) == text
    assert decode_parse(encode_parse(report)) == report
    assert encode_parse(None) is None and decode_parse(None) is None
    assert decode_parse('{"year": 2020}') == {"year": 2020}  # JSON text as before m012
    with pytest.raises(ArchiveError, match="unknown encoding"):
        decode_parse(b"\x09abc")
