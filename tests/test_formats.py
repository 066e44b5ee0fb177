"""Each seed's gold, rendered by real tools into DOCX, text PDF, DOC, WPS and scanned PDF
(tests/render.py), parses back to exactly the gold; plus the PDF/DOCX readers' edge cases:
tables across pages, rows cut by a page break, footers, broken files."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pipelines import docxdoc
from pipelines.document import Document, TableBlock, TextBlock
from pipelines.errors import ExtractionError
from pipelines.extract import extract
from pipelines.pdf import pdf_to_document
from pipelines.pdf.assembly import Table, table_rows
from pipelines.pdf.characters import Char
from pipelines.pdf.pages import Page, Part, free_line
from pipelines.reports import parse_document
from tests import render
from tests.scoring import problems

SEEDS = render.gold_reports()
EXPECTED_FORMAT = {"docx": "docx", "pdf": "pdf", "doc": "doc", "wps": "wps", "scan": "pdf-ocr"}


def _parse(path: Path) -> tuple[Document, dict[str, Any]]:
    doc = extract(path.read_bytes(), path.name)
    outcome = parse_document(doc)
    assert outcome.status == "parsed", outcome.error
    return doc, outcome.report or {}


@pytest.mark.parametrize("fmt", ["docx", "pdf", "doc", "wps"])
@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_rendered_seed_gives_gold(seed: str, fmt: str) -> None:
    gold, report = SEEDS[seed]
    doc, out = _parse(render.render(report, fmt))
    assert doc.format == EXPECTED_FORMAT[fmt]
    assert problems(gold, out) == []


@pytest.mark.parametrize("fmt", ["doc", "wps"])
@pytest.mark.parametrize("seed", ["000", "004"])
def test_legacy_reader_gives_gold(seed: str, fmt: str) -> None:
    """DOC/WPS through LibreOffice, whatever the sniffer says."""
    gold, report = SEEDS[seed]
    doc = docxdoc.legacy_to_document(render.render(report, fmt).read_bytes(), fmt)
    assert doc.format == fmt
    assert problems(gold, parse_document(doc).report or {}) == []


@pytest.mark.parametrize("seed", ["000", "004"])  # one per template; OCR is slow
def test_scanned_seed_gives_gold(seed: str) -> None:
    gold, report = SEEDS[seed]
    doc, out = _parse(render.render(report, "scan"))
    assert doc.format == "pdf-ocr"
    assert problems(gold, out) == []


def test_text_pdf_with_a_scanned_page_gives_gold() -> None:
    gold, report = SEEDS["004"]
    doc, out = _parse(render.render(report, "mixed"))
    assert doc.format == "pdf-ocr" and doc.pages == 2 and {b.page for b in doc.blocks} == {1, 2}
    assert problems(gold, out) == []


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_pdfplumber_backend_agrees(seed: str) -> None:
    """pdfplumber's own page reading gives the same parse as the pypdfium2 reading."""
    gold, report = SEEDS[seed]
    data = render.render(report, "pdf").read_bytes()
    doc = pdf_to_document(data, backend="pdfplumber")
    assert problems(gold, parse_document(doc).report or {}) == []
    fast = pdf_to_document(data)
    assert [b.rows for b in doc.blocks if isinstance(b, TableBlock)] == \
        [b.rows for b in fast.blocks if isinstance(b, TableBlock)]


def test_table_across_pages_is_one_table_and_footers_are_dropped() -> None:
    doc = pdf_to_document(render.render(SEEDS["004"][1], "pdf").read_bytes())
    tables = [b for b in doc.blocks if isinstance(b, TableBlock)]
    assert len(tables) == 3 and doc.pages == 2
    labels = ["".join(r[:3]) for r in tables[1].rows]
    assert any("本年新收" in label for label in labels) and any("结转下年度" in label for label in labels)
    assert len({len(r) for r in tables[1].rows}) == 1 and tables[1].exact_columns
    texts = [b.text for b in doc.blocks if isinstance(b, TextBlock)]
    assert not any(t.strip("—– ").isdigit() for t in texts), texts
    assert texts[0] == SEEDS["004"][1]["title"]


