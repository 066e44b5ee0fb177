"""The documents a stopped run fetched but did not parse (archive/pending.py): the next
crawl or ingest parses them from their blobs before it fetches anything, under the same
per-document limits, so a SIGTERM mid-crawl costs a document nothing but time.

Here, not in the crawl's pipeline: a resumed crawl does not fetch these URLs again (they
are in Scrapy's JOBDIR requests.seen), so no item would ever carry them.
"""
from __future__ import annotations

import logging
from pathlib import Path

from archive.db import STATUSES, Archive
from archive.pending import unparsed
from crawler.maintenance import reparse_copies
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
    rows = unparsed(archive.db)
    if not rows:
        return {}
    logger.warning("parsing %d document(s) a stopped run left unparsed", len(rows))
    with Workers(limits, size=1) as workers:
        counts = reparse_copies(archive, rows, workers)
    return {status: counts[status] for status in STATUSES if counts[status]}
