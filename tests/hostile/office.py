"""Hostile DOCX and zip files, built from the real DOCX of a seed report.

Zip bombs (members that inflate past 1 GiB, declared sizes that lie either way), broken
archives (truncated, CRC mismatches, flipped bytes), traversal names, nested zips, and the
XML attacks a Word reader must refuse: billion laughs, quadratic blowup, external entities
aimed at a canary file (XXE), XInclude, nesting 100k deep, spans that expand to 10^6 cells.
"""
from __future__ import annotations

import dataclasses
import io
import random
import zipfile
from collections.abc import Callable, Iterator
from functools import partial

from tests.hostile import bombs
from tests.hostile.corpus import Case, Inputs
from tests.hostile.ziprecords import DEFLATED, STORED, Entry, build

DOC = "word/document.xml"
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
BODY_OPEN = b"<w:document " + W + b"><w:body>"
BODY_CLOSE = b"</w:body></w:document>"
GIB = 1 << 30


def members(inputs: Inputs) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(inputs.docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def docx_with(inputs: Inputs, replace: dict[str, bytes | Entry] | None = None,
              extra: list[Entry] | None = None) -> bytes:
    """The real DOCX with some members replaced (by bytes, or by a ready-made entry)."""
    entries = []
    for name, data in members(inputs).items():
        new = (replace or {}).get(name, data)
        entries.append(new if isinstance(new, Entry) else Entry.of(name, new))
    return build(entries + (extra or []))


def _document(inner: bytes, doctype: bytes = b"") -> bytes:
    return HEAD + doctype + BODY_OPEN + inner + BODY_CLOSE


def _para(text: bytes) -> bytes:
    return b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"


def _bomb_entry(name: str, unit: bytes, total: int, declared: int | None = None) -> Entry:
    payload, size, crc = bombs.raw_deflate_repeat(unit, total, HEAD + BODY_OPEN, BODY_CLOSE)
    return Entry(name.encode(), payload, DEFLATED, crc, size if declared is None else declared)


def _with(entry: Entry, **changes: object) -> Entry:
    """The entry with some fields changed (a lying CRC, size or method)."""
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


def _xml_attacks(inputs: Inputs) -> dict[str, bytes]:
    """document.xml bodies; the entity ones reference the canary, which must stay unread."""
    url = inputs.canary.as_uri().encode()
    laughs = b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
    return {
        "xxe-file": _document(_para(b"2020\xe5\xb9\xb4 &xxe;"), b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "' + url + b'">]>'),
        "xxe-parameter": _document(_para(b"x"), b'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "' + url + b'"> %p;]>'),
        "xxe-external-dtd": _document(_para(b"x"), b'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">'),
        "xinclude": _document(b'<w:p xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="' + url + b'" parse="text"/></w:p>'),
        "billion-laughs": _document(_para(b"&l9;"), b'<!DOCTYPE w:document [<!ENTITY l0 "ha">' + laughs + b"]>"),
        "quadratic-blowup": _document(_para(b"&a;" * 20_000), b'<!DOCTYPE w:document [<!ENTITY a "' + b"A" * 50_000 + b'">]>'),
        "nested-paragraphs-100k": _document(b"<w:p>" * 100_000 + b"</w:p>" * 100_000),
        "nested-tables-3k": _document(b"<w:tbl><w:tr><w:tc>" * 3000 + _para(b"x") + b"</w:tc></w:tr></w:tbl>" * 3000),
        "unclosed-200k": _document(b"<w:r>" * 200_000),
        "gridspan-bomb": _document(b"<w:tbl>" + (b'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/><w:vMerge w:val="restart"/></w:tcPr>' + _para(b"1") + b"</w:tc></w:tr>") * 1000 + b"</w:tbl>"),
        "gridspan-huge": _document(b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2147483647"/></w:tcPr>' + _para(b"1") + b"</w:tc></w:tr></w:tbl>"),
        "gridspan-negative": _document(b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="-3"/></w:tcPr>' + _para(b"1") + b"</w:tc></w:tr></w:tbl>"),
        "not-xml": b"\x00\x01 this is no xml <<<",
        "empty-document": b"",
        "utf16-declared-utf8": _document(_para("年度报告".encode("utf-16-le"))),
    }


def _bombs(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    para = _para("政府信息公开".encode())
    return {
        "zip-bomb-paragraphs": lambda: docx_with(inputs, {DOC: _bomb_entry(DOC, para, GIB + GIB // 8)}),
        "zip-bomb-one-run": lambda: docx_with(inputs, {DOC: _bomb_entry(DOC, b"A", GIB + GIB // 8)}),
        "zip-bomb-declared-small": lambda: docx_with(inputs, {DOC: _bomb_entry(DOC, para, GIB, declared=1000)}),
        "zip-bomb-declared-huge": lambda: docx_with(inputs, {DOC: _with(Entry.of(DOC, members(inputs)[DOC]), size=0xFFFFFFFF)}),
        "zip-bomb-styles": lambda: docx_with(inputs, {"word/styles.xml": _bomb_entry("word/styles.xml", b"<w:style/>", GIB)}),
        "zip-bomb-extra-member": lambda: docx_with(inputs, extra=[_bomb_entry("word/media/image1.png", b"\0", GIB)]),
        "zip-many-members": lambda: docx_with(inputs, extra=[Entry.of(f"x/{i}", b"", STORED) for i in range(60_000)]),
    }


def _structure(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    def doc() -> bytes:
        return members(inputs)[DOC]

    def good() -> Entry:
        return Entry.of(DOC, doc())

    return {
        "crc-mismatch": lambda: docx_with(inputs, {DOC: _with(good(), crc=good().crc ^ 1)}),
        "crc-mismatch-stored": lambda: docx_with(inputs, {DOC: Entry(DOC.encode(), doc(), STORED, 12345, len(doc()))}),
        "deflate-corrupt": lambda: docx_with(inputs, {DOC: _with(good(), payload=good().payload[:100] + b"\xff" * 50 + good().payload[150:])}),
        "method-unknown": lambda: docx_with(inputs, {DOC: _with(good(), method=99)}),
        "no-document": lambda: build([Entry.of(n, d) for n, d in members(inputs).items() if n != DOC]),
        "no-content-types": lambda: build([Entry.of(n, d) for n, d in members(inputs).items() if n != "[Content_Types].xml"]),
        "only-document": lambda: build([Entry.of(DOC, doc())]),
        "rels-loop": lambda: docx_with(inputs, {"_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="_rels/.rels"/></Relationships>'}),
        "rels-external": lambda: docx_with(inputs, {"word/_rels/document.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="file:///etc/passwd" TargetMode="External"/></Relationships>'}),
        "traversal-names": lambda: docx_with(inputs, extra=[Entry.of(n, b"evil") for n in ("../../../../tmp/nianbao-evil.xml", "/etc/evil", "..\\..\\evil.xml", "word/../../evil")]),
        "duplicate-document": lambda: docx_with(inputs, extra=[Entry.of(DOC, _document(_para(b"second")))]),
        "name-nul-bytes": lambda: docx_with(inputs, extra=[Entry.of(b"word/\x00evil\xff.xml", b"x")]),
        "comment-64k": lambda: build([Entry.of(n, d) for n, d in members(inputs).items()], comment=b"C" * 65535),
        "eocd-only": lambda: build([]),
    }


def _xml_cases(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    out: dict[str, Callable[[], bytes]] = {}
    for name, body in _xml_attacks(inputs).items():
        out[name] = partial(lambda b: docx_with(inputs, {DOC: b}), body)
    url = inputs.canary.as_uri().encode()
    xxe = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "' + url + b'">]>'
    core, types = "docProps/core.xml", "[Content_Types].xml"
    out["xxe-core-props"] = lambda: docx_with(inputs, {core: members(inputs)[core].replace(b"?>", b"?>" + xxe, 1).replace(b"<dc:title>", b"<dc:title>&xxe;")})
    out["xxe-content-types"] = lambda: docx_with(inputs, {types: members(inputs)[types].replace(b"?>", b"?>" + xxe, 1)})
    out["xxe-in-real-text"] = lambda: docx_with(inputs, {DOC: members(inputs)[DOC].replace(b"?>", b"?>" + xxe.replace(b"x [", b"w:document ["), 1).replace(b"<w:t>", b"<w:t>&xxe;", 1)})
    return out


def _nested_zip(inputs: Inputs, depth: int) -> bytes:
    data = inputs.docx
    for level in range(depth):
        data = build([Entry.of(f"level{level}.zip" if level else "report.docx", data)])
    return data


def _truncate(data: bytes, fraction: float) -> bytes:
    return data[: max(1, int(len(data) * fraction))]


def _flip(data: bytes, picks: list[tuple[float, int]]) -> bytes:
    out = bytearray(data)
    for fraction, xor in picks:
        out[int(fraction * (len(out) - 1))] ^= xor
    return bytes(out)


def _mutated(inputs: Inputs, mutate: Callable[[bytes], bytes]) -> bytes:
    return mutate(inputs.docx)


def cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    for group in (_bombs(inputs), _structure(inputs), _xml_cases(inputs)):
        for name, make in group.items():
            yield Case(f"docx-{name}.docx", make)
    for depth in (1, 2, 10):
        yield Case(f"docx-nested-zip-{depth}.zip", partial(_nested_zip, inputs, depth))
    yield Case("docx-control-real.docx", lambda: inputs.docx)
    yield Case("docx-pdf-in-stored-zip.zip", lambda: build([Entry(b"a.pdf", inputs.pdf, STORED, 0, len(inputs.pdf))]))
    for n in range(9):
        yield Case(f"docx-truncated-{n:02d}.docx", partial(_mutated, inputs, partial(_truncate, fraction=rng.random())))
    for n in range(9):
        picks = [(rng.random(), rng.randrange(1, 256)) for _ in range(rng.choice((1, 8, 64)))]
        yield Case(f"docx-flipped-{n:02d}.docx", partial(_mutated, inputs, partial(_flip, picks=picks)))
