"""Politeness over real HTTP: robots.txt first and obeyed, its Crawl-delay kept (AutoThrottle
too stays above it), at most two requests at a time per host, an ASCII User-Agent with a
contact, and a pause of Retry-After seconds on 429/503."""
from __future__ import annotations

from crawler.settings import USER_AGENT
from tests.crawl_support import crawl, families_crawl, families_portal, paths, sightings
from tests.portal_families import FamiliesPortal

__all__ = ["families_crawl", "families_portal"]
POLITE_BUT_QUICK = ["-s", "DOWNLOAD_DELAY=0.05", "-s", "AUTOTHROTTLE_START_DELAY=0.05",
                    "-s", "AUTOTHROTTLE_MAX_DELAY=0.5"]


def starts(hits, role="main"):
    return sorted(h.started for h in hits if h.role == role)


def most_at_once(hits, role="main") -> int:
    """The most requests the client had waiting on the host at one time, as the server saw
    them: each hit's [started, answered] lies inside the client's wait for it (Hit.answered),
    so an overlap here is an overlap the client made, however slow the machine."""
    events = sorted(e for h in hits if h.role == role for e in ((h.started, 1), (h.answered, -1)))
    most = now = 0
    for _, step in events:  # at a tie, an answer (-1) sorts before a start (+1)
        now += step
        most = max(most, now)
    return most


def test_user_agent_is_ascii_identifies_us_and_gives_a_contact(families_crawl):
    assert USER_AGENT.isascii() and USER_AGENT.startswith("nianbao/")
    assert "+https://" in USER_AGENT and "contact:" in USER_AGENT and "@" in USER_AGENT
    assert {h.user_agent for h in families_crawl.hits} == {USER_AGENT}


def test_robots_txt_comes_first_on_every_host(families_crawl):
    for role in ("main", "tls"):
        assert paths(families_crawl.hits, role)[0] == "/robots.txt"


def test_crawl_delay_is_kept_even_by_autothrottle(tmp_path):
    delay = 0.4
    with FamiliesPortal(crawl_delay=delay) as portal:
        done = crawl(portal, tmp_path / "arc", portal.url_of("/vsb/index.htm"), *POLITE_BUT_QUICK,
                     fast=False)
        assert done.code == 0, done.run.stderr[-2000:]
        times = starts(done.hits)
    assert len(times) >= 8
    # Lower bounds: a slow client only widens the gaps. Only the server's own delay in
    # stamping a request's arrival can narrow one, hence the margin on each gap (without the
    # Crawl-delay they are DOWNLOAD_DELAY's 0.05 s) and the tighter bound on the whole run.
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= delay / 2, gaps
    assert times[-1] - times[0] >= 0.9 * delay * len(gaps), gaps


def test_at_most_two_requests_at_a_time_per_host(tmp_path):
    with FamiliesPortal(latency=0.2) as portal:  # answers slow enough for requests to pile up
        done = crawl(portal, tmp_path / "arc", portal.url_of("/vsb/index.htm"), *POLITE_BUT_QUICK,
                     fast=False)
        assert done.code == 0, done.run.stderr[-2000:]
    assert done.hits[0].path == "/robots.txt"
    assert len(starts(done.hits)) >= 8 and most_at_once(done.hits) <= 2


def test_one_request_per_host_means_never_two_in_flight(tmp_path):
    # Polite mode (a download delay, however small): with none (--fast), Scrapy 2.19 launches
    # every request queued for a host at once whatever CONCURRENT_REQUESTS_PER_DOMAIN says.
    with FamiliesPortal(latency=0.2) as portal:
        done = crawl(portal, tmp_path / "arc", portal.url_of("/vsb/index.htm"), *POLITE_BUT_QUICK,
                     "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", fast=False)
        assert done.code == 0, done.run.stderr[-2000:]
    assert len(starts(done.hits)) >= 8 and most_at_once(done.hits) == 1


def test_429_and_503_pause_the_host_for_retry_after_then_succeed(families_crawl, families_portal):
    archived = sightings(families_portal, families_crawl.archive)
    for path, (status, wait) in families_portal.manifest.routes.status_once.items():
        hits = [h for h in families_crawl.hits if h.path == path]
        assert [h.status for h in hits] == [status, 200]
        assert hits[1].started - hits[0].answered >= wait * 0.95  # a lower bound (Hit.answered)
        assert archived[path]["status"] == "parsed"
