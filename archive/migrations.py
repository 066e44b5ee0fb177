"""The archive schema: the only place it changes.

sqlite-utils 4.2.1 ships `sqlite_utils.Migrations`: each function below runs once, inside a
transaction, and is recorded in `_sqlite_migrations` (migration set "nianbao.archive").
Never edit an applied migration; add a new one at the end.
"""
from __future__ import annotations

import logging

from sqlite_utils import Database, Migrations

log = logging.getLogger(__name__)

MIGRATION_SET = "nianbao.archive"
# One tokenizer for the index and for the query probe in search.py: they must agree.
FTS_TOKENIZE = "unicode61"

migrations = Migrations(MIGRATION_SET)

_INITIAL = [
    """CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        agency_key TEXT NOT NULL,
        agency TEXT,
        year INTEGER NOT NULL,
        template TEXT,
        title TEXT,
        contact TEXT,
        sections TEXT,
        tables TEXT,
        checks TEXT,
        text TEXT NOT NULL DEFAULT '',
        primary_sha256 TEXT REFERENCES copies(sha256),
        flags TEXT,
        first_seen TEXT,
        updated_at TEXT,
        UNIQUE (agency_key, year)
    )""",
    "CREATE INDEX reports_year ON reports(year)",
    """CREATE TABLE copies (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mime TEXT,
        format TEXT,
        filename TEXT,
        first_seen TEXT,
        last_seen TEXT,
        status TEXT CHECK (status IN ('parsed', 'not_report', 'failed')),
        error TEXT,
        flags TEXT,
        report_id INTEGER REFERENCES reports(id),
        parse TEXT,
        provenance TEXT,
        parser_version TEXT,
        parsed_at TEXT
    )""",
    "CREATE INDEX copies_report_id ON copies(report_id)",
    "CREATE INDEX copies_status ON copies(status)",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        target TEXT,
        started_at TEXT,
        finished_at TEXT,
        status TEXT,
        stats TEXT
    )""",
    """CREATE TABLE sightings (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL REFERENCES copies(sha256),
        url TEXT NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        times_seen INTEGER NOT NULL DEFAULT 1,
        source TEXT,
        column_url TEXT,
        referer TEXT,
        link_text TEXT,
        http_status INTEGER,
        content_type TEXT,
        etag TEXT,
        last_modified TEXT,
        run_id INTEGER REFERENCES runs(id),
        UNIQUE (sha256, url)
    )""",
    "CREATE INDEX sightings_url ON sightings(url)",
    "CREATE INDEX sightings_run_id ON sightings(run_id)",
    # value has NUMERIC affinity: integers stay INTEGER, money in 万元 stays REAL.
    """CREATE TABLE cells (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL REFERENCES copies(sha256),
        table_name TEXT NOT NULL,
        row_key TEXT NOT NULL,
        column_key TEXT NOT NULL,
        value NUMERIC,
        is_blank INTEGER NOT NULL CHECK (is_blank IN (0, 1)),
        provenance TEXT
    )""",
    # Unique per report; its leading column makes it the index for report_id lookups too.
    "CREATE UNIQUE INDEX cells_report_id ON cells(report_id, table_name, row_key, column_key)",
    "CREATE INDEX cells_table_row_column ON cells(table_name, row_key, column_key)",
    """CREATE TABLE checks (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        status TEXT NOT NULL,
        "left" NUMERIC,
        "right" NUMERIC
    )""",
    "CREATE INDEX checks_report_id ON checks(report_id)",
    "CREATE INDEX checks_rule_status ON checks(rule, status)",
    # Contentless FTS5 over reports.text with a space between characters; see search.py.
    "CREATE VIRTUAL TABLE reports_fts USING fts5("
    f"body, content='', tokenize='{FTS_TOKENIZE}')",
]


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    for statement in _INITIAL:
        db.execute(statement)


def migrate(db: Database) -> list[str]:
    """Apply every pending migration; return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    if pending:
        log.info("applied migrations %s", ", ".join(pending))
    return pending
