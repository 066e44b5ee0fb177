"""Hostile PDFs: hand-built bombs and traps (pdfsyntax), and mutations of a real PDF.

The bombs are the ones that hurt the reader stack (pdfium, pdfminer, OCR): a Flate stream
that inflates to hundreds of MB, drawing operators by the million, a page so large that
rasterising it for OCR needs gigabytes, page trees that loop, objects nested 100k deep.
The mutations are what a flaky portal serves: truncated, bit-flipped, xref-broken files.
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from functools import partial

from tests.hostile import bombs
from tests.hostile.corpus import Case, Inputs
from tests.hostile.pdfsyntax import FONT, TEXT, build, flate, nested, one_page, page_objects, stream

MB = 1 << 20


def _image(width: int, height: int, data: bytes, extra: bytes = b"") -> bytes:
    head = b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB " % (width, height)
    return flate(data, head + b"/BitsPerComponent 8 " + extra)


def _draw_image() -> bytes:
    return stream(b"q 612 0 0 792 0 0 cm /X1 Do Q")


def _form(body: bytes) -> bytes:
    return stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> >> ")


def _many_pages(count: int, content: bytes) -> bytes:
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(count))
    objects = page_objects(content, count=b"%d" % count, kids=b"[" + kids + b"]")
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
    return build(objects + [page] * count)


def _bombs() -> dict[str, Callable[[], bytes]]:
    """Decompression and work bombs: each small on disk, huge or slow to read."""
    return {
        "flate-bomb-content": lambda: one_page(flate(bombs.zeros(420 * MB))),
        "flate-bomb-image": lambda: one_page(_draw_image(), _image(12000, 12000, bombs.zeros(432 * MB))),
        "flate-bomb-double": lambda: one_page(stream(__import__("zlib").compress(bombs.zeros(1024 * MB), 9),
                                                    b"/Filter [/FlateDecode /FlateDecode] ")),
        "flate-bomb-unreferenced": lambda: one_page(stream(TEXT), flate(bombs.zeros(420 * MB))),
        "flate-bomb-length-lies": lambda: one_page(stream(TEXT), stream(bombs.zeros(300 * MB), b"/Filter /FlateDecode ", b"10")),
        "flate-bomb-font": lambda: one_page(stream(TEXT), flate(bombs.zeros(300 * MB))).replace(
            FONT, b"<< /Type /Font /Subtype /TrueType /BaseFont /X /FontDescriptor << /FontFile2 6 0 R >> >>"),
        "flate-bomb-predictor": lambda: one_page(flate(bombs.zeros(300 * MB), b"/DecodeParms << /Predictor 15 /Columns 100000 >> ")),
        "ops-bomb-paths": lambda: one_page(flate(bombs.zlib_repeat(b"0 0 m 1 1 l S\n", 200 * MB))),
        "ops-bomb-text": lambda: one_page(flate(bombs.zlib_repeat(b"BT /F1 1 Tf 1 0 0 1 9 9 Tm (x) Tj ET\n", 200 * MB))),
        "ops-bomb-save-state": lambda: one_page(flate(bombs.zlib_repeat(b"q ", 100 * MB))),
        "inline-image-bomb": lambda: one_page(stream(b"q BI /W 60000 /H 60000 /CS /G /BPC 8 /F /Fl ID " + bombs.zeros(300 * MB) + b" EI Q")),
        "image-huge-declared": lambda: one_page(_draw_image(), _image(10**6, 10**6, bombs.zeros(MB))),
        "form-recursive-self": lambda: one_page(_draw_image(), _form(b"/X1 Do")),
        "pages-10k-empty": lambda: _many_pages(10_000, stream(b"")),
        "pages-20k-text": lambda: _many_pages(20_000, stream(TEXT)),
        "mediabox-huge": lambda: one_page(stream(b""), page=b"/MediaBox [0 0 14400 14400] /UserUnit 75000 "),
        "mediabox-1e9": lambda: one_page(stream(b"0 0 m 1e9 1e9 l S"), page=b"/MediaBox [0 0 1000000000 1000000000] "),
    }


def _traps() -> dict[str, Callable[[], bytes]]:
    """Structural traps: loops, lies, depth, encryption, active content."""
    return {
        "pages-self-kid": lambda: one_page(kids=b"[2 0 R]"),
        "pages-loop-two": lambda: one_page(b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>", kids=b"[5 0 R]"),
        "pages-kid-is-catalog": lambda: one_page(kids=b"[1 0 R 3 0 R]", count=b"2"),
        "count-huge": lambda: one_page(count=b"2147483647"),
        "count-negative": lambda: one_page(count=b"-5"),
        "count-float": lambda: one_page(count=b"1e300"),
        "kids-million-nulls": lambda: one_page(kids=b"[3 0 R " + b"null " * 1_000_000 + b"]", count=b"1000001"),
        "length-huge": lambda: one_page(stream(TEXT, length=b"1000000000")),
        "length-negative": lambda: one_page(stream(TEXT, length=b"-40")),
        "length-zero": lambda: one_page(stream(TEXT, length=b"0")),
        "length-self-ref": lambda: one_page(stream(TEXT, length=b"5 0 R")),
        "length-missing-obj": lambda: one_page(stream(TEXT, length=b"99 0 R")),
        "no-endstream": lambda: one_page(stream(TEXT).replace(b"endstream", b"")),
        "nested-arrays-100k": lambda: one_page(page=b"/Foo " + nested(b"[", b"]", 100_000)),
        "nested-dicts-50k": lambda: one_page(page=b"/Foo " + nested(b"<< /A ", b" >>", 50_000)),
        "nested-arrays-content": lambda: one_page(stream(nested(b"[", b"]", 100_000) + b" " + TEXT)),
        "nested-unclosed": lambda: one_page(page=b"/Foo " + b"[" * 200_000),
        "encrypt-standard-garbage": lambda: build(page_objects(stream(TEXT)) + [b"null", b"<< /Filter /Standard /V 5 /R 6 /Length 256 /O <" + b"00" * 48 + b"> /U <" + b"11" * 48 + b"> /P -4 >>"], trailer=b"/Encrypt 7 0 R /ID [<01><01>] "),
        "encrypt-rc4-garbage": lambda: build(page_objects(stream(TEXT)) + [b"null", b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>"], trailer=b"/Encrypt 7 0 R /ID [<0123><0123>] "),
        "encrypt-unknown-handler": lambda: build(page_objects(stream(TEXT)) + [b"null", b"<< /Filter /FooSec /V 9 >>"], trailer=b"/Encrypt 7 0 R "),
        "encrypt-missing-obj": lambda: build(page_objects(stream(TEXT)), trailer=b"/Encrypt 99 0 R "),
        "javascript-openaction": lambda: one_page(catalog=b"/OpenAction << /S /JavaScript /JS (while(true){app.alert(1)}) >> "),
        "javascript-names": lambda: one_page(catalog=b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (this.exportDataObject({cName:'x'})) >>] >> >> "),
        "launch-and-uri": lambda: one_page(catalog=b"/OpenAction << /S /Launch /F (/bin/sh) >> /AA << /O << /S /URI /URI (http://203.0.113.9/x) >> >> "),
        "xref-stream-huge-size": lambda: _xref_stream(b"/Size 2147483647 /W [4 8 4]"),
        "xref-stream-bad-w": lambda: _xref_stream(b"/Size 7 /W [-1 99999 3]"),
        "objstm-huge-n": lambda: one_page(stream(TEXT), stream(b"1 0 2 5 ", b"/Type /ObjStm /N 2147483647 /First 99999999 ")),
        "info-title-10mb": lambda: build(page_objects(stream(TEXT)) + [b"null", b"<< /Title (" + b"A" * (10 * MB) + b") >>"], trailer=b"/Info 7 0 R "),
        "header-after-garbage": lambda: b"\x00garbage" * 100 + one_page(),
    }


def _xref_stream(dictionary: bytes) -> bytes:
    body = one_page().split(b"xref\n", 1)[0]
    xref = stream(b"\x01" * 64, b"/Type /XRef /Root 1 0 R " + dictionary + b" ")
    return body + b"9 0 obj\n" + xref + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(body)


def _broken_trailers() -> dict[str, Callable[[], bytes]]:
    good = one_page
    return {
        "startxref-wrong": lambda: re.sub(rb"startxref\n\d+", b"startxref\n123", good()),
        "startxref-past-eof": lambda: re.sub(rb"startxref\n\d+", b"startxref\n99999999999", good()),
        "no-xref-no-trailer": lambda: good().split(b"xref\n")[0],
        "trailer-no-root": lambda: good().replace(b"/Root 1 0 R", b""),
        "root-not-dict": lambda: good().replace(b"/Root 1 0 R", b"/Root 4 0 R"),
        "prev-self-loop": lambda: good().replace(b"/Root 1 0 R", b"/Root 1 0 R /Prev " + re.search(rb"startxref\n(\d+)", good()).group(1)),  # type: ignore[union-attr]
        "xref-all-zero": lambda: re.sub(rb"\d{10} 00000 n", b"0000000000 00000 n", good()),
        "incremental-loop": lambda: _incremental_loop(good()),
    }


def _incremental_loop(data: bytes) -> bytes:
    first = int(re.search(rb"startxref\n(\d+)", data).group(1))  # type: ignore[union-attr]
    second = len(data)
    return data + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (second, first)


# --- mutations of the real PDF -------------------------------------------------------

def _truncate(data: bytes, fraction: float) -> bytes:
    return data[: max(1, int(len(data) * fraction))]


def _flip(data: bytes, picks: list[tuple[float, int]]) -> bytes:
    out = bytearray(data)
    for fraction, xor in picks:
        out[int(fraction * (len(out) - 1))] ^= xor
    return bytes(out)


def _zero_region(data: bytes, fraction: float, size: int) -> bytes:
    start = int(fraction * max(0, len(data) - size))
    return data[:start] + b"\0" * size + data[start + size:]


def _mutations(rng: random.Random) -> Iterator[tuple[str, Callable[[bytes], bytes]]]:
    for n in range(18):
        yield f"truncated-{n:02d}", partial(_truncate, fraction=rng.random())
    for n in range(22):
        count = rng.choice((1, 4, 16, 64, 512))
        yield f"flipped-{n:02d}", partial(_flip, picks=[(rng.random(), rng.randrange(1, 256)) for _ in range(count)])
    for n in range(6):
        yield f"zeroed-{n}", partial(_zero_region, fraction=rng.random(), size=rng.choice((64, 4096, 65536)))
    yield "filter-renamed", lambda d: d.replace(b"FlateDecode", b"FlateDecodX")
    yield "lengths-zeroed", lambda d: re.sub(rb"/Length \d+", b"/Length 0", d)
    yield "lengths-huge", lambda d: re.sub(rb"/Length \d+", b"/Length 999999999", d)
    yield "endstreams-removed", lambda d: d.replace(b"endstream", b"")
    yield "xref-digits-scrambled", lambda d: re.sub(rb"(\d{10}) 00000 n", lambda m: m.group(1)[::-1] + b" 00000 n", d)
    yield "eof-removed", lambda d: d.replace(b"%%EOF", b"")
    yield "body-twice", lambda d: d + d
    yield "tail-garbage", lambda d: d + bytes(rng.randrange(256) for _ in range(4096))


def _real(inputs: Inputs, mutate: Callable[[bytes], bytes]) -> bytes:
    return mutate(inputs.pdf)


def cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    for group in (_bombs(), _traps(), _broken_trailers()):
        for name, make in group.items():
            yield Case(f"pdf-{name}.pdf", make)
    yield Case("pdf-control-real.pdf", lambda: inputs.pdf)
    for name, mutate in _mutations(rng):
        yield Case(f"pdf-real-{name}.pdf", partial(_real, inputs, mutate))
