"""`nianbao verify`: is the archive whole?

- SQLite: `PRAGMA integrity_check`, `PRAGMA foreign_key_check`, FTS5 'integrity-check';
- blobs: every copy's bytes exist and still hash to its sha256;
- reports: every report's primary copy, parsed again (by a callback: the archive does not
  import the parser; crawler/maintenance.py passes it), is still that report;
- what a killed run leaves (orphans): blobs without a copy row (the blob is stored before
  its rows, so nothing fetched is lost), unfinished blob writes, sightings of unknown copies,
  reports without a primary copy, cells and checks of missing reports, and runs still
  "running" that no live process holds the run lock for (a run older than the live lock is
  stale too). While a crawl holds the lock, blobs younger than it are its work in progress.

Each problem is one `Problem`; `nianbao verify` exits non-zero when there is any; repair.py
fixes the ones it safely can.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .db import Archive
from .errors import BlobError
from .pending import UNPARSED, unparsed
from .records import ParsedCopy
from .search import FTS_TABLE
from .shape import report_key

Reparse = Callable[[bytes, str, dict[str, Any]], ParsedCopy]  # (bytes, name, context) -> verdict


# database | blob | report (checked by re-parsing) | and the orphans: orphan-blob |
# unfinished-blob | sighting | primary | cells | checks | run | unparsed (a stopped run's)
ORPHAN_KINDS = ("orphan-blob", "unfinished-blob", "sighting", "copy", "primary", "cells",
                "checks", "run", "unparsed")
# Dangling references the orphan checks name one by one (not again as "database").
_NAMED_REFERENCES = {("sightings", "copies"), ("cells", "reports"), ("checks", "reports"),
                     ("reports", "copies"), ("copies", "reports")}


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # database | blob | report | one of ORPHAN_KINDS
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class LockState:
    """Does a live process hold the archive's run lock (crawler/runner.py), since when?"""

    held: bool = False
    since: str = ""  # the holder's start, ISO 8601 ("" when held but unknown)


def check_database(archive: Archive) -> Iterator[Problem]:
    db = archive.db
    for (row,) in db.execute("PRAGMA integrity_check").fetchall():
        if row != "ok":
            yield Problem("database", "integrity_check", row)
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall():
        if (table, parent) not in _NAMED_REFERENCES:
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


def _instant(iso: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _in_progress(lock: LockState, moment: datetime | None) -> bool:
    """Could the live lock holder have made this (it started no later than `moment`)?"""
    since = _instant(lock.since)
    return lock.held and (since is None or moment is None or moment >= since)


def check_orphan_blobs(archive: Archive, lock: LockState) -> Iterator[Problem]:
    known = {r[0] for r in archive.db.execute("SELECT sha256 FROM copies")}
    for sha in archive.blobs.shas():
        stamp = archive.blobs.path(sha).stat().st_mtime
        if sha not in known and not _in_progress(lock, datetime.fromtimestamp(stamp, timezone.utc)):
            yield Problem("orphan-blob", sha, "stored blob without a copy row"
                          " (the run that stored it was interrupted)")
    for path in archive.blobs.unfinished():
        moment = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        if not _in_progress(lock, moment):
            yield Problem("unfinished-blob", str(path.relative_to(archive.root)),
                          "a blob write that never finished")


def check_orphan_rows(archive: Archive) -> Iterator[Problem]:
    db = archive.db
    for sid, sha, url in db.execute(
            "SELECT id, sha256, url FROM sightings WHERE sha256 NOT IN (SELECT sha256 FROM copies)"
            " ORDER BY id").fetchall():
        yield Problem("sighting", f"sighting {sid}", f"of unknown copy {sha} at {url}")
    for sha, rid in db.execute(
            "SELECT sha256, report_id FROM copies WHERE report_id IS NOT NULL AND report_id"
            " NOT IN (SELECT id FROM reports) ORDER BY sha256").fetchall():
        yield Problem("copy", sha, f"parsed as report {rid}, which is not in the archive")
    for rid, sha in db.execute(
            "SELECT id, primary_sha256 FROM reports WHERE primary_sha256 IS NULL OR"
            " primary_sha256 NOT IN (SELECT sha256 FROM copies) ORDER BY id").fetchall():
        yield Problem("primary", f"report {rid}", "no primary copy" if sha is None
                      else f"its primary copy {sha} is not in the archive")
    for table in ("cells", "checks"):
        for rid, count in db.execute(
                f"SELECT report_id, count(*) FROM {table} WHERE report_id NOT IN"
                " (SELECT id FROM reports) GROUP BY report_id ORDER BY report_id").fetchall():
            yield Problem(table, f"report {rid}", f"{count} {table} of a missing report")


def check_runs(archive: Archive, lock: LockState) -> Iterator[Problem]:
    for rid, target, started in archive.db.execute(
            "SELECT id, target, started_at FROM runs WHERE status = 'running' ORDER BY id"):
        if _in_progress(lock, _instant(started or "")):
            continue
        why = (f"older than the live run lock (since {lock.since})" if lock.held
               else "no live process holds the run lock")
        yield Problem("run", f"run {rid}", f"{target} started {started}, still 'running': {why}")


def check_unparsed(archive: Archive) -> Iterator[Problem]:
    """Copies a stopped run fetched and did not parse (pending.py): nothing is lost, but
    their reports are missing until the next run, `reparse` or `verify --repair`."""
    for row in unparsed(archive.db):
        yield Problem("unparsed", row["sha256"], f"{row['url'] or row['filename']}: {UNPARSED}")


def verify(archive: Archive, reparse: Reparse | None,
           lock: LockState = LockState()) -> list[Problem]:
    problems = [*check_database(archive), *check_blobs(archive)]
    problems += [*check_orphan_blobs(archive, lock), *check_orphan_rows(archive),
                 *check_runs(archive, lock), *check_unparsed(archive)]
    problems += __import__("archive.warcs", fromlist=["check"]).check(archive)
    if reparse is not None:
        problems += check_reports(archive, reparse)
    return problems
