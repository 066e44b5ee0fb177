"""How a worker reaches the bytes: `get(sha256)` / `put(bytes)`, nothing more, so a shared
directory now and an S3-compatible bucket later are the same to the task (docs/scale.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from archive.blobs import BlobStore


class Blobs(Protocol):
    def get(self, sha256: str) -> bytes:
        """The bytes stored under sha256; raises archive.errors.BlobError when absent."""

    def put(self, data: bytes) -> str:
        """Store the bytes; their sha256."""


class DirectoryBlobs:
    """A directory in the archive's layout (`ab/cd/<sha256>`): the archive's own `blobs/`,
    shared with the workers over NFS or a bind mount."""

    def __init__(self, root: Path) -> None:
        self.store = BlobStore(Path(root))

    def get(self, sha256: str) -> bytes:
        return self.store.read(sha256)

    def put(self, data: bytes) -> str:
        return self.store.put(data)


def open_blobs(where: str) -> Blobs:
    """The blob interface for `--blobs`: a directory (the only kind today)."""
    if "://" in where and not where.startswith("file://"):
        raise ValueError(f"unsupported blob store {where!r}: give a shared directory")
    return DirectoryBlobs(Path(where.removeprefix("file://")))
