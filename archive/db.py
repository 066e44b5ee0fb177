"""The archive: copies (exact bytes, by sha256), their URL sightings, and the reports parsed
from them, in one SQLite file (sqlite-utils) next to a content-addressed blob store.

Identity. A copy is its sha256; a sighting is (sha256, url); a report is (agency, year),
so an HTML page and a PDF of the same report are two copies of ONE report, whichever way
each spells the body and wherever the copy came from (a crawl, a local file): the agency is
resolved from its name and the region its context gives (agencies.py), and
`reports.agency_key` is "agency:<id>" (the title when no body is named). A report is a
template report or a legacy (pre-2019) one (`reports.kind`); related documents (notices,
infographics ...) are kept apart (related.py). The report's fields, cells and checks come
from its primary copy, chosen by primary.py, which also records why and the cells on
which the copies disagree.

Threading: one `Archive` per process, used from the thread that opened it (sqlite3's
check_same_thread); Scrapy pipelines call it from the reactor thread.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from . import agencies, identity, reading, related, search, sightings
from .blobs import BlobStore, check_sha256
from .errors import ArchiveError, InvalidRecord, NoArchive, NotFound
from .migrations import migrate
from .primary import Candidate, choose, disagreeing_cells
from .records import (CopyRecord, ParsedCopy, Sighting, decode_parse, decode_provenance,
                      encode_parse, encode_provenance)
from .search import IndexedDoc
from .shape import (agency_key, check_report, disagreements, dumps, iter_cells, loads,
                    nonnull_cells, report_key, section_columns)

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
            identity.settle(archive)
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

    def context_of(self, sha256: str) -> dict[str, Any]:
        """What the copy's first sighting and its source said about it (link text, linking
        page's title and publisher, region): a re-parse reads the copy in that context."""
        row = self._one(
            "SELECT s.link_text, s.page_title, s.publisher, c.region FROM copies c LEFT JOIN"
            " sightings s ON s.sha256 = c.sha256 WHERE c.sha256 = ? ORDER BY s.first_seen, s.id"
            " LIMIT 1", [sha256])
        return dict(row) if row else {}

    # -- parses and reports ---------------------------------------------------------------

    def save_parse(self, p: ParsedCopy) -> int | None:
        """Store the parser's verdict on a copy; for "parsed", upsert its report (the id);
        a not_report copy of a related kind becomes a related document (related.py)."""
        check_sha256(p.sha256)
        if p.status not in STATUSES:
            raise InvalidRecord(f"parse status must be one of {STATUSES}, not {p.status!r}")
        report = check_report(p.report, p.kind) if p.status == "parsed" else None
        with self.db.atomic():
            old = self._one("SELECT report_id, region FROM copies WHERE sha256 = ?", [p.sha256])
            if old is None:
                raise NotFound(f"no copy {p.sha256} (add_copy first)")
            if p.region is None:  # a re-parse knows no context: the copy keeps its region
                p = replace(p, region=old["region"])
            new_id = self._report_id_for(report, p) if report else None
            self._update("copies", "sha256", p.sha256, {
                "status": p.status, "error": p.error, "flags": dumps(p.flags),
                "parse": encode_parse(report), "provenance": encode_provenance(p.provenance),
                "parser_version": p.parser_version, "parsed_at": self.now(),
                "report_id": new_id, "kind": p.kind, "cell_flags": dumps(p.cell_flags or None),
                "region": p.region,
            })
            self._save_related(p)
            for report_id in {old["report_id"], new_id} - {None}:
                self.refresh_report(report_id)
        return new_id

    def _agency_of(self, name: str | None, p: ParsedCopy) -> int | None:
        if not name:
            return None
        return agencies.resolve(self.db, name, agencies.seen_of(self.db, p.sha256), p.region)

    def _report_id_for(self, report: dict[str, Any], p: ParsedCopy) -> int:
        """The id of the (agency, year) report, inserting an unindexed stub if new; records
        the agency's name as written on this copy."""
        name = report.get("agency")
        agency_id = self._agency_of(name, p)
        agencies.record_name(self.db, p.sha256, agency_id, name, report["year"],
                             agencies.seen_of(self.db, p.sha256))
        key = [report_key(report, agency_id), report["year"]]
        row = self._one("SELECT id FROM reports WHERE agency_key = ? AND year = ?", key)
        if row is not None:
            return int(row["id"])
        return self._insert("reports", {"agency_key": key[0], "year": key[1],
                                        "agency_id": agency_id})

    def _save_related(self, p: ParsedCopy) -> None:
        if not related.is_related(p.status, p.kind):
            related.drop(self.db, p.sha256)
            return
        doc = p.report or {}
        related.save(self.db, p.sha256, {
            "agency_id": self._agency_of(doc.get("agency"), p), "agency": doc.get("agency"),
            "year": related.year_of(doc.get("year")), "kind": p.kind,
            "title": doc.get("title"), "text": search.report_text(doc)}, self.now())

    def refresh_report(self, report_id: int) -> None:
        """Re-pick the primary among the report's parsed copies (primary.py) and rewrite
        the report; a report left without a parsed copy is dropped."""
        row = self._one("SELECT * FROM reports WHERE id = ?", [report_id])
        copies = list(self.db.query(
            "SELECT sha256, parse, provenance, flags, first_seen, format, cell_flags, kind"
            " FROM copies WHERE report_id = ? AND status = 'parsed' ORDER BY first_seen, sha256",
            [report_id]))
        if row is None:  # cannot happen: copies.report_id is a foreign key
            return
        if not copies:
            self._drop_report(row)
            return
        stale = self._superseded([c["sha256"] for c in copies])
        candidates = [Candidate(c["sha256"], decode_parse(c["parse"]) or {}, c["sha256"] in stale,
                                c["format"], loads(c["cell_flags"]) or {}) for c in copies]
        best, why = choose(candidates, row["primary_sha256"])
        copy = next(c for c in copies if c["sha256"] == best.sha256)
        others = {c.sha256: c.parse for c in candidates if c is not best}
        flags = (loads(copy["flags"]) or []) + disagreements(best.parse, others)
        first_seen = min((c["first_seen"] for c in copies if c["first_seen"]), default=None)
        self._write_report(row, copy, best.parse, {
            "flags": dumps(flags), "first_seen": first_seen, "primary_reason": why,
            "disagreements": dumps(disagreeing_cells(candidates) or None),
            "kind": copy["kind"] or "report"})

    def _superseded(self, shas: list[str]) -> set[str]:
        """Copies no URL serves any more as its latest version: every URL they were seen at
        has moved on to newer bytes (the newest version should win). Read from the crawl
        state's `crawl_versions` table (crawlstate/tables.py, which owns it; the archive only
        reads it, and imports nothing of the crawl); ingested files have no versions."""
        if "crawl_versions" not in self.db.table_names():
            return set()
        marks = ", ".join("?" for _ in shas) or "NULL"
        rows = self.db.query(
            f"SELECT v.sha256 FROM crawl_versions v WHERE v.sha256 IN ({marks}) GROUP BY v.sha256"
            " HAVING max(v.version = (SELECT max(w.version) FROM crawl_versions w"
            " WHERE w.url = v.url)) = 0", list(shas))
        return {r["sha256"] for r in rows}

    def _write_report(self, row: dict[str, Any], primary: dict[str, Any],
                      report: dict[str, Any], extra: dict[str, Any]) -> None:
        text = search.report_text(report)
        self._update("reports", "id", row["id"], {
            "agency": report.get("agency"), "template": report.get("template"),
            "title": report.get("title"), "contact": dumps(report.get("contact")),
            **section_columns(report.get("title"), report.get("sections"), text),
            "checks": dumps(report.get("checks") or []), "text": text,
            "primary_sha256": primary["sha256"], "updated_at": self.now(), **extra,
        })
        new, old = IndexedDoc(row["id"], row["year"], text, row["agency_id"]), search.indexed(row)
        if new != old:  # an index row is a function of these four: a second copy that leaves
            search.index_report(self.db, new, old)  # the primary as it was costs no re-index
        self._write_cells(row["id"], report, decode_provenance(primary["provenance"]),
                          loads(primary["cell_flags"]) or {})

    def _write_cells(self, report_id: int, report: dict[str, Any], prov: dict[str, str],
                     flags: dict[str, str]) -> None:
        self.db.execute("DELETE FROM cell_values WHERE report_id = ?", [report_id])
        self.db.execute("DELETE FROM checks WHERE report_id = ?", [report_id])
        cells = list(iter_cells(report.get("tables")))
        self.db.conn.executemany("INSERT OR IGNORE INTO cell_keys (table_name, row_key,"
                                 " column_key) VALUES (?, ?, ?)", [k[:3] for k in cells])
        self.db.conn.executemany(
            "INSERT INTO cell_values (report_id, key_id, value, is_blank, provenance, flag)"
            " VALUES (?, (SELECT id FROM cell_keys WHERE table_name = ? AND row_key = ?"
            " AND column_key = ?), ?, ?, ?, ?)",
            [(report_id, t, r, c, v, int(v is None), prov.get(f"{t}/{r}/{c}"),
              flags.get(f"{t}/{r}/{c}")) for t, r, c, v in cells])
        self.db.conn.executemany(
            'INSERT INTO checks (report_id, rule, status, "left", "right") VALUES (?, ?, ?, ?, ?)',
            [(report_id, c["rule"], c["status"], c.get("left"), c.get("right"))
             for c in report.get("checks") or []])

    def _drop_report(self, row: dict[str, Any]) -> None:
        """A report none of whose copies parse as it any more (re-parsed elsewhere)."""
        old = search.indexed(row)
        if old is not None:
            search.unindex_report(self.db, old)
        for table in ("cell_values", "checks"):
            self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", [row["id"]])
        self.db.execute("DELETE FROM reports WHERE id = ?", [row["id"]])
        log.info("dropped report %s (%s %s): no parsed copy left",
                 row["id"], row["agency_key"], row["year"])

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, target: str, *, killed_before: bool = False) -> int:
        """A new run of `target`. `killed_before`: the caller holds the target's run lock, so
        earlier runs of it still "running" never ended: they are marked "killed"."""
        with self.db.atomic():
            if killed_before:
                self.db.execute("UPDATE runs SET status = 'killed' WHERE status = 'running'"
                                " AND target = ?", [target])
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

