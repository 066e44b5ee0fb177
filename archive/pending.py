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


def copies_to_parse(db: Any, where: str = "1", params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
    """The copies matching `where` (SQL over `copies c`), oldest first, each with its stored
    verdict (status, parse) and the first URL it was seen at: what a re-parse reads."""
    return list(db.query(
        "SELECT c.sha256, c.filename, c.status, c.parse, (SELECT url FROM sightings s"
        " WHERE s.sha256 = c.sha256 ORDER BY s.first_seen, s.id LIMIT 1) AS url"
        f" FROM copies c WHERE {where} ORDER BY c.first_seen, c.sha256", list(params)))


def unparsed(db: Any) -> list[dict[str, Any]]:
    """The copies a stopped run left unparsed."""
    return copies_to_parse(db, "c.status = 'failed' AND c.error = ?", [UNPARSED])
