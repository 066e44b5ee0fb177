"""Generated reports with random non-zero figures (tests/render.py `generate_report`), in
both templates, rendered to DOCX, text PDF and (once) a scan: every cell must come back
exact, and the checks must pass or fail exactly as the figures were built."""
from __future__ import annotations

import random
from typing import Any

import pytest

from pipelines.extract import extract
from pipelines.reports import parse_document
from tests import render
from tests.scoring import problems

# (rng seed, template, consistent): fixed, so the rendered files are cached between runs
CASES = [(1, "2019", True), (2, "2021", True), (3, "2019", True), (4, "2021", True),
         (5, "2019", False), (6, "2021", False)]
OCR_CASE = (5, "2019", False)


def _report(case: tuple[int, str, bool]) -> dict[str, Any]:
    seed, template, consistent = case
    return render.generate_report(random.Random(seed), template, consistent)


def _as_gold(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "contact": {"email": report["contact"]["email"]}, "section_snippets": {"1": ["坚持以人民为中心的发展思想"]}}


def _check_parse(report: dict[str, Any], fmt: str, **opts: Any) -> None:
    path = render.render(report, fmt, **opts)
    outcome = parse_document(extract(path.read_bytes(), path.name))
    assert outcome.status == "parsed", outcome.error
    out = outcome.report or {}
    assert problems(_as_gold(report), out) == []
    assert {c["rule"]: c["status"] for c in out["checks"]} == render.expected_checks(report["tables"])


@pytest.mark.parametrize("case", CASES, ids=[f"{s}-{t}-{'ok' if c else 'broken'}" for s, t, c in CASES])
def test_generator_builds_what_it_says(case: tuple[int, str, bool]) -> None:
    report = _report(case)
    statuses = render.expected_checks(report["tables"]).values()
    assert ("fail" in statuses) != case[2]
    cells = [v for row in report["tables"]["applications"].values() for v in row.values() if v is not None]
    assert sum(v != 0 for v in cells) >= 0.8 * len(cells)  # non-zero: a parser writing 0 fails
    assert report["template"] == ("2021" if report["year"] >= 2021 else "2019")
    assert any(isinstance(v, float) for row in report["tables"]["active_disclosure"].values() for v in row.values())


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("case", CASES, ids=[f"{s}-{t}-{'ok' if c else 'broken'}" for s, t, c in CASES])
def test_generated_report_is_exact(case: tuple[int, str, bool], fmt: str) -> None:
    _check_parse(_report(case), fmt)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_money_cell_spanning_two_columns(fmt: str) -> None:
    """采购总金额 merged over two grid columns, as many 2019 originals have it."""
    _check_parse(_report((3, "2019", True)), fmt, merged_money=True)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_headings_numbered_by_word(fmt: str) -> None:
    """"一、总体情况" whose "一、" is Word list numbering, not text (python-docx omits it)."""
    _check_parse(_report((2, "2021", True)), fmt, numbered=True)


@pytest.mark.parametrize("blank", ["—", "/"])
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_blanks_written_as_dashes(fmt: str, blank: str) -> None:
    """Blank cells written "—" or "/" (case 4 leaves a whole applicant column blank)."""
    _check_parse(_report((4, "2021", True)), fmt, blank=blank)


def test_generated_scan_is_exact() -> None:
    """A scan fed 0.8 degrees askew (the OCR reader levels the page first), blanks as "—"."""
    _check_parse(_report(OCR_CASE), "scan", skew=0.8, blank="—")
