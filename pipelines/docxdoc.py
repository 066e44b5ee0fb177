"""Word documents -> Document: DOCX with python-docx; DOC and WPS through LibreOffice.

The body's paragraphs and tables are read in document order (the children of <w:body>,
content controls and layout tables opened up). Merged cells are expanded as
`pipelines.document` asks: a cell spanning columns (gridSpan) or rows (vMerge) repeats its
text in every grid slot it covers. Word's automatic list labels ("一、" numbered by Word,
not typed) are put back in front of their paragraphs.

DOC (Word 97) and WPS (Kingsoft WPS Writer, an OLE2 file with the Word 97 layout) have no
pure-Python reader, so LibreOffice headless converts them to DOCX first, with a private
profile per process so that it never meets a user's running LibreOffice.
"""
from __future__ import annotations

import atexit
import io
import logging
import shutil
import subprocess
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipelines.cells import is_number
from pipelines.document import Document, TableBlock, TextBlock
from pipelines.errors import ExtractionError
from pipelines.subproc import run_group
from pipelines.textdoc import _classify, is_footer

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
SOFFICE_TIMEOUT = 60.0
_PROFILE = Path(tempfile.gettempdir()) / f"nianbao-lo-{uuid.uuid4().hex}"
_LOCK = threading.Lock()  # one LibreOffice per profile at a time


def docx_to_document(data: bytes) -> Document:
    """The DOCX's paragraphs (one text block per line) and tables (grids, merges expanded)."""
    import docx

    check_declared_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except MemoryError as exc:  # a member inflating past what its declared size said
        from pipelines.limits import memory_cap

        cap = memory_cap()
        raise ExtractionError("too large when decompressed: a member inflates past its declared size"
                              + (f" and the {cap >> 20} MB memory cap" if cap else "")) from exc
    except Exception as exc:  # python-docx raises KeyError, BadZipFile, XML errors, ...
        raise ExtractionError(f"cannot read DOCX: {type(exc).__name__}: {exc}") from exc
    numbering = Numbering(document)
    doc = Document(format="docx")
    for element in _body_items(body):
        if element.tag == f"{W}p":
            _add_paragraph(doc, numbering.label(element) + _paragraph_text(element))
        else:
            rows = table_grid(element, numbering)
            if rows:
                width = {len(r) for r in rows}
                doc.blocks.append(TableBlock(rows=rows, index=_tables(doc), exact_columns=len(width) == 1))
    return doc


def check_declared_size(data: bytes) -> None:
    """The members' uncompressed sizes as the zip directory declares them, against the
    worker's memory cap, before anything is inflated (a lying size still meets the cap)."""
    from pipelines.limits import memory_cap

    cap = memory_cap()
    try:
        declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # python-docx gives the clear error
    if cap is not None and declared > cap:
        raise ExtractionError(f"too large when decompressed: {declared >> 20} MB declared, over the "
                              f"{cap >> 20} MB memory cap")


def _body_items(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking inside content controls (<w:sdt>) and inside
    layout tables (a one-cell frame, or a table holding tables), whose cells are the body."""
    for child in parent.iterchildren():
        if child.tag == f"{W}p":
            yield child
        elif child.tag == f"{W}tbl":
            tcs = [tc for tr in child.iterchildren(f"{W}tr") for tc in tr.iterchildren(f"{W}tc")]
            if len(tcs) == 1 or any(tc.find(f".//{W}tbl") is not None for tc in tcs):
                for tc in tcs:
                    yield from _body_items(tc)
            else:
                yield child
        elif child.tag == f"{W}sdt":
            for content in child.iterchildren(f"{W}sdtContent"):
                yield from _body_items(content)


def _paragraph_text(p: Any) -> str:
    """Visible text of a paragraph: runs, hyperlinks, insertions; tabs and breaks kept."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}p"):
        if any(True for _ in node.iterancestors(MC_FALLBACK)):
            continue  # the VML copy of a drawing whose text the mc:Choice already gave
        if node is not p and node.tag == f"{W}p":
            parts.append("\n")  # a paragraph in a text box inside this one
        elif node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def _add_paragraph(doc: Document, text: str) -> None:
    """Each line of the paragraph; a tab-separated line ending in figures is a table row."""
    for line in text.split("\n"):
        if not line.strip() or is_footer(line):
            continue
        kind, cells = _classify(line) if "\t" in line else ("text", None)
        if kind == "row" and cells and any(is_number(c) for c in cells):
            last = doc.blocks[-1] if doc.blocks else None
            if not isinstance(last, TableBlock) or last.exact_columns:
                last = TableBlock(rows=[], index=_tables(doc))
                doc.blocks.append(last)
            last.rows.append(cells)
        else:
            doc.blocks.append(TextBlock(text=" ".join(line.split())))


def _tables(doc: Document) -> int:
    return sum(isinstance(b, TableBlock) for b in doc.blocks)


def _cell_text(tc: Any, numbering: Numbering | None = None) -> str:
    lines = [(numbering.label(p) if numbering else "") + _paragraph_text(p) for p in tc.iter(f"{W}p")]
    return "\n".join(line.strip() for line in lines if line.strip())


def _int_attr(node: Any, name: str, default: int) -> int:
    found = node.find(name) if node is not None else None
    try:
        return int(found.get(f"{W}val")) if found is not None else default
    except (TypeError, ValueError):
        return default


