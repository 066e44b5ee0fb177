"""Stage 2: content dedup. A sha256 already in the archive is a duplicate copy: it is not
parsed again, and the archive records the new URL as one more sighting of it (warcio's
"revisit" idea), never as a discard."""
from __future__ import annotations

from typing import Any

from pipelines.base import Stats, archive_dir, handles_for, stat


class DedupPipeline:
    def __init__(self, root: str, stats: Stats, owner: Any) -> None:
        self.root, self.stats, self.owner = root, stats, owner

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls(archive_dir(crawler.settings), crawler.stats, crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        archive = handles_for(self.owner).get(self.root)
        item.duplicate = archive.has_copy(item.sha256)
        stat(self.stats, "duplicate_copies" if item.duplicate else "new_copies")
        return item
