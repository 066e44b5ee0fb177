"""The one handle on a crawl's state, shared by the components of one crawl.

The crawl job extension builds it in `from_crawler` (crawler/extensions.py) and answers
`HANDLE_REQUESTED` with it; every other component (the crawl-state middleware, the WARC
capture, the store pipeline, the crawl-state pipeline) asks for it through the crawler's
signals with `handle_of(crawler)`. Nothing rides on the Crawler object.

It owns: the archive connection the crawl state is written with (the store pipeline writes
its rows through the same connection, so a document and its crawl state commit together),
the crawl tables (`CrawlState`), the job, the run record (`Run`, the one writer of `runs`),
the robots.txt delay floors of the run, and the WARC writer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive.db import Archive

from .runs import Run
from .tables import CrawlState, Failure, Fetch, Job, UrlState
from .warc import WARCS_DIR, Exchange, Location, WarcWriter, repair

logger = logging.getLogger(__name__)
HANDLE_REQUESTED = "nianbao.crawlstate.handle_requested"  # a signal: answered by its owner


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def handle_of(crawler: Any) -> CrawlStateHandle | None:
    """The crawl's handle, from whichever component owns it (None: crawl state is off)."""
    signals = getattr(crawler, "signals", None)
    if signals is None:
        return None
    for _, value in signals.send_catch_log(signal=HANDLE_REQUESTED):
        if isinstance(value, CrawlStateHandle):
            return value
    return None


@dataclass(slots=True)
class Options:
    """What the handle reads from the crawl's settings (in `from_settings`)."""

    root: Path
    warc: bool = True
    warc_max_size: int = 1024 ** 3
    user_agent: str = ""
    robots: str = "obey"

    @classmethod
    def from_settings(cls, settings: Any) -> Options:
        return cls(Path(str(settings.get("ARCHIVE_DIR") or "nianbao-data")),
                   settings.getbool("WARC_ENABLED", True),
                   settings.getint("WARC_MAX_SIZE", 1024 ** 3), str(settings.get("USER_AGENT") or ""),
                   "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore")


@dataclass(slots=True)
class CrawlStateHandle:
    options: Options
    archive: Archive | None = None
    state: CrawlState | None = None
    job: Job | None = None
    run: Run | None = None
    warc: WarcWriter | None = None
    delay_floors: dict[str, float] = field(default_factory=dict)

    def open(self, run_target: str, job_name: str) -> None:
        """Open the archive, begin (or resume) the job and the run; idempotent."""
        if self.archive is not None:
            return
        self.archive = Archive.open(self.options.root)
        # WAL with synchronous NORMAL: a commit is a write to the log, no fsync; it survives
        # a killed crawl (the OS has it), only a power cut may undo the last ones, whole.
        self.archive.db.execute("PRAGMA synchronous = NORMAL")
        self.state = CrawlState(self.archive.db)
        self.job = self.state.begin_job(job_name, utc_now())
        self.run = Run.begin(self.archive, run_target, locked=True)
        if self.options.warc:
            self.warc = self._warc_writer()

    def open_for(self, spider: Any) -> None:
        """`open` for a spider: the run's target is what it was asked to crawl, the job's
        name its source's (a configured source, or the host of a bare URL)."""
        target = str(getattr(spider, "target", "") or getattr(spider, "name", ""))
        source = getattr(spider, "source", None)
        self.open(target, str(source.name) if source is not None else target)

    def _warc_writer(self) -> WarcWriter:
        assert self.archive is not None and self.run is not None
        directory = self.options.root / WARCS_DIR
        directory.mkdir(parents=True, exist_ok=True)
        for name in repair(directory):
            logger.warning("closed %s, left open by a crawl that was killed", name)
        from importlib.metadata import version

        info = {"software": f"nianbao/{version('nianbao')} (warcio {version('warcio')})",
                "format": "WARC File Format 1.1", "robots": self.options.robots,
                "http-header-user-agent": self.options.user_agent,
                "isPartOf": f"nianbao run {self.run.run_id}", "nianbao-run-id": str(self.run.run_id),
                "nianbao-target": self.run.target}
        return WarcWriter(directory, self.archive.db, self.run.run_id, info,
                          self.options.warc_max_size)

    @property
    def run_id(self) -> int | None:
        return self.run.run_id if self.run else None

    def tables(self) -> CrawlState:
        if self.state is None:
            raise RuntimeError("the crawl state is not open yet (spider not opened)")
        return self.state

    # -- what the components record ---------------------------------------------------

    def capture(self, exchange: Exchange) -> Location | None:
        return self.warc.write(exchange) if self.warc is not None else None

    def cited_record(self, url: str) -> Location | None:
        """The latest record carrying a payload for `url` (a bundle member: its bundle's)."""
        if self.archive is None:
            return None
        row = next(self.archive.db.query(
            "SELECT warc_file, offset, length FROM crawl_warc_records WHERE url = ? AND type IN"
            " ('response', 'revisit') AND status BETWEEN 200 AND 299 ORDER BY date DESC, rowid DESC"
            " LIMIT 1", [url.split("#", 1)[0]]), None)
        return Location(row["warc_file"], row["offset"], row["length"]) if row else None

    def record_failure(self, url: str, reason: str, status: int | None, tries: int) -> None:
        self.tables().record_failure(Failure(url, utc_now(), reason, status, tries, self.run_id))
        if status in (404, 410):
            self.mark_gone(url, f"HTTP {status}")

    def record_rejected(self, fetch: Fetch, reason: str, redirects: list[str]) -> None:
        self.tables().record_rejected(fetch, reason)
        for url in redirects:
            self.mark_gone(url, f"redirects to a refused page ({reason})")

    def mark_gone(self, url: str, reason: str) -> bool:
        known = self.tables().get(url)
        if known is not None and known.kind == "document" and self.tables().mark_removed(url, utc_now(), reason):
            logger.info("removed from the site: %s (%s); the archived copy stays", url, reason)
            return True
        return False

    def record_document(self, fetch: Fetch, fetched: bool) -> int:
        self.tables().resolve_failure(fetch.url, fetch.seen_at)
        return self.tables().record_document(fetch, fetched=fetched)

    def get(self, url: str) -> UrlState | None:
        return self.tables().get(url)

    # -- the end of the crawl ---------------------------------------------------------

    def close(self, reason: str, status: str, stats: dict[str, Any]) -> list[str]:
        """Sweep unlisted documents (after a finished crawl), finish the job and the run,
        close the WARC file and the archive. Returns the URLs marked removed."""
        removed: list[str] = []
        if self.archive is None:
            return removed
        state = self.tables()
        if reason == "finished" and self.job is not None:
            removed = state.sweep_unlisted(self.job, utc_now())
            state.finish_job(self.job.target, utc_now())
        if self.warc is not None:
            self.warc.close()
        if self.run is not None:
            self.run.finish(status, {**stats, "crawlstate/removed_unlisted": len(removed)})
        self.archive.close()
        self.archive = self.state = None
        return removed