def _part(page: int, top: float, rows: list[list[str]]) -> Part:
    xs = [50.0, 150.0, 200.0, 250.0]
    cells = [((xs[c], top + 20 * r, xs[c + 1], top + 20 * r + 20), text)
             for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Part(page, (50.0, top, 250.0, top + 20 * len(rows)), cells)


def test_row_cut_by_page_break_is_one_row() -> None:
    head = ["信息内容", "本年制发件数", "本年废止件数"]
    first = _part(1, 600, [head, ["规章", "1", "2"], ["（二）部分公开（区分处理的，", "", ""]])
    second = _part(2, 72, [head, ["只计这一情形）", "3", "4"], ["行政许可", "5", "6"]])
    rows = table_rows(Table([first, second]))
    assert rows == [head, ["规章", "1", "2"], ["（二）部分公开（区分处理的，\n只计这一情形）", "3", "4"],
                    ["行政许可", "5", "6"]]


@pytest.mark.parametrize(("last", "first", "joined"), [
    (["2.没有现成信息需要", "7", "8"], ["另行制作的", "", ""], True),  # the label continues
    (["2.没有现成信息需要另行制作", "7", "8"], ["3.补正后申请内容仍不明确", "", ""], False),  # a blank row
    (["规章", "1", "2"], ["行政规范性文件", "", ""], False),  # another row, left blank
    (["（七）总计", "", ""], ["", "9", "9"], True),  # the figures moved to the next page
])
def test_rows_meeting_at_a_page_break(last: list[str], first: list[str], joined: bool) -> None:
    rows = table_rows(Table([_part(1, 600, [last]), _part(2, 72, [first, ["行政许可", "5", "6"]])]))
    assert len(rows) == (2 if joined else 3)
    assert (rows[0] == [f"{a}\n{b}" if a and b and a != b else a or b for a, b in zip(last, first)]) == joined


@pytest.mark.parametrize("filler", [1, 3, 13])
def test_rows_cut_by_real_page_breaks(filler: int) -> None:
    """Longer part 一 pushes the tables down so that LibreOffice breaks a table 三 row inside
    its label (1: "5.属于三类内部事务信/息", 3: "2.其他法律行政法规禁/止公开") or ends a
    page after 行政许可's figures with "第二十条第（六）项" on the next (13)."""
    gold, report = SEEDS["004"]
    report = {**report, "sections": {**report["sections"]}}
    report["sections"]["1"] += "\n" + "\n".join(["本年度持续推进政务公开工作，工作稳步推进。"] * filler)
    doc = pdf_to_document(render.render(report, "pdf").read_bytes())
    assert problems(gold, parse_document(doc).report or {}) == []
    labels = ["".join(r[:3]).replace("\n", "") for b in doc.blocks if isinstance(b, TableBlock) for r in b.rows]
    assert not any(label in ("息", "止公开") for label in labels)


def test_unruled_pdf_lines_become_rows_only_after_a_wide_gap() -> None:
    page = Page(1, 600, 800, [], [])

    def chars(text: str, gap_at: int | None) -> list[Char]:
        out, x = [], 50.0
        for i, ch in enumerate(text):
            x += 40 if i == gap_at else 0
            out.append(Char(ch, x, 100, x + 10, 110, 10))
            x += 10
        return out

    assert free_line(page, chars("行政处罚5", 4)).row == ["行政处罚", "5"]
    assert free_line(page, chars("公开信息共12", None)).row is None


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>"])
def test_corrupt_pdf_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(ExtractionError, match="PDF"):
        extract(data, "x.pdf")


@pytest.mark.parametrize("keep", [1 / 3, 0.98])
def test_truncated_pdf_is_a_clear_error(keep: float) -> None:
    """A cut PDF is an ExtractionError that says so in one line, never another exception."""
    data = render.render(SEEDS["000"][1], "pdf").read_bytes()
    with pytest.raises(ExtractionError, match="PDF") as raised:
        extract(data[:int(len(data) * keep)], "x.pdf")
    assert "\n" not in str(raised.value)


def test_corrupt_docx_is_a_clear_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ExtractionError):
        extract(buf.getvalue(), "x.docx")


def test_unconvertible_doc_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="LibreOffice"):
        docxdoc.legacy_to_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "doc")


def test_missing_soffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docxdoc.shutil, "which", lambda name: None)
    with pytest.raises(ExtractionError, match="not installed"):
        docxdoc.legacy_to_document(b"\xd0\xcf\x11\xe0", "wps")


