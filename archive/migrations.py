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


_AGENCIES = [
    """CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        name TEXT NOT NULL,
        region TEXT NOT NULL DEFAULT '',
        full_name TEXT GENERATED ALWAYS AS (region || name) VIRTUAL
    )""",
    "CREATE INDEX agencies_scope_name ON agencies(scope, name)",
    """CREATE TABLE agency_names (
        sha256 TEXT PRIMARY KEY REFERENCES copies(sha256),
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        name TEXT NOT NULL,
        year INTEGER,
        source TEXT,
        column_url TEXT
    )""",
    "CREATE INDEX agency_names_agency_id ON agency_names(agency_id)",
    "ALTER TABLE reports ADD COLUMN agency_id INTEGER REFERENCES agencies(id)",
    "CREATE INDEX reports_agency_year ON reports(agency_id, year)",
]


@migrations(name="m002_agencies")
def m002_agencies(db: Database) -> None:
    """Agencies and the names they are written under; reports get an agency_id (filled in
    by Archive.open, which re-resolves every report that has none)."""
    for statement in _AGENCIES:
        db.execute(statement)


@migrations(name="m003_exact_search_index")
def m003_exact_search_index(db: Database) -> None:
    """The per-character index becomes exact: unigram + bigram units (see tokens.py), rowid
    (year << 32 | id); `reports.fts_rowid` is that key, for Datasette's search box. The
    table is left empty: m014 replaces it and indexes every report."""
    db.execute("DROP TABLE reports_fts")
    db.execute(f"CREATE VIRTUAL TABLE reports_fts USING fts5(uni, bi, content='',"
               f" tokenize='{FTS_TOKENIZE}')")
    db.execute("ALTER TABLE reports ADD COLUMN fts_rowid INTEGER"
               " GENERATED ALWAYS AS ((year << 32) | id) VIRTUAL")
    db.execute("CREATE INDEX reports_fts_rowid ON reports(fts_rowid)")


@migrations(name="m004_labels_and_views")
def m004_labels_and_views(db: Database) -> None:
    """Chinese labels of the tables, rows and columns, and the readable views (views.py)."""
    from .labels import label_rows
    from .views import all_views

    db.execute("""CREATE TABLE labels (
        table_name TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
        label TEXT NOT NULL, position INTEGER NOT NULL,
        PRIMARY KEY (table_name, kind, key))""")
    db.conn.executemany("INSERT INTO labels VALUES (?, ?, ?, ?, ?)", label_rows())
    for statement in all_views():
        db.execute(statement)


@migrations(name="m005_compact_cells")
def m005_compact_cells(db: Database) -> None:
    """cells becomes a WITHOUT ROWID table keyed by (report, table, row, column): one b-tree
    instead of a table and two indexes, and no sha256 per cell (the cells are always the
    report's primary copy's: reports.primary_sha256). About a third of the size."""
    from .views import all_views, view_names

    for name in view_names():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    db.execute("""CREATE TABLE cells_new (
        report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        row_key TEXT NOT NULL,
        column_key TEXT NOT NULL,
        value NUMERIC,
        is_blank INTEGER NOT NULL CHECK (is_blank IN (0, 1)),
        provenance TEXT,
        PRIMARY KEY (report_id, table_name, row_key, column_key)
    ) WITHOUT ROWID""")
    db.execute("INSERT INTO cells_new SELECT report_id, table_name, row_key, column_key, value,"
               " is_blank, provenance FROM cells")
    db.execute("DROP TABLE cells")
    db.execute("ALTER TABLE cells_new RENAME TO cells")
    for statement in all_views():
        db.execute(statement)


@migrations(name="m006_agency_name_indexes")
def m006_agency_name_indexes(db: Database) -> None:
    """`--agency` looks names up by equality (the canonical name, a name as written)."""
    db.execute("CREATE INDEX agencies_name ON agencies(name)")
    db.execute("CREATE INDEX agency_names_name ON agency_names(name)")


