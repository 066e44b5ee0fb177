"""What the CMS-families portal contains, so tests can assert against it.

Document references: "/path" on the main host, "tls:/path" on its https mirror,
"gate:/path" on the gated host, "/bundle.zip#member" for a member of a zip bundle."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Routes:
    """What the server does besides serving files (see server.py)."""

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
    """One report the portal publishes, as the parser should file it."""

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
    """The county site (/hy/, county.py): one report under several names, look-alikes."""

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
class FamiliesManifest:
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
    def from_json(cls, text: str) -> FamiliesManifest:
        data = json.loads(text)
        for key in ("reports", "gate_reports"):
            data[key] = [ExpectedReport(**r) for r in data[key]]
        data["routes"] = Routes(**data["routes"])
        data["county"] = CountySite.from_dict(data["county"]) if "county" in data else CountySite()
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> FamiliesManifest:
        return cls.from_json(path.read_text(encoding="utf-8"))
