"""Raw PDF syntax: hand-built files whose every object the hostile cases control.

Real writers never produce a recursive page tree or a stream whose /Length lies; a file
assembled object by object (with a correct xref unless a case breaks it) does.
"""
from __future__ import annotations

from collections.abc import Sequence

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
TEXT = b"BT /F1 12 Tf 72 720 Td (2020 Annual Report on Government Information Disclosure) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def stream(data: bytes, extra: bytes = b"", length: bytes | None = None) -> bytes:
    """A stream object's body; `length` overrides the true /Length (to lie)."""
    declared = length if length is not None else str(len(data)).encode()
    return b"<< /Length " + declared + b" " + extra + b">>\nstream\n" + data + b"\nendstream"


def flate(data: bytes, extra: bytes = b"") -> bytes:
    """A stream of already-deflated `data`."""
    return stream(data, b"/Filter /FlateDecode " + extra)


def build(objects: Sequence[bytes], *, root: int = 1, trailer: bytes = b"",
          header: bytes = HEADER) -> bytes:
    """Objects numbered 1..n, a classic xref table and a trailer pointing at `root`."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R " % (len(objects) + 1, root) + trailer
    out += b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def page_objects(content: bytes, *, page: bytes = b"", pages: bytes = b"", catalog: bytes = b"",
                 count: bytes = b"1", kids: bytes = b"[3 0 R]") -> list[bytes]:
    """1 catalog, 2 page tree, 3 page, 4 font, 5 content (a whole stream object)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids " + kids + b" /Count " + count + b" " + pages + b">>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
        b"/XObject << /X1 6 0 R >> >> /Contents 5 0 R " + page + b">>",
        FONT,
        content,
    ]


def one_page(content: bytes = stream(TEXT), *extra: bytes, **parts: bytes) -> bytes:
    """A one-page PDF; `extra` objects are numbered from 6 (6 is the page's /X1 XObject)."""
    objects = page_objects(content, **parts) + list(extra or [b"null"])
    return build(objects)


def nested(opening: bytes, closing: bytes, depth: int, core: bytes = b"0") -> bytes:
    return opening * depth + core + closing * depth
