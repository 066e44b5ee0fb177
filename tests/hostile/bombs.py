"""Compressed bombs built without ever holding what they inflate to.

A deflate stream of one chunk repeated N times is the chunk's first compressed block, then
one steady-state block (whose back-references stay inside the previous copy of the chunk)
repeated N-1 times, then an empty final block: a GiB-sized bomb costs a second to make,
not a minute of zlib level 9, and a few hundred KB on disk.
"""
from __future__ import annotations

import struct
import zlib

CHUNK = 1 << 20  # a repeated chunk must be at least deflate's 32 KiB window
_FINAL_EMPTY_BLOCK = b"\x03\x00"


def _unit_chunk(unit: bytes) -> bytes:
    """`unit` repeated to about CHUNK bytes (a whole number of units)."""
    return unit * max(1, CHUNK // len(unit))


def raw_deflate_repeat(unit: bytes, total: int, prefix: bytes = b"",
                       suffix: bytes = b"") -> tuple[bytes, int, int]:
    """(raw deflate data, uncompressed size, crc32) of prefix + `unit` repeated to about
    `total` bytes + suffix (the suffix's back-references see the same window after any copy)."""
    chunk = _unit_chunk(unit)
    count = max(2, total // len(chunk))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(prefix) + comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    steady = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    tail = comp.compress(suffix) + comp.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return first + steady * (count - 1) + tail, len(prefix) + len(chunk) * count + len(suffix), crc


def zlib_repeat(unit: bytes, total: int) -> bytes:
    """A zlib (FlateDecode) stream of `unit` repeated to about `total` bytes."""
    chunk = _unit_chunk(unit)
    count = max(2, total // len(chunk))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    steady = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + first + steady * (count - 1) + _FINAL_EMPTY_BLOCK + struct.pack(">I", adler)


def zeros(total: int) -> bytes:
    """FlateDecode data of `total` zero bytes."""
    return zlib_repeat(b"\0", total)
