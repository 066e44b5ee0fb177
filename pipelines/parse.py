"""Stage 4: Document -> canonical report (pipelines.reports.parse_document)."""
from __future__ import annotations

import logging
from typing import Any

from pipelines.base import stat
from pipelines.document import Hints
from pipelines.reports import ParseOutcome, parse_document

logger = logging.getLogger(__name__)


def hints_of(item: Any) -> Hints:
    """What a crawled or ingested item's context says about its document."""
    return Hints(link_text=item.link_text, page_title=item.page_title, publisher=item.agency_hint,
                 agency=item.agency_given, region=item.region)


def parse_safely(document: Any, hints: Hints | None = None) -> ParseOutcome:
    """parse_document, with any parser bug turned into a failed outcome: no input raises."""
    try:
        return parse_document(document, hints)
    except Exception as exc:  # a stage edge: the document is still archived, with the reason
        logger.exception("parser error")
        return ParseOutcome(status="failed", error=f"parser error: {type(exc).__name__}: {exc}")


class ParsePipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ParsePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if item.duplicate or item.outcome is not None:
            return item
        item.outcome = parse_safely(item.document, hints_of(item))
        stat(self.stats, f"parse/{item.outcome.status}")
        return item
