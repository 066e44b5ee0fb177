"""Moved: the progress line is archive/progress.py now (standard library only, so that the
archive's commands draw it too). This name stays for the crawler's callers (`ingest`)."""
from __future__ import annotations

from archive.progress import Progress, progress

__all__ = ["Progress", "progress"]
