"""The one writer. Workers only return results; the process that submitted the work writes
them, through `ResultSink.write(sha256, result)`, so SQLite keeps a single writer and a
PostgreSQL sink could replace this one without touching the workers (docs/scale.md)."""
from __future__ import annotations

from typing import Any, Protocol

from archive.db import Archive
from archive.records import ParsedCopy

CHECKPOINT_EVERY = 500  # writes between two wal_checkpoint(TRUNCATE)


class ResultSink(Protocol):
    def write(self, sha256: str, result: dict[str, Any]) -> str:
        """Store one copy's verdict; its status."""

    def checkpoint(self) -> None:
        """Make what was written durable and compact (called periodically and at the end)."""


def parsed_copy(sha256: str, result: dict[str, Any]) -> ParsedCopy:
    """A worker's JSON as the verdict the in-process parse would give (region: the copy's)."""
    return ParsedCopy(sha256=sha256, status=result["status"], report=result.get("report"),
                      provenance=result.get("provenance") or {}, flags=result.get("flags") or [],
                      error=result.get("error"), parser_version=result.get("parser_version", ""),
                      kind=result.get("kind") or "report",
                      cell_flags=result.get("cell_flags") or {})


class ArchiveSink:
    """Writes into the SQLite archive with `Archive.save_parse`; counts what changed."""

    def __init__(self, archive: Archive, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self.archive = archive
        self.checkpoint_every = checkpoint_every
        self.written = 0
        self.changed = 0

    def write(self, sha256: str, result: dict[str, Any]) -> str:
        before = self._state(sha256)
        self.archive.save_parse(parsed_copy(sha256, result))
        self.changed += self._state(sha256) != before
        self.written += 1
        if self.written % self.checkpoint_every == 0:
            self.checkpoint()
        return str(result["status"])

    def _state(self, sha256: str) -> tuple[Any, ...]:
        row = self.archive.db.execute("SELECT status, parse FROM copies WHERE sha256 = ?",
                                      [sha256]).fetchone()
        return tuple(row or ())

    def checkpoint(self) -> None:
        self.archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
