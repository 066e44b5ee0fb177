"""Per-document limits: every task runs in a worker process with a wall-clock and a memory
cap, so that one hostile file (a Flate bomb, a colspan bomb, a reader that never returns)
costs at most the caps and the run goes on.

The pool is pebble's ProcessPool (pipelines/pool.py): a task past its time has its worker
killed and replaced. Its time is a budget: `timeout` (120 s) for any document, and
`ocr_page_timeout` (10 s) more for each page a scan must OCR, which the reader reports once
it knows (pipelines/deadline.py), up to `timeout_max` (600 s). The pool keeps the clock:
each worker tells it when a task starts and what the task has earned, over a pipe that a
watchdog thread reads, and a task past its budget is cancelled, which kills its worker
(pebble's own timeout stays as a backstop, `BACKSTOP` past `timeout_max`).

The memory cap is RLIMIT_DATA set in each worker (heap and private writable mappings), not
RLIMIT_AS, which onnxruntime's address-space reservations would pass on every scan; this
one stops a bomb just the same (pdfium aborts, Python raises MemoryError). Its default is
2 GiB: OCR's engines hold ~1.1 GB of data memory at their peak on a 200-dpi page pair, and
~1.5 GB on a 600-dpi A4 image (a 1 GiB default failed scans as "too large"). Workers start
from a forkserver, never forked from a crawl's threaded reactor process. `workers=0` runs
tasks in this process, without any limit (for debugging).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from functools import partial
from itertools import count
from types import ModuleType
from typing import Any

from pipelines import deadline
from pipelines.subproc import kill_all
from pipelines.task import ParseTask, TaskResult, failed, run_task

DEFAULT_TIMEOUT = 120.0  # seconds of wall clock per document
DEFAULT_OCR_PAGE_TIMEOUT = 10.0  # seconds more for each page a scan must OCR (~2.4-5 s needed)
DEFAULT_TIMEOUT_MAX = 600.0  # no document's budget grows past this
BACKSTOP = 30.0  # seconds past the longest budget: pebble's own timeout, should a start go unheard
WATCH_EVERY = 0.1  # seconds between the watchdog's looks at the clock
DEFAULT_MEMORY_MB = 2048  # MB of data memory per worker: OCR peaks at ~1.1 GB (a 600-dpi image ~1.5)


class LimitExceeded(Exception):
    """A task passed a cap or its worker died; the message is the one-line reason."""


def _cores() -> int:
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    workers: int = field(default_factory=_cores)  # 0: in this process, no limits
    ocr_page_timeout: float = DEFAULT_OCR_PAGE_TIMEOUT
    timeout_max: float = DEFAULT_TIMEOUT_MAX

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Limits:
        """From EXTRACT_TIMEOUT, EXTRACT_MEMORY_MB, EXTRACT_WORKERS, EXTRACT_OCR_PAGE_TIMEOUT,
        EXTRACT_TIMEOUT_MAX (None: the default)."""
        def get(name: str, default: Any, kind: Callable[[Any], Any]) -> Any:
            value = settings.get(name)
            return default if value in (None, "") else kind(value)

        return cls(get("EXTRACT_TIMEOUT", DEFAULT_TIMEOUT, float),
                   get("EXTRACT_MEMORY_MB", DEFAULT_MEMORY_MB, int),
                   get("EXTRACT_WORKERS", _cores(), int),
                   get("EXTRACT_OCR_PAGE_TIMEOUT", DEFAULT_OCR_PAGE_TIMEOUT, float),
                   get("EXTRACT_TIMEOUT_MAX", DEFAULT_TIMEOUT_MAX, float))

    @property
    def longest(self) -> float:
        """The most time any document may have (a `timeout` above `timeout_max` wins)."""
        return max(self.timeout, self.timeout_max)

    def budget(self, pages: int = 0) -> float:
        """The time of a document that must OCR `pages` pages."""
        return min(self.timeout + pages * self.ocr_page_timeout, self.longest)

    def timeout_reason(self, pages: int = 0) -> str:
        if not pages:
            return f"timed out after {self.timeout:g} s"
        most = f", at most {self.longest:g} s" if self.budget(pages) == self.longest else ""
        return (f"timed out after {self.budget(pages):g} s ({self.timeout:g} s, and "
                f"{self.ocr_page_timeout:g} s for each of its {pages} page(s) to OCR{most})")

    def reason_of(self, exc: BaseException, pages: int = 0) -> str:
        """The one-line reason for a task the pool gave up on (`pages`: those it had to OCR)."""
        code = getattr(exc, "exitcode", None)
        if isinstance(exc, TimeoutError):  # the backstop: the watchdog did not hear the start
            return f"timed out after {self.longest + BACKSTOP:g} s"
        if isinstance(exc, MemoryError):
            return memory_reason(f"{self.memory_mb} MB ", pages)
        if code is not None and -code in (signal.SIGABRT, signal.SIGKILL):
            return memory_reason(f"{self.memory_mb} MB ", pages) + f" (the reader was stopped by signal {-code})"
        if code is not None and code < 0:
            return f"reader crashed: signal {-code}"
        if code is not None:
            return f"reader exited with status {code}"
        lines = [line for line in str(exc).splitlines() if line.strip()]
        return f"worker error: {type(exc).__name__}: {(lines[-1] if lines else '')[:300]}"


def memory_reason(cap: str, pages: int = 0) -> str:
    """Past the memory cap (`cap`: "2048 MB " or ""): a bomb's contents, or a scan's pages."""
    what = f"too large to OCR ({pages} page(s))" if pages else "too large when decompressed"
    return f"{what}: over the {cap}memory cap"


def memory_cap() -> int | None:
    """This process's memory cap in bytes (a worker's), or None when it has none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    return None if soft == resource.RLIM_INFINITY else soft


