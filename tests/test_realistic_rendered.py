"""The realistic corpus's reports rendered again by real tools — portal HTML, DOCX
(python-docx), text PDF (LibreOffice) and once a scanned PDF (rasterised, then OCR'd) — must
read back as their gold: the same facts, whatever format carries them. The renderer is
tests/render.py (the national forms' layouts), the gold tests/data/realistic/*.json."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipelines.extract import extract
from pipelines.reports import parse_document
from tests import render
from tests.scoring import problems

REALISTIC = Path(__file__).parent / "data" / "realistic"
# both templates, procurement amounts in 元 with decimals, negative 本年增/减, long bodies
CASES = ("p2_baotou_xtgxq_2020.txt", "p3_wuhou_2020.html", "p4_guiyang_2022.htm",
         "p7_xuhui_edu_2023.html", "p1_shanghai_office_2024.txt", "p8_dangchuan_2021.txt")
SCAN_CASE = "p4_guiyang_2022.htm"


def _gold(name: str) -> dict[str, Any]:
    return json.loads((REALISTIC / f"{name}.json").read_text(encoding="utf-8"))


def _wrong_cells(gold: dict[str, Any], fmt: str) -> tuple[list[str], list[str]]:
    """(every difference from the gold, the wrong cells no flag warns of)."""
    path = render.render(render.report_from_gold(gold), fmt)
    outcome = parse_document(extract(path.read_bytes(), path.name))
    found = problems(gold, outcome.report or {})
    cells = [p.split(":")[0] for p in found if p.startswith(("active_disclosure.", "applications.", "review_litigation."))]
    unflagged = [c for c in cells if c.replace(".", "/") not in outcome.cell_flags]
    return found, unflagged


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@pytest.mark.parametrize("name", CASES)
def test_rendered_copy_reads_as_its_gold(name: str, fmt: str) -> None:
    found, unflagged = _wrong_cells(_gold(name), fmt)
    assert found == [] and unflagged == []


def test_scanned_copy_has_no_unflagged_wrong_cell() -> None:
    """OCR may miss a figure; it may not read a wrong one without saying so."""
    found, unflagged = _wrong_cells(_gold(SCAN_CASE), "scan")
    assert unflagged == [], found
    assert len(found) <= 3, found  # 99% of the report's ~200 labelled points
