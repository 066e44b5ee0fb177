"""How `nianbao serve` hands out an archived original: `/-/blob/<sha256>` always downloads it
(attachment, its sniffed type); `/-/view/<sha256>` shows it in the browser only where that is
safe on our origin.

Safe inline: PDF (the browser's viewer), raster images, and text as `text/plain`. An HTML
original is shown as its source, `text/plain` (never rendered as HTML on our origin: it is a
stranger's page, scripts and all); SVG (it may carry script), DOCX, DOC and everything else
are attachments. Every response also carries `nosniff` (websafety.py), so a browser never
second-guesses the type we send.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
                "image/bmp", "image/tiff")
AS_TEXT = ("text/plain", "text/html", "application/xhtml+xml", "text/xml", "application/xml")


@dataclass(frozen=True, slots=True)
class Delivery:
    content_type: str
    disposition: str  # "inline" or "attachment"
    filename: str

    def headers(self) -> dict[str, str]:
        return {"Content-Disposition": content_disposition(self.filename, self.disposition)}


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    ascii_name = re.sub(r'[^A-Za-z0-9._-]', "_", filename) or "download"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def base_type(mime: str | None) -> str:
    return (mime or "application/octet-stream").split(";")[0].strip().lower()


def text_charset(data: bytes) -> str:
    """utf-8 when the bytes decode as UTF-8, else gb18030 (what the archive's parser does)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def download(mime: str | None, filename: str) -> Delivery:
    return Delivery(mime or "application/octet-stream", "attachment", filename)


def view(mime: str | None, filename: str, data: bytes) -> Delivery:
    """The delivery of an inline view (falls back to a download for unsafe types)."""
    kind = base_type(mime)
    if kind in INLINE_TYPES:
        return Delivery(kind, "inline", filename)
    if kind in AS_TEXT or kind.startswith("text/"):
        return Delivery(f"text/plain; charset={text_charset(data)}", "inline", filename)
    return download(mime, filename)
