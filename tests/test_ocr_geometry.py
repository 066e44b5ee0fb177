"""The OCR reader's table geometry on hand-made boxes (no OCR run): rows whose figures OCR
put on the line below their label, and rows whose figures OCR lost."""
from __future__ import annotations

from pipelines.document import TableBlock, TextBlock
from pipelines.ocr.boxes import Box
from pipelines.ocr.geometry import page_blocks

PAGE = (1000, 1400)


def _line(top: float, label: str | None, *figures: str) -> list[Box]:
    """One printed line: a label at the left margin, figures in columns 100 px apart."""
    out = [Box(label, 50, top, 50 + 20 * len(label), top + 20)] if label else []
    out += [Box(f, 300 + 100 * i, top, 300 + 100 * i + 10 * len(f), top + 20) for i, f in enumerate(figures)]
    return out


def _tables(boxes: list[Box]) -> list[list[list[str]]]:
    return [b.rows for b in page_blocks(boxes, 2, PAGE) if isinstance(b, TableBlock)]


def test_figures_on_the_line_below_their_label_are_one_row() -> None:
    boxes = _line(60, "规章", "1", "2") + _line(100, "行政许可") + _line(125, None, "5", "6") \
        + _line(170, "行政处罚", "7", "8")
    assert _tables(boxes) == [[["规章", "1", "2"], ["行政许可", "5", "6"], ["行政处罚", "7", "8"]]]


def test_a_label_whose_figures_ocr_lost_stays_a_row_of_blanks() -> None:
    boxes = _line(60, "规章", "1", "2") + _line(90, "行政规范性文件") + _line(120, "行政许可", "5", "6")
    assert _tables(boxes) == [[["规章", "1", "2"], ["行政规范性文件", "", ""], ["行政许可", "5", "6"]]]


def test_two_rows_with_lost_figures_in_a_row_stay_two_rows() -> None:
    boxes = _line(60, "规章", "1", "2") + _line(90, "行政规范性文件") + _line(120, "行政许可") \
        + _line(150, "行政处罚", "7", "8")
    assert _tables(boxes) == [[["规章", "1", "2"], ["行政规范性文件", "", ""], ["行政许可", "", ""],
                               ["行政处罚", "7", "8"]]]


def test_running_text_above_figures_is_no_label() -> None:
    text = "本年度共办理政府信息公开申请。"
    boxes = _line(60, "规章", "1", "2") + [Box(text, 50, 100, 50 + 20 * len(text), 120)] + _line(125, None, "5", "6")
    blocks = page_blocks(boxes, 2, PAGE)
    assert [b.text for b in blocks if isinstance(b, TextBlock)] == [text]
    assert [b.rows for b in blocks if isinstance(b, TableBlock)] == [[["规章", "1", "2"]], [["5", "6"]]]
