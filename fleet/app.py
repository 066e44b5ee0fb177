"""The Celery app and its one task, `parse(sha256, parser_version, name, hints)`.

Settings measured on this project: `task_acks_late`, `task_reject_on_worker_lost` and a
prefetch of 1 lose no task when a worker is SIGKILLed (the defaults lost one of 50). A
message a dead worker held comes back: at once when a prefork child dies (the parent rejects
it), after the broker's visibility timeout when the whole worker died. A document that kills
its worker every time would so come back for ever: deliveries are counted in Redis by
(sha256, parser_version) and after `max_deliveries` the task answers "failed" with the
reason instead of parsing. The task's id is "<sha256>:<parser_version>", so a result is
found by its key and a repeated task changes nothing.
"""
from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import asdict
from typing import Any

from celery import Celery
from celery.signals import worker_shutdown

from archive.errors import BlobError
from pipelines.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

QUEUE = "nianbao"
app = Celery("nianbao", set_as_current=False)
app.conf.update(
    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
    task_serializer="json", result_serializer="json", accept_content=["json"],
    result_expires=7 * 86400, broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False, task_default_queue=QUEUE,
    nianbao_blobs="", nianbao_timeout=DEFAULT_TIMEOUT, nianbao_memory_mb=DEFAULT_MEMORY_MB, nianbao_max_deliveries=3,
)
PREFIX = "nianbao:fleet:"
RUNNING = PREFIX + "running"  # hash: task key -> {"pid", "host", "since"}
COUNTS = PREFIX + "counts"  # hash: done, failed, given_up
_STATE: dict[str, Any] = {}  # per process: the redis client, the limits' pool, the blobs
_LOCK = threading.RLock()


def configure(broker: str, visibility_timeout: float | None = None) -> Celery:
    """Point the app at a broker (Redis also keeps the results and the counters)."""
    app.conf.broker_url = broker
    app.conf.result_backend = broker
    if visibility_timeout:
        # a dead worker's messages come back after the visibility timeout, looked for
        # every few seconds (kombu's default sweep is every 100 s)
        options = {"visibility_timeout": int(visibility_timeout),
                   "unacked_restore_interval": 5, "unacked_restore_throttle": 1}
        app.conf.broker_transport_options = options
        app.conf.result_backend_transport_options = options
    return app


def task_key(sha256: str, parser_version: str) -> str:
    return f"{sha256}:{parser_version}"


def redis_client() -> Any:
    """This process's Redis connection (redis-py's client is thread-safe)."""
    import redis

    with _LOCK:
        if "redis" not in _STATE:
            _STATE["redis"] = redis.Redis.from_url(app.conf.broker_url)
        return _STATE["redis"]


@worker_shutdown.connect
def _stop_readers(**_: Any) -> None:
    workers = _STATE.pop("workers", None)
    if workers is not None:
        workers.abort()


def _workers() -> Any:
    from pipelines.limits import Limits, Workers

    with _LOCK:  # the worker's threads share one pool of limited reader processes
        if "workers" not in _STATE:
            size = int(app.conf.worker_concurrency or 1)
            limits = Limits(float(app.conf.nianbao_timeout), int(app.conf.nianbao_memory_mb), size)
            _STATE["workers"] = Workers(limits, size=size)
        return _STATE["workers"]


def _blobs() -> Any:
    from fleet.blobs import open_blobs

    with _LOCK:
        if "blobs" not in _STATE:
            _STATE["blobs"] = open_blobs(str(app.conf.nianbao_blobs))
        return _STATE["blobs"]


@app.task(name="nianbao.parse", bind=True)
def parse(self: Any, sha256: str, parser_version: str, name: str,
          hints: dict[str, Any]) -> dict[str, Any]:
    """One document's verdict as plain JSON (ParseOutcome's fields + format + notes)."""
    key = task_key(sha256, parser_version)
    r = redis_client()
    deliveries = int(r.hincrby(PREFIX + "deliveries", key, 1))
    if deliveries > int(app.conf.nianbao_max_deliveries):
        result = given_up(deliveries - 1)
    else:
        r.hset(RUNNING, key, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                         "since": time.time()}))
        result = parse_blob(sha256, parser_version, name, hints)
    r.hdel(RUNNING, key)
    r.hdel(PREFIX + "deliveries", key)
    r.hincrby(COUNTS, "failed" if result.get("status") == "failed" else "done", 1)
    return result


def send(sha256: str, name: str, hints: dict[str, Any]) -> Any:
    """The document's parse by the current parser, as an AsyncResult: a result an earlier
    run left in the backend under its key is collected, not parsed again."""
    from pipelines.reports import PARSER_VERSION

    key = task_key(sha256, PARSER_VERSION)
    done = parse.AsyncResult(key)
    if done.successful():
        return done
    return parse.apply_async((sha256, PARSER_VERSION, name, hints), task_id=key)


def given_up(lost: int) -> dict[str, Any]:
    from pipelines.reports import ParseOutcome

    reason = (f"the worker parsing this document died {lost} times (killed, or out of memory"
              " beyond the per-document cap); not retried")
    return {**asdict(ParseOutcome(status="failed", error=reason)), "format": None, "notes": []}


def parse_blob(sha256: str, parser_version: str, name: str, hints: dict[str, Any]) -> dict[str, Any]:
    """run_task on the blob, in this worker's limited pebble process."""
    from pipelines.document import Hints
    from pipelines.limits import result_of
    from pipelines.task import ParseTask

    try:
        data = _blobs().get(sha256)
    except BlobError as exc:
        return {"missing_blob": True, "status": "failed", "error": str(exc)}
    task = ParseTask(name, Hints(**hints), sha256, parser_version)
    result = result_of(_workers().submit(data, task))
    return {**asdict(result.outcome), "format": result.format, "notes": list(result.notes)}
