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
