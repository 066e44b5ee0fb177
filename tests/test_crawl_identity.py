"""A report's identity on a realistic site: the CMS-families portal's county (/hy/), crawled from its
home page alone into a fresh archive and read back in SQL.

One report posted as two copies that name the body differently (full name with region vs
short name) or not at all (a heading of `2023年政府信息公开年度报告`, the body only in the
page's meta/breadcrumb and in the link text of its PDF) must be stored once with both
copies; the notice, the infographic and the rule-of-law report that sit in the same columns
are related documents of their kind, never reports; a 2017 report is kind legacy. Expected
values come from the fixture's manifest (tests/portal_families/county.py), not from the
parser.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_support import Crawl, county_crawl, families_portal, paths, ref_of

__all__ = ["county_crawl", "families_portal"]  # shared fixtures


@pytest.fixture
def county(families_portal):
    return families_portal.manifest.county


def query(archive: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    with sqlite3.connect(archive / "archive.db") as db:
        db.row_factory = sqlite3.Row
        return list(db.execute(sql, args))


def copies_by_ref(portal, archive: Path) -> dict[str, sqlite3.Row]:
    """Every archived URL, as a manifest reference, with its copy."""
    rows = query(archive, "SELECT s.url, c.sha256, c.status, c.report_id FROM sightings s"
                          " JOIN copies c ON c.sha256 = s.sha256")
    return {ref_of(portal, row["url"]): row for row in rows}


def body_core(agency: str) -> str:
    """What any spelling of the body's name contains: 海原县医疗保障局 of 中卫市海原县医疗保障局,
    海原县 of 海原县人民政府 (a region's government may be filed under the region's name)."""
    return re.sub(r"人民政府$", "", re.sub(r"^中卫市", "", agency))


def test_county_crawl_stays_on_the_county_site_and_archives_every_copy(county_crawl: Crawl,
                                                                       families_portal, county):
    assert county_crawl.code == 0, county_crawl.run.stderr[-2000:]
    fetched = paths(county_crawl.hits)
    assert fetched and all(p.startswith("/hy/") or p == "/robots.txt" for p in fetched)
    archived = copies_by_ref(families_portal, county_crawl.archive)
    expected = [d for r in county.reports for d in r.documents] + \
        [d for r in county.related for d in r.documents]
    assert [d for d in expected if d not in archived] == []


def test_each_report_is_stored_once_with_all_its_copies(county_crawl, families_portal, county):
    archived = copies_by_ref(families_portal, county_crawl.archive)
    seen: dict[int, str] = {}
    agencies: dict[str, set[int]] = {}
    for report in county.reports:
        rows = [archived[d] for d in report.documents]
        assert {r["status"] for r in rows} == {"parsed"}, report.title
        ids = {r["report_id"] for r in rows}
        assert len(ids) == 1, f"{report.title}: its copies were filed as {len(ids)} reports"
        (report_id,) = ids
        assert report_id not in seen, f"{report.title} merged with {seen.get(report_id)}"
        seen[report_id] = report.title
        (row,) = query(county_crawl.archive, "SELECT r.year, a.id, a.full_name FROM reports r"
                       " JOIN agencies a ON a.id = r.agency_id WHERE r.id = ?", report_id)
        assert row["year"] == report.year, report.title
        assert body_core(report.agency) in row["full_name"], (report.title, row["full_name"])
        agencies.setdefault(report.agency, set()).add(row["id"])
    # One agency per body (the county's 2017 and 2023 reports), a different one per body.
    assert all(len(ids) == 1 for ids in agencies.values()), agencies
    assert len(set.union(*agencies.values())) == len(agencies) == 3
    (count,) = query(county_crawl.archive, "SELECT count(*) AS n FROM reports")
    assert count["n"] == len(county.reports) == 4


def test_the_two_copies_of_one_report_name_it_differently(county):
    """What the test above is about: the copies' own titles do not agree (manifest facts)."""
    headless = next(r for r in county.reports if r.title == "2023年政府信息公开年度报告")
    assert headless.agency == "海原县医疗保障局" and len(headless.documents) == 2
    two_names = next(r for r in county.reports if r.agency.endswith("住房和城乡建设局"))
    assert [d.rsplit(".", 1)[-1] for d in two_names.documents] == ["html", "docx"]


def test_look_alikes_are_related_documents_never_reports(county_crawl, families_portal, county):
    archived = copies_by_ref(families_portal, county_crawl.archive)
    assert sorted(r.kind for r in county.related) == ["infographic", "notice", "rule_of_law_report"]
    for related in county.related:
        (ref,) = related.documents
        copy = archived[ref]
        assert copy["status"] == "not_report" and copy["report_id"] is None, related.title
        rows = query(county_crawl.archive, "SELECT kind, year, title FROM related_documents"
                     " WHERE sha256 = ?", copy["sha256"])
        assert [(r["kind"], r["year"]) for r in rows] == [(related.kind, related.year)], related.title


def test_the_2017_report_is_kept_as_legacy(county_crawl, families_portal, county):
    archived = copies_by_ref(families_portal, county_crawl.archive)
    kinds = {}
    for report in county.reports:
        (row,) = query(county_crawl.archive, "SELECT kind FROM reports WHERE id = ?",
                       archived[report.documents[0]]["report_id"])
        kinds[report.year, report.kind] = row["kind"]
    assert kinds[2017, "legacy"] == "legacy"
    assert {v for (year, kind), v in kinds.items() if kind == "report"} == {"report"}
