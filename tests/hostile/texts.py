"""Hostile text: the seed report in every encoding a portal serves (UTF-16 with and without
BOM, UTF-32, GB18030, Big5), broken UTF-8, NUL bytes, and lines of tens of MB.

The UTF-16 cases are also the issue's "UTF-16 text is 'unsupported format'" (see the
`REPORT_EXPECTED` names: a reader that decodes them finds the report).
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from tests.hostile.corpus import Case, Inputs

MB = 1 << 20
# Cases that hold the whole seed report intact, in an encoding the product should decode.
REPORT_EXPECTED = ("text-control-utf8.txt", "text-utf16le-bom.txt", "text-utf16be-bom.txt",
                   "text-utf16le-no-bom.txt", "text-utf16be-no-bom.txt", "text-gb18030.txt",
                   "text-utf8-bom.txt")


def _encodings(text: str) -> dict[str, Callable[[], bytes]]:
    return {
        "utf16le-bom": lambda: b"\xff\xfe" + text.encode("utf-16-le"),
        "utf16be-bom": lambda: b"\xfe\xff" + text.encode("utf-16-be"),
        "utf16le-no-bom": lambda: text.encode("utf-16-le"),
        "utf16be-no-bom": lambda: text.encode("utf-16-be"),
        "utf16le-odd-length": lambda: b"\xff\xfe" + text.encode("utf-16-le") + b"\x00",
        "utf16-lone-surrogates": lambda: b"\xff\xfe" + text.encode("utf-16-le")[:200] + b"\x00\xd8\x00\xd8" * 50,
        "utf32le-bom": lambda: text.encode("utf-32"),
        "gb18030": lambda: text.encode("gb18030"),
        "big5": lambda: text.encode("big5", errors="replace"),
        "control-utf8": lambda: text.encode("utf-8"),
        "utf8-bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "bom-only": lambda: b"\xff\xfe",
    }


def _broken(text: str, rng: random.Random) -> dict[str, Callable[[], bytes]]:
    data = text.encode("utf-8")
    cut = rng.randrange(1, len(data))
    return {
        "utf8-invalid-sprinkled": lambda: b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc".join(data[i:i + 50] for i in range(0, len(data), 50)),
        "utf8-overlong": lambda: data + b"\xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80" * 1000,
        "utf8-cut-mid-char": lambda: data[:cut] + data[cut:][1:],
        "nul-bytes-interleaved": lambda: b"\x00".join(data[i:i + 7] for i in range(0, len(data), 7)),
        "nul-only-1mb": lambda: b"\x00" * MB,
        "ctrl-chars": lambda: bytes(range(1, 32)) * 1000 + data,
        "bidi-and-zero-width": lambda: "\u202e\u200b\ufeff".join(text.splitlines()).encode("utf-8"),
        "one-line-40mb": lambda: ("政府信息公开" * (40 * MB // 18)).encode("utf-8"),
        "lines-2m-short": lambda: b"1\n" * 2_000_000,
        "cr-only-endings": lambda: text.replace("\n", "\r").encode("utf-8"),
        "whitespace-only": lambda: b" \t\r\n\xe3\x80\x80" * 100_000,
        "figures-30k-long": lambda: (text + "\n" + "9" * 30_000 + "\n").encode("utf-8"),
        "report-repeated-4k": lambda: (text * 4000)[: 45 * MB].encode("utf-8"),
    }


def cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    for group in (_encodings(inputs.text), _broken(inputs.text, rng)):
        for name, make in group.items():
            yield Case(f"text-{name}.txt", make)
