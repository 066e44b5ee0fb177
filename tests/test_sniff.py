"""Formats are told by their bytes, never by the name (which only splits DOC from WPS)."""
from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.sniff import decode_text, sniff

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("data,name,fmt", [
    (b"%PDF-1.7\n...", "report.html", "pdf"),  # a misnamed PDF is still a PDF
    (_zip("[Content_Types].xml", "word/document.xml"), "report.pdf", "docx"),
    (_zip("OFD.xml", "Doc_0/Document.xml"), "a.zip", "ofd"),
    (_zip("a/report.pdf"), "bundle.zip", "zip"),
    (OLE2 + b"\x00" * 64 + "WordDocument".encode("utf-16-le"), "report.doc", "doc"),
    (OLE2 + b"\x00" * 64 + "WordDocument".encode("utf-16-le"), "report.wps", "wps"),
    (OLE2 + b"\x00" * 64 + "Workbook".encode("utf-16-le"), "report.doc", "xls"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body><p>x</p></body></html>", "download.pdf", "html"),
    ("沙坡头区2020年政府信息公开工作年度报告".encode("gbk"), "a.txt", "text"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "scan.pdf", "image"),
    (bytes(range(256)), "x", "unknown"),
])
def test_sniff_by_content(data: bytes, name: str, fmt: str) -> None:
    assert sniff(data, name).format == fmt


def test_text_decoding_trusts_the_bytes_not_the_header() -> None:
    text = "中卫市沙坡头区人民政府"
    assert decode_text(text.encode("gbk")) == text
    assert decode_text(text.encode("utf-8")) == text
