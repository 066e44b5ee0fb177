"""What a file is, from its bytes (magic numbers and markup), never from its name alone.

The name only breaks a tie the bytes cannot: DOC and WPS are both OLE2 files.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>/]", re.I)
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF8", "image/gif"),
)


@dataclass(frozen=True, slots=True)
class Kind:
    format: str  # html | pdf | docx | doc | wps | xlsx | xls | ofd | zip | image | text | unknown
    mime: str


def _zip_kind(data: bytes) -> Kind:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return Kind("unknown", "application/octet-stream")
    if "word/document.xml" in names:
        return Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if "xl/workbook.xml" in names:
        return Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if "OFD.xml" in names:
        return Kind("ofd", "application/ofd")
    return Kind("zip", "application/zip")


def _ole_kind(data: bytes, name: str) -> Kind:
    """OLE2 streams are named in UTF-16 in the directory: a WordDocument stream is Word
    (DOC, or WPS, which WPS Office writes in the same format); a Workbook is Excel."""
    if "WordDocument".encode("utf-16-le") in data:
        if name.lower().endswith(".wps"):
            return Kind("wps", "application/vnd.ms-works")
        return Kind("doc", "application/msword")
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Kind("xls", "application/vnd.ms-excel")
    if name.lower().endswith(".wps"):
        return Kind("wps", "application/vnd.ms-works")
    return Kind("doc", "application/msword")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # a character cut by the sample's end
                return True
    return False


def sniff(data: bytes, name: str = "") -> Kind:
    """The kind of `data`; `name` (file name or URL) only tells DOC from WPS."""
    if data.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") >= 0:
        return Kind("pdf", "application/pdf")
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE2):
        return _ole_kind(data, name)
    for magic, mime in _IMAGES:
        if data.startswith(magic):
            return Kind("image", mime)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _HTML.search(data[:8192]):
        return Kind("html", "text/html")
    if data and _looks_like_text(data):
        return Kind("text", "text/plain")
    return Kind("unknown", "application/octet-stream")


def decode_text(data: bytes) -> str:
    """UTF-8 when it decodes, else GB18030 (a superset of GBK/GB2312): Chinese portals
    often declare one charset and send another, so the bytes decide, not the header."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
