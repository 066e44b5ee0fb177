"""Copies whose parse a stopped run cancelled (SIGTERM, Ctrl-C): their bytes and sightings
are archived, their verdict is not. They are kept as "failed" with `UNPARSED` as the reason,
so nothing fetched is lost and an archivist sees why there is no report yet; the next crawl
or ingest parses them first (crawler/unparsed.py), and `nianbao verify` lists them.

A status of their own would need the copies table rebuilt (its CHECK constraint): the
reason, one exact string, says the same and every reader of "failed" already shows it.
"""
from __future__ import annotations

from typing import Any

UNPARSED = ("not parsed yet: the run stopped before its parse ended"
            " (the next crawl or ingest parses it, or `nianbao reparse`)")


def unparsed(db: Any) -> list[dict[str, Any]]:
    """The copies a stopped run left unparsed, oldest first, with a URL each was seen at."""
    return list(db.query(
        "SELECT c.sha256, c.filename, (SELECT url FROM sightings s WHERE s.sha256 = c.sha256"
        " ORDER BY s.first_seen, s.id LIMIT 1) AS url FROM copies c"
        " WHERE c.status = 'failed' AND c.error = ? ORDER BY c.first_seen, c.sha256", [UNPARSED]))