def _init_worker(memory_mb: int, line: Any) -> None:
    deadline._send = line.send  # one small message a write: atomic on a pipe, no lock needed
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: the parent decides
    # readers' warnings (PIL's DecompressionBombWarning, pdfminer's) would reach the user's
    # stderr beside the one-line reason: they go to the log instead
    logging.captureWarnings(True)
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (memory_mb << 20, hard))
    # The pool stops a worker with SIGTERM (pebble's handler exits at once): the external
    # readers it started (LibreOffice's process group) are killed first (subproc.py).
    exiting = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, partial(_stop_worker, exiting))


def _stop_worker(exiting: Any, signum: int, frame: Any) -> None:
    kill_all()
    if callable(exiting):
        exiting(signum, frame)
    os._exit(128 + signum)  # pebble's own handler exits; without one, exit anyway


def _timed(task: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """fn(*args) in a worker, its start and its OCR pages told to the pool's watchdog."""
    deadline.started(task)
    try:
        return fn(*args)
    finally:
        deadline.ended()


def parse_in_worker(data: bytes, task: ParseTask) -> TaskResult:
    """run_task, with a MemoryError under the worker's cap turned into the reason."""
    try:
        return run_task(data, task)
    except MemoryError:
        cap = memory_cap()
        return failed(memory_reason(f"{cap >> 20} MB " if cap else "", deadline.pages()))


# Imported once in the forkserver, so that every worker forked from it starts with them: a
# worker importing its readers itself costs ~0.5 CPU-s, paid again by each of the pool's
# workers and by every worker that replaces one killed at a cap (a hostile file's timeout).
# The OCR stack is not among them: onnxruntime starts threads, which a fork must not inherit,
# and its models are hundreds of MB that a crawl of text reports never needs.
PRELOAD = ["pipelines.task", "pipelines.htmldoc", "pipelines.pdf", "pypdfium2.raw", "pipelines.docxdoc", "docx"]
THREADED = ("onnxruntime",)  # modules whose import starts threads (two, native)


def main_modules(main: Any = None) -> list[str]:
    """The modules the forkserver imports for the parent's main module. A worker runs the
    parent's `__main__` again as `__mp_main__` (spawn's rule) before it unpickles its task,
    and a crawl's main (`crawler.runner`, the `nianbao` script's `crawler.cli`) imports
    Scrapy and the archive: ~0.9 CPU-s in every worker, and again in every worker that
    replaces one killed at a cap. What it imports, imported once in the forkserver, is
    loaded when the worker runs it (~0.05 CPU-s): the modules its globals come from, which
    this process has imported (the forkserver imports them with the same sys.path). Not
    the main module itself: runpy warns on the worker's stderr when it runs a module
    already in sys.modules. A package's `__main__` is never run again by a worker. None
    while this process has imported a module that starts threads as it loads (`THREADED`):
    the main may be what imported it, and the forkserver forks every worker, so it must
    hold no thread. Python 3.11's own "__main__" preload never receives the main's path,
    so it does nothing."""
    if any(name in sys.modules for name in THREADED):
        return []
    main = sys.modules.get("__main__") if main is None else main
    own = getattr(getattr(main, "__spec__", None), "name", None)  # run with -m
    if own and own.endswith(".__main__"):
        return []
    names = {value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
             for value in vars(main).values()}
    return sorted(name for name in names if isinstance(name, str) and name in sys.modules
                  and name not in ("__main__", "builtins", own) and not name.endswith(".__main__"))


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD + main_modules())
    return ctx


