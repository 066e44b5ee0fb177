"""What the fixture site contains, so tests can assert against it. Paths start with "/"."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(slots=True)
class SeedEntry:
    """One seed report and where the site shows it."""

    seed: str  # seed file name, e.g. "000_1ec810995bb02083.txt"
    body: str  # issuing body's short name, e.g. "东园镇"
    title: str
    year: int
    pages: list[str]  # detail-page paths; the first is the canonical one
    attachments: list[str] = field(default_factory=list)  # e.g. its PDF
    columns: list[str] = field(default_factory=list)  # list pages that link it


@dataclass(slots=True)
class Manifest:
    version: str  # builder version
    key: str  # cache key: hash of seeds + builder
    home: str
    robots: str
    seeds: list[SeedEntry]
    columns: list[str]  # first list page of each annual-report column
    list_pages: list[str]  # every annual-report list page, paging included
    duplicate_pair: list[str]  # two paths serving identical bytes
    non_reports: list[str]  # detail pages titled 年度报告 that are no 信息公开 report
    other_pages: list[str]  # detail pages that are no report at all
    navigation: list[str]  # home, channel and leaf pages (never documents)
    off_topic: list[str]  # pages and files a report crawler has no reason to fetch

    def seed(self, name: str) -> SeedEntry:
        return next(s for s in self.seeds if s.seed == name)

    def candidates(self) -> list[str]:
        """Every path a report crawler should yield: report pages, attachments, distractors."""
        paths = [p for s in self.seeds for p in s.pages + s.attachments]
        return sorted(paths + self.non_reports)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        data["seeds"] = [SeedEntry(**s) for s in data["seeds"]]
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls.from_json(path.read_text(encoding="utf-8"))


# -- fixture portal v2 -------------------------------------------------------------------
# Document references: "/path" on the main host, "tls:/path" on its https mirror,
# "gate:/path" on the gated host, "/bundle.zip#member" for a member of a zip bundle.


@dataclass(slots=True)
class Routes:
    """What the v2 server does besides serving files (see v2_server.py)."""

    status_once: dict[str, list[int]] = field(default_factory=dict)  # path -> [status, retry_after]
    slow: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    hang: list[str] = field(default_factory=list)  # never answered
    soft404: list[str] = field(default_factory=list)  # the error page, with HTTP 200
    redirects: dict[str, str] = field(default_factory=dict)  # "path" or "path?query" -> Location
    dispositions: dict[str, list[str]] = field(default_factory=dict)  # path -> [filename, style]
    content_types: dict[str, str] = field(default_factory=dict)  # path -> Content-Type
    dataproxy: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # path -> column -> records
    gbk_prefixes: list[str] = field(default_factory=list)  # GBK pages served as "charset=UTF-8"
    big: dict[str, int] = field(default_factory=dict)  # path -> bytes streamed
    aliases: dict[str, str] = field(default_factory=dict)  # "path?query" -> file path in the site


@dataclass(slots=True)
class ExpectedReport:
    """One report the v2 portal publishes, as the parser should file it."""

    title: str
    agency: str | None  # None: the title does not name the body
    year: int
    family: str  # trs | hanweb | vsb | shell | bundle | gate | county
    documents: list[str]  # every document reference that must be archived as a copy of it
    kind: str = "report"  # report | legacy (a pre-2019 report on the old statistics table)


@dataclass(slots=True)
class RelatedDocument:
    """A document filed beside the reports that only looks like one: archived as a related
    document of its kind, never as a report."""

    title: str
    kind: str  # notice | infographic | rule_of_law_report
    year: int | None
    documents: list[str]


@dataclass(slots=True)
class CountySite:
    """v2's county site (/hy/, v2_county.py): one report under several names, look-alikes."""

    root: str = ""  # its home page: the start of `nianbao crawl <origin><root>`
    region: str = ""  # the site's name as the home page states it (meta SiteName)
    reports: list[ExpectedReport] = field(default_factory=list)  # each stored once, all copies
    related: list[RelatedDocument] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> CountySite:
        return cls(root=str(data["root"]), region=str(data["region"]),
                   reports=[ExpectedReport(**r) for r in data["reports"]],  # type: ignore[union-attr]
                   related=[RelatedDocument(**r) for r in data["related"]])  # type: ignore[union-attr]


@dataclass(slots=True)
class V2Manifest:
    version: str
    key: str
    reports: list[ExpectedReport]  # on the main host, its https mirror and in bundles
    gate_reports: list[ExpectedReport]  # on the gated host (FixturePortal(gate=True))
    distractors: list[str]  # may be archived, must never parse as a report
    never_archived: list[str]  # error pages, broken files, bombs, twins: never a copy
    never_fetched: list[str]  # disallowed by robots.txt
    list_pages: list[str]  # report columns and their paging: fetched, never yielded
    navigation: list[str]  # home, channel and directory pages: never yielded
    js_paging_only: list[str]  # list pages no <a href> leads to (inline-script paging)
    post_only: list[str]  # detail pages listed only in dataproxy POST answers
    not_followed: list[str]  # news paging and the like: a report crawler has no reason to go
    routes: Routes
    lab: dict[str, str]  # unlinked endpoints for single-behaviour tests (hang, big, slow)
    mutable: dict[str, str]  # role -> path, for the incremental tests
    county: CountySite = field(default_factory=CountySite)  # not linked from the district

    def documents(self, gate: bool = False) -> list[str]:
        reports = self.reports + (self.gate_reports if gate else [])
        return sorted({d for r in reports for d in r.documents})

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> V2Manifest:
        data = json.loads(text)
        for key in ("reports", "gate_reports"):
            data[key] = [ExpectedReport(**r) for r in data[key]]
        data["routes"] = Routes(**data["routes"])
        data["county"] = CountySite.from_dict(data["county"]) if "county" in data else CountySite()
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> V2Manifest:
        return cls.from_json(path.read_text(encoding="utf-8"))
