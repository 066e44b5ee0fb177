"""Reading the archive: report lists, one report with its copies (and why its primary is the
primary, where its copies disagree, which cells are flagged), related documents, counts."""
from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .errors import NotFound
from .records import decode_parse, decode_provenance
from .shape import loads


def _one(db: Database, sql: str, params: list[Any]) -> dict[str, Any] | None:
    return next(db.query(sql, params), None)


def list_reports(db: Database) -> list[dict[str, Any]]:
    """Every report with its copies and their URLs, ordered by agency, year."""
    rows = list(db.query(
        "SELECT id, agency, year, kind, template, title, agency_id FROM reports"
        " WHERE primary_sha256 IS NOT NULL ORDER BY agency IS NULL, agency, year, id"))
    copies = copies_by_report(db, "c.report_id IS NOT NULL", [])
    return [{**row, "copies": copies.get(row["id"], [])} for row in rows]


def get_report(db: Database, report_id: int) -> dict[str, Any]:
    """The canonical report JSON plus id, text, flags, provenance, agency and copies (its
    tables are its primary copy's parse's: m012 keeps them only there and in `cells`)."""
    row = _one(db, "SELECT r.*, c.provenance AS primary_provenance,"
                   " c.cell_flags AS primary_cell_flags, c.parse AS primary_parse FROM reports r"
                   " JOIN copies c ON c.sha256 = r.primary_sha256 WHERE r.id = ?", [report_id])
    if row is None:
        raise NotFound(f"no report with id {report_id}")
    out: dict[str, Any] = {"id": row["id"]}
    for key in ("title", "agency", "year", "kind", "template"):
        out[key] = row[key]
    out["contact"], out["sections"] = loads(row["contact"]), loads(row["sections"])
    out["tables"] = (decode_parse(row["primary_parse"]) or {}).get("tables")
    out["checks"], out["flags"] = loads(row["checks"]), loads(row["flags"])
    out.update(primary_reason=row["primary_reason"],
               disagreements=loads(row["disagreements"]) or [],
               cell_flags=loads(row["primary_cell_flags"]) or {})
    out.update(text=row["text"], provenance=decode_provenance(row["primary_provenance"]),
               primary_sha256=row["primary_sha256"], first_seen=row["first_seen"],
               updated_at=row["updated_at"], agency_id=row["agency_id"],
               resolved_agency=_agency(db, row["agency_id"]),
               cross_year=cross_year_of(db, report_id))
    out["copies"] = copies_by_report(db, "c.report_id = ?", [report_id]).get(report_id, [])
    return out


def _agency(db: Database, agency_id: int | None) -> dict[str, Any] | None:
    if agency_id is None:
        return None
    return _one(db, "SELECT id, name, region, scope FROM agencies WHERE id = ?", [agency_id])


def cross_year_of(db: Database, report_id: int) -> list[dict[str, Any]]:
    """The cross-year checks this report takes part in (as year N or as year N+1)."""
    return list(db.query(
        "SELECT year, next_year, column_key, carried_forward, carried_over, status"
        " FROM cross_year_checks WHERE report_id = ? OR next_report_id = ?"
        " ORDER BY year, column_key", [report_id, report_id]))


def copies_by_report(db: Database, where: str,
                     params: list[Any]) -> dict[int, list[dict[str, Any]]]:
    urls = urls_by_copy(db, where, params)
    out: dict[int, list[dict[str, Any]]] = {}
    for c in db.query(
            "SELECT c.report_id, c.sha256, c.format, c.kind, c.size, c.status, c.first_seen,"
            f" c.last_seen FROM copies c WHERE {where} ORDER BY c.first_seen, c.sha256",
            params):
        report_id = c.pop("report_id")
        out.setdefault(report_id, []).append({**c, "urls": urls.get(c["sha256"], [])})
    return out


def urls_by_copy(db: Database, where: str, params: list[Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for s in db.query(
            "SELECT s.sha256, s.url, s.first_seen, s.last_seen, s.times_seen FROM sightings s"
            f" JOIN copies c ON c.sha256 = s.sha256 WHERE {where}"
            " ORDER BY s.first_seen, s.id", params):
        out.setdefault(s.pop("sha256"), []).append(s)
    return out


def counts(db: Database) -> dict[str, int]:
    row = _one(db,
               "SELECT (SELECT count(*) FROM reports WHERE primary_sha256 IS NOT NULL) AS reports,"
               " (SELECT count(*) FROM copies) AS copies,"
               " (SELECT count(*) FROM sightings) AS sightings,"
               " (SELECT count(*) FROM copies WHERE status = 'parsed') AS parsed,"
               " (SELECT count(*) FROM copies WHERE status = 'failed') AS failed,"
               " (SELECT count(*) FROM copies WHERE status = 'not_report') AS not_report,"
               " (SELECT count(*) FROM copies WHERE status IS NULL) AS unparsed,"
               " (SELECT count(*) FROM related_documents) AS related", [])
    return dict(row or {})


def failed_copies(db: Database) -> list[dict[str, Any]]:
    urls = urls_by_copy(db, "c.status = 'failed'", [])
    rows = db.query("SELECT sha256, filename, error FROM copies"
                    " WHERE status = 'failed' ORDER BY first_seen, sha256")
    return [{**r, "urls": [u["url"] for u in urls.get(r["sha256"], [])]} for r in rows]