@dataclass(slots=True)
class _Task:
    """A scheduled call, as the watchdog sees it: its clock starts when its worker says so."""

    outer: Future[Any]
    inner: Any = None  # pebble's future of the call
    started: float | None = None  # time.monotonic() of its start message
    pages: int = 0  # pages to OCR its reader reported
    expired: bool = False  # cancelled by the watchdog: past its budget


class Workers:
    """One run's pool (a crawl's, an ingest's, a command's): `call` schedules a function,
    `parse`/`submit` a document; `abort` cancels what is in flight and kills the workers."""

    def __init__(self, limits: Limits = Limits(), size: int | None = None) -> None:
        self.limits = limits
        self.size = max(1, min(limits.workers, size or limits.workers))
        self.aborted = False
        self._pool: Any = None
        self._lock = threading.Lock()
        self._inflight: dict[int, _Task] = {}  # by token (the workers' messages name it)
        self._tokens = count()
        self._launching: Future[Any] | None = None  # start()'s task, run by the first worker up
        self._watch: tuple[threading.Thread, threading.Event, Any, Any] | None = None

    def _unbroken(self) -> None:
        """A broken pool (every worker died, the forkserver gone) is stopped, for _pool_now
        to make a new one; not under the lock: stopping settles its tasks, which takes it."""
        pool = self._pool
        if pool is not None and not pool.active:
            self._stop(graceful=False)

    def _pool_now(self) -> Any:
        """The pool, made at the first task (under the lock)."""
        if self._pool is None:
            from pipelines.pool import Pool  # pebble's, stopped in a safe order (pool.py)

            context = _context()
            reader, writer = context.Pipe(duplex=False)
            stopping = threading.Event()
            thread = threading.Thread(target=self._watchdog, args=(reader, stopping),
                                      name="nianbao-budgets", daemon=True)
            thread.start()
            self._watch = (thread, stopping, reader, writer)
            self._pool = Pool(max_workers=self.size, initializer=_init_worker,
                              initargs=(self.limits.memory_mb, writer), context=context)
        return self._pool

    def _watchdog(self, reader: Any, stopping: threading.Event) -> None:
        """Hears each task's start and OCR pages, and cancels a task past its budget (pebble
        then kills its worker, as at its own timeout)."""
        while not stopping.is_set():
            try:
                messages = [reader.recv()] if reader.poll(WATCH_EVERY) else []
                while reader.poll(0):
                    messages.append(reader.recv())
            except (EOFError, OSError):
                return
            now, late = time.monotonic(), []
            with self._lock:
                for kind, token, pages in messages:
                    if (task := self._inflight.get(token)) is not None:
                        if kind == "start":
                            task.started = now
                        else:
                            task.pages += pages
                for task in self._inflight.values():
                    if (task.started is not None and not task.expired
                            and now - task.started > self.limits.budget(task.pages)):
                        task.expired = True
                        late.append(task.inner)
            for inner in late:
                inner.cancel()  # _settle names the reason; pebble kills the worker

    def start(self) -> None:
        """Launch the worker processes now rather than at the first task. Their first launch
        waits for the forkserver's imports (PRELOAD: ~0.5 s), and pebble launches them in
        the thread that schedules the first task: a crawl calls this from a thread at its
        first document to parse, so that its reactor never waits for them."""
        if self.limits.workers == 0:
            return
        self._unbroken()
        with self._lock:
            if not self.aborted:
                self._launching = self._pool_now().schedule(os.getpid)  # the pool starts on its first task

    def call(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """fn(*args) in a worker; the future raises LimitExceeded(reason) past a cap, and is
        cancelled by `abort`. fn must be importable by the worker (a module-level function)."""
        outer: Future[Any] = Future()
        if self.limits.workers == 0:
            return _inline(outer, fn, args)
        self._unbroken()
        with self._lock:
            if self.aborted:
                outer.cancel()
                return outer
            token, task = next(self._tokens), _Task(outer)
            task.inner = self._pool_now().schedule(_timed, args=(token, fn, args),
                                                   timeout=self.limits.longest + BACKSTOP)
            self._inflight[token] = task
        task.inner.add_done_callback(partial(self._settle, token))
        return outer

    def _settle(self, token: int, inner: Future[Any]) -> None:
        with self._lock:
            task = self._inflight.pop(token, None)
        if task is None or task.outer.done():
            return
        outer = task.outer
        if inner.cancelled() and task.expired:
            outer.set_exception(LimitExceeded(self.limits.timeout_reason(task.pages)))
        elif inner.cancelled():
            outer.cancel()
        elif (exc := inner.exception()) is not None:
            outer.set_exception(LimitExceeded(self.limits.reason_of(exc, task.pages)))
        else:
            outer.set_result(inner.result())

    @property
    def busy(self) -> int:
        """Tasks scheduled and not yet settled."""
        return len(self._inflight)

    def submit(self, data: bytes, task: ParseTask) -> Future[Any]:
        return self.call(parse_in_worker, data, task)

    def parse(self, data: bytes, task: ParseTask) -> TaskResult:
        """The task's result, waiting for it (raises CancelledError after `abort`)."""
        return result_of(self.submit(data, task))

    def abort(self) -> None:
        """Cancel every task in flight and kill the workers: a run is stopping."""
        with self._lock:
            self.aborted = True
            inflight = [task.inner for task in self._inflight.values()]
        for inner in inflight:
            inner.cancel()
        self._stop(graceful=False)

    def close(self) -> None:
        self._stop(graceful=True)

    def _stop(self, graceful: bool) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            watch, self._watch = self._watch, None
        if pool is not None:
            pool.close() if graceful else pool.stop()
            pool.join()
        if watch is not None:  # after the workers: none writes to the pipe any more
            thread, stopping, reader, writer = watch
            stopping.set()
            thread.join()
            reader.close()
            writer.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def result_of(future: Future[Any]) -> TaskResult:
    """A submitted parse's result; a cap or a dead worker as a failed outcome."""
    try:
        return future.result()
    except LimitExceeded as exc:
        return failed(str(exc))


def _inline(outer: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any]:
    try:
        outer.set_result(fn(*args))
    except MemoryError:
        outer.set_exception(LimitExceeded("out of memory (in-process: no memory cap)"))
    return outer


__all__ = ["CancelledError", "LimitExceeded", "Limits", "Workers", "memory_cap", "result_of"]
