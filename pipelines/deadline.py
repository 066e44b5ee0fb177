"""A document's time budget, grown by the OCR it turns out to need (the worker's side).

Every document may take the base budget (`Limits.timeout`, 120 s). A scan also earns
`Limits.ocr_page_timeout` (10 s) for each page it must OCR: ~2.4 s a page on two free cores,
~5 when two scans share them, so a 30-page scan needs more than any text report, and only
the reader knows how many pages it has once it has opened the file. The reader says so
here (`allow_pages`); the worker passes it to the pool, which keeps the clock and stops the
worker past the budget as at any timeout (pipelines/limits.py: the worker killed with its
LibreOffice group, the reason naming the budget). A budget never grows past
`Limits.timeout_max` (600 s), so no document takes unbounded time.

No imports from pipelines/: the readers import this, and pipelines.limits imports them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_send: Callable[[Any], None] | None = None  # the worker's line to its pool (limits._init_worker)
_task: int | None = None  # the pool's token of the task running in this worker
_pages = 0  # pages to OCR the task running here has reported


def allow_pages(pages: int) -> None:
    """The document being read must OCR `pages` pages: its budget grows by their allowance.
    Nothing outside a pool's worker (a `--workers 0` run has no budget)."""
    global _pages
    if _send is not None and _task is not None and pages > 0:
        _pages += pages
        _send(("pages", _task, pages))


def pages() -> int:
    """Pages to OCR the task running here has reported (its memory reason names them)."""
    return _pages


def started(task: int) -> None:
    """A task begins in this worker: its clock starts now (the pool's, at this message)."""
    global _task, _pages
    _task, _pages = task, 0
    if _send is not None:
        _send(("start", task, 0))


def ended() -> None:
    global _task, _pages
    _task, _pages = None, 0
