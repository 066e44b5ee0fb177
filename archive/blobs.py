"""Content-addressed blob store: the exact bytes of every copy, at `root/ab/cd/<sha256>`."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import BlobError, InvalidRecord

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_sha256(sha: str) -> str:
    """Return `sha` if it is a lowercase sha256 hex digest, else raise `InvalidRecord`."""
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise InvalidRecord(f"not a sha256 hex digest: {sha!r}")
    return sha


class BlobStore:
    """Bytes by sha256. Writes are atomic (temp file in the target folder + os.replace)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        check_sha256(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store `data` and return its sha256; storing the same bytes again is a no-op."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        log.debug("stored blob %s (%d bytes)", sha, len(data))
        return sha

    def read(self, sha: str) -> bytes:
        try:
            return self.path(sha).read_bytes()
        except FileNotFoundError:
            raise BlobError(f"no blob {sha}") from None

    def shas(self) -> Iterator[str]:
        """Every stored blob's sha256, in order (what `verify` matches against the rows)."""
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and _SHA256.fullmatch(path.name):
                yield path.name

    def unfinished(self) -> list[Path]:
        """Temp files of writes that never reached os.replace (a killed run's)."""
        return sorted(p for p in self.root.glob("??/??/.tmp-*") if p.is_file())

    def verify(self, sha: str) -> bool:
        """True when the blob exists and its bytes still hash to `sha`."""
        path = self.path(sha)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha
