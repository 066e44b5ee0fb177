"""The documents a stopped run fetched but did not parse (archive/pending.py): the next
crawl or ingest parses them from their blobs before it fetches anything, under the same
per-document limits, so a SIGTERM mid-crawl costs a document nothing but time.

Here, not in the crawl's pipeline: a resumed crawl does not fetch these URLs again (they
are in Scrapy's JOBDIR requests.seen), so no item would ever carry them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from archive.db import Archive
from archive.errors import BlobError
from archive.pending import unparsed
from crawler.maintenance import parse_bytes
from pipelines.limits import Limits, Workers

logger = logging.getLogger(__name__)


def parse_left_unparsed(archive_dir: Path, limits: Limits) -> dict[str, int]:
    """Parse every copy a stopped run left unparsed; the counts of the new verdicts. A run
    stopped again meanwhile leaves the rest as they were (still unparsed, nothing lost)."""
    if not (archive_dir / "archive.db").is_file():
        return {}
    with Archive.open(archive_dir) as archive:
        return parse_unparsed(archive, limits)


def parse_unparsed(archive: Archive, limits: Limits) -> dict[str, int]:
    counts: dict[str, int] = {}
    rows = unparsed(archive.db)
    if not rows:
        return counts
    logger.warning("parsing %d document(s) a stopped run left unparsed", len(rows))
    with Workers(limits, size=1) as workers:
        for row in rows:
            try:
                data = archive.blobs.read(row["sha256"])
            except BlobError as exc:  # verify reports it; the copy keeps its reason
                logger.warning("cannot parse %s: %s", row["url"] or row["sha256"], exc)
                continue
            verdict = parse_bytes(data, row["filename"] or row["url"] or "",
                                  archive.context_of(row["sha256"]), workers)
            verdict.sha256 = row["sha256"]
            archive.save_parse(verdict)
            counts[verdict.status] = counts.get(verdict.status, 0) + 1
    return counts
