"""Keeping one identity per body in archives written under older rules (run by Archive.open).

- Reports archived before m002 have no agency: each is resolved now (`assign_agencies`).
- Before m008 an agency was also scoped by the portal that listed the copy ("local" for
  files), so an ingested file and the crawled page of one report made two agencies and two
  reports. Identity is now core + region (agencies.py): agencies of one core whose regions
  agree are merged into the oldest (`merge_agencies`), their reports moved; reports that
  meet on (agency, year) become one report with all their copies.

Both passes find nothing to do in an archive that is already settled. The first is a query
on an index; the second clusters every name several agencies share, so it runs only when
the agencies' fingerprint differs from the one `archive_state` kept when it last ran (m017).
"""
from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from . import agencies, search
from .records import decode_parse
from .search import IndexedDoc

if TYPE_CHECKING:
    from .db import Archive

log = logging.getLogger(__name__)


SETTLED_KEY = "agencies_settled"


def settle(archive: Archive) -> None:
    """Both passes; the merge pass only if the agencies changed since it last ran (a merge
    needs an agency added or a region changed; it is 0.1 s of every open at 20,000)."""
    assign_agencies(archive)
    db = archive.db
    row = db.execute("SELECT value FROM archive_state WHERE key = ?", [SETTLED_KEY]).fetchone()
    if row is not None and row[0] == _fingerprint(archive):
        return
    merge_agencies(archive)
    with db.atomic():
        db.execute("INSERT OR REPLACE INTO archive_state (key, value) VALUES (?, ?)",
                   [SETTLED_KEY, _fingerprint(archive)])


def _fingerprint(archive: Archive) -> str:
    """The agencies' count, highest id and the sha256 of every (id, region): any agency
    added, merged away or re-regioned changes it."""
    count, top, regions = archive.db.execute(
        "SELECT count(*), max(id), group_concat(id || ':' || coalesce(region, ''), ',')"
        " FROM (SELECT id, region FROM agencies ORDER BY id)").fetchone()
    return f"{count}:{top}:{hashlib.sha256((regions or '').encode()).hexdigest()}"


def assign_agencies(archive: Archive) -> int:
    """Resolve the agency of every report that has none yet (archives older than m002)."""
    rows = list(archive.db.query(
        "SELECT * FROM reports WHERE agency_id IS NULL AND agency IS NOT NULL"
        " AND primary_sha256 IS NOT NULL ORDER BY id"))
    for row in rows:
        with archive.db.atomic():
            _assign(archive, row)
    if rows:
        log.info("resolved the agencies of %d reports", len(rows))
    return len(rows)


def _assign(archive: Archive, row: dict[str, Any]) -> None:
    db = archive.db
    seen = agencies.seen_of(db, row["primary_sha256"])
    agency_id = agencies.resolve(db, row["agency"], seen, _region(archive, row["primary_sha256"]))
    for c in db.query("SELECT sha256, parse FROM copies WHERE report_id = ?"
                      " AND status = 'parsed'", [row["id"]]):
        name = (decode_parse(c["parse"]) or {}).get("agency")
        agencies.record_name(db, c["sha256"], agency_id, name, row["year"],
                             agencies.seen_of(db, c["sha256"]))
    move_report(archive, row, agency_id)


def _region(archive: Archive, sha256: str) -> str | None:
    row = archive.db.execute("SELECT region FROM copies WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def move_report(archive: Archive, row: dict[str, Any], agency_id: int) -> int:
    """File report `row` under `agency_id`; if that agency has a report of the year, the
    copies join it (and `row` goes). Returns the report's id."""
    db = archive.db
    key = [f"agency:{agency_id}", row["year"]]
    target = next(db.query("SELECT id FROM reports WHERE agency_key = ? AND year = ?", key), None)
    if target is None or target["id"] == row["id"]:
        db.execute("UPDATE reports SET agency_key = ?, agency_id = ? WHERE id = ?",
                   [key[0], agency_id, row["id"]])
        old = search.indexed(row)
        if old is not None:
            search.index_report(db, IndexedDoc(row["id"], row["year"], row["text"], agency_id),
                                old)
        return int(row["id"])
    db.execute("UPDATE copies SET report_id = ? WHERE report_id = ?", [target["id"], row["id"]])
    archive.refresh_report(target["id"])
    archive.refresh_report(row["id"])
    return int(target["id"])


def merge_agencies(archive: Archive) -> int:
    """Merge agencies that are one identity now; returns how many were merged away."""
    # One query for every name that several agencies share (it runs on every open: a query
    # per name cost ~0.1 s at 20,000 agencies), grouped here.
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in archive.db.query(
            "SELECT name, id, region FROM agencies WHERE name IN (SELECT name FROM agencies"
            " GROUP BY name HAVING count(*) > 1) ORDER BY name, id"):
        by_name.setdefault(row.pop("name"), []).append(row)
    merged = 0
    for rows in by_name.values():
        for cluster in clusters(rows):
            with archive.db.atomic():
                _merge(archive, cluster)
            merged += len(cluster) - 1
    if merged:
        log.info("merged %d agencies into the bodies they are", merged)
    return merged


def clusters(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups (oldest first) of agencies whose regions agree with the group's longest region;
    only groups of two or more."""
    groups: list[list[dict[str, Any]]] = []
    for row in rows:
        fits = [g for g in groups if agencies.regions_agree(_longest(g), row["region"])]
        if fits:
            max(fits, key=lambda g: len(_common_suffix(_longest(g), row["region"]))).append(row)
        else:
            groups.append([row])
    return [g for g in groups if len(g) > 1]


def _longest(group: list[dict[str, Any]]) -> str:
    return max((r["region"] for r in group), key=len)


def _common_suffix(a: str, b: str) -> str:
    return a if b.endswith(a) else b if a.endswith(b) else ""


def _merge(archive: Archive, group: list[dict[str, Any]]) -> None:
    db = archive.db
    keep = group[0]["id"]
    db.execute("UPDATE agencies SET region = ? WHERE id = ?", [_longest(group), keep])
    for gone in (r["id"] for r in group[1:]):
        db.execute("UPDATE agency_names SET agency_id = ? WHERE agency_id = ?", [keep, gone])
        db.execute("UPDATE related_documents SET agency_id = ? WHERE agency_id = ?",
                   [keep, gone])
        for row in list(db.query("SELECT * FROM reports WHERE agency_id = ? ORDER BY id",
                                 [gone])):
            move_report(archive, row, keep)
        db.execute("DELETE FROM agencies WHERE id = ?", [gone])
