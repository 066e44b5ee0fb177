"""Progress of long local work (ingest) on a terminal: one line rewritten in place with the
count and the rate. Not on a terminal (cron, a pipe), nothing is drawn: the one log line per
document the stages already write is the progress there."""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO


def progress(total: int | None, stream: TextIO = sys.stderr) -> Callable[[Any], None]:
    """A callback for each finished item; a no-op unless `stream` is a terminal."""
    if not stream.isatty():
        return lambda item: None
    started, done = time.monotonic(), [0]

    def tick(item: Any) -> None:
        done[0] += 1
        rate = done[0] / max(time.monotonic() - started, 1e-6)
        of = f"/{total}" if total else ""
        stream.write(f"\r{done[0]}{of} documents  {rate:.1f}/s ")
        stream.flush()

    return tick
