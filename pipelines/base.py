"""What the Scrapy wrapper classes share: the archive handle and the stats namespace.

One `Archive` per crawl, opened by the first stage that needs it and closed by the last
(`ArchivePipeline`): SQLite connections belong to the thread that opened them, and all
item pipelines run in the reactor thread. `nianbao ingest` builds the same stage objects
without Scrapy (`crawler.local`), so these classes take plain arguments in `__init__` and
read Scrapy settings only in `from_crawler`.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from archive.db import Archive

STATS_PREFIX = "nianbao"


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...
    def get_value(self, key: str, default: Any = None) -> Any: ...


class DictStats:
    """The part of Scrapy's StatsCollector the stages use, for runs without Scrapy."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value

    def get_stats(self) -> dict[str, Any]:
        return dict(self.values)


class ArchiveHandles:
    """Archives by directory, shared by the stages of one run."""

    def __init__(self) -> None:
        self._open: dict[Path, Archive] = {}

    def get(self, root: str | Path) -> Archive:
        key = Path(root).resolve()
        if key not in self._open:
            self._open[key] = Archive.open(key)
        return self._open[key]

    def close_all(self) -> None:
        for archive in self._open.values():
            archive.close()
        self._open.clear()


_HANDLES: WeakKeyDictionary[Any, ArchiveHandles] = WeakKeyDictionary()


def handles_for(owner: Any) -> ArchiveHandles:
    """The run's shared handles, one set per run (the crawler, or the local runner), held
    here by weak reference rather than as an attribute set on Scrapy's Crawler."""
    handles = _HANDLES.get(owner)
    if handles is None:
        handles = _HANDLES[owner] = ArchiveHandles()
    return handles


def archive_dir(settings: Mapping[str, Any]) -> str:
    return str(settings.get("ARCHIVE_DIR") or "nianbao-data")


def stat(stats: Stats, name: str, count: int = 1) -> None:
    stats.inc_value(f"{STATS_PREFIX}/{name}", count)
