"""`nianbao crawl --broker URL`: the crawl's parse stage hands each new document to the
fleet instead of its own worker processes. `FleetWorkers` has the interface the stage uses
of pipelines.limits.Workers (`submit`, `parse`, `abort`, `close`, `busy`, `aborted`), so the
stage, the store and the crawl state are the same code with or without a fleet.

A document reaches a worker by its sha256: the crawl's BlobPipeline has stored the bytes in
the archive's blobs/ before the parse stage runs, and the workers are started with
`--blobs` on that directory (or the shared store of docs/scale.md). The task is the one
`reparse --broker` sends (fleet/app.py: id "<sha256>:<parser_version>", so a repeated task
finds the earlier result), and the results come back to the crawl, which stays the only
writer of the archive.

A result that does not come (no worker runs, none reaches the blobs) within `idle_timeout`
seconds cancels the document's future: the stage archives it as "not parsed yet" and the
next run parses it (archive/pending.py), so a dead fleet cannot stall the crawl for ever.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import asdict
from typing import Any

from fleet.app import configure, send
from pipelines.reports import ParseOutcome
from pipelines.task import ParseTask, TaskResult, failed

logger = logging.getLogger(__name__)
OUTCOME_FIELDS = set(ParseOutcome.__dataclass_fields__)


def task_result(result: dict[str, Any]) -> TaskResult:
    """The task's JSON answer as the local pool's TaskResult."""
    if result.get("missing_blob"):
        return failed(f"no worker could read the blob: {result.get('error')} (are the workers"
                      " started with --blobs on this archive's blobs/?)")
    outcome = ParseOutcome(**{k: v for k, v in result.items() if k in OUTCOME_FIELDS})
    return TaskResult(outcome, result.get("format"), list(result.get("notes") or []))


class FleetWorkers:
    def __init__(self, broker: str, idle_timeout: float = 600.0, poll: float = 0.05) -> None:
        configure(broker)
        self.idle_timeout, self.poll = idle_timeout, poll
        self.aborted = False
        self._inflight: dict[Any, tuple[Future[Any], float]] = {}  # AsyncResult -> (future, sent)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._poller: threading.Thread | None = None

    @property
    def busy(self) -> int:
        return len(self._inflight)

    def start(self) -> None:
        """Nothing to launch: the fleet's workers run on their own (Workers.start's peer)."""

    def submit(self, data: bytes, task: ParseTask) -> Future[Any]:
        """The document's parse on the fleet (`data` is already in the blob store)."""
        outer: Future[Any] = Future()
        if self.aborted or not task.sha256:
            outer.cancel()
            return outer
        sent = send(task.sha256, task.name, asdict(task.hints) if task.hints is not None else {})
        with self._lock:
            self._inflight[sent] = (outer, time.monotonic())
            if self._poller is None:
                self._poller = threading.Thread(target=self._collect, name="fleet-results", daemon=True)
                self._poller.start()
        self._wake.set()
        return outer

    def parse(self, data: bytes, task: ParseTask) -> TaskResult:
        return self.submit(data, task).result()

    def _collect(self) -> None:
        while not self.aborted:
            with self._lock:
                waiting = list(self._inflight.items())
            if not waiting:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            now = time.monotonic()
            for res, (outer, sent) in waiting:
                if res.ready():
                    self._settle(res, outer)
                elif now - sent > self.idle_timeout:
                    logger.warning("no result from the fleet for %s after %g s: left unparsed",
                                   res.id, self.idle_timeout)
                    self._drop(res)
                    outer.cancel()
            time.sleep(self.poll)

    def _settle(self, res: Any, outer: Future[Any]) -> None:
        answer = (task_result(res.result) if res.successful()
                  else failed(f"parse task failed on the fleet: {res.result}"))
        with self._lock:  # abort cancels under the same lock: never set a cancelled future
            self._inflight.pop(res, None)
            if not outer.done():
                outer.set_result(answer)
        res.forget()

    def _drop(self, res: Any) -> None:
        with self._lock:
            self._inflight.pop(res, None)

    def abort(self) -> None:
        """The run is stopping: stop waiting (the tasks finish on the fleet; their results
        wait in the backend under their keys for the next run)."""
        self.aborted = True
        with self._lock:
            waiting, self._inflight = list(self._inflight.values()), {}
            for outer, _ in waiting:
                outer.cancel()
        self._wake.set()

    def close(self) -> None:
        self.abort()
