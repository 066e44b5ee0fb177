"""The archive: copies (exact bytes, by sha256), their URL sightings, and the reports parsed
from them, in one SQLite file (sqlite-utils) next to a content-addressed blob store.

Identity. A copy is its sha256; a sighting is (sha256, url); a report is (agency_key, year),
so an HTML page and a PDF of the same report are two copies of ONE report. The report's
fields, cells and checks come from its primary copy: the parsed copy with the most non-null
table cells (an existing primary is kept on ties).

Threading: one `Archive` per process, used from the thread that opened it (sqlite3's
check_same_thread); Scrapy pipelines call it from the reactor thread.
"""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlite_utils import Database

from . import search
from .blobs import BlobStore, check_sha256
from .errors import ArchiveError, InvalidRecord, NoArchive, NotFound
from .migrations import migrate
from .records import CopyRecord, ParsedCopy, Sighting

log = logging.getLogger(__name__)

DB_NAME = "archive.db"
BLOBS_DIR = "blobs"
STATUSES = ("parsed", "not_report", "failed")
_WS = re.compile(r"\s+")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def agency_key(report: dict[str, Any]) -> str:
    """The agency with white space removed; the title when the agency is null."""
    return _WS.sub("", report.get("agency") or report.get("title") or "")


def iter_cells(tables: dict[str, Any] | None) -> Iterator[tuple[str, str, str, Any]]:
    """(table, row, column, value) for every cell of a canonical report's tables."""
    for table, rows in (tables or {}).items():
        for row, columns in rows.items():
            for column, value in columns.items():
                yield table, row, column, value


def nonnull_cells(report: dict[str, Any]) -> int:
    return sum(1 for *_, value in iter_cells(report.get("tables")) if value is not None)


def check_report(report: Any) -> dict[str, Any]:
    """Raise `InvalidRecord` unless `report` has the canonical shape the archive relies on."""
    if not isinstance(report, dict):
        raise InvalidRecord("a parsed copy needs a report dict")
    year = report.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidRecord(f"report year must be an integer, not {year!r}")
    if not agency_key(report):
        raise InvalidRecord("report has neither agency nor title")
    tables = report.get("tables") or {}
    if not isinstance(tables, dict) or not all(
        isinstance(r, dict) and all(isinstance(c, dict) for c in r.values())
        for r in tables.values()
    ):
        raise InvalidRecord("report tables must map table -> row -> column -> value")
    for *_, value in iter_cells(tables):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidRecord(f"table cell must be a number or null, not {value!r}")
    if not all(isinstance(c, dict) and c.get("rule") and c.get("status")
               for c in report.get("checks") or []):
        raise InvalidRecord("each check needs a rule and a status")
    return report


