"""HTML in the national template's real layout (rowspan/colspan, merged headers, merged
money cells), from the seeds' gold and from generated non-zero reports: every cell exact."""
from __future__ import annotations

import random

import pytest

from pipelines.extract import extract
from pipelines.reports import parse_document
from tests import render as R
from tests.scoring import problems

GOLD = R.gold_reports()


def _cells(tables: dict) -> dict[tuple[str, str, str], object]:
    return {(t, r, c): v for t, rows in tables.items() for r, cols in rows.items() for c, v in cols.items()}


def _parse_html(report: dict, merged_money: bool = False) -> dict:
    html = R.to_html(report, merged_money=merged_money).encode("utf-8")
    outcome = parse_document(extract(html, "report.html"))
    assert outcome.status == "parsed", outcome.error
    return outcome.report


@pytest.mark.parametrize("name", sorted(GOLD))
def test_seed_gold_through_html_tables(name: str) -> None:
    gold, report = GOLD[name]
    assert problems(gold, _parse_html(report)) == []


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("merged_money", [False, True], ids=["plain", "merged-money"])
def test_generated_report_every_cell_exact(seed: int, merged_money: bool) -> None:
    rng = random.Random(seed)
    template = ("2019", "2021")[seed % 2]
    report = R.generate_report(rng, template, consistent=seed % 4 != 3)
    parsed = _parse_html(report, merged_money)
    assert (parsed["title"], parsed["agency"], parsed["year"], parsed["template"]) == (
        report["title"], report["agency"], report["year"], template)
    assert _cells(parsed["tables"]) == _cells(report["tables"])
    assert {c["rule"]: c["status"] for c in parsed["checks"]} == R.expected_checks(report["tables"])
    nonzero = [v for v in _cells(report["tables"]).values() if v not in (None, 0)]
    assert len(nonzero) > 20  # the case really exercises figures, not a sheet of zeros
