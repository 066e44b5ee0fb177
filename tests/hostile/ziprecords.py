"""Zip archives record by record, so a case can lie in any field zipfile would get right.

Each entry carries its compressed bytes as given (a precomputed deflate bomb), and the CRC
and sizes it declares, true or not.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

STORED, DEFLATED = 0, 8


@dataclass(slots=True)
class Entry:
    name: bytes
    payload: bytes  # as stored in the archive (compressed when method is DEFLATED)
    method: int
    crc: int
    size: int  # the uncompressed size it declares

    @classmethod
    def of(cls, name: str | bytes, data: bytes, method: int = DEFLATED) -> Entry:
        raw = name.encode("utf-8") if isinstance(name, str) else name
        if method == DEFLATED:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = comp.compress(data) + comp.flush()
        else:
            payload = data
        return cls(raw, payload, method, zlib.crc32(data), len(data))


def _local(entry: Entry) -> bytes:
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, entry.method, 0, 0x21,
                       entry.crc, len(entry.payload), entry.size, len(entry.name), 0) + entry.name


def _central(entry: Entry, offset: int) -> bytes:
    return struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, entry.method, 0, 0x21,
                       entry.crc, len(entry.payload), entry.size, len(entry.name), 0, 0, 0, 0, 0,
                       offset) + entry.name


def build(entries: list[Entry], comment: bytes = b"") -> bytes:
    out = bytearray()
    offsets = []
    for entry in entries:
        offsets.append(len(out))
        out += _local(entry) + entry.payload
    start = len(out)
    for entry, offset in zip(entries, offsets):
        out += _central(entry, offset)
    count = len(entries)
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count & 0xFFFF, count & 0xFFFF,
                       len(out) - start, start, len(comment)) + comment
    return bytes(out)