def _disagreements(primary: dict[str, Any], others: dict[str, dict[str, Any]]) -> list[str]:
    """One flag per other parsed copy whose cells differ from the primary's."""
    mine = {(t, r, c): v for t, r, c, v in iter_cells(primary.get("tables"))}
    flags = []
    for sha, parse in sorted(others.items()):
        theirs = {(t, r, c): v for t, r, c, v in iter_cells(parse.get("tables"))}
        n = sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        if n:
            flags.append(f"archive: copy {sha[:12]} differs from the primary in {n} cells")
    return flags


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
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
        return cls(root, db)

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
                self._update("sightings", "id", row["id"], _merged_sighting(row, s))
                return False
            self._insert("sightings", {
                "sha256": s.sha256, "url": s.url, "first_seen": s.seen_at,
                "last_seen": s.seen_at, "times_seen": 1, **_sighting_context(s),
                **_sighting_validators(s)})
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
            new_id = self._report_id_for(report) if report else None
            self._update("copies", "sha256", p.sha256, {
                "status": p.status, "error": p.error, "flags": _dumps(p.flags),
                "parse": _dumps(report), "provenance": _dumps(p.provenance),
                "parser_version": p.parser_version, "parsed_at": self.now(),
                "report_id": new_id,
            })
            for report_id in {old["report_id"], new_id} - {None}:
                self._refresh_report(report_id)
        return new_id

    def _report_id_for(self, report: dict[str, Any]) -> int:
        """The id of the (agency_key, year) report, inserting an unindexed stub if new."""
        key = [agency_key(report), report["year"]]
        row = self._one("SELECT id FROM reports WHERE agency_key = ? AND year = ?", key)
        if row is not None:
            return int(row["id"])
        return self._insert("reports", {"agency_key": key[0], "year": key[1]})

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
        counts = {sha: nonnull_cells(parse) for sha, parse in parses.items()}
        best = max(counts.values())
        current = row["primary_sha256"]
        if counts.get(current) != best:
            current = next(sha for sha in parses if counts[sha] == best)
        primary = next(c for c in copies if c["sha256"] == current)
        others = {sha: parse for sha, parse in parses.items() if sha != current}
        flags = (_loads(primary["flags"]) or []) + _disagreements(parses[current], others)
        first_seen = min((c["first_seen"] for c in copies if c["first_seen"]), default=None)
        self._write_report(row, primary, parses[current], flags, first_seen)

    def _write_report(self, row: dict[str, Any], primary: dict[str, Any],
                      report: dict[str, Any], flags: list[str], first_seen: str | None) -> None:
        text = search.report_text(report)
        self._update("reports", "id", row["id"], {
            "agency": report.get("agency"), "template": report.get("template"),
            "title": report.get("title"), "contact": _dumps(report.get("contact")),
            "sections": _dumps(report.get("sections")), "tables": _dumps(report.get("tables")),
            "checks": _dumps(report.get("checks") or []), "text": text,
            "primary_sha256": primary["sha256"], "flags": _dumps(flags),
            "first_seen": first_seen, "updated_at": self.now(),
        })
        old_text = row["text"] if row["primary_sha256"] is not None else None
        search.index_report(self.db, row["id"], text, old_text)
        self._write_cells(row["id"], primary["sha256"], report, _loads(primary["provenance"]))

    def _write_cells(self, report_id: int, sha256: str, report: dict[str, Any],
                     provenance: dict[str, str] | None) -> None:
        prov = provenance or {}
        self.db.execute("DELETE FROM cells WHERE report_id = ?", [report_id])
        self.db.execute("DELETE FROM checks WHERE report_id = ?", [report_id])
        self.db.conn.executemany(
            "INSERT INTO cells (report_id, sha256, table_name, row_key, column_key, value,"
            " is_blank, provenance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(report_id, sha256, t, r, c, v, int(v is None), prov.get(f"{t}/{r}/{c}"))
             for t, r, c, v in iter_cells(report.get("tables"))])
        self.db.conn.executemany(
            'INSERT INTO checks (report_id, rule, status, "left", "right") VALUES (?, ?, ?, ?, ?)',
            [(report_id, c["rule"], c["status"], c.get("left"), c.get("right"))
             for c in report.get("checks") or []])

    def _drop_report(self, row: dict[str, Any]) -> None:
        """A report none of whose copies parse as it any more (re-parsed elsewhere)."""
        if row["primary_sha256"] is not None:
            search.unindex_report(self.db, row["id"], row["text"])
        for table in ("cells", "checks"):
            self.db.execute(f"DELETE FROM {table} WHERE report_id = ?", [row["id"]])
        self.db.execute("DELETE FROM reports WHERE id = ?", [row["id"]])
        log.info("dropped report %s (%s %s): no parsed copy left",
                 row["id"], row["agency_key"], row["year"])

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, target: str) -> int:
        return self._insert("runs", {"target": target, "started_at": self.now(),
                                     "status": "running"})

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        values = {"finished_at": self.now(), "status": status, "stats": _dumps(stats)}
        if not self._update("runs", "id", run_id, values):
            raise NotFound(f"no run with id {run_id}")

    # -- reading --------------------------------------------------------------------------

    def list_reports(self) -> list[dict[str, Any]]:
        """Every report with its copies and their URLs, ordered by agency, year."""
        rows = list(self.db.query(
            "SELECT id, agency, year, template, title FROM reports"
            " WHERE primary_sha256 IS NOT NULL ORDER BY agency IS NULL, agency, year, id"))
        copies = self._copies("c.report_id IS NOT NULL", [])
        return [{**row, "copies": copies.get(row["id"], [])} for row in rows]

    def get_report(self, report_id: int) -> dict[str, Any]:
        """The canonical report JSON plus id, text, flags, provenance and copies."""
        row = self._one("SELECT r.*, c.provenance AS primary_provenance FROM reports r"
                        " JOIN copies c ON c.sha256 = r.primary_sha256 WHERE r.id = ?",
                        [report_id])
        if row is None:
            raise NotFound(f"no report with id {report_id}")
        out: dict[str, Any] = {"id": row["id"]}
        for key in ("title", "agency", "year", "template"):
            out[key] = row[key]
        for key in ("contact", "sections", "tables", "checks", "flags"):
            out[key] = _loads(row[key])
        out.update(text=row["text"], provenance=_loads(row["primary_provenance"]) or {},
                   primary_sha256=row["primary_sha256"], first_seen=row["first_seen"],
                   updated_at=row["updated_at"])
        out["copies"] = self._copies("c.report_id = ?", [report_id]).get(report_id, [])
        return out

    def _copies(self, where: str, params: list[Any]) -> dict[int, list[dict[str, Any]]]:
        urls = self._urls(where, params)
        out: dict[int, list[dict[str, Any]]] = {}
        for c in self.db.query(
                "SELECT c.report_id, c.sha256, c.format, c.size, c.status, c.first_seen,"
                f" c.last_seen FROM copies c WHERE {where} ORDER BY c.first_seen, c.sha256",
                params):
            report_id = c.pop("report_id")
            out.setdefault(report_id, []).append({**c, "urls": urls.get(c["sha256"], [])})
        return out

    def _urls(self, where: str, params: list[Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for s in self.db.query(
                "SELECT s.sha256, s.url, s.first_seen, s.last_seen, s.times_seen FROM sightings s"
                f" JOIN copies c ON c.sha256 = s.sha256 WHERE {where}"
                " ORDER BY s.first_seen, s.id", params):
            out.setdefault(s.pop("sha256"), []).append(s)
        return out

    def counts(self) -> dict[str, int]:
        row = self._one(
            "SELECT (SELECT count(*) FROM reports WHERE primary_sha256 IS NOT NULL) AS reports,"
            " (SELECT count(*) FROM copies) AS copies,"
            " (SELECT count(*) FROM sightings) AS sightings,"
            " (SELECT count(*) FROM copies WHERE status = 'parsed') AS parsed,"
            " (SELECT count(*) FROM copies WHERE status = 'failed') AS failed,"
            " (SELECT count(*) FROM copies WHERE status = 'not_report') AS not_report,"
            " (SELECT count(*) FROM copies WHERE status IS NULL) AS unparsed", [])
        return dict(row or {})

    def failed_copies(self) -> list[dict[str, Any]]:
        urls = self._urls("c.status = 'failed'", [])
        rows = self.db.query("SELECT sha256, filename, error FROM copies"
                             " WHERE status = 'failed' ORDER BY first_seen, sha256")
        return [{**r, "urls": [u["url"] for u in urls.get(r["sha256"], [])]} for r in rows]


def _sighting_context(s: Sighting) -> dict[str, Any]:  # where the link was: first one kept
    return {"source": s.source, "column_url": s.column, "referer": s.referer,
            "link_text": s.link_text, "run_id": s.run_id}


def _sighting_validators(s: Sighting) -> dict[str, Any]:  # what the server said: latest wins
    return {"http_status": s.http_status, "content_type": s.content_type, "etag": s.etag,
            "last_modified": s.last_modified}


def _merged_sighting(row: dict[str, Any], s: Sighting) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_seen": min(row["first_seen"] or s.seen_at, s.seen_at),
        "last_seen": max(row["last_seen"] or s.seen_at, s.seen_at),
        "times_seen": row["times_seen"] + 1,
    }
    values.update({k: v for k, v in _sighting_context(s).items()
                   if row[k] is None and v is not None})
    if s.seen_at >= (row["last_seen"] or ""):
        values.update({k: v for k, v in _sighting_validators(s).items() if v is not None})
        if s.run_id is not None:
            values["run_id"] = s.run_id
    return values
