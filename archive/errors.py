"""Named errors of the archive. The CLI turns every `ArchiveError` into one clear line."""
from __future__ import annotations


class ArchiveError(Exception):
    """Base class: the archive could not do what was asked."""


class NoArchive(ArchiveError):
    """There is no archive at the given directory (and we were told not to create one)."""


class NotFound(ArchiveError):
    """An id or sha256 that the archive does not hold."""


class InvalidRecord(ArchiveError):
    """A record handed to the archive is malformed (bad sha256, a parse without a year…)."""


class BlobError(ArchiveError):
    """The blob store is missing a blob or holds bytes that do not match their name."""
