"""Discovery from the root URL alone on the CMS-families portal (no profile): TRS script
paging, Hanweb records and POST-only pages, VSB backwards paging in GBK, iframe shells, http/https
mixes; every report archived once, no list page, no error page, nothing robots forbids."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawl_support import (Crawl, copy_archive, crawl, families_crawl, families_portal, paths,
                                 profile, reports, sightings)

__all__ = ["families_crawl", "families_portal"]  # session fixtures, shared with the other modules


@pytest.fixture
def portal(families_portal):
    return families_portal


@pytest.fixture
def first(families_crawl) -> Crawl:
    return families_crawl


def test_root_crawl_succeeds_and_archives_every_document(first, portal):
    assert first.code == 0, first.run.stderr[-2000:]
    archived = sightings(portal, first.archive)
    missing = [d for d in portal.manifest.documents() if d not in archived]
    assert missing == []


def test_every_report_is_filed_once_under_its_body_and_year(first, portal):
    expected = {(r.agency, r.year) for r in portal.manifest.reports}
    assert len(expected) == len(portal.manifest.reports) == 19
    assert reports(first.archive) == expected
    archived = sightings(portal, first.archive)
    for report in portal.manifest.reports:
        for ref in report.documents:
            row = archived[ref]
            assert (row["agency"], row["year"], row["status"]) == (report.agency, report.year, "parsed"), ref


def test_distractors_may_be_archived_but_never_as_reports(first, portal):
    archived = sightings(portal, first.archive)
    expected = set(portal.manifest.documents())
    extra = {ref: row for ref, row in archived.items() if ref not in expected}
    assert set(extra) <= set(portal.manifest.distractors)
    assert all(row["status"] == "not_report" for row in extra.values())
    assert len(extra) >= 3  # 法治政府建设年度报告, 统计年报 are yielded; the parser says no


def test_no_list_page_navigation_or_error_page_is_archived(first, portal):
    m = portal.manifest
    archived = set(sightings(portal, first.archive))
    assert not archived & set(m.list_pages + m.navigation + m.never_archived + ["/"])


def test_script_paging_and_post_only_records_are_reached(first, portal):
    m = portal.manifest
    fetched = set(paths(first.hits))
    assert set(m.js_paging_only) <= fetched  # index_1.html … only inline script links them
    posts = [h for h in first.hits if h.method == "POST"]
    assert posts and all("columnid=3301" in h.body for h in posts)
    assert "startrecord=4" in posts[0].path and "endrecord=7" in posts[0].path
    assert set(m.post_only) <= fetched


def test_vsb_backwards_paging_is_walked_and_gbk_read_despite_the_header(first, portal):
    fetched = set(paths(first.hits))
    assert {"/vsb/xxgk/ndbg.htm", "/vsb/xxgk/ndbg/3.htm", "/vsb/xxgk/ndbg/2.htm",
            "/vsb/xxgk/ndbg/1.htm"} <= fetched
    titles = {row["title"] for row in sightings(portal, first.archive).values()}
    # GBK decoded, the title reads right; its heading names no body, the page does
    assert "沙坡头区宣和镇人民政府2021年政府信息公开工作年度报告" in titles


def test_iframe_shell_and_pdfjs_viewer_lead_to_the_pdf(first, portal):
    fetched = set(paths(first.hits))
    assert "/shell/main/index.html" in fetched  # only the shell's <iframe src> names it
    assert "/shell/pdfjs/web/viewer.html" not in fetched  # its file= is what counts
    shell = next(r for r in portal.manifest.reports if r.family == "shell")
    assert set(shell.documents) <= set(sightings(portal, first.archive))


def test_https_link_on_an_http_portal_is_followed(first, portal):
    archived = sightings(portal, first.archive)
    tls = [ref for ref in portal.manifest.documents() if ref.startswith("tls:")]
    assert tls and all(archived[ref]["format"] == "pdf" for ref in tls)
    assert any(h.role == "tls" and h.path.endswith(".pdf") for h in first.hits)


def test_robots_disallowed_and_off_topic_pages_are_never_fetched(first, portal):
    fetched = set(paths(first.hits))
    assert not fetched & set(portal.manifest.never_fetched)
    assert not fetched & set(portal.manifest.not_followed)  # news paging, news articles
    assert first.hits[0].path == "/robots.txt"


def test_recrawl_of_the_unchanged_portal_downloads_no_document(first, portal, tmp_path):
    copy_archive(first.archive, tmp_path / "arc")
    again = crawl(portal, tmp_path / "arc")
    assert again.code == 0, again.run.stderr[-2000:]
    documents = {d for d in portal.manifest.documents() if ":" not in d and "#" not in d}
    downloaded = {h.path.split("#")[0] for h in again.hits if h.status == 200} & documents
    assert downloaded == set()
    assert sum(h.sent for h in again.hits) < 0.05 * sum(h.sent for h in first.hits)
    assert sightings(portal, first.archive).keys() == sightings(portal, again.archive).keys()
    assert "new copies:         0" in again.run.stdout


def test_a_profile_narrows_the_crawl_to_its_columns(portal, first, tmp_path: Path):
    sources = profile(tmp_path, "trs", portal, ["/xxgk/zfxxgknb/index.html"],
                      follow_patterns=["^/xxgk/zfxxgknb/"], column_patterns=["^/xxgk/zfxxgknb/"])
    narrow = crawl(portal, tmp_path / "arc", "trs", "--sources", str(sources))
    assert narrow.code == 0, narrow.run.stderr[-2000:]
    trs = {(r.agency, r.year) for r in portal.manifest.reports
           if any(d.startswith(("/xxgk/zfxxgknb/", "tls:/xxgk/zfxxgknb/")) for d in r.documents)}
    assert trs <= reports(tmp_path / "arc")
    assert len(narrow.hits) < len(first.hits) / 2
