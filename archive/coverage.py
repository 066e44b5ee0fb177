"""Coverage (agency x year: which reports exist, which are missing) and the cross-year check
(carried_forward of year N = carried_over of year N+1, per agency and column).

A legacy (pre-2019) report counts: the body published its report for that year; its years
are listed in `legacy`. Related documents (related.py) are not reports and never count."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlite_utils import Database


@dataclass(slots=True)
class AgencyCoverage:
    id: int
    name: str
    region: str
    scope: str
    names: list[str]  # as written, in the order first seen
    reports: dict[int, int] = field(default_factory=dict)  # year -> report id
    missing: list[int] = field(default_factory=list)
    legacy: list[int] = field(default_factory=list)  # years whose report is a legacy one


@dataclass(slots=True)
class Coverage:
    years: list[int]
    agencies: list[AgencyCoverage]
    unattributed: list[int]  # reports whose title names no agency
    cross_year: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for agency in out["agencies"]:
            agency["reports"] = {str(y): rid for y, rid in agency["reports"].items()}
        return out

    def cross_year_counts(self) -> dict[str, int]:
        counts = {"pass": 0, "fail": 0, "not_assessable": 0}
        for row in self.cross_year:
            counts[row["status"]] += 1
        return counts


def coverage(db: Database) -> Coverage:
    reports = list(db.query("SELECT id, agency_id, year, kind FROM reports"
                            " WHERE primary_sha256 IS NOT NULL ORDER BY year, id"))
    years = sorted({r["year"] for r in reports})
    span = list(range(years[0], years[-1] + 1)) if years else []
    agencies = _agencies(db)
    for r in reports:
        if r["agency_id"] in agencies:
            agencies[r["agency_id"]].reports[r["year"]] = r["id"]
            if r["kind"] == "legacy":
                agencies[r["agency_id"]].legacy.append(r["year"])
    for agency in agencies.values():
        agency.missing = [y for y in span if y not in agency.reports]
    rows = [a for a in agencies.values() if a.reports]
    rows.sort(key=lambda a: (a.region + a.name, a.id))
    unattributed = [r["id"] for r in reports if r["agency_id"] is None]
    return Coverage(span, rows, unattributed, cross_year(db))


def _agencies(db: Database) -> dict[int, AgencyCoverage]:
    names: dict[int, list[str]] = {}
    for row in db.query("SELECT n.agency_id, n.name FROM agency_names n"
                        " JOIN copies c ON c.sha256 = n.sha256 ORDER BY c.first_seen, n.year"):
        seen = names.setdefault(row["agency_id"], [])
        if row["name"] not in seen:
            seen.append(row["name"])
    return {a["id"]: AgencyCoverage(a["id"], a["name"], a["region"], a["scope"],
                                    names.get(a["id"], []))
            for a in db.query("SELECT id, name, region, scope FROM agencies")}


def cross_year(db: Database, status: str | None = None) -> list[dict[str, Any]]:
    """Rows of the `cross_year_checks` view, optionally only one status."""
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    return list(db.query(
        "SELECT agency_id, agency, region, year, next_year, report_id, next_report_id,"
        f" column_key, carried_forward, carried_over, status FROM cross_year_checks {where}"
        " ORDER BY region, agency, year, column_key", params))
