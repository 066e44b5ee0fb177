"""One realistic report before rendering: its body, year, template, figures, prose and the
order of its blocks; and its gold, written from these values alone.

A case may change how a cell is written (`texts`: a unit, a note, a stray space) and must say
which cells a reader cannot know from the document (`unknown`: gold null + must_flag)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from tests.realistic import figures as F
from tests.realistic.prose import AGENCIES, PARTS_2019, Prose, make_prose

Block = tuple[str, str]  # ("title"|"p"|"h"|"caption"|"table", text or table name)
TABLE_OF_PART = {"2": "active_disclosure", "3": "applications", "4": "review_litigation"}


@dataclass
class Report:
    agency: str
    level: str
    short: str
    email: str
    year: int
    template: str
    tables: F.Tables
    prose: Prose
    title_lines: list[str]
    texts: dict[str, str] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    blanks: set[str] = field(default_factory=set)

    @property
    def title(self) -> str:
        return "".join("".join(self.title_lines).split())

    def cell(self, path: str) -> str:
        """The cell as the document writes it."""
        if path in self.texts:
            return self.texts[path]
        value = F.get(self.tables, path)
        return "" if value is None else str(value)

    def blank(self, *paths: str) -> None:
        for p in paths:
            F.put(self.tables, p, None)


def report(i: int, year: int, seed: int, numbered: bool = False, scale: int = 12) -> Report:
    agency, level, short, email = AGENCIES[i]
    rng = random.Random(seed)
    template = "2019" if year < 2021 else "2021"
    prose = make_prose(agency, short, year, email, rng, numbered)
    return Report(agency, level, short, email, year, template, F.tables(rng, template, level, scale), prose,
                  [f"{agency}{year}年政府信息公开工作年度报告"])


def blocks(r: Report, layout: str = "standard", captions: bool = False) -> list[Block]:
    """The report in reading order; `layout` "mechanism" inserts 二、工作机制保障 (seven parts),
    "grouped" puts the three tables under one 三、统计数据 part numbered (一)(二)(三)."""
    out: list[Block] = [("title", line) for line in r.title_lines]
    out += [("p", p) for p in r.prose.preamble]
    p1 = r.prose.parts["1"]
    names = {"2": "主动公开政府信息情况", "3": "收到和处理政府信息公开申请情况", "4": "政府信息公开行政复议、行政诉讼情况"}
    nums = "一二三四五六七"
    if layout == "standard":
        heads = list(PARTS_2019)
        out += [("h", heads[0])] + [("p", p) for p in p1]
        for j, part in enumerate(("2", "3", "4"), start=1):
            out.append(("h", heads[j]))
            if captions:
                out.append(("caption", f"表{nums[j - 1]}：{names[part]}统计表"))
            out.append(("table", TABLE_OF_PART[part]))
        tail = heads[4:]
    elif layout == "mechanism":
        out += [("h", "一、总体情况")] + [("p", p) for p in p1[:4]]
        out += [("h", "二、工作机制保障")] + [("p", p) for p in p1[4:]]
        for j, part in enumerate(("2", "3", "4"), start=2):
            out += [("h", f"{nums[j]}、{names[part]}"), ("table", TABLE_OF_PART[part])]
        tail = ["六、存在的主要问题及改进情况", "七、其他需要报告的事项"]
    else:
        out += [("h", "一、总体情况")] + [("p", p) for p in p1]
        out += [("h", "二、政府信息公开统计数据")]
        for j, part in enumerate(("2", "3", "4")):
            out += [("h", f"（{nums[j]}）{names[part]}"), ("table", TABLE_OF_PART[part])]
        tail = ["三、存在的主要问题及改进情况", "四、其他需要报告的事项"]
    out += [("h", tail[0])] + [("p", p) for p in r.prose.parts["5"]]
    out += [("h", tail[1])] + [("p", p) for p in r.prose.parts["6"]]
    return out


def gold(r: Report, phenomena: list[int], hints: dict[str, str] | None = None, title: str | None = None,
         agency: str | None = None) -> dict[str, Any]:
    tables = {tn: {row: dict(cols) for row, cols in rows.items()} for tn, rows in r.tables.items()}
    for path in r.unknown:
        F.put(tables, path, None)
    out: dict[str, Any] = {
        "title": title or r.title, "agency": agency or r.agency, "year": r.year, "template": r.template,
        "kind": "report", "contact": {"email": r.email}, "tables": tables,
        "section_snippets": r.prose.snippets, "phenomena": sorted(phenomena),
        "must_flag": sorted(r.unknown),
    }
    if hints:
        out["hints"] = hints
    return out
