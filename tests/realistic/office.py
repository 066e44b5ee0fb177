"""The two office-format cases, made by real tools: python-docx writes a Word attachment
whose heading does not name the body (the link text does), LibreOffice headless turns a DOCX
with a two-line title into a PDF with ruled tables."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docx import Document

from tests.realistic.html import grids
from tests.realistic.layout import Grid
from tests.realistic.model import Block, Report, blocks, gold, report

Case = tuple[str, bytes, dict[str, Any]]


def _placed(grid: Grid) -> tuple[list[tuple[int, int, Any]], int]:
    """Each cell's top-left (row, column) once rowspans and colspans are laid out."""
    taken: set[tuple[int, int]] = set()
    out, width = [], 0
    for i, row in enumerate(grid):
        j = 0
        for c in row:
            while (i, j) in taken:
                j += 1
            out.append((i, j, c))
            taken.update((i + a, j + b) for a in range(c.rowspan) for b in range(c.colspan))
            j += c.colspan
            width = max(width, j)
    return out, width


def _docx_table(doc: Any, grid: Grid) -> None:
    placed, width = _placed(grid)
    table = doc.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    for i, j, c in placed:
        cell = table.cell(i, j)
        if c.rowspan > 1 or c.colspan > 1:
            cell = cell.merge(table.cell(i + c.rowspan - 1, j + c.colspan - 1))
        cell.text = c.text


def docx_bytes(r: Report, order: list[Block]) -> bytes:
    doc = Document()
    tables = grids(r)
    for kind, text in order:
        if kind == "table":
            _docx_table(doc, tables[text])
        elif kind in ("title", "h"):
            doc.add_paragraph().add_run(text).bold = True
        else:
            doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_bytes(docx: bytes) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("LibreOffice (soffice) is needed to make the PDF case")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=180)
        return (Path(tmp) / "report.pdf").read_bytes()


def all_cases() -> list[Case]:
    r = report(27, 2023, 141)
    r.title_lines = ["2023年政府信息公开工作年度报告"]
    title = f"{r.agency}2023年政府信息公开工作年度报告"
    out = [("p7_gdsthjt_2023.docx", docx_bytes(r, blocks(r)), gold(r, [7], {"link_text": title}, title=title))]
    r = report(7, 2022, 142)
    r.title_lines = ["2022 年郑州经济技术开发区管理委员会", "政府信息公开工作年度报告"]
    out.append(("p1_zjq_2022.pdf", pdf_bytes(docx_bytes(r, blocks(r))), gold(r, [1])))
    return out