@migrations(name="m007_views_without_row_reads")
def m007_views_without_row_reads(db: Database) -> None:
    """The views no longer test primary_sha256 (see views.py): recreated."""
    recreate_views(db)


_KINDS_AND_FLAGS = [
    # What each copy is and what the parser doubted; the region its context gave.
    "ALTER TABLE copies ADD COLUMN kind TEXT",
    "ALTER TABLE copies ADD COLUMN cell_flags TEXT",
    "ALTER TABLE copies ADD COLUMN region TEXT",
    # A report is a template report or a legacy (pre-2019) one; why its primary was chosen,
    # and the cells its parsed copies disagree on (JSON).
    "ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'report'",
    "ALTER TABLE reports ADD COLUMN primary_reason TEXT",
    "ALTER TABLE reports ADD COLUMN disagreements TEXT",
    "ALTER TABLE cells ADD COLUMN flag TEXT",
    """CREATE TABLE related_documents (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE REFERENCES copies(sha256),
        agency_id INTEGER REFERENCES agencies(id),
        agency TEXT,
        year INTEGER,
        kind TEXT NOT NULL,
        title TEXT,
        text TEXT NOT NULL DEFAULT '',
        updated_at TEXT
    )""",
    "CREATE INDEX related_documents_agency_year ON related_documents(agency_id, year)",
    # Same units as reports_fts (tokens.py); rowid = related_documents.id.
    "CREATE VIRTUAL TABLE related_fts USING fts5(uni, bi, content='',"
    f" tokenize='{FTS_TOKENIZE}')",
]


@migrations(name="m008_kinds_flags_related")
def m008_kinds_flags_related(db: Database) -> None:
    """Document kinds (report, legacy, related documents in their own table and index),
    flagged cells, the primary copy's reason. Existing reports are kind 'report'; agencies
    that are now one identity are merged by Archive.open (identity.py)."""
    from .views import view_names

    for name in view_names():  # the views name the new columns: dropped first
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    for statement in _KINDS_AND_FLAGS:
        db.execute(statement)
    recreate_views(db)


@migrations()
def m009_sighting_context(db: Database) -> None:
    """What the page around a sighting said about the copy (an attachment's linking page's
    title and publisher), kept so that a re-parse reads the copy in the same context."""
    db.execute("ALTER TABLE sightings ADD COLUMN page_title TEXT")
    db.execute("ALTER TABLE sightings ADD COLUMN publisher TEXT")



@migrations()
def m010_sighting_warc_records(db: Database) -> None:
    """Where a sighting's exchange is in the crawl's WARC files (crawlstate/warc.py): the
    file under warcs/, the record's offset and length (one gzip member), so `show` and the
    web UI can cite it and `verify` can check it exists."""
    db.execute("ALTER TABLE sightings ADD COLUMN warc_file TEXT")
    db.execute("ALTER TABLE sightings ADD COLUMN warc_offset INTEGER")
    db.execute("ALTER TABLE sightings ADD COLUMN warc_length INTEGER")

def recreate_views(db: Database) -> None:
    from .views import all_views, view_names

    for name in view_names():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    for statement in all_views():
        db.execute(statement)


def migrate(db: Database) -> list[str]:
    """Apply every pending migration; return the names applied."""
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    if pending:
        log.info("applied migrations %s", ", ".join(pending))
    return pending


# The index's tokens are units (tokens.py): ASCII lowercase letters and digits, CJK
# ideographs; the ascii tokenizer splits them exactly as unicode61 does (on the spaces),
# without unicode61's per-character category lookups: about a quarter of the build time.
INDEX_TOKENIZE = "ascii"


