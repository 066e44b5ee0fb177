"""What a file is, from its bytes (magic numbers and markup), never from its name alone.

The name only breaks a tie the bytes cannot: DOC and WPS are both OLE2 files. A zip is a
zip whatever it holds: a stored (uncompressed) PDF member puts "%PDF-" near its start, so
the zip's local header is read before any PDF marker. Text may be UTF-8 (with or without a
BOM), UTF-16 (Windows "Unicode" exports, with or without a BOM) or GB18030.
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
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") >= 0:
        return Kind("pdf", "application/pdf")
    if data.startswith(_OLE2):
        return _ole_kind(data, name)
    for magic, mime in _IMAGES:
        if data.startswith(magic):
            return Kind("image", mime)
    utf16 = utf16_encoding(data)
    if utf16 is not None:
        return _markup_kind(data[:8192].decode(utf16, errors="ignore").encode("utf-8"), True)
    return _markup_kind(data, bool(data) and _looks_like_text(data))


def _markup_kind(data: bytes, is_text: bool) -> Kind:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _HTML.search(data[:8192]):
        return Kind("html", "text/html")
    if is_text:
        return Kind("text", "text/plain")
    return Kind("unknown", "application/octet-stream")


def _plausible(text: str) -> bool:
    """Mostly what a Chinese report is written in: CJK ideographs and punctuation, ASCII,
    full-width forms (what UTF-16 read with the wrong byte order or binary never is)."""
    good = sum(ch in "\t\r\n" or " " <= ch <= "~" or "\u3000" <= ch <= "\u303f"
               or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
               or "\u2000" <= ch <= "\u206f" or ch == "\ufeff" for ch in text)
    return bool(text) and good >= 0.95 * len(text)


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when `data` is UTF-16 text, else None: a byte-order mark,
    or (no BOM) NULs in every other byte, where ASCII characters put their zero high byte,
    and text that reads as CJK/ASCII in that byte order; or (pure CJK, whose NULs are low
    bytes if any) bytes that are neither UTF-8 nor GB18030 but read as CJK in exactly one
    byte order."""
    if data.startswith(b"\xff\xfe") and not data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = data[:4096][: len(data[:4096]) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < max(2, len(sample) // 40) or min(even, odd) * 4 > max(even, odd):
        return _utf16_without_nuls(sample)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    if _plausible(sample.decode(encoding, errors="replace")):
        return encoding
    return _utf16_without_nuls(sample)  # the NULs were low bytes (一 U+4E00, 开 U+5F00)


def _utf16_without_nuls(sample: bytes) -> str | None:
    if len(sample) < 8 or _looks_like_text(sample):
        return None
    fits = [e for e in ("utf-16-le", "utf-16-be")
            if _plausible(sample.decode(e, errors="replace"))]
    return fits[0] if len(fits) == 1 else None


def decode_text(data: bytes) -> str:
    """UTF-16 when the bytes are (utf16_encoding), else UTF-8 when it decodes, else GB18030
    (a superset of GBK/GB2312): Chinese portals often declare one charset and send another,
    so the bytes decide, not the header. A byte-order mark is dropped."""
    utf16 = utf16_encoding(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace").lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
