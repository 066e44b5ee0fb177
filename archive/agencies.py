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

A body's identity is its core plus its region, never the portal a copy came from: a copy
ingested from a file and the same report crawled from the portal are one agency. The
region is the name's own, combined with the copy's context (`context_region`: the crawl
source's title such as 中卫市沙坡头区人民政府, or `ingest --source/--region`). Two names are
one agency when they have the same core and their regions agree (one ends with the other;
an empty region agrees with any). When several agencies qualify, the one whose region
matches longest wins, then the one already seen in the same column, then the oldest.
`agencies.name` is the core, `agencies.region` the longest region seen, `agencies.scope`
only the portal the body was first seen on (shown, never compared); every name as written
stays in `agency_names`, one row per parsed copy (with year, source and column).
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
_COUNTY = ("区", "县", "旗")


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


def _segments(region: str) -> list[str]:
    out = []
    while m := _DIVISION.match(region):
        out.append(m.group())
        region = region[m.end():]
    return out + ([region] if region else [])


def _is_division(text: str) -> bool:
    return _segments(text) == [text] and bool(_DIVISION.fullmatch(text))


def context_region(text: str | None) -> str:
    """The region a copy's context names: 中卫市沙坡头区人民政府 -> 中卫市沙坡头区 (a
    territorial body: itself), 中卫市市场监督管理局 -> 中卫市, 沙坡头区 -> 沙坡头区."""
    if not text:
        return ""
    region, core = split_name(text)
    return region + core if _is_division(core) else region


def combine(context: str, own: str) -> str:
    """The region of a name (`own`) read in its context: the more specific of the two when
    they agree; a county-level name under the context's city (中卫市 + 沙坡头区); else own."""
    if not context or context.endswith(own) or context.startswith(own):
        return context or own
    if own.endswith(context) or own.startswith(context):
        return own
    if _segments(own)[0].endswith(_COUNTY):
        return "".join(s for s in _segments(context) if not s.endswith(_COUNTY)) + own
    return own


def identity(name: str, context: str | None = None) -> tuple[str, str]:
    """(region, core) of `name` seen in a context naming `context` (see context_region)."""
    own, core = split_name(name)
    region = combine(context_region(context), own)
    if _is_division(core) and region.endswith(core):  # the context's body itself
        region = region[: -len(core)]
    elif _is_division(core) and core.endswith(_COUNTY) and region.endswith(_COUNTY):
        region = "".join(s for s in _segments(region) if not s.endswith(_COUNTY))  # a peer
    return region, core


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


def resolve(db: Database, name: str, seen: Seen, context: str | None = None) -> int:
    """The id of the agency `name` denotes (in a copy whose context names `context`),
    created if new."""
    region, core = identity(name, context)
    rows = list(db.query("SELECT id, region FROM agencies WHERE name = ? ORDER BY id",
                         [core]))
    fits = [r for r in rows if regions_agree(r["region"], region)]
    if not fits:
        cur = db.execute("INSERT INTO agencies (scope, name, region) VALUES (?, ?, ?)",
                         [seen.scope, core, region])
        return int(cur.lastrowid or 0)
    best = max(fits, key=lambda r: (_suffix(r["region"], region),
                                    _in_column(db, r["id"], seen.column), -r["id"]))
    if len(region) > len(best["region"]):
        db.execute("UPDATE agencies SET region = ? WHERE id = ?", [region, best["id"]])
    return int(best["id"])


def _suffix(a: str, b: str) -> int:
    """How many trailing characters two regions share."""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _in_column(db: Database, agency_id: int, column: str | None) -> bool:
    return column is not None and db.execute(
        "SELECT 1 FROM agency_names WHERE agency_id = ? AND column_url = ?",
        [agency_id, column]).fetchone() is not None


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