@migrations()
def m011_store_once(db: Database) -> None:
    """Each thing stored once (issue 13): `reports.sections` becomes a generated column cut
    from `text` by `section_spans` (shape.py), the prose no longer stored twice; the index
    keeps each distinct unit once in `uni` and uses the ascii tokenizer (both indexes are
    left empty: m014 replaces them and indexes every text). The file shrinks after a VACUUM."""
    from .shape import SECTIONS_SQL, loads, section_columns
    from .views import view_names

    for name in view_names():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    db.execute("ALTER TABLE reports ADD COLUMN section_spans TEXT")
    db.execute("ALTER TABLE reports ADD COLUMN sections_raw TEXT")
    rows = db.execute("SELECT id, title, sections, text FROM reports"
                      " WHERE sections IS NOT NULL").fetchall()
    for rid, title, sections, text in rows:
        cols = section_columns(title, loads(sections), text)
        db.execute("UPDATE reports SET section_spans = ?, sections_raw = ? WHERE id = ?",
                   [cols["section_spans"], cols["sections_raw"], rid])
    db.execute("ALTER TABLE reports DROP COLUMN sections")
    db.execute(f"ALTER TABLE reports ADD COLUMN sections TEXT GENERATED ALWAYS AS"
               f" ({SECTIONS_SQL}) VIRTUAL")
    for table in ("reports_fts", "related_fts"):
        db.execute(f"DROP TABLE {table}")
        db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(uni, bi, content='',"
                   f" tokenize='{INDEX_TOKENIZE}')")
    recreate_views(db)


_CELL_TABLES = [
    # The (table, row, column) of a cell, once: the forms' keys first, in sorted order (so
    # that cells read in key order come in the order of the old table's primary key).
    """CREATE TABLE cell_keys (
        id INTEGER PRIMARY KEY,
        table_name TEXT NOT NULL,
        row_key TEXT NOT NULL,
        column_key TEXT NOT NULL,
        UNIQUE (table_name, row_key, column_key)
    )""",
    # No foreign key to reports: verify.py finds cells of a missing report by the `cells`
    # view (kind "cells"), and the archive deletes a report's cells with it (db.py).
    """CREATE TABLE cell_values (
        report_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL REFERENCES cell_keys(id),
        value NUMERIC,
        is_blank INTEGER NOT NULL CHECK (is_blank IN (0, 1)),
        provenance TEXT,
        flag TEXT,
        PRIMARY KEY (report_id, key_id)
    ) WITHOUT ROWID""",
]


def form_cell_keys() -> list[tuple[str, str, str]]:
    """Every (table, row, column) the forms can give a cell, sorted."""
    from .labels import COLUMNS, ROWS

    return sorted((t, row, col) for t in COLUMNS for row, _ in ROWS[t] for col, _ in COLUMNS[t])


@migrations()
def m012_compact_cells_and_parse(db: Database) -> None:
    """Issue 13, archive size. `cells` becomes a view over `cell_values` (report, key id,
    value, is_blank, provenance, flag; WITHOUT ROWID) and `cell_keys` (each table/row/column
    text once); `copies.parse` is stored zlib-compressed (records.encode_parse_json, the JSON
    text kept verbatim); `reports.tables` goes: it was the primary copy's parse's tables,
    which reading.get_report now reads from there. The file shrinks after a VACUUM."""
    from .records import encode_parse_json
    from .views import READABLE_CELLS, view_names

    for name in view_names():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    for statement in _CELL_TABLES:
        db.execute(statement)
    db.conn.executemany("INSERT INTO cell_keys (table_name, row_key, column_key)"
                        " VALUES (?, ?, ?)", form_cell_keys())
    db.execute("INSERT OR IGNORE INTO cell_keys (table_name, row_key, column_key)"
               " SELECT DISTINCT table_name, row_key, column_key FROM cells ORDER BY 1, 2, 3")
    db.execute("INSERT INTO cell_values SELECT c.report_id, k.id, c.value, c.is_blank,"
               " c.provenance, c.flag FROM cells c JOIN cell_keys k ON k.table_name ="
               " c.table_name AND k.row_key = c.row_key AND k.column_key = c.column_key"
               " ORDER BY c.report_id, k.id")
    db.execute("DROP TABLE cells")
    rows = db.execute("SELECT sha256, parse FROM copies WHERE typeof(parse) = 'text'").fetchall()
    for sha, parse in rows:
        db.execute("UPDATE copies SET parse = ? WHERE sha256 = ?",
                   [encode_parse_json(parse), sha])
    db.execute("ALTER TABLE reports DROP COLUMN tables")
    # Last, after the ALTER: the current definitions may name what a later migration makes,
    # and an ALTER checks every view and trigger.
    for statement in READABLE_CELLS:
        db.execute(statement)
    recreate_views(db)


