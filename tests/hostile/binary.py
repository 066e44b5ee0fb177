"""Hostile images and garbage: truncated PNG/JPEG, decompression-bomb PNGs (huge declared
dimensions, or 400 MB of real pixels in 400 KB), garbage behind each magic number the
sniffer trusts (PDF, zip, OLE2, PNG, GIF, JPEG, TIFF), and the empty file.
"""
from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from functools import partial

from tests.hostile import bombs
from tests.hostile.corpus import Case, Inputs

MB = 1 << 20
MAGICS = {"pdf": b"%PDF-1.7\n", "zip": b"PK\x03\x04", "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
          "png": b"\x89PNG\r\n\x1a\n", "gif": b"GIF89a", "jpeg": b"\xff\xd8\xff\xe0", "tiff": b"II*\x00",
          "ofd": b"PK\x03\x04\x14\x00\x00\x00\x00\x00OFD.xml"}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, idat: bytes, color: int = 0) -> bytes:
    """A PNG of 8-bit pixels (color 0 gray, 2 RGB) whose IDAT is given compressed."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _real_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).text((10, 80), "2020 annual report 12345", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _real_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(_real_png())).save(out, "JPEG")
    return out.getvalue()


def _jpeg_huge_sof(data: bytes) -> bytes:
    at = data.find(b"\xff\xc0")
    return data[: at + 5] + struct.pack(">HH", 65500, 65500) + data[at + 9:]


def _images(rng: random.Random) -> dict[str, Callable[[], bytes]]:
    gray_row = b"\0" + b"\0" * 20_000  # filter byte + 20,000 gray pixels
    return {
        "png-bomb-20000x20000": lambda: png(20_000, 20_000, bombs.zlib_repeat(gray_row, 400 * MB)),
        "png-bomb-rgb-declared": lambda: png(100_000, 100_000, zlib.compress(b"\0" * 1000), color=2),
        "png-declared-max": lambda: png(2**31 - 1, 2**31 - 1, zlib.compress(b"\0")),
        "png-zero-size": lambda: png(0, 0, zlib.compress(b"")),
        "png-bad-crc": lambda: _real_png()[:30] + b"\0\0\0\0" + _real_png()[34:],
        "png-idat-garbage": lambda: png(400, 200, bytes(rng.randrange(256) for _ in range(5000))),
        "png-chunk-length-huge": lambda: b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0x7FFFFFFF) + b"IHDR" + b"\0" * 100,
        "jpeg-huge-dimensions": lambda: _jpeg_huge_sof(_real_jpeg()),
        "jpeg-no-eoi": lambda: _real_jpeg()[:-2],
        "gif-huge-screen": lambda: b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\xf7\x00\x00" + b"\0" * 768 + b",\0\0\0\0" + struct.pack("<HH", 65535, 65535) + b"\0\x08\x02\x4c\x01\0;",
        "tiff-huge-strips": lambda: b"II*\x00\x08\x00\x00\x00\x03\x00" + b"\x00\x01\x04\x00\x01\x00\x00\x00\xff\xff\xff\x7f" + b"\x01\x01\x04\x00\x01\x00\x00\x00\xff\xff\xff\x7f" + b"\x11\x01\x04\x00\xff\xff\xff\x0f\x00\x00\x00\x00" + b"\0" * 8,
    }


def _truncations(rng: random.Random) -> Iterator[tuple[str, Callable[[], bytes]]]:
    for kind, source in (("png", _real_png), ("jpeg", _real_jpeg)):
        for n in range(3):
            fraction = rng.random()
            yield f"{kind}-truncated-{n}", partial(lambda s, f: s()[: max(1, int(len(s()) * f))], source, fraction)


def image_cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    ext = {"png": "png", "jpeg": "jpg", "gif": "gif", "tiff": "tif"}
    for name, make in [*_images(rng).items(), *_truncations(rng)]:
        yield Case(f"image-{name}.{ext[name.split('-')[0]]}", make)


def _random(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def garbage_cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    for magic, head in MAGICS.items():
        for n, size in enumerate((16, 4096, MB)):
            seed = rng.randrange(2**32)
            yield Case(f"garbage-{magic}-{n}.bin", partial(lambda h, s, z: h + _random(s, z), head, seed, size))
    yield Case("garbage-ole2-worddocument.doc", lambda: MAGICS["ole2"] + _random(1, 4096) + "WordDocument".encode("utf-16-le") + _random(2, 8192))
    yield Case("garbage-ole2-worddocument.wps", lambda: MAGICS["ole2"] + _random(3, 512) + "WordDocument".encode("utf-16-le"))
    yield Case("garbage-random-1mb.bin", partial(_random, rng.randrange(2**32), MB))
    yield Case("garbage-empty.txt", lambda: b"")
    yield Case("garbage-one-byte.bin", lambda: b"\x00")
    yield Case("garbage-zeros-1mb.bin", lambda: b"\0" * MB)
