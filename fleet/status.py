"""`nianbao fleet status`: what the broker and the workers say, asked once, bounded."""
from __future__ import annotations

from typing import Any

from fleet.app import COUNTS, QUEUE, app, configure, redis_client

INSPECT_TIMEOUT = 1.0  # seconds the workers have to answer


def fleet_status(broker: str) -> dict[str, Any]:
    """queued (in the broker), running (active and reserved in the workers that answered),
    done and failed (documents finished, counted by the workers), workers."""
    configure(broker)
    r = redis_client()
    counts = {k.decode(): int(v) for k, v in r.hgetall(COUNTS).items()}
    inspect = app.control.inspect(timeout=INSPECT_TIMEOUT)
    active = inspect.active() or {}
    reserved = inspect.reserved() or {}
    return {"queued": int(r.llen(QUEUE)),
            "running": sum(len(v) for v in active.values()),
            "reserved": sum(len(v) for v in reserved.values()),
            "done": counts.get("done", 0), "failed": counts.get("failed", 0),
            "workers": len(set(active) | set(reserved))}
