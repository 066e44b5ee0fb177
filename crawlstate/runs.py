"""The one writer of the archive's `runs` rows: a crawl's (through its handle) and an
ingest's (through the store pipeline, when no crawl handle exists).

A run is started once and finished once: with the final outcome a crawl learns only when
Scrapy says why it stopped, or, for an ingest, when its items are done. A run that never
finishes stays "running" until the next run of its target marks it "killed".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.db import Archive


def plain(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats that are JSON scalars (datetimes and the like are dropped)."""
    return {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}


@dataclass(slots=True)
class Run:
    archive: Archive
    target: str
    run_id: int
    finished: bool = False

    @classmethod
    def begin(cls, archive: Archive, target: str, *, locked: bool) -> Run:
        """`locked`: the caller holds the archive's crawl lock (earlier runs that are still
        "running" were killed)."""
        return cls(archive, target, archive.start_run(target, killed_before=locked))

    def finish(self, status: str, stats: dict[str, Any]) -> None:
        if not self.finished:
            self.archive.finish_run(self.run_id, status, plain(stats))
            self.finished = True


def mark_killed(archive: Archive, run_id: int) -> bool:
    """A run left "running" that no live process runs (`verify --repair`): killed. False
    when it is not running (any more)."""
    row = archive.db.execute("SELECT status FROM runs WHERE id = ?", [run_id]).fetchone()
    if row is None or row[0] != "running":
        return False
    archive.finish_run(run_id, "killed", {})
    return True