def _framed_docx(report: dict[str, Any]) -> bytes:
    """The whole report typed into a one-cell frame table (a layout some offices use)."""
    import copy

    import docx

    d = docx.Document(str(render.render(report, "docx")))
    items = [c for c in d.element.body.iterchildren() if not c.tag.endswith("sectPr")]
    cell = d.add_table(rows=1, cols=1).cell(0, 0)._tc
    last = copy.deepcopy(cell[-1])
    for item in items:
        cell.append(item)
    cell.append(last)  # a cell ends with a paragraph
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_report_inside_a_layout_table_gives_gold(tmp_path: Path) -> None:
    """DOCX: the frame's cell is the body; its PDF: the frame is no table, its text is text."""
    gold, report = SEEDS["002"]
    data = _framed_docx(report)
    assert problems(gold, parse_document(docxdoc.docx_to_document(data)).report or {}) == []
    (tmp_path / "framed.docx").write_bytes(data)
    pdf = docxdoc.soffice_convert(tmp_path / "framed.docx", "pdf", tmp_path)
    assert problems(gold, parse_document(pdf_to_document(pdf.read_bytes())).report or {}) == []


def test_docx_merged_cells_repeat_their_text() -> None:
    doc = docxdoc.docx_to_document(render.render(SEEDS["002"][1], "docx").read_bytes())
    tables = [b for b in doc.blocks if isinstance(b, TableBlock)]
    assert [t.exact_columns for t in tables] == [True, True, True]
    apps = tables[1].rows
    assert apps[0][:3] == [apps[0][0]] * 3 and apps[0][3:] == ["申请人情况"] * 7  # colspan
    assert [r[0] for r in apps[5:27]] == ["三、本年度办理结果"] * 22  # rowspan over the results
    assert tables[2].rows[1][5:10] == ["未经复议直接起诉"] * 5


def test_upside_down_scan_image_is_read_the_right_way_up() -> None:
    """A PNG of a page's top third, fed upside down: OCR turns it round (image format)."""
    import pypdfium2 as pdfium

    _, report = SEEDS["004"]
    page = pdfium.PdfDocument(str(render.render(report, "scan")))[0].render(scale=150 / 72).to_pil()
    top = page.crop((0, 0, page.width, page.height // 4)).rotate(180)
    buf = io.BytesIO()
    top.save(buf, "PNG")
    doc = extract(buf.getvalue(), "scan.png")
    texts = [b.text for b in doc.blocks if isinstance(b, TextBlock)]
    assert doc.format == "image" and texts[0] == report["title"]


def test_a_scanned_page_is_detected_reduced_and_its_lines_read_from_the_full_page(monkeypatch) -> None:
    """Detection runs once, on the page reduced to det_max_side; each line is then cut from
    the full-resolution page and recognised by a call of its own, on more than one thread
    (a page's recognition no longer holds one core while the other waits)."""
    import importlib
    import threading

    import pypdfium2 as pdfium

    from pipelines.ocr.options import OPTIONS
    from pipelines.pdf import OCR_DPI

    ocr_engine = importlib.import_module("pipelines.ocr.engine")  # the package exports engine()
    _, report = SEEDS["004"]
    page = pdfium.PdfDocument(str(render.render(report, "scan")))[0].render(
        scale=OCR_DPI / 72, grayscale=True).to_pil()
    calls: list[tuple[str, tuple[int, ...], int]] = []

    def spy(step: str, real: Any) -> Any:
        def call(array: Any) -> Any:
            calls.append((step, array.shape, threading.get_ident()))
            return real(array)
        return call

    monkeypatch.setattr(ocr_engine, "_detect", spy("detect", ocr_engine._detect))
    monkeypatch.setattr(ocr_engine, "_read", spy("read", ocr_engine._read))
    boxes, confidence = ocr_engine.recognise(page)
    assert [shape[:2] for step, shape, _ in calls if step == "detect"] == [(page.height, page.width)]
    lines = [(shape, thread) for step, shape, thread in calls if step == "read"]
    assert len(lines) >= 20 and len({thread for _, thread in lines}) == OPTIONS.rec_workers
    reduced = OPTIONS.det_max_side / max(page.size)  # the scale detection saw the page at
    widest = max(shape[1] for shape, _ in lines)
    assert widest > reduced * page.width  # wider than the whole page as detection saw it
    assert confidence > 0.9 and report["title"] in "".join(b.text for b in boxes)
