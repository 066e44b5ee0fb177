"""One body, one identity: the names a body is written under resolve to one agency.

The same town appears as 中卫市沙坡头区东园镇人民政府, 沙坡头区东园镇人民政府 or 东园镇.
`split_name` reads a name as (region, core):

- the name is normalised: NFKC (full-width letters and digits become half-width), white
  space removed;
- leading administrative divisions are the region: a segment of at least two characters
  ending in 省, 自治区, 市, 州, 盟, 地区, 县, 区 or 旗 (中卫市, 沙坡头区, 宁夏回族自治区),
  unless it ends like a functional zone (工业园区, 开发区, 社区 …);
- 人民政府 after a territorial name (…镇, …乡, …区, …县 …) is dropped, and 街道办事处 is
  read as 街道; if nothing but divisions is left, the last one is the core (沙坡头区人民政府
  → core 沙坡头区).

Two names are one agency when they were seen on the same portal (`scope`: the host of the
column page that listed the copy, "local" for files), have the same core, and their regions
agree (one ends with the other; an empty region agrees with any). When several agencies
qualify, the one already seen in the same column wins. Names are never merged across
portals. `agencies.name` is the core, `agencies.region` the longest region seen; every name
as written stays in `agency_names`, one row per parsed copy (with year, source and column).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

_DIVISION = re.compile(
    r"[\u4e00-\u9fff]{2,9}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|区|旗)")
_NOT_DIVISION = ("园区", "开发区", "工业区", "景区", "社区", "小区", "片区", "示范区", "试验区",
                 "实验区", "保税区", "管理区", "产业区", "功能区", "合作区", "校区", "院区", "矿区")
_TERRITORIAL = ("镇", "乡", "区", "县", "市", "旗", "苏木", "街道", "州", "盟", "省")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Seen:
    """Where a copy was seen: the portal (scope), the crawl's source name and column."""

    scope: str = ""
    source: str | None = None
    column: str | None = None


def normalize(name: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", name or ""))


def split_name(name: str) -> tuple[str, str]:
    """(region, core) of an agency name; see the module docstring."""
    rest, segments = normalize(name), []
    while (m := _DIVISION.match(rest)) and not m.group().endswith(_NOT_DIVISION):
        segments.append(m.group())
        rest = rest[m.end():]
    rest = _drop_government(rest, segments)
    if not rest:
        rest = segments.pop() if segments else normalize(name)
    return "".join(segments), rest


def _drop_government(rest: str, segments: list[str]) -> str:
    if rest.endswith("街道办事处"):
        return rest[: -len("办事处")]
    if rest == "人民政府" or (rest.endswith("人民政府")
                            and rest[: -len("人民政府")].endswith(_TERRITORIAL)):
        return rest[: -len("人民政府")]
    return rest


def regions_agree(a: str, b: str) -> bool:
    return a.endswith(b) or b.endswith(a)


def scope_of(url: str | None) -> str:
    parts = urlsplit(url or "")
    if parts.scheme == "file":
        return "local"
    host = (parts.hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def seen_of(db: Database, sha256: str) -> Seen:
    """The copy's first sighting, as a `Seen`; `Seen()` when it has none."""
    row = next(db.query(
        "SELECT url, source, column_url, referer FROM sightings WHERE sha256 = ?"
        " ORDER BY first_seen, id LIMIT 1", [sha256]), None)
    if row is None:
        return Seen()
    page = row["column_url"] or row["referer"] or row["url"]
    return Seen(scope_of(page), row["source"], row["column_url"])


def resolve(db: Database, name: str, seen: Seen) -> int:
    """The id of the agency `name` denotes on `seen.scope`, created if new."""
    region, core = split_name(name)
    rows = list(db.query("SELECT id, region FROM agencies WHERE scope = ? AND name = ?"
                         " ORDER BY id", [seen.scope, core]))
    fits = [r for r in rows if regions_agree(r["region"], region)]
    if not fits:
        cur = db.execute("INSERT INTO agencies (scope, name, region) VALUES (?, ?, ?)",
                         [seen.scope, core, region])
        return int(cur.lastrowid or 0)
    best = _same_column(db, fits, seen.column) or fits[0]
    if len(region) > len(best["region"]):
        db.execute("UPDATE agencies SET region = ? WHERE id = ?", [region, best["id"]])
    return int(best["id"])


def _same_column(db: Database, fits: list[dict[str, Any]],
                 column: str | None) -> dict[str, Any] | None:
    if column is None or len(fits) == 1:
        return None
    for row in fits:
        if db.execute("SELECT 1 FROM agency_names WHERE agency_id = ? AND column_url = ?",
                      [row["id"], column]).fetchone():
            return row
    return None


def record_name(db: Database, sha256: str, agency_id: int | None, name: str | None,
                year: int | None, seen: Seen) -> None:
    """Keep the name as written on this copy (replacing what an earlier parse said)."""
    db.execute("DELETE FROM agency_names WHERE sha256 = ?", [sha256])
    if agency_id is not None and name:
        db.execute("INSERT INTO agency_names (sha256, agency_id, name, year, source,"
                   " column_url) VALUES (?, ?, ?, ?, ?, ?)",
                   [sha256, agency_id, name, year, seen.source, seen.column])


def filter_ids(db: Database, agency: str | None, region: str | None) -> list[int] | None:
    """Agency ids that `--agency` and `--region` select; None when neither is given."""
    sets = [s for s in (_by_agency(db, agency) if agency else None,
                        _by_region(db, region) if region else None) if s is not None]
    if not sets:
        return None
    return sorted(set.intersection(*sets))


def _by_agency(db: Database, text: str) -> set[int]:
    """Agencies `text` names: by resolution (same core, regions agree), by a name as
    written, or as a part of region + name (所有名称中含 "东园" 的机关)."""
    region, core = split_name(text)
    needle = normalize(text)
    ids = {r["id"] for r in db.query("SELECT id, region FROM agencies WHERE name = ?", [core])
           if regions_agree(r["region"], region)}
    ids |= {r[0] for r in db.execute(
        "SELECT agency_id FROM agency_names WHERE name IN (?, ?) UNION"
        " SELECT id FROM agencies WHERE instr(region || name, ?) > 0", [text, needle, needle])}
    return ids


def _by_region(db: Database, text: str) -> set[int]:
    return {r[0] for r in db.execute(
        "SELECT id FROM agencies WHERE instr(region || name, ?) > 0", [normalize(text)])}
