"""Politeness over real HTTP: robots.txt first and obeyed, its Crawl-delay kept (AutoThrottle
too stays above it), at most two requests at a time per host, an ASCII User-Agent with a
contact, and a pause of Retry-After seconds on 429/503."""
from __future__ import annotations

from crawler.runner import project_settings
from crawler.settings import USER_AGENT
from tests.crawl_support import crawl, families_crawl, families_portal, paths, sightings
from tests.portal_families import FamiliesPortal

__all__ = ["families_crawl", "families_portal"]
POLITE_BUT_QUICK = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_START_DELAY=0.05",
                    "-s", "AUTOTHROTTLE_MAX_DELAY=0.5"]


def starts(hits, role="main"):
    return sorted(h.started for h in hits if h.role == role)


def test_user_agent_is_ascii_identifies_us_and_gives_a_contact(families_crawl):
    assert USER_AGENT.isascii() and USER_AGENT.startswith("nianbao/")
    assert "+https://" in USER_AGENT and "contact:" in USER_AGENT and "@" in USER_AGENT
    assert {h.user_agent for h in families_crawl.hits} == {USER_AGENT}


def test_robots_txt_comes_first_on_every_host(families_crawl):
    for role in ("main", "tls"):
        assert paths(families_crawl.hits, role)[0] == "/robots.txt"


def test_polite_defaults():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("ROBOTSTXT_CRAWL_DELAY")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getdict("EXTENSIONS")["crawler.extensions.PoliteAutoThrottle"] is not None
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and 429 in settings.getlist("RETRY_HTTP_CODES")


def test_crawl_delay_is_kept_even_by_autothrottle(tmp_path):
    with FamiliesPortal(crawl_delay=0.4) as portal:
        done = crawl(portal, tmp_path / "arc", portal.url_of("/vsb/index.htm"), *POLITE_BUT_QUICK,
                     fast=False)
        assert done.code == 0, done.run.stderr[-2000:]
        times = starts(done.hits)
    assert len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.4 * 0.95, gaps


def test_at_most_two_requests_at_a_time_per_host(tmp_path):
    with FamiliesPortal(latency=0.2) as portal:
        done = crawl(portal, tmp_path / "arc", portal.url_of("/vsb/index.htm"), *POLITE_BUT_QUICK,
                     fast=False)
        assert done.code == 0, done.run.stderr[-2000:]
        assert 1 <= portal.max_inflight["main"] <= 2
        assert done.hits[0].path == "/robots.txt"


def test_429_and_503_pause_the_host_for_retry_after_then_succeed(families_crawl, families_portal):
    archived = sightings(families_portal, families_crawl.archive)
    for path, (status, wait) in families_portal.manifest.routes.status_once.items():
        hits = [h for h in families_crawl.hits if h.path == path]
        assert [h.status for h in hits] == [status, 200]
        assert hits[1].started - hits[0].ended >= wait * 0.9
        assert archived[path]["status"] == "parsed"
