"""`nianbao merge ARCHIVE...`: shard archives into this one. Copies by sha256 (with their
blobs, re-hashed on the way), sightings unioned by (sha256, url), and reports by identity:
every parse is saved again through `Archive.save_parse`, so agency and report resolution
run here exactly as if this archive had seen the copies itself. Shard-local ids (runs, WARC
records) are not carried over."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from archive.db import Archive
from archive.errors import ArchiveError
from archive.records import CopyRecord, ParsedCopy, Sighting, decode_parse, decode_provenance
from archive.shape import loads

SIGHTING_FIELDS = ("source", "referer", "link_text", "page_title", "publisher", "http_status",
                   "content_type", "etag", "last_modified")


def merge_into(target: Archive, source_root: Path) -> Counter[str]:
    """Merge one archive into `target`; counts of new copies, sightings and parses."""
    counts: Counter[str] = Counter()
    with Archive.open(source_root, create=False) as source:
        copies = list(source.db.query("SELECT * FROM copies ORDER BY first_seen, sha256"))
        for row in copies:
            counts["copies"] += _copy(target, source, row)
        for row in source.db.query("SELECT * FROM sightings ORDER BY first_seen, id"):
            counts["sightings"] += _sighting(target, row)
        for row in copies:
            if row["status"] is not None:
                target.save_parse(_parse(row))
                counts["parses"] += 1
    return counts


def _copy(target: Archive, source: Archive, row: dict[str, Any]) -> bool:
    sha = target.blobs.put(source.blobs.read(row["sha256"]))
    if sha != row["sha256"]:
        raise ArchiveError(f"blob {row['sha256']} of {source.root} does not hash to its name")
    new = target.add_copy(CopyRecord(sha, row["size"], row["mime"], row["format"],
                                     row["filename"], row["first_seen"]))
    if row["last_seen"] and row["last_seen"] != row["first_seen"]:
        target.add_copy(CopyRecord(sha, row["size"], row["mime"], row["format"],
                                   row["filename"], row["last_seen"]))
    return new


def _sighting(target: Archive, row: dict[str, Any]) -> bool:
    fields = {name: row[name] for name in SIGHTING_FIELDS}
    new = target.add_sighting(Sighting(row["sha256"], row["url"], row["first_seen"],
                                       column=row["column_url"], **fields))
    if row["last_seen"] and row["last_seen"] != row["first_seen"]:
        target.add_sighting(Sighting(row["sha256"], row["url"], row["last_seen"],
                                     column=row["column_url"], **fields))
    return new


def _parse(row: dict[str, Any]) -> ParsedCopy:
    return ParsedCopy(sha256=row["sha256"], status=row["status"],
                      report=decode_parse(row["parse"]),
                      provenance=decode_provenance(row["provenance"]),
                      flags=loads(row["flags"]) or [],
                      error=row["error"], parser_version=row["parser_version"] or "",
                      kind=row["kind"] or "report", cell_flags=loads(row["cell_flags"]) or {},
                      region=row["region"])
