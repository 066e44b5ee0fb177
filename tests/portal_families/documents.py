"""Binary attachments of the CMS-families portal other than PDFs: DOCX, OFD, zip bundles, an
infographic's image, and the broken files real portals serve (a truncated PDF, a corrupt zip, a decompression bomb)."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from crawler.fixture_portal.render import Heading, Para, SeedDoc, Table

ZIP_DATE = (2024, 1, 15, 10, 0, 0)  # fixed member dates: the bundles build byte-identical
BOMB_MEMBER_SIZE = 40 * 1024 * 1024  # 40 MiB of zeros, about 40 KiB compressed


def docx_report(doc: SeedDoc) -> bytes:
    """The report as a Word document (python-docx): title, paragraphs, real tables."""
    import docx  # python-docx, a project dependency

    document = docx.Document()
    document.core_properties.title = doc.title
    document.add_heading(doc.title, level=1)
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level + 1, 9))
        elif isinstance(block, Para):
            document.add_paragraph(block.text)
        elif isinstance(block, Table) and block.rows:
            add_table(document, block.rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_table(document: object, rows: list[list[str]]) -> None:
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def infographic_png() -> bytes:
    """The image of an infographic (图解): a bar chart of coloured boxes, drawn by Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 400), (250, 244, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 599, 60), fill=(181, 24, 30))
    for index, height in enumerate((230, 120, 60, 180)):
        left = 60 + index * 130
        draw.rectangle((left, 360 - height, left + 80, 360), fill=(200 - index * 40, 60, 40))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names, as WinRAR and 7-Zip write them
            bundle.writestr(info, data)
    return out.getvalue()


def ofd_stub(title: str) -> bytes:
    """An OFD (GB/T 33190) container: a zip whose root holds OFD.xml. Enough to sniff."""
    ofd_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"'
        f' Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:Title>{title}'
        "</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>"
    )
    return zip_bytes([("OFD.xml", ofd_xml.encode()), ("Doc_0/Document.xml", b"<Document/>")])


def bomb_zip() -> bytes:
    """One member that inflates a thousandfold: refused by the ratio limit."""
    return zip_bytes([("附表.xlsx", bytes(BOMB_MEMBER_SIZE))])


def broken_zip(good: bytes) -> bytes:
    """A bundle cut in the middle: the local headers are there, the central directory is not."""
    return good[: len(good) // 2]


def truncated_pdf(pdf: bytes) -> bytes:
    """The first half of a real PDF: header present, no xref table, no %%EOF."""
    return pdf[: len(pdf) // 2]
