"""Related documents: what a body publishes around its annual reports but is not one.

A notice on compiling the reports (关于做好…年度报告编制发布工作的通知), an infographic or
policy reading (图解, 一图读懂, 政策解读), a rule-of-law report (法治政府建设年度报告), a
statistics report (统计年报, 统计公报), a work plan (政务公开工作要点). The parser gives such a
copy status "not_report" and one of these kinds; the archive keeps it as a related document
of its body, keyed by the copy's sha256, in `related_documents`, with its own full-text
index `related_fts` (the tokens of tokens.py; rowid = the row's id). It is never a report:
not in `reports`, so not in `list`, coverage, the report views or the exports. A copy of
kind "other" (not a report, nothing more known) stays a plain not_report copy.
"""
from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .query import Query, check_sql, fts_expression
from .tokens import index_tokens

RELATED_KINDS = ("notice", "infographic", "rule_of_law_report", "statistics_report",
                 "work_plan")
REPORT_KINDS = ("report", "legacy")
OTHER = "other"
KINDS = (*REPORT_KINDS, *RELATED_KINDS, OTHER)
FTS = "related_fts"


def is_related(status: str, kind: str) -> bool:
    return status == "not_report" and kind in RELATED_KINDS


def _index(db: Database, row_id: int, text: str) -> None:
    db.execute(f"INSERT INTO {FTS}(rowid, grams) VALUES (?, ?)",
               [row_id, index_tokens(text, None)])


def _unindex(db: Database, row_id: int, text: str) -> None:
    db.execute(f"INSERT INTO {FTS}({FTS}, rowid, grams) VALUES ('delete', ?, ?)",
               [row_id, index_tokens(text, None)])


def drop(db: Database, sha256: str) -> None:
    """Forget the copy as a related document (it re-parsed as something else)."""
    row = db.execute("SELECT id, text FROM related_documents WHERE sha256 = ?",
                     [sha256]).fetchone()
    if row is not None:
        _unindex(db, row[0], row[1])
        db.execute("DELETE FROM related_documents WHERE id = ?", [row[0]])


def save(db: Database, sha256: str, doc: dict[str, Any], now: str) -> int:
    """Insert or replace the related document of copy `sha256`; returns its id. `doc` has
    kind, agency_id, agency, year, title, text."""
    drop(db, sha256)
    cols = ("sha256", "agency_id", "agency", "year", "kind", "title", "text", "updated_at")
    values = [sha256, doc["agency_id"], doc["agency"], doc["year"], doc["kind"],
              doc["title"], doc["text"], now]
    row_id = int(db.execute(
        f"INSERT INTO related_documents ({', '.join(cols)})"
        f" VALUES ({', '.join('?' for _ in cols)})", values).lastrowid or 0)
    _index(db, row_id, doc["text"])
    return row_id


def year_of(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def search(db: Database, query: Query, year: int | None, agency_ids: list[int] | None,
           limit: int) -> list[dict[str, Any]]:
    """Related documents matching `query`, newest first (`limit` 0: all)."""
    sql = ("SELECT d.id, d.kind, d.agency, d.year, d.title, d.text FROM related_fts f"
           f" JOIN related_documents d ON d.id = f.rowid WHERE {FTS} MATCH ?")
    params: list[Any] = [fts_expression(query)]
    check, check_params = check_sql(query, "d.text")
    if check:
        sql, params = sql + " AND " + check, params + check_params
    if year is not None:
        sql, params = sql + " AND d.year = ?", params + [year]
    if agency_ids is not None:
        sql += f" AND d.agency_id IN ({', '.join('?' for _ in agency_ids)})"
        params += agency_ids
    sql += " ORDER BY d.year IS NULL, d.year DESC, d.id DESC LIMIT ?"
    return list(db.query(sql, [*params, limit or -1]))


def list_related(db: Database) -> list[dict[str, Any]]:
    """Every related document with its body and first URL, by body, year, id."""
    return list(db.query(
        "SELECT d.id, d.kind, d.year, d.agency_id, a.name AS agency, a.region,"
        " d.agency AS agency_as_written, d.title, d.sha256,"
        " (SELECT s.url FROM sightings s WHERE s.sha256 = d.sha256"
        "  ORDER BY s.first_seen, s.id LIMIT 1) AS url"
        " FROM related_documents d LEFT JOIN agencies a ON a.id = d.agency_id"
        " ORDER BY a.region IS NULL, a.region, a.name, d.year, d.id"))