def table_grid(tbl: Any, numbering: Numbering | None = None) -> list[list[str]]:
    """The table as a grid of strings, gridSpan repeated across and vMerge repeated down."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{W}tr"):
        tr_pr = tr.find(f"{W}trPr")
        row: list[str] = [""] * _int_attr(tr_pr, f"{W}gridBefore", 0)
        for tc in tr.iterchildren(f"{W}tc"):
            tc_pr = tc.find(f"{W}tcPr")
            span = max(1, _int_attr(tc_pr, f"{W}gridSpan", 1))
            vmerge = tc_pr.find(f"{W}vMerge") if tc_pr is not None else None
            text = _cell_text(tc, numbering)
            if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue":
                above = rows[-1] if rows else []
                col = len(row)
                text = above[col] if col < len(above) else text
            row.extend([text] * span)
        row.extend([""] * _int_attr(tr_pr, f"{W}gridAfter", 0))
        rows.append(row)
    return rows


_CHINESE = "〇一二三四五六七八九"


def _chinese(n: int) -> str:
    """1..99 as Chinese numerals: 一, 十, 十一, 二十一."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return _CHINESE[n]
    return (_CHINESE[tens] if tens > 1 else "") + "十" + (_CHINESE[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting",
               "ideographDigital", "chineseLegalSimplified"):
        return _chinese(n) if n < 100 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return "" if fmt in ("bullet", "none") else str(n)


class Numbering:
    """Word's automatic list labels ("一、", "（二）", "3."), which are not in the text:
    headings numbered this way would otherwise lose the "一、" the sections are found by."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> start, fmt, text
        self.styles: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{W}abstractNumId"): self._levels(a) for a in root.iterchildren(f"{W}abstractNum")}
        for num in root.iterchildren(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None and ref.get(f"{W}val") in abstract:
                self.levels[num.get(f"{W}numId")] = abstract[ref.get(f"{W}val")]
        for style in document.styles.element.iterchildren(f"{W}style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                self.styles[style.get(f"{W}styleId")] = self._ids(num_pr)

    @staticmethod
    def _levels(abstract: Any) -> dict[int, tuple[int, str, str]]:
        out = {}
        for lvl in abstract.iterchildren(f"{W}lvl"):
            val = {tag: (lvl.find(f"{W}{tag}").get(f"{W}val") if lvl.find(f"{W}{tag}") is not None else None)
                   for tag in ("start", "numFmt", "lvlText")}
            out[int(lvl.get(f"{W}ilvl", "0"))] = (int(val["start"] or 1), val["numFmt"] or "decimal", val["lvlText"] or "")
        return out

    @staticmethod
    def _ids(num_pr: Any) -> tuple[str, int]:
        num, lvl = num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")
        return (num.get(f"{W}val") if num is not None else "", int(lvl.get(f"{W}val")) if lvl is not None else 0)

    def label(self, p: Any) -> str:
        """The paragraph's list label, counting it; "" when it is not in a list."""
        num_pr = p.find(f"{W}pPr/{W}numPr")
        style = p.find(f"{W}pPr/{W}pStyle")
        ids = self._ids(num_pr) if num_pr is not None else self.styles.get(style.get(f"{W}val") if style is not None else "")
        if not ids or ids[0] not in self.levels or ids[1] not in self.levels[ids[0]]:
            return ""
        num, ilvl = ids
        counts = self.counters.setdefault(num, [None] * 9)
        start, _, text = self.levels[num][ilvl]
        current = counts[ilvl]
        counts[ilvl] = start if current is None else current + 1
        counts[ilvl + 1:] = [None] * (8 - ilvl)
        for k, (k_start, k_fmt, _) in self.levels[num].items():
            text = text.replace(f"%{k + 1}", _format(counts[k] or k_start, k_fmt))
        return text


def legacy_to_document(data: bytes, fmt: str) -> Document:
    """DOC or WPS: LibreOffice converts to DOCX, then `docx_to_document`; format = fmt."""
    # WPS Writer files are Word 97 binaries: the .doc name makes LibreOffice's type detection
    # pick the Word filter; the .wps name (its MS Works filter) is the fallback for others.
    names = ["input.doc", "input.wps"] if fmt == "wps" else ["input.doc"]
    for k, name in enumerate(names):
        with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
            source = Path(tmp) / name
            source.write_bytes(data)
            try:
                converted = soffice_convert(source, "docx", Path(tmp) / "out")
            except ExtractionError:
                if k + 1 < len(names):
                    continue
                raise
            doc = docx_to_document(converted.read_bytes())
            break
    doc.format = fmt
    doc.notes.append(f"{fmt} converted to docx by LibreOffice")
    return doc


def soffice_convert(source: Path, target: str, outdir: Path, timeout: float = SOFFICE_TIMEOUT) -> Path:
    """`soffice --headless --convert-to TARGET`; the converted file, or ExtractionError."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise ExtractionError("LibreOffice (soffice) is not installed: cannot read DOC/WPS")
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [binary, f"-env:UserInstallation={_PROFILE.as_uri()}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(outdir), str(source)]
    with _LOCK:
        try:
            run = run_group(cmd, timeout)
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"LibreOffice timed out after {timeout:.0f} s converting {source.suffix}") from exc
    result = outdir / f"{source.stem}.{target.split(':')[0]}"
    if run.returncode != 0 or not result.exists() or result.stat().st_size == 0:
        reason = (run.stderr or run.stdout).decode("utf-8", "replace").strip().splitlines()
        raise ExtractionError(f"LibreOffice could not convert {source.suffix}: {reason[-1] if reason else 'no output'}")
    return result


@atexit.register
def _remove_profile() -> None:
    shutil.rmtree(_PROFILE, ignore_errors=True)
