"""How a repeated sighting of (sha256, url) merges into the stored row."""
from __future__ import annotations

from typing import Any

from .records import Sighting


def context(s: Sighting) -> dict[str, Any]:  # where the link was: the first one is kept
    return {"source": s.source, "column_url": s.column, "referer": s.referer,
            "link_text": s.link_text, "page_title": s.page_title, "publisher": s.publisher,
            "run_id": s.run_id}


def validators(s: Sighting) -> dict[str, Any]:  # what the server said: the latest wins
    return {"http_status": s.http_status, "content_type": s.content_type, "etag": s.etag,
            "last_modified": s.last_modified, "warc_file": s.warc_file,
            "warc_offset": s.warc_offset, "warc_length": s.warc_length}


def merged(row: dict[str, Any], s: Sighting) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_seen": min(row["first_seen"] or s.seen_at, s.seen_at),
        "last_seen": max(row["last_seen"] or s.seen_at, s.seen_at),
        "times_seen": row["times_seen"] + 1,
    }
    values.update({k: v for k, v in context(s).items() if row[k] is None and v is not None})
    if s.seen_at >= (row["last_seen"] or ""):
        values.update({k: v for k, v in validators(s).items() if v is not None})
        if s.run_id is not None:
            values["run_id"] = s.run_id
    return values
