"""Run the portal spider in this process and return Scrapy's final stats.

Twisted's reactor cannot be restarted: `run_crawl` works once per process. Code that
crawls more than once (tests, say) runs each crawl in a child process:

    python3 -m crawler.runner TARGET [--fast] [--settings-json '{"KEY": value}'] [-s KEY=VALUE]

prints the stats as one JSON object on stdout (Scrapy's log goes to stderr).

Unattended runs: one crawl at a time per archive (`ARCHIVE_DIR/crawl.lock`, an flock held
while the crawl runs, with the holder's PID; a lock left by a dead process is stale and
taken over), and a resumable job directory per target (`ARCHIVE_DIR/jobs/<target>/`,
Scrapy's JOBDIR), kept until a crawl of that target finishes. A crawl stopped by a signal
(SIGINT/SIGTERM: Scrapy stops gracefully) resumes from the JOBDIR; after a hard kill the
JOBDIR is not trusted and is dropped, and the crawl state's job (crawlstate/tables.py)
keeps the restarted crawl from fetching what the killed one archived.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.settings import fast_settings
from crawler.unparsed import parse_left_unparsed
from pipelines.limits import Limits
from crawler.spiders.portal import PortalSpider

logger = logging.getLogger(__name__)
LOCK_NAME = "crawl.lock"
CLEAN_STOP = "nianbao-stopped-cleanly"  # written in a JOBDIR a graceful stop left behind


class CrawlLocked(RuntimeError):
    """Another crawl holds the archive's run lock."""


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """crawler.settings plus overrides, built explicitly so any cwd works (no scrapy.cfg)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.update(overrides, priority="cmdline")
    return settings


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats with datetimes as ISO strings, so they print as JSON."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in stats.items()}


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """`with RunLock(archive_dir, target):` at most one crawl per archive at a time."""

    def __init__(self, archive_dir: Path, target: str) -> None:
        self.path = Path(archive_dir) / LOCK_NAME
        self.target = target
        self.handle: IO[str] | None = None

    def holder(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            held = self.holder()
            raise CrawlLocked(f"another crawl is running on this archive (pid {held.get('pid', '?')}, "
                              f"{held.get('target', '?')}, since {held.get('started', '?')}); "
                              f"lock: {self.path}") from None
        old = self.holder()
        if old.get("pid") and not pid_alive(int(old["pid"])):
            logger.warning("stale run lock of pid %s (%s) taken over", old["pid"], old.get("target"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "target": self.target,
                                 "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        self.handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()  # the file stays: unlinking it would race a waiting crawl
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def job_dir(archive_dir: Path, target: str) -> Path:
    """ARCHIVE_DIR/jobs/<readable target>-<hash>: one resumable job per target."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", target).strip("-")[:48] or "target"
    return Path(archive_dir) / "jobs" / f"{slug}-{hashlib.sha1(target.encode()).hexdigest()[:8]}"


def prepare_job_dir(path: Path) -> bool:
    """Keep a JOBDIR a graceful stop left (True: resuming); drop one a hard kill left."""
    if not path.exists():
        return False
    if (path / CLEAN_STOP).exists():
        (path / CLEAN_STOP).unlink()
        return True
    logger.warning("dropping %s: the crawl that wrote it was killed", path)
    shutil.rmtree(path)
    return False


def run_crawl(target: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl TARGET (a root URL or a source name) to the end; return the final stats.

    Once per process (see the module docstring). Raises CrawlLocked if another crawl
    holds the archive's lock."""
    merged = project_settings(settings)
    archive_dir = Path(merged.get("ARCHIVE_DIR") or "nianbao-data")
    with RunLock(archive_dir, target):
        finished = parse_left_unparsed(archive_dir, Limits.from_settings(merged))
        jobdir, resumed = None, False
        overrides = dict(settings or {})
        if merged.getbool("CRAWL_RESUME") and not merged.get("JOBDIR"):
            jobdir = job_dir(archive_dir, target)
            resumed = prepare_job_dir(jobdir)
            overrides["JOBDIR"] = str(jobdir)
        process = CrawlerProcess(project_settings(overrides))
        crawler = process.create_crawler(PortalSpider)
        process.crawl(crawler, target=target)
        process.start()
        stats = jsonable(crawler.stats.get_stats() if crawler.stats else {})
        if jobdir is not None:
            stats["nianbao/resumed_jobdir"] = int(resumed)
            finish_job_dir(jobdir, stats.get("finish_reason"))
        for status, n in finished.items():
            stats[f"nianbao/unparsed_parsed/{status}"] = n
    return stats


def finish_job_dir(path: Path, reason: str | None) -> None:
    if reason == "finished":
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        (path / CLEAN_STOP).write_text(str(reason), encoding="utf-8")


def parse_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = fast_settings() if args.fast else {}
    if args.settings_json:
        overrides.update(json.loads(args.settings_json))
    for pair in args.set:
        key, _, value = pair.partition("=")
        overrides[key] = value
    return overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m crawler.runner", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="a portal's root URL or a configured source name")
    parser.add_argument("--fast", action="store_true", help="no politeness delays (loopback)")
    parser.add_argument("--settings-json", help="a JSON object of Scrapy setting overrides")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    try:
        stats = run_crawl(args.target, parse_overrides(args))
    except CrawlLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(stats, ensure_ascii=False, sort_keys=True), flush=True)
    return 0 if stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
