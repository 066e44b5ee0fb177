"""The unit of work: one document's bytes -> its parse, as one pure, picklable call.

Everything that parses (the crawl, `nianbao ingest`, `parse`, `reparse`, `verify`, and
later a fleet of remote workers) runs `run_task`, usually in a worker process under the
limits of `pipelines.limits`; only the small `ParseTask` and `TaskResult` cross the
process boundary, never the Document (its blocks stay in the worker).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import logging
from typing import Any

from pipelines.document import Hints
from pipelines.errors import ExtractionError
from pipelines.extract import extract
from pipelines.reports import PARSER_VERSION, ParseOutcome, parse_document

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ParseTask:
    """What a worker needs beside the bytes: the name (a DOC/WPS tell and a hint), the
    context's hints, and the identity of the work (sha256 + parser version)."""

    name: str = ""
    hints: Hints | None = None
    sha256: str | None = None
    parser_version: str = PARSER_VERSION


@dataclass(slots=True)
class TaskResult:
    """The parse; the format the document was read as ("pdf-ocr" for a scan, None when it
    could not be read at all) and what the reader had to do (its notes)."""

    outcome: ParseOutcome
    format: str | None = None
    notes: list[str] = field(default_factory=list)


def parse_safely(document: Any, hints: Hints | None = None) -> ParseOutcome:
    """parse_document, with any parser bug turned into a failed outcome: no input raises
    (but MemoryError, which the worker's memory cap names)."""
    try:
        return parse_document(document, hints)
    except MemoryError:
        raise
    except Exception as exc:  # a stage edge: the document is still archived, with the reason
        logger.exception("parser error")
        return ParseOutcome(status="failed", error=f"parser error: {type(exc).__name__}: {exc}")


def failed(reason: str) -> TaskResult:
    return TaskResult(ParseOutcome(status="failed", error=reason))


def run_task(data: bytes, task: ParseTask) -> TaskResult:
    """extract + parse, exactly as the crawl's stages did in-process. Never raises, except
    MemoryError (the caller's limits turn it into a reason)."""
    try:
        document = extract(data, task.name)
    except ExtractionError as exc:
        return failed(str(exc))
    outcome = parse_safely(document, task.hints)
    return TaskResult(outcome, document.format, list(document.notes))
