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


UTF16_VARIANTS = ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"]


@pytest.mark.parametrize("encoding", UTF16_VARIANTS)
@pytest.mark.parametrize("bom", [True, False])
def test_unicode_text_with_or_without_a_bom_is_text(encoding: str, bom: bool) -> None:
    text = "沙坡头区2020年政府信息公开工作年度报告\n一、总体情况\n收到申请12件。"
    data = text.encode(encoding)
    if not bom:
        data = data.removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff").removeprefix(
            b"\xef\xbb\xbf")
    assert sniff(data, "report.txt").format == "text"
    assert decode_text(data) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_of_pure_chinese_without_nuls_or_bom(encoding: str) -> None:
    text = "政府信息公开工作年度报告" * 4  # no ASCII: no NUL high bytes to go by
    assert sniff(text.encode(encoding)).format == "text"
    assert decode_text(text.encode(encoding)) == text


def test_utf16_html_is_html() -> None:
    page = "<!DOCTYPE html><html><body><p>政府信息公开工作年度报告</p></body></html>"
    assert sniff(page.encode("utf-16")).format == "html"


def test_ascii_text_is_not_read_as_utf16() -> None:
    """ASCII bytes pair up into CJK code points ("Bush hid the facts"): no NULs, no UTF-16."""
    data = b"Bush hid the facts about the annual report"
    assert decode_text(data) == data.decode()


def test_binary_with_nuls_is_not_utf16() -> None:
    assert sniff(bytes(range(256)) * 4).format == "unknown"
    assert sniff(b"\x00\x01\x02\x03" * 300).format == "unknown"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "gb18030"])
def test_a_report_text_parses_like_its_utf8_twin(seeds_dir, encoding: str) -> None:
    from pipelines.extract import extract
    from pipelines.parse import parse_safely

    seed = sorted(seeds_dir.glob("*.txt"))[0]
    utf8 = seed.read_bytes()
    twin = utf8.decode("utf-8").encode(encoding)
    want = parse_safely(extract(utf8, seed.name))
    got = parse_safely(extract(twin, seed.name))
    assert want.status == "parsed" and got.status == "parsed"
    assert got.report == want.report


def _stored_zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(name, data)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_stored_zip_holding_a_pdf_is_a_zip() -> None:
    """Stored, the member's "%PDF-" stands within the zip's first kilobyte."""
    data = _stored_zip("2020年报.pdf", PDF)
    assert b"%PDF-" in data[:1024]
    assert sniff(data, "2020年报.pdf").format == "zip"


def test_a_bundle_member_with_a_bad_crc_is_refused_with_its_reason() -> None:
    from crawler.spiders.bundles import Limits, unpack

    good = _stored_zip("a.pdf", PDF)
    bad = bytearray(good)
    at = bad.index(b"endobj")
    bad[at:at + 6] = b"ENDOBJ"  # same size, different bytes: only the CRC can tell
    members, skipped = unpack(good, Limits())
    assert [m.format for m in members] == ["pdf"] and skipped == []
    members, skipped = unpack(bytes(bad), Limits())
    assert members == [] and skipped == ["'a.pdf' fails its CRC-32 check (corrupt member)"]
