"""Readable SQL views over the archive (see docs/sql.md). These are the current definitions:
a migration that changes one drops and recreates them all (m004, m005, m007, m008, m011,
m012).

No view tests `reports.primary_sha256 IS NOT NULL`: a report without a primary copy exists
only inside the transaction of `Archive.save_parse`, and the test would read every row to
its end (the column follows the large JSON columns), which makes searches and cross-year
checks over 100,000 reports seconds slower.

- `report_list`: one row per report: agency (resolved), region, name as written, year,
  kind (report / legacy), template, title, failing checks, the primary copy (`original`)
  and why it is the primary.
- `cells` (m012): every cell with its table, row and column keys (cell_values + cell_keys).
- `cells_view`: every cell with agency, year, the Chinese labels of table, row, column,
  and its `flag` (why the parser doubts it; NULL when clean).
- `applications_view`, `active_disclosure_view`, `review_litigation_view`: one row per
  report and table row, one column per table column (NULL: blank or absent; 0 stays 0),
  and `flags`: the row's flagged cells as "column: reason; …" (NULL when none).
- `checks_view`: every check with agency and year.
- `cross_year_checks`: per agency, carried_forward of year N against carried_over of
  year N+1, column by column (pass / fail / not_assessable).
- `copies_view`: every copy with its report and first URL (`original` links the bytes).
"""
from __future__ import annotations

from .labels import COLUMNS

_AGENCY = "r.agency_id, a.name AS agency, a.region, r.agency AS agency_as_written, r.year"

REPORT_LIST = f"""CREATE VIEW report_list AS
SELECT r.id, {_AGENCY}, r.kind, r.template, r.title,
  (SELECT count(*) FROM checks k WHERE k.report_id = r.id AND k.status = 'fail')
    AS failing_checks,
  r.primary_sha256 AS original, r.primary_reason, r.fts_rowid
FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id"""

# `cells` (since m012) is a view: the cells are stored in `cell_values`, keyed by (report,
# key id) with the (table, row, column) text of each key once in `cell_keys`. Its columns are
# the old table's, in its order; writes through it (INSERT, DELETE, UPDATE) go to the tables.
# Not in all_views(): it is created once by m012 and never dropped with the others.
_KEY_OF = ("(SELECT id FROM cell_keys WHERE table_name = {p}.table_name"
           " AND row_key = {p}.row_key AND column_key = {p}.column_key)")
_NEW_KEY = ("INSERT OR IGNORE INTO cell_keys (table_name, row_key, column_key)"
            " VALUES (NEW.table_name, NEW.row_key, NEW.column_key);")
READABLE_CELLS = [
    """CREATE VIEW cells AS
SELECT v.report_id, k.table_name, k.row_key, k.column_key, v.value, v.is_blank, v.provenance,
  v.flag
FROM cell_values v JOIN cell_keys k ON k.id = v.key_id""",
    f"""CREATE TRIGGER cells_insert INSTEAD OF INSERT ON cells BEGIN {_NEW_KEY}
INSERT INTO cell_values (report_id, key_id, value, is_blank, provenance, flag) VALUES
  (NEW.report_id, {_KEY_OF.format(p="NEW")}, NEW.value, NEW.is_blank, NEW.provenance, NEW.flag);
END""",
    f"""CREATE TRIGGER cells_delete INSTEAD OF DELETE ON cells BEGIN
DELETE FROM cell_values WHERE report_id = OLD.report_id AND key_id = {_KEY_OF.format(p="OLD")};
END""",
    f"""CREATE TRIGGER cells_update INSTEAD OF UPDATE ON cells BEGIN {_NEW_KEY}
UPDATE cell_values SET report_id = NEW.report_id, key_id = {_KEY_OF.format(p="NEW")},
  value = NEW.value, is_blank = NEW.is_blank, provenance = NEW.provenance, flag = NEW.flag
WHERE report_id = OLD.report_id AND key_id = {_KEY_OF.format(p="OLD")};
END""",
]

CELLS_VIEW = f"""CREATE VIEW cells_view AS
SELECT c.report_id, {_AGENCY}, r.template,
  c.table_name, tl.label AS table_label, c.row_key, rl.label AS row_label,
  c.column_key, cl.label AS column_label, c.value, c.is_blank, c.provenance, c.flag
FROM cells c JOIN reports r ON r.id = c.report_id
LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN labels tl ON tl.table_name = '' AND tl.kind = 'table' AND tl.key = c.table_name
LEFT JOIN labels rl ON rl.table_name = c.table_name AND rl.kind = 'row' AND rl.key = c.row_key
LEFT JOIN labels cl ON cl.table_name = c.table_name AND cl.kind = 'column'
  AND cl.key = c.column_key"""

