"""The archive: copies (exact bytes, by sha256), their URL sightings, and the reports parsed
from them, in one SQLite file (sqlite-utils) next to a content-addressed blob store.

Identity. A copy is its sha256; a sighting is (sha256, url); a report is (agency, year),
so an HTML page and a PDF of the same report are two copies of ONE report, whichever way
each spells the body: the agency is resolved from its name and the portal it was seen on
(agencies.py), and `reports.agency_key` is "agency:<id>" (the title when no body is named).
The report's fields, cells and checks come from its primary copy: the parsed copy with the
most non-null table cells (an existing primary is kept on ties).

Threading: one `Archive` per process, used from the thread that opened it (sqlite3's
check_same_thread); Scrapy pipelines call it from the reactor thread.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from . import agencies, reading, search, sightings
from .blobs import BlobStore, check_sha256
from .errors import ArchiveError, InvalidRecord, NoArchive, NotFound
from .migrations import migrate
from .records import CopyRecord, ParsedCopy, Sighting
from .search import IndexedDoc
from .shape import (agency_key, check_report, disagreements, dumps, iter_cells, loads,
                    nonnull_cells, report_key)

log = logging.getLogger(__name__)

DB_NAME = "archive.db"
BLOBS_DIR = "blobs"
STATUSES = ("parsed", "not_report", "failed")
__all__ = ["Archive", "agency_key", "check_report", "iter_cells", "nonnull_cells", "utc_now"]


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Archive:
    """Open with `Archive.open(root)`; use as a context manager or call `close()`."""

    def __init__(self, root: Path, db: Database, clock: Callable[[], str] = utc_now) -> None:
        self.root = root
        self.db = db
        self.blobs = BlobStore(root / BLOBS_DIR)
        self.now = clock

    @classmethod
    def open(cls, root: str | Path, *, create: bool = True) -> Archive:
        """Open (and migrate) the archive at `root`; `create=False` raises `NoArchive`."""
        root = Path(root)
        path = root / DB_NAME
        if not create and not path.is_file():
            raise NoArchive(f"no archive at {root}")
        (root / BLOBS_DIR).mkdir(parents=True, exist_ok=True)
        try:
            db = Database(path)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 5000")
            db.enable_wal()
            migrate(db)
            archive = cls(root, db)
            archive._assign_agencies()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
        return archive

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        return next(self.db.query(sql, params), None)

    def _insert(self, table: str, values: dict[str, Any]) -> int:
        cols = ", ".join(f"[{col}]" for col in values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO [{table}] ({cols}) VALUES ({marks})"
        return int(self.db.execute(sql, list(values.values())).lastrowid or 0)

    def _update(self, table: str, key_col: str, key: Any, values: dict[str, Any]) -> int:
        sets = ", ".join(f"[{col}] = ?" for col in values)
        sql = f"UPDATE [{table}] SET {sets} WHERE [{key_col}] = ?"
        return self.db.execute(sql, [*values.values(), key]).rowcount

    def _widen_seen(self, sha256: str, seen_at: str) -> None:
        self.db.execute(
            "UPDATE copies SET first_seen = min(coalesce(first_seen, :t), :t),"
            " last_seen = max(coalesce(last_seen, :t), :t) WHERE sha256 = :sha",
            {"t": seen_at, "sha": sha256},
        )

    # -- copies and sightings -------------------------------------------------------------

    def has_copy(self, sha256: str) -> bool:
        return self._one("SELECT 1 FROM copies WHERE sha256 = ?", [sha256]) is not None

    def add_copy(self, rec: CopyRecord) -> bool:
        """Record a copy; True when new. A known copy only widens first_seen/last_seen."""
        check_sha256(rec.sha256)
        with self.db.atomic():
            if self.has_copy(rec.sha256):
                self._widen_seen(rec.sha256, rec.seen_at)
                self.db.execute("UPDATE copies SET filename = coalesce(filename, ?)"
                                " WHERE sha256 = ?", [rec.filename, rec.sha256])
                return False
            self._insert("copies", {
                "sha256": rec.sha256, "size": rec.size, "mime": rec.mime, "format": rec.format,
                "filename": rec.filename, "first_seen": rec.seen_at, "last_seen": rec.seen_at})
        return True

    def add_sighting(self, s: Sighting) -> bool:
        """Record that copy `s.sha256` was seen at `s.url`; True when that pair is new."""
        check_sha256(s.sha256)
        with self.db.atomic():
            if not self.has_copy(s.sha256):
                raise NotFound(f"sighting of unknown copy {s.sha256} (add_copy first)")
            self._widen_seen(s.sha256, s.seen_at)
            row = self._one("SELECT * FROM sightings WHERE sha256 = ? AND url = ?",
                            [s.sha256, s.url])
            if row is not None:
                self._update("sightings", "id", row["id"], sightings.merged(row, s))
                return False
            self._insert("sightings", {
                "sha256": s.sha256, "url": s.url, "first_seen": s.seen_at,
                "last_seen": s.seen_at, "times_seen": 1, **sightings.context(s),
                **sightings.validators(s)})
        return True

    # -- parses and reports ---------------------------------------------------------------

    def save_parse(self, p: ParsedCopy) -> int | None:
        """Store the parser's verdict on a copy; for "parsed", upsert its report (the id)."""
        check_sha256(p.sha256)
        if p.status not in STATUSES:
            raise InvalidRecord(f"parse status must be one of {STATUSES}, not {p.status!r}")
        report = check_report(p.report) if p.status == "parsed" else None
        with self.db.atomic():
            old = self._one("SELECT report_id FROM copies WHERE sha256 = ?", [p.sha256])
            if old is None:
                raise NotFound(f"no copy {p.sha256} (add_copy first)")
            new_id = self._report_id_for(report, p.sha256) if report else None
            self._update("copies", "sha256", p.sha256, {
                "status": p.status, "error": p.error, "flags": dumps(p.flags),
                "parse": dumps(report), "provenance": dumps(p.provenance),
                "parser_version": p.parser_version, "parsed_at": self.now(),
                "report_id": new_id,
            })
            for report_id in {old["report_id"], new_id} - {None}:
                self._refresh_report(report_id)
        return new_id

    def _report_id_for(self, report: dict[str, Any], sha256: str) -> int:
        """The id of the (agency, year) report, inserting an unindexed stub if new; records
        the agency's name as written on this copy."""
        seen = agencies.seen_of(self.db, sha256)
        name = report.get("agency")
        agency_id = agencies.resolve(self.db, name, seen) if name else None
        agencies.record_name(self.db, sha256, agency_id, name, report["year"], seen)
        key = [report_key(report, agency_id), report["year"]]
        row = self._one("SELECT id FROM reports WHERE agency_key = ? AND year = ?", key)
        if row is not None:
            return int(row["id"])
        return self._insert("reports", {"agency_key": key[0], "year": key[1],
                                        "agency_id": agency_id})

    def _refresh_report(self, report_id: int) -> None:
        """Re-pick the primary among the report's parsed copies and rewrite the report."""
        row = self._one("SELECT * FROM reports WHERE id = ?", [report_id])
        copies = list(self.db.query(
            "SELECT sha256, parse, provenance, flags, first_seen FROM copies"
            " WHERE report_id = ? AND status = 'parsed' ORDER BY first_seen, sha256",
            [report_id]))
        if row is None:  # cannot happen: copies.report_id is a foreign key
            return
        if not copies:
            self._drop_report(row)
            return
        parses = {c["sha256"]: json.loads(c["parse"]) for c in copies}
        stale = self._superseded(list(parses))
        # the newest version first (a revised report replaces the old), then the fullest copy
        rank = {sha: (sha not in stale, nonnull_cells(parse)) for sha, parse in parses.items()}
        best = max(rank.values())
        current = row["primary_sha256"]
        if rank.get(current) != best:
            current = next(sha for sha in parses if rank[sha] == best)
        primary = next(c for c in copies if c["sha256"] == current)
        others = {sha: parse for sha, parse in parses.items() if sha != current}
        flags = (loads(primary["flags"]) or []) + disagreements(parses[current], others)
        first_seen = min((c["first_seen"] for c in copies if c["first_seen"]), default=None)
        self._write_report(row, primary, parses[current], flags, first_seen)

    def _superseded(self, shas: list[str]) -> set[str]:
        """Copies that every URL they were seen at has since replaced with newer bytes
        (the crawl's version history, archive/crawlstate.py; none for ingested files)."""
        if "crawl_versions" not in self.db.table_names():
            return set()
        from .crawlstate import CrawlState

        return CrawlState(self.db).superseded(shas)

    def _write_report(self, row: dict[str, Any], primary: dict[str, Any],
                      report: dict[str, Any], flags: list[str], first_seen: str | None) -> None:
        text = search.report_text(report)
        self._update("reports", "id", row["id"], {
            "agency": report.get("agency"), "template": report.get("template"),
            "title": report.get("title"), "contact": dumps(report.get("contact")),
            "sections": dumps(report.get("sections")), "tables": dumps(report.get("tables")),
            "checks": dumps(report.get("checks") or []), "text": text,
            "primary_sha256": primary["sha256"], "flags": dumps(flags),
            "first_seen": first_seen, "updated_at": self.now(),
        })
        new = IndexedDoc(row["id"], row["year"], text, row["agency_id"])
        search.index_report(self.db, new, _indexed(row))
        self._write_cells(row["id"], report, loads(primary["provenance"]))

    def _write_cells(self, report_id: int, report: dict[str, Any],
                     provenance: dict[str, str] | None) -> None:
        prov = provenance or {}
        self.db.execute("DELETE FROM cells WHERE report_id = ?", [report_id])
        self.db.execute("DELETE FROM checks WHERE report_id = ?", [report_id])
        self.db.conn.executemany(
            "INSERT INTO cells (report_id, table_name, row_key, column_key, value,"
            " is_blank, provenance) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(report_id, t, r, c, v, int(v is None), prov.get(f"{t}/{r}/{c}"))
             for t, r, c, v in iter_cells(report.get("tables"))])
        self.db.conn.executemany(
            'INSERT INTO checks (report_id, rule, status, "left", "right") VALUES (?, ?, ?, ?, ?)',
            [(report_id, c["rule"], c["status"], c.get("left"), c.get("right"))
             for c in report.get("checks") or []])

    def _drop_report(self, row: dict[str, Any]) -> None:
        """A report none of whose copies parse as it any more (re-parsed elsewhere)."""
        old = _indexed(row)
        if old is not None:
            search.unindex_report(self.db, old)
        for table in ("cells", "checks"):
            self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", [row["id"]])
        self.db.execute("DELETE FROM reports WHERE id = ?", [row["id"]])
        log.info("dropped report %s (%s %s): no parsed copy left",
                 row["id"], row["agency_key"], row["year"])

    # -- agencies for reports archived before m002 ------------------------------------------

    def _assign_agencies(self) -> None:
        """Resolve the agency of every report that has none yet (archives older than m002)."""
        rows = list(self.db.query(
            "SELECT * FROM reports WHERE agency_id IS NULL AND agency IS NOT NULL"
            " AND primary_sha256 IS NOT NULL ORDER BY id"))
        for row in rows:
            with self.db.atomic():
                self._assign_agency(row)
        if rows:
            log.info("resolved the agencies of %d reports", len(rows))

    def _assign_agency(self, row: dict[str, Any]) -> None:
        seen = agencies.seen_of(self.db, row["primary_sha256"])
        agency_id = agencies.resolve(self.db, row["agency"], seen)
        for c in self.db.query("SELECT sha256, parse FROM copies WHERE report_id = ?"
                               " AND status = 'parsed'", [row["id"]]):
            name = json.loads(c["parse"]).get("agency")
            agencies.record_name(self.db, c["sha256"], agency_id, name, row["year"],
                                 agencies.seen_of(self.db, c["sha256"]))
        key = [f"agency:{agency_id}", row["year"]]
        target = self._one("SELECT id FROM reports WHERE agency_key = ? AND year = ?", key)
        if target is None:
            self._update("reports", "id", row["id"], {"agency_key": key[0],
                                                      "agency_id": agency_id})
            search.index_report(self.db, IndexedDoc(row["id"], row["year"], row["text"],
                                                    agency_id), _indexed(row))
            return
        self.db.execute("UPDATE copies SET report_id = ? WHERE report_id = ?",
                        [target["id"], row["id"]])
        self._refresh_report(target["id"])
        self._refresh_report(row["id"])

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, target: str) -> int:
        return self._insert("runs", {"target": target, "started_at": self.now(),
                                     "status": "running"})

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        values = {"finished_at": self.now(), "status": status, "stats": dumps(stats)}
        if not self._update("runs", "id", run_id, values):
            raise NotFound(f"no run with id {run_id}")

    # -- reading (reading.py) -------------------------------------------------------------

    def list_reports(self) -> list[dict[str, Any]]:
        return reading.list_reports(self.db)

    def get_report(self, report_id: int) -> dict[str, Any]:
        return reading.get_report(self.db, report_id)

    def counts(self) -> dict[str, int]:
        return reading.counts(self.db)

    def failed_copies(self) -> list[dict[str, Any]]:
        return reading.failed_copies(self.db)


def _indexed(row: dict[str, Any]) -> IndexedDoc | None:
    """What the index holds for a report row (nothing before its first primary copy)."""
    if row["primary_sha256"] is None:
        return None
    return IndexedDoc(row["id"], row["year"], row["text"], row["agency_id"])
