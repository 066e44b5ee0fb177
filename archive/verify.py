"""`nianbao verify`: is the archive whole?

- SQLite: `PRAGMA integrity_check`, `PRAGMA foreign_key_check`, FTS5 'integrity-check';
- blobs: every copy's bytes exist and still hash to its sha256;
- reports: every report's primary copy, parsed again (by a callback: the archive does not
  import the parser; crawler/maintenance.py passes it), is still that report.

Each problem is one `Problem`; `nianbao verify` exits non-zero when there is any.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .db import Archive
from .errors import BlobError
from .records import ParsedCopy
from .search import FTS_TABLE
from .shape import report_key

Reparse = Callable[[bytes, str, dict[str, Any]], ParsedCopy]  # (bytes, name, context) -> verdict


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # database | blob | report
    subject: str
    detail: str


def check_database(archive: Archive) -> Iterator[Problem]:
    db = archive.db
    for (row,) in db.execute("PRAGMA integrity_check").fetchall():
        if row != "ok":
            yield Problem("database", "integrity_check", row)
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall():
        yield Problem("database", f"{table} row {rowid}", f"dangling reference to {parent}")
    try:
        db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 0)")
    except sqlite3.DatabaseError as exc:
        yield Problem("database", FTS_TABLE, f"full-text index damaged: {exc}")


def check_blobs(archive: Archive) -> Iterator[Problem]:
    for (sha,) in archive.db.execute("SELECT sha256 FROM copies ORDER BY sha256").fetchall():
        if not archive.blobs.has(sha):
            yield Problem("blob", sha, "missing from the blob store")
        elif not archive.blobs.verify(sha):
            yield Problem("blob", sha, "bytes no longer hash to their sha256")


def check_reports(archive: Archive, reparse: Reparse) -> Iterator[Problem]:
    rows = archive.db.query(
        "SELECT r.id, r.agency_key, r.year, r.primary_sha256, c.filename,"
        " (SELECT url FROM sightings s WHERE s.sha256 = c.sha256 ORDER BY s.first_seen, s.id"
        "  LIMIT 1) AS url FROM reports r JOIN copies c ON c.sha256 = r.primary_sha256"
        " ORDER BY r.id")
    for row in list(rows):
        problem = _reparse_one(archive, row, reparse)
        if problem:
            yield Problem("report", f"report {row['id']}", problem)


def _reparse_one(archive: Archive, row: dict[str, Any], reparse: Reparse) -> str | None:
    try:
        data = archive.blobs.read(row["primary_sha256"])
    except BlobError as exc:
        return str(exc)
    verdict = reparse(data, row["filename"] or row["url"] or "", archive.context_of(row["primary_sha256"]))
    if verdict.status != "parsed" or verdict.report is None:
        return f"copy {row['primary_sha256'][:12]} re-parses as {verdict.status}: {verdict.error}"
    report = verdict.report
    if report.get("year") != row["year"] or not _same_agency(archive, row, report):
        return (f"copy {row['primary_sha256'][:12]} re-parses as another report:"
                f" {report.get('agency')} {report.get('year')}")
    return None


def _same_agency(archive: Archive, row: dict[str, Any], report: dict[str, Any]) -> bool:
    from . import agencies

    name = report.get("agency")
    if not name:
        return report_key(report, None) == str(row["agency_key"])
    agency_id = archive.db.execute("SELECT agency_id FROM reports WHERE id = ?",
                                   [row["id"]]).fetchone()[0]
    wanted = archive.db.execute("SELECT name, region FROM agencies WHERE id = ?",
                                [agency_id]).fetchone()
    context = archive.db.execute("SELECT region FROM copies WHERE sha256 = ?",
                                 [row["primary_sha256"]]).fetchone()
    region, core = agencies.identity(name, context[0] if context else None)
    return wanted is not None and bool(wanted[0] == core) and agencies.regions_agree(
        str(wanted[1]), region)


def verify(archive: Archive, reparse: Reparse | None) -> list[Problem]:
    problems = [*check_database(archive), *check_blobs(archive)]
    if reparse is not None:
        problems += check_reports(archive, reparse)
    return problems