@migrations()
def m013_compact_provenance(db: Database) -> None:
    """`copies.provenance` (the parser's cell -> where-it-came-from map, ~17 KB of JSON for a
    real report) is stored as `copies.parse` is: records.encode_parse_json of the JSON text,
    kept verbatim; read through records.decode_provenance."""
    from .records import encode_parse_json

    rows = db.execute("SELECT sha256, provenance FROM copies"
                      " WHERE typeof(provenance) = 'text'").fetchall()
    for sha, provenance in rows:
        db.execute("UPDATE copies SET provenance = ? WHERE sha256 = ?",
                   [encode_parse_json(provenance), sha])


@migrations()
def m014_index_without_positions(db: Database) -> None:
    """The search indexes keep no positions (issue 13): one column, `grams`, detail=none,
    holding each distinct character, pair and triple of a text once (tokens.py); a term of
    four or more characters is checked on the text (query.check_sql). The positional
    bigram phrases of m003-m013 were 13 KB a report, more than the text. Both indexes are
    rebuilt; the file shrinks after a VACUUM."""
    from .search import rebuild_index, rebuild_related_index

    for table in ("reports_fts", "related_fts"):
        db.execute(f"DROP TABLE {table}")
        db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(grams, content='', detail=none,"
                   f" tokenize='{INDEX_TOKENIZE}')")
    rebuild_index(db)
    rebuild_related_index(db)


@migrations()
def m015_text_last(db: Database) -> None:
    """`reports.text` becomes the last stored column (issue 13): SQLite reads a row's
    columns in order, so a column stored after the text (kind, primary_sha256, ...) cost a
    walk through the text's overflow pages for every row read, the views' and search's
    hit lists included. The generated `sections` (over the text) is made again after it."""
    from .shape import SECTIONS_SQL
    from .views import view_names

    for name in view_names():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    db.execute("ALTER TABLE reports DROP COLUMN sections")
    db.execute("ALTER TABLE reports ADD COLUMN text_last TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE reports SET text_last = text")
    db.execute("ALTER TABLE reports DROP COLUMN text")
    db.execute("ALTER TABLE reports RENAME COLUMN text_last TO text")
    db.execute(f"ALTER TABLE reports ADD COLUMN sections TEXT GENERATED ALWAYS AS"
               f" ({SECTIONS_SQL}) VIRTUAL")
    recreate_views(db)


@migrations()
def m016_hit_list_index(db: Database) -> None:
    """A narrow index of what a search hit shows (id, year, agency, title, kind, template):
    `search --limit 0` reads it for every hit instead of each report's row, which its text
    makes a page of its own (0.41 s against 0.26 s for 85,000 hits; ~0.1 KB a report)."""
    db.execute("CREATE INDEX reports_hit_list ON reports(id, year, agency, title, kind,"
               " template)")


@migrations()
def m017_archive_state(db: Database) -> None:
    """A key-value table of the archive's own upkeep: `agencies_settled` is the agencies'
    fingerprint when identity.settle last ran, so an open that finds it unchanged skips the
    merge pass (0.1 s of every command at 20,000 agencies)."""
    db.execute("CREATE TABLE archive_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m018_index_hash_size(db: Database) -> None:
    """Both indexes flush their pending terms every 16 MB instead of every 1 MB (FTS5's
    `hashsize`, kept in each index's `_config`; search.INDEX_HASHSIZE): a long transaction
    writes fewer, larger segments, which the merges then rewrite less often. No row changes."""
    from .search import tune_index

    for table in ("reports_fts", "related_fts"):
        tune_index(db, table)
