"""Progress of long local work (ingest, export, reparse) on a terminal: one line rewritten in
place with a bar (when the total is known), the count and the rate. Not on a terminal (cron,
a pipe, a log file) nothing is drawn: the command's own final line, and the one log line per
document the stages already write, are the progress there. Standard library only.

    tick = progress(total)          # total None: a count without a bar
    for item in work:
        ...
        tick(item)
    tick.done()                     # the final count, and the line ended

The line is redrawn at most every REDRAW seconds, and always for the first and the last
(count == total) item, so a fast loop of a hundred thousand rows does not spend its time
writing to the terminal; `done()` draws the final count whatever the redraw interval left
out, and ends the line so that what the command prints next starts on a line of its own.
"""
from __future__ import annotations

import sys
import time
from typing import Any, TextIO

REDRAW = 0.1  # seconds between two redraws of the line
BAR = 24  # characters of the bar


class Progress:
    """The callback `progress()` returns: call it once per finished item; `done()` at the end."""

    def __init__(self, total: int | None, stream: TextIO, unit: str, draw: bool) -> None:
        self.total, self.stream, self.unit, self.draw = total, stream, unit, draw
        self.count = 0
        self.started = time.monotonic()
        self._drawn_at: float | None = None
        self._drawn_count = -1
        self._width = 0

    def __call__(self, item: Any = None) -> None:
        self.count += 1
        if not self.draw:
            return
        now = time.monotonic()
        if (self._drawn_at is None or now - self._drawn_at >= REDRAW
                or self.count == self.total):
            self._show(now)

    def line(self, now: float | None = None) -> str:
        """The text of the line: `[#####.......] 120/500 rows  340.2/s`."""
        elapsed = (time.monotonic() if now is None else now) - self.started
        rate = self.count / max(elapsed, 1e-6)
        if not self.total:
            return f"{self.count} {self.unit}  {rate:.1f}/s"
        filled = min(BAR, BAR * self.count // self.total)
        bar = "#" * filled + "." * (BAR - filled)
        return f"[{bar}] {self.count}/{self.total} {self.unit}  {rate:.1f}/s"

    def done(self) -> None:
        """Draw the final count (if the last redraw left it out) and end the line."""
        if not self.draw:
            return
        if self._drawn_count != self.count:
            self._show(time.monotonic())
        if self._drawn_at is not None:
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, now: float) -> None:
        text = self.line(now)
        self.stream.write("\r" + text + " " * max(0, self._width - len(text)))
        self.stream.flush()
        self._width, self._drawn_at, self._drawn_count = len(text), now, self.count


def progress(total: int | None, stream: TextIO = sys.stderr, *,
             unit: str = "documents") -> Progress:
    """A callback for each finished item (`unit` names them on the line); it draws only when
    `stream` is a terminal, and counts either way (`.count`)."""
    return Progress(total, stream, unit, draw=_is_terminal(stream))


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
