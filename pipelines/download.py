"""Stage 1: keep the exact bytes. Hash once (sha256), sniff the type, put the blob.

The blob goes into the content-addressed store first, before anything can fail, so no
fetched document is ever lost; the rows describing it are written by `store.py`.
"""
from __future__ import annotations

import hashlib
from typing import Any

from pipelines.base import Stats, archive_dir, handles_for, stat
from pipelines.sniff import sniff


def fingerprint(body: bytes, name: str = "") -> tuple[str, str, str]:
    """(sha256, mime, format) of a document's bytes."""
    kind = sniff(body, name)
    return hashlib.sha256(body).hexdigest(), kind.mime, kind.format


class BlobPipeline:
    def __init__(self, root: str, stats: Stats, owner: Any) -> None:
        self.root, self.stats, self.owner = root, stats, owner

    @classmethod
    def from_crawler(cls, crawler: Any) -> BlobPipeline:
        return cls(archive_dir(crawler.settings), crawler.stats, crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        item.sha256, item.mime, fmt = fingerprint(item.body, item.filename or item.url)
        item.size = len(item.body)
        item.notes.append(f"format:{fmt}")
        handles_for(self.owner).get(self.root).blobs.put(item.body)
        stat(self.stats, "documents")
        return item