CHECKS_VIEW = f"""CREATE VIEW checks_view AS
SELECT k.report_id, {_AGENCY}, k.rule, k.status, k."left", k."right"
FROM checks k JOIN reports r ON r.id = k.report_id
LEFT JOIN agencies a ON a.id = r.agency_id"""

CROSS_YEAR = """CREATE VIEW cross_year_checks AS
SELECT r1.agency_id, a.name AS agency, a.region, r1.year, r2.year AS next_year,
  r1.id AS report_id, r2.id AS next_report_id, kf.column_key, cl.label AS column_label,
  f.value AS carried_forward, o.value AS carried_over,
  CASE WHEN f.value IS NULL OR o.value IS NULL THEN 'not_assessable'
       WHEN f.value = o.value THEN 'pass' ELSE 'fail' END AS status
FROM reports r1
JOIN reports r2 ON r2.agency_id = r1.agency_id AND r2.year = r1.year + 1
JOIN agencies a ON a.id = r1.agency_id
JOIN cell_keys kf ON kf.table_name = 'applications' AND kf.row_key = 'carried_forward'
JOIN cell_values f ON f.report_id = r1.id AND f.key_id = kf.id
LEFT JOIN cell_keys ko ON ko.table_name = 'applications' AND ko.row_key = 'carried_over'
  AND ko.column_key = kf.column_key
LEFT JOIN cell_values o ON o.report_id = r2.id AND o.key_id = ko.id
LEFT JOIN labels cl ON cl.table_name = 'applications' AND cl.kind = 'column'
  AND cl.key = kf.column_key"""

COPIES_VIEW = f"""CREATE VIEW copies_view AS
SELECT c.sha256, c.report_id, {_AGENCY}, c.format, c.mime, c.size, c.filename, c.status,
  c.kind, c.error, c.first_seen, c.last_seen,
  (SELECT s.url FROM sightings s WHERE s.sha256 = c.sha256 ORDER BY s.first_seen, s.id
   LIMIT 1) AS first_url,
  c.sha256 AS original
FROM copies c LEFT JOIN reports r ON r.id = c.report_id
LEFT JOIN agencies a ON a.id = r.agency_id"""


def wide_view(table: str) -> str:
    """One row per (report, table row), one column per table column: each cell looked up
    by its key (cell_keys) and then in cell_values' primary key (report, key)."""
    cols = [key for key, _ in COLUMNS[table]]
    values = ",\n  ".join(f"c{i}.value AS [{key}]" for i, key in enumerate(cols))
    joins = "\n".join(
        f"LEFT JOIN cell_keys k{i} ON k{i}.table_name = '{table}' AND k{i}.row_key = l.key"
        f" AND k{i}.column_key = '{key}'\n"
        f"LEFT JOIN cell_values c{i} ON c{i}.report_id = r.id AND c{i}.key_id = k{i}.id"
        for i, key in enumerate(cols))
    return f"""CREATE VIEW {table}_view AS
SELECT r.id AS report_id, {_AGENCY}, r.template,
  l.key AS row_key, l.label AS row_label, l.position AS row_position,
  {values},
  (SELECT group_concat(x.column_key || ': ' || x.flag, '; ') FROM cells x
   WHERE x.report_id = r.id AND x.table_name = '{table}' AND x.row_key = l.key
     AND x.flag IS NOT NULL) AS flags
FROM reports r JOIN labels l ON l.table_name = '{table}' AND l.kind = 'row'
LEFT JOIN agencies a ON a.id = r.agency_id
{joins}
WHERE EXISTS (SELECT 1 FROM cells x
  WHERE x.report_id = r.id AND x.table_name = '{table}' AND x.row_key = l.key)"""


def view_names() -> list[str]:
    return [sql.split()[2] for sql in all_views()]


def all_views() -> list[str]:
    return [REPORT_LIST, CELLS_VIEW, CHECKS_VIEW, CROSS_YEAR, COPIES_VIEW,
            *(wide_view(t) for t in COLUMNS)]
