"""Crawl sources: the portals in `sources.toml`, or a bare root URL with default rules.

A `Source` holds a portal's scope and its URL rules; the spider asks it what a link is.
A bare URL gets the generic rules (discovery); a named profile narrows them.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SOURCES_FILE = Path(__file__).with_name("sources.toml")

# Detail (article) URLs of the CMS families seen on government portals: TRS
# `t20210115_123.html`, Hanweb `art_1_2.html`, `content_123.html`, VSB `info/12/345.htm`.
DETAIL_PATTERNS = (
    r"/t\d{8}_\d+\.s?html?$",
    r"/art_\d+_\d+\.s?html?$",
    r"/content_\d+\.s?html?$",
    r"/info/\d+/\d+\.s?html?$",
)
# Annual-report columns: TRS `xxgknb_123`/`zfxxgknb`, `ndbg` (年度报告) folders.
COLUMN_PATTERNS = (r"/[a-z]*nb(?:_\d+)?/", r"/ndbg(?:_\d+)?/")
# Titles that may be an annual report; the parser decides what really is one.
REPORT_PATTERNS = (r"年度报告", r"年报", r"年度工作报告")
# Never worth a request: scripts, mail, assets, search and account pages.
SKIP_PATTERNS = (
    r"^(?:javascript|mailto|tel|ftp|data):",
    r"\.(?:css|js|jpe?g|png|gif|bmp|ico|svg|webp|mp3|mp4|avi|flv|swf|apk|exe)(?:\?|$)",
    r"/(?:search|login|logout|register|rss)(?:[/._?]|$)",
)


@dataclass(slots=True)
class Source:
    """One portal to crawl and the rules for telling its pages apart."""

    name: str
    title: str
    root_url: str
    allowed_domains: list[str]
    start_urls: list[str]
    follow_patterns: list[str] = field(default_factory=list)  # empty: follow everything in scope
    column_patterns: list[str] = field(default_factory=lambda: list(COLUMN_PATTERNS))
    detail_patterns: list[str] = field(default_factory=lambda: list(DETAIL_PATTERNS))
    report_patterns: list[str] = field(default_factory=lambda: list(REPORT_PATTERNS))
    needs_browser: bool = False

    @property
    def region(self) -> str | None:
        """The region or body the source covers (a profile's title, 中卫市沙坡头区人民政府);
        None for a bare URL, whose title is only its host name."""
        return None if self.title == urlsplit(self.root_url).hostname else self.title or None

    def follows(self, url: str) -> bool:
        """May a navigation or list link be followed (path within the profile's areas)?"""
        path = urlsplit(url).path or "/"
        return not self.follow_patterns or _any(self.follow_patterns, path)

    def is_detail(self, url: str) -> bool:
        return _any(self.detail_patterns, urlsplit(url).path)

    def is_column(self, url: str) -> bool:
        return _any(self.column_patterns, urlsplit(url).path)

    def looks_like_report(self, text: str | None) -> bool:
        return bool(text) and _any(self.report_patterns, text or "")


def _any(patterns: list[str] | tuple[str, ...], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def skipped(url: str) -> bool:
    """Links no report crawler follows (javascript:, mailto:, assets, search, login)."""
    return any(re.search(p, url, re.IGNORECASE) for p in SKIP_PATTERNS)


# Shared suffixes: "www." is never dropped down to one of these.
PUBLIC_SUFFIXES = {"cn", "com", "net", "org", "gov.cn", "com.cn", "net.cn", "org.cn", "edu.cn",
                   "ac.cn"}


def site_scope(host: str) -> str:
    """The domain a bare root URL's crawl stays in: the host, without a leading "www."
    (www.spt.gov.cn -> spt.gov.cn: its town and file sub-sites too), never a public suffix."""
    rest = host[4:] if host.startswith("www.") else host
    return rest if rest not in PUBLIC_SUFFIXES and "." in rest else host


def from_url(url: str) -> Source:
    """A source for a bare root URL: its site is the scope, discovery rules apply."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return Source(name=parts.hostname, title=parts.hostname, root_url=url,
                  allowed_domains=[site_scope(parts.hostname)], start_urls=[url])


def load_sources(path: Path | None = None) -> dict[str, Source]:
    """The named sources of a TOML file (`[sources.<name>]` tables)."""
    with open(path or DEFAULT_SOURCES_FILE, "rb") as handle:
        data = tomllib.load(handle)
    return {name: source_from_table(name, table)
            for name, table in data.get("sources", {}).items()}


def source_from_table(name: str, table: dict[str, object]) -> Source:
    known = set(Source.__dataclass_fields__) - {"name"}
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"source {name!r}: unknown keys {sorted(unknown)}")
    source = Source(name=name, **table)  # type: ignore[arg-type]
    if not source.start_urls:
        source.start_urls = [source.root_url]
    return source


def resolve(target: str, path: Path | None = None) -> Source:
    """A configured source by name, or a bare http(s) URL."""
    if "://" in target:
        return from_url(target)
    sources = load_sources(path)
    if target not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise ValueError(f"unknown source {target!r} (configured: {known}); or give a URL")
    return sources[target]


# -- shards: a list of portals per machine, each host in exactly one --------------------------

def registered_domain(host: str) -> str:
    """The domain a host belongs to (xxgk.spt.gov.cn -> spt.gov.cn, a.example.com ->
    example.com); an IP address or a one-label host is itself."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if re.fullmatch(r"[\d.]+|[0-9a-f:]+", host) or len(labels) < 2:
        return host
    keep = 3 if ".".join(labels[-2:]) in PUBLIC_SUFFIXES else 2
    return ".".join(labels[-keep:])


def shard_of(source: Source, count: int) -> int:
    """The shard (1..count) of a source: a stable hash of its root's registered domain, so
    every host of one site lands in one shard whatever the machine or the file's order."""
    import hashlib

    domain = registered_domain(urlsplit(source.root_url).hostname or source.root_url)
    return int(hashlib.sha256(domain.encode()).hexdigest(), 16) % count + 1


def parse_shard(text: str) -> tuple[int, int]:
    """"2/5" -> (2, 5); raises ValueError for anything but K/N with 1 <= K <= N."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"a shard is K/N with 1 <= K <= N, not {text!r}")
    return int(match[1]), int(match[2])


def shard_sources(sources: dict[str, Source], index: int, count: int) -> list[Source]:
    """The sources of shard `index` of `count`, in the file's order."""
    return [s for s in sources.values() if shard_of(s, count) == index]
