"""Incremental crawls over real HTTP: validators kept in the archive and sent back, 304s
recorded as sightings of the stored copy, a changed document as a new copy and version,
a document gone from the site (404/410, or no longer listed) marked removed, never deleted."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.db import Archive
from tests.crawl_support import Crawl, copy_archive, crawl, profile, sightings, state
from tests.portal_families import FamiliesPortal

SCOPE = "^/xxgk/bmxxgkml/jyj_31021/"


@pytest.fixture(scope="module")
def portal():
    with FamiliesPortal() as running:
        yield running


@pytest.fixture(scope="module")
def sources(portal, tmp_path_factory) -> Path:
    return profile(tmp_path_factory.mktemp("profile"), "jyj", portal, [portal.manifest.mutable["column"]],
                   follow_patterns=[SCOPE], column_patterns=[SCOPE + "xxgknb_"])


@pytest.fixture(scope="module")
def baseline(portal, sources, tmp_path_factory) -> Crawl:
    done = crawl(portal, tmp_path_factory.mktemp("baseline") / "arc", "jyj", "--sources", str(sources))
    assert done.code == 0, done.run.stderr[-2000:]
    return done


@pytest.fixture
def archive(baseline, tmp_path: Path, portal):
    copy = tmp_path / "arc"
    copy_archive(baseline.archive, copy)
    yield copy
    portal.clear_overrides()


def again(portal, archive: Path, sources: Path) -> Crawl:
    done = crawl(portal, archive, "jyj", "--sources", str(sources))
    assert done.code == 0, done.run.stderr[-2000:]
    return done


def test_first_crawl_keeps_validators_per_url(baseline, portal):
    m = portal.manifest.mutable
    doc = state(baseline.archive).get(portal.url_of(m["document"]))
    assert doc and doc.kind == "document" and doc.etag and doc.last_modified and doc.sha256
    page = state(baseline.archive).get(portal.url_of(m["second_page"]))
    assert page and page.kind == "page" and page.etag
    assert not any(h.conditional for h in baseline.hits)


def test_unchanged_recrawl_sends_validators_and_downloads_nothing(portal, archive, sources):
    with Archive.open(archive) as arc:
        before = arc.counts()
    done = again(portal, archive, sources)
    m = portal.manifest.mutable
    by_path = {h.path: h for h in done.hits}
    for path in (m["column"], m["second_page"], m["detail"], m["document"]):
        assert by_path[path].conditional and by_path[path].status == 304, path
    assert not [h for h in done.hits if h.status == 200 and h.path != "/robots.txt"]
    with Archive.open(archive) as arc:
        after = arc.counts()
        seen = arc.db.execute("SELECT times_seen, http_status FROM sightings WHERE url = ?",
                              [portal.url_of(m["document"])]).fetchone()
    assert (after["copies"], after["sightings"]) == (before["copies"], before["sightings"])
    assert seen == (2, 304)  # the 304 is one more sighting of the stored copy


def test_changed_document_becomes_a_new_copy_and_version(portal, archive, sources):
    m = portal.manifest.mutable
    revised = (portal.root / m["revision"].lstrip("/")).read_bytes()
    portal.override(m["document"], revised, content_type="application/pdf")
    done = again(portal, archive, sources)
    url = portal.url_of(m["document"])
    versions = state(archive).versions(url)
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["sha256"] != versions[1]["sha256"]
    assert "new copies:         1" in done.run.stdout
    with Archive.open(archive) as arc:
        report = next(r for r in arc.list_reports() if r["agency"].endswith("教育局"))
    pdfs = [c for c in report["copies"] if c["format"] == "pdf"]
    assert len(pdfs) == 2  # both versions are copies of the one report, neither lost


@pytest.mark.parametrize("status", [404, 410])
def test_document_gone_from_the_site_is_marked_removed_not_deleted(portal, archive, sources, status):
    m = portal.manifest.mutable
    portal.override(m["document"], status=status)
    again(portal, archive, sources)
    gone = state(archive).get(portal.url_of(m["document"]))
    assert gone.removed_at and gone.removed_reason == f"HTTP {status}"
    with Archive.open(archive) as arc:
        assert arc.blobs.has(gone.sha256)
        assert arc.db.execute("SELECT count(*) FROM copies WHERE sha256 = ?", [gone.sha256]).fetchone()[0] == 1
    assert portal.url_of(m["document"]) in {s.url for s in state(archive).removed()}


def test_document_no_longer_listed_is_marked_removed_with_its_attachment(portal, archive, sources):
    m = portal.manifest.mutable
    page = (portal.root / m["second_page"].lstrip("/")).read_bytes().decode("utf-8")
    unlisted = page.replace(m["detail"].rsplit("/", 2)[1], "gone")  # the report's link, broken
    portal.override(m["second_page"], unlisted.encode("utf-8"))
    again(portal, archive, sources)
    detail, document = (state(archive).get(portal.url_of(m[k])) for k in ("detail", "document"))
    assert detail.removed_reason == "unlisted" and document.removed_reason == "unlisted"
    with Archive.open(archive) as arc:  # never deleted
        assert sightings(portal, archive)[m["detail"]]["status"] == "parsed"
        assert arc.counts()["reports"] == 1


def test_a_document_back_on_the_site_is_no_longer_removed(portal, archive, sources):
    m = portal.manifest.mutable
    portal.override(m["document"], status=404)
    again(portal, archive, sources)
    portal.clear_overrides()
    again(portal, archive, sources)
    assert state(archive).get(portal.url_of(m["document"])).removed_at is None
