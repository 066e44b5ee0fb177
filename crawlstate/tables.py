"""Crawl state, kept in the archive's SQLite file beside the archive's own tables.

Per URL: what it was (a document, a page, a bundle, a rejected error page), the last
validators (ETag, Last-Modified), the sha256 of its last body, HTTP status, first and last
seen, and when it went missing (`removed_at`: a 404/410, or gone from the page that listed
it). Per document URL, its version history (each new sha256 seen at the URL is a version).
Page bodies are kept compressed so that a 304 can be answered from here; document bodies
are in the blob store already. Per target, the crawl job (for resuming a killed crawl).

Per URL that failed (gave up after its retries, or answered an HTTP error), a row of
`crawl_failures`: status, reason, tries, last try, the run. Per WARC record the crawl wrote,
a row of `crawl_warc_records` (file, offset, length, payload digest): what a revisit record
refers to and what a sighting cites.

The schema is its own sqlite-utils migration set, "nianbao.crawl", applied by
`CrawlState(db)`; the archive's migrations (archive/migrations.py) never touch it, and the
archive never imports this package. Only `crawlstate.handle.CrawlStateHandle` writes here
during a crawl. Nothing here deletes a row of the archive: a removed document is marked.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations
from sqlite_utils.db import Table

MIGRATION_SET = "nianbao.crawl"
KINDS = ("document", "page", "bundle", "rejected")
migrations = Migrations(MIGRATION_SET)

_SCHEMA = [
    """CREATE TABLE crawl_urls (
        url TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('document', 'page', 'bundle', 'rejected')),
        sha256 TEXT,
        etag TEXT,
        last_modified TEXT,
        content_type TEXT,
        http_status INTEGER,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        last_fetched TEXT,
        archived_at TEXT,
        removed_at TEXT,
        removed_reason TEXT,
        parent_url TEXT,
        source TEXT,
        note TEXT
    )""",
    "CREATE INDEX crawl_urls_parent ON crawl_urls(parent_url)",
    "CREATE INDEX crawl_urls_sha256 ON crawl_urls(sha256)",
    """CREATE TABLE crawl_versions (
        url TEXT NOT NULL,
        version INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (url, version)
    )""",
    "CREATE INDEX crawl_versions_sha256 ON crawl_versions(sha256)",
    """CREATE TABLE crawl_bodies (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        body BLOB NOT NULL
    )""",
    """CREATE TABLE crawl_jobs (
        target TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished')),
        runs INTEGER NOT NULL DEFAULT 1,
        finished_at TEXT
    )""",
]


@migrations(name="c001_initial")
def c001_initial(db: Database) -> None:
    for statement in _SCHEMA:
        db.execute(statement)


_FAILURES_AND_WARCS = [
    """CREATE TABLE crawl_failures (
        url TEXT PRIMARY KEY,
        status INTEGER,
        reason TEXT NOT NULL,
        tries INTEGER NOT NULL,
        first_failed TEXT NOT NULL,
        last_try TEXT NOT NULL,
        run_id INTEGER,
        resolved_at TEXT
    )""",
    """CREATE TABLE crawl_warc_records (
        record_id TEXT PRIMARY KEY,
        run_id INTEGER,
        type TEXT NOT NULL,
        url TEXT NOT NULL,
        date TEXT NOT NULL,
        status INTEGER,
        digest TEXT,
        sha256 TEXT,
        warc_file TEXT NOT NULL,
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL
    )""",
    "CREATE INDEX crawl_warc_records_url ON crawl_warc_records(url)",
    "CREATE INDEX crawl_warc_records_digest ON crawl_warc_records(digest)",
]


@migrations(name="c002_failures_warc_records")
def c002_failures_warc_records(db: Database) -> None:
    for statement in _FAILURES_AND_WARCS:
        db.execute(statement)


@dataclass(slots=True, frozen=True)
class Failure:
    """A URL the crawl could not get: an HTTP error it gave up on, or a download error."""

    url: str
    at: str
    reason: str
    status: int | None = None
    tries: int = 1
    run_id: int | None = None


@dataclass(slots=True)
class UrlState:
    url: str
    kind: str
    sha256: str | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    http_status: int | None
    first_seen: str
    last_seen: str
    last_fetched: str | None
    archived_at: str | None  # when the store last recorded this document (a sighting)
    removed_at: str | None
    removed_reason: str | None
    parent_url: str | None
    source: str | None
    note: str | None


@dataclass(slots=True, frozen=True)
class Job:
    target: str
    started_at: str
    resumed: bool  # the previous run of this target did not finish


@dataclass(slots=True, frozen=True)
class Fetch:
    """One answer the crawler got for a URL (validators as the server sent them)."""

    url: str
    seen_at: str
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    http_status: int | None = 200
    parent_url: str | None = None
    source: str | None = None


class CrawlState:
    """The crawl tables of one archive database (migrated on construction)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        migrations.apply(db)

    @classmethod
    def open(cls, archive_root: str | Path) -> CrawlState:
        """For tools and tests: the state of the archive at `archive_root` (archive.db)."""
        return cls(Database(Path(archive_root) / "archive.db"))

    def _table(self, name: str) -> Table:
        return self.db.table(name)

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        return next(self.db.query(sql, params), None)

    def get(self, url: str) -> UrlState | None:
        row = self._one("SELECT * FROM crawl_urls WHERE url = ?", [url])
        return UrlState(**row) if row else None

    # -- writing -----------------------------------------------------------------------

    def _upsert(self, kind: str, f: Fetch, fetched: bool, keep_document: bool,
                extra: dict[str, Any] | None = None) -> None:
        """Insert or update the URL's row (and `extra` columns); a document row stays a
        document for pages. Plain SQL: this runs for every response of a crawl."""
        row = self.get(f.url)
        values = {"sha256": f.sha256, "etag": f.etag, "last_modified": f.last_modified,
                  "content_type": f.content_type, "http_status": f.http_status}
        if row is None:
            self._insert("crawl_urls", {
                "url": f.url, "kind": kind, **values, "first_seen": f.seen_at,
                "last_seen": f.seen_at, "last_fetched": f.seen_at if fetched else None,
                "parent_url": f.parent_url, "source": f.source, **(extra or {})})
            return
        update: dict[str, Any] = {"last_seen": max(row.last_seen, f.seen_at),
                                  "removed_at": None, "removed_reason": None}
        if not (keep_document and row.kind == "document"):
            update["kind"] = kind
        if fetched:  # what the server sent now replaces what it sent before
            update.update(values, last_fetched=f.seen_at)
        else:  # a 304 may carry fresh validators, nothing else
            update.update({k: v for k, v in values.items() if v and k in ("etag", "last_modified")})
        update.update({k: v for k, v in (("parent_url", f.parent_url), ("source", f.source)) if v})
        sets = ", ".join(f"[{col}] = ?" for col in {**update, **(extra or {})})
        self.db.execute(f"UPDATE crawl_urls SET {sets} WHERE url = ?",
                        [*update.values(), *(extra or {}).values(), f.url])

    def _insert(self, table: str, values: dict[str, Any]) -> None:
        cols = ", ".join(f"[{col}]" for col in values)
        marks = ", ".join("?" for _ in values)
        self.db.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(values.values()))

    def record_document(self, f: Fetch, fetched: bool = True) -> int:
        """A document seen at its URL (fetched: its bytes came now; else a 304 revalidated
        it). Returns the URL's version number: a new sha256 at a known URL is a new version."""
        if f.sha256 is None:
            raise ValueError("a document needs its sha256")
        with self.db.atomic():
            self._upsert("document", f, fetched, keep_document=True, extra={"archived_at": f.seen_at})
            return self._version(f.url, f.sha256, f.seen_at)

    def _version(self, url: str, sha256: str, seen_at: str) -> int:
        last = self._one("SELECT version, sha256 FROM crawl_versions WHERE url = ?"
                         " ORDER BY version DESC LIMIT 1", [url])
        if last and last["sha256"] == sha256:
            self.db.execute("UPDATE crawl_versions SET last_seen = max(last_seen, ?)"
                            " WHERE url = ? AND version = ?", [seen_at, url, last["version"]])
            return int(last["version"])
        version = (last["version"] + 1) if last else 1
        self._insert("crawl_versions", {"url": url, "version": version, "sha256": sha256,
                                        "first_seen": seen_at, "last_seen": seen_at})
        return version

    def record_page(self, f: Fetch, body: bytes | None, kind: str = "page") -> None:
        """A page (or a bundle) fetched: its validators, and its body for later 304s."""
        with self.db.atomic():
            self._upsert(kind, f, True, keep_document=True)
            if body is not None and f.sha256:
                self.db.execute("INSERT OR IGNORE INTO crawl_bodies (sha256, size, body)"
                                " VALUES (?, ?, ?)", [f.sha256, len(body), zlib.compress(body, 6)])

    def record_seen(self, f: Fetch) -> None:
        """A page the server said is unchanged (304): only last_seen moves."""
        with self.db.atomic():
            self._upsert("page", f, False, keep_document=True)

    def record_rejected(self, f: Fetch, reason: str) -> None:
        """An error page or broken file at a URL: never a document, remembered as such."""
        with self.db.atomic():
            self._upsert("rejected", f, True, keep_document=False, extra={"note": reason})

    def mark_removed(self, url: str, at: str, reason: str) -> bool:
        """Mark a document URL gone (404/410, or no longer listed); True when newly marked."""
        cursor = self.db.execute(
            "UPDATE crawl_urls SET removed_at = ?, removed_reason = ? WHERE url = ?"
            " AND kind = 'document' AND removed_at IS NULL", [at, reason, url])
        return cursor.rowcount > 0

    def record_failure(self, f: Failure) -> None:
        """The URL failed (again): its last status, reason, tries and run."""
        self.db.execute(
            "INSERT INTO crawl_failures (url, status, reason, tries, first_failed, last_try, run_id)"
            " VALUES (:url, :status, :reason, :tries, :at, :at, :run_id) ON CONFLICT(url) DO UPDATE"
            " SET status = :status, reason = :reason, tries = :tries, last_try = :at,"
            " run_id = :run_id, resolved_at = NULL",
            {"url": f.url, "status": f.status, "reason": f.reason, "tries": f.tries,
             "at": f.at, "run_id": f.run_id})

    def resolve_failure(self, url: str, at: str) -> None:
        """A URL that failed before answered now: its row stays, marked resolved."""
        self.db.execute("UPDATE crawl_failures SET resolved_at = ? WHERE url = ?"
                        " AND resolved_at IS NULL", [at, url])

    # -- reading -----------------------------------------------------------------------

    def failures(self, run_id: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE run_id = ?", [run_id]) if run_id is not None else ("", [])
        return list(self.db.query(f"SELECT * FROM crawl_failures {where} ORDER BY url", params))

    def body(self, sha256: str) -> bytes | None:
        row = self._one("SELECT body FROM crawl_bodies WHERE sha256 = ?", [sha256])
        return zlib.decompress(row["body"]) if row else None

    def versions(self, url: str) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT version, sha256, first_seen, last_seen FROM"
                                  " crawl_versions WHERE url = ? ORDER BY version", [url]))

    def removed(self) -> list[UrlState]:
        rows = self.db.query("SELECT * FROM crawl_urls WHERE removed_at IS NOT NULL ORDER BY url")
        return [UrlState(**row) for row in rows]

    # -- jobs --------------------------------------------------------------------------

    def begin_job(self, target: str, now: str) -> Job:
        """Start (or resume, if the last run of `target` did not finish) its crawl job."""
        with self.db.atomic():
            row = self._one("SELECT * FROM crawl_jobs WHERE target = ?", [target])
            if row and row["status"] == "running":
                self.db.execute("UPDATE crawl_jobs SET runs = runs + 1 WHERE target = ?", [target])
                return Job(target, row["started_at"], resumed=True)
            self._table("crawl_jobs").upsert({"target": target, "started_at": now, "status": "running",
                                          "runs": 1, "finished_at": None}, pk="target")
        return Job(target, now, resumed=False)

    def finish_job(self, target: str, now: str) -> None:
        self.db.execute("UPDATE crawl_jobs SET status = 'finished', finished_at = ?"
                        " WHERE target = ?", [now, target])

    def done_in_job(self, state: UrlState | None, job: Job | None) -> bool:
        """Did the current (resumed) job already archive this document?"""
        return bool(job and job.resumed and state and state.archived_at
                    and state.archived_at >= job.started_at)

    def sweep_unlisted(self, job: Job, now: str) -> list[str]:
        """After a finished crawl: documents whose listing page was fetched in this job but
        no longer links them are marked removed ("unlisted"), and so are the attachments
        of a page marked so. Returns their URLs."""
        removed: list[str] = []
        query = ("SELECT d.url FROM crawl_urls d JOIN crawl_urls p ON p.url = d.parent_url"
                 " WHERE d.kind = 'document' AND d.removed_at IS NULL AND d.last_seen < :start"
                 " AND (d.source IS NULL OR d.source = :target) AND ({parent})")
        parent = "p.last_seen >= :start AND p.removed_at IS NULL"
        while True:
            rows = list(self.db.query(query.format(parent=parent),
                                      {"start": job.started_at, "target": job.target, "now": now}))
            found = [r["url"] for r in rows if self.mark_removed(r["url"], now, "unlisted")]
            if not found:
                return removed
            removed += found
            parent = "p.removed_at = :now AND p.removed_reason = 'unlisted'"
