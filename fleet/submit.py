"""`nianbao reparse --broker`: hand every copy whose parse is not current to the fleet and
write the results as they come back, through one ResultSink.

Progress lives in the archive, not in the broker: a copy whose `parser_version` is current
is skipped, so a stopped run resumes where it stopped. At most `window` tasks are in flight
(the queue stays short, a stop loses little); a result a previous run left in the backend
(same task id, "<sha256>:<version>") is collected without parsing again.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.db import Archive
from archive.pending import copies_to_parse
from fleet.app import configure, send
from fleet.sink import ArchiveSink, ResultSink
from pipelines.reports import PARSER_VERSION

logger = logging.getLogger(__name__)
HINT_KEYS = ("link_text", "page_title", "publisher", "region")


class FleetStalled(RuntimeError):
    """No result came back for too long: no worker is running, or none reaches the blobs."""


@dataclass(slots=True)
class Fleet:
    broker: str
    window: int = 64
    idle_timeout: float = 600.0  # seconds without any result before giving up
    poll: float = 0.05
    counts: Counter[str] = field(default_factory=Counter)


def pending(archive: Archive) -> list[dict[str, Any]]:
    """The copies whose parse is not by the current parser, oldest first."""
    return copies_to_parse(archive.db, "c.parser_version IS NULL OR c.parser_version != ?",
                           [PARSER_VERSION])


def reparse_on_fleet(archive: Archive, fleet: Fleet, sink: ResultSink | None = None,
                     tick: Callable[[Any], None] | None = None) -> Counter[str]:
    """Parse every pending copy on the fleet; the counts reparse prints. `tick(sha256)` as
    each result is written."""
    configure(fleet.broker)
    sink = sink or ArchiveSink(archive)
    inflight: dict[str, Any] = {}
    for row in pending(archive):
        if not archive.blobs.has(row["sha256"]):
            fleet.counts["missing_blob"] += 1
            logger.warning("missing blob %s: not re-parsed", row["sha256"])
            continue
        while len(inflight) >= fleet.window:
            _collect(fleet, inflight, sink, tick)
        inflight[row["sha256"]] = _submit(archive, row)
    while inflight:
        _collect(fleet, inflight, sink, tick)
    sink.checkpoint()
    fleet.counts["changed"] = getattr(sink, "changed", 0)
    return fleet.counts


def _submit(archive: Archive, row: dict[str, Any]) -> Any:
    context = archive.context_of(row["sha256"])
    return send(row["sha256"], row["filename"] or row["url"] or "", {k: context.get(k) for k in HINT_KEYS})


def _collect(fleet: Fleet, inflight: dict[str, Any], sink: ResultSink,
             tick: Callable[[Any], None] | None = None) -> None:
    """Write every finished result; wait (bounded by idle_timeout) when none is."""
    deadline = time.monotonic() + fleet.idle_timeout
    while time.monotonic() < deadline:
        ready = [sha for sha, res in inflight.items() if res.ready()]
        for sha in ready:
            _write(fleet, sha, inflight.pop(sha), sink)
            if tick:
                tick(sha)
        if ready:
            return
        time.sleep(fleet.poll)
    raise FleetStalled(f"no result from the fleet for {fleet.idle_timeout:g} s "
                       f"({len(inflight)} in flight): are workers running on this broker?")


def _write(fleet: Fleet, sha: str, res: Any, sink: ResultSink) -> None:
    if not res.successful():
        fleet.counts["task_error"] += 1
        logger.warning("task %s failed on the fleet: %s", res.id, res.result)
    elif res.result.get("missing_blob"):
        fleet.counts["missing_blob"] += 1
        logger.warning("a worker has no blob %s: not re-parsed (check --blobs)", sha)
    else:
        fleet.counts[sink.write(sha, res.result)] += 1
    res.forget()
