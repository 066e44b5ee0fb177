"""Handmade canonical reports for tests and benchmarks (no parser involved).

`canonical_report` builds the JSON of shared/spec/report-format.md; `random_tables` fills
the three tables with plausible figures (the applications balance holds, and the
carried_over row can be given, so that cross-year checks can be made to pass or fail);
`store_report` puts a report into an archive as the pipelines would: blob, copy, sighting,
parse.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import forms
from archive.db import Archive
from archive.errors import InvalidRecord
from archive.records import CopyRecord, ParsedCopy, Sighting

SEEN = "2024-01-01T00:00:00+00:00"
APPLICANTS = list(forms.APPLICATIONS.column_keys()[:-1])
# Table 二's figures: column -> the range drawn from (None: always 0).
_FIGURES: dict[str, tuple[int, int] | None] = {
    "issued": (0, 9), "repealed": None, "in_force": (0, 40), "decisions": (0, 200),
    "made": (0, 9), "published": (0, 9), "total_published": (0, 90),
    "previous": (0, 20), "change": (-2, 2), "count": (0, 5)}
_FIGURES_2019 = {"decisions": (0, 100)}


def canonical_report(agency: str | None, year: int, sections: dict[str, str | None] | None = None,
                     tables: dict[str, Any] | None = None, template: str | None = None,
                     title: str | None = None) -> dict[str, Any]:
    template = template or ("2019" if year < 2021 else "2021")
    return {
        "title": title or f"{agency or ''}{year}年政府信息公开工作年度报告",
        "agency": agency, "year": year, "template": template,
        "contact": {"address": None, "postcode": None, "phone": None, "email": None},
        "sections": {k: (sections or {}).get(k) for k in "123456"},
        "tables": tables if tables is not None else {},
        "checks": [],
    }


def applications(rng: random.Random, template: str,
                 carried_over: dict[str, int | None] | None = None) -> dict[str, Any]:
    """The applications table: each column balances (new + over = processed + forward)."""
    rows: dict[str, dict[str, Any]] = {key: {} for key in forms.APPLICATIONS.keys(template)}
    for col in APPLICANTS:
        _column(rng, rows, col, (carried_over or {}).get(col, rng.randint(0, 2)))
    for row in rows.values():
        values = [row[c] for c in APPLICANTS]
        row["total"] = None if None in values else sum(values)
    return rows


def _column(rng: random.Random, rows: dict[str, dict[str, Any]], col: str,
            over: int | None) -> None:
    new = rng.choice([0, 0, 1, 2, 5, 12, 30]) if col == "natural_person" else rng.randint(0, 2)
    forward = rng.randint(0, min(2, new))
    processed = new + (over or 0) - forward
    for key in rows:
        rows[key][col] = 0
    rows["new_received"][col], rows["carried_over"][col] = new, over
    rows["granted"][col] = processed
    rows["total_processed"][col], rows["carried_forward"][col] = processed, forward


def random_tables(rng: random.Random, template: str,
                  carried_over: dict[str, int | None] | None = None) -> dict[str, Any]:
    active = {row: {col: _figure(rng, template, row, col) for col in cols}
              for row, cols in _active_columns(template).items()}
    review = {k: dict.fromkeys(forms.REVIEW_LITIGATION.column_keys(), 0)
              for k in forms.REVIEW_LITIGATION.keys()}
    return {"active_disclosure": active,
            "applications": applications(rng, template, carried_over), "review_litigation": review}


def _active_columns(template: str) -> dict[str, tuple[str, ...]]:
    columns = forms.TEMPLATES[template].active_columns
    return {row: columns[row] for row in forms.ACTIVE_DISCLOSURE.keys(template)}


def _figure(rng: random.Random, template: str, row: str, col: str) -> int | float:
    """A plausible figure of table 二 (fees: no items in 2019, money up to 10 in 2021)."""
    if col == "amount":
        return round(rng.random() * (10 if row == "fees" else 1), 2)
    span = (_FIGURES_2019 if template == "2019" else {}).get(col, _FIGURES[col])
    if span is None or (row == "fees" and template == "2019"):
        return 0
    return rng.randint(*span)


def store_report(archive: Archive, report: dict[str, Any], name: str, *,
                 url: str | None = None, column: str | None = None, source: str = "test",
                 data: bytes | None = None, fmt: str = "html") -> int:
    """Archive `report` as parsed from one copy (`data`, default: its title's bytes)."""
    body = data if data is not None else f"{name}\n{report['title']}".encode()
    digest = archive.blobs.put(body)
    mime = {"html": "text/html", "pdf": "application/pdf"}.get(fmt, "text/plain")
    archive.add_copy(CopyRecord(digest, len(body), mime, fmt, f"{name}.{fmt}", SEEN))
    archive.add_sighting(Sighting(digest, url or f"http://gov.example/{name}.{fmt}", SEEN,
                                  source=source, column=column))
    report_id = archive.save_parse(ParsedCopy(digest, "parsed", report, parser_version="t"))
    if report_id is None:  # cannot happen for a "parsed" copy
        raise InvalidRecord(f"{name}: no report id")
    return report_id


def simple_applications(new: int, over: int | None, forward: int | None) -> dict[str, Any]:
    """An applications table where only natural persons applied (totals follow)."""
    processed = new + (over or 0) - (forward or 0)
    rows: dict[str, dict[str, Any]] = {}
    for key in forms.APPLICATIONS.keys():
        value = {"new_received": new, "carried_over": over, "granted": processed,
                 "total_processed": processed, "carried_forward": forward}.get(key, 0)
        row: dict[str, Any] = {col: 0 for col in APPLICANTS}
        row["natural_person"] = value
        row["total"] = value
        rows[key] = row
    return {"applications": rows}


SPT = "http://www.spt.gov.cn/xxgk/bmxxgkml/"
# (name as written, year, new_received, carried_over, carried_forward, portal column, copy)
SAMPLE = [
    ("中卫市沙坡头区东园镇人民政府", 2019, 12, 0, 2, SPT + "dyz/xxgknb/", "dyz-2019"),
    ("沙坡头区东园镇人民政府", 2020, 8, 2, 3, SPT + "dyz/xxgknb/", "dyz-2020"),
    ("中卫市沙坡头区东园镇人民政府", 2020, 8, 2, 3, "http://www.spt.gov.cn/xxgk/zfxxgknb/",
     "dyz-2020-pdf"),
    ("东园镇", 2021, 5, 1, 0, SPT + "dyz/xxgknb/", "dyz-2021"),  # 1 != 3: cross-year fail
    ("沙坡头区 东园镇", 2022, 3, 0, 0, SPT + "dyz/xxgknb/", "dyz-2022"),
    ("东园镇人民政府", 2023, 15, 0, 1, SPT + "dyz/xxgknb/", "dyz-2023"),
    ("沙坡头区文昌镇", 2020, 1, 0, None, SPT + "wcz/xxgknb/", "wcz-2020"),  # blank forward
    ("沙坡头区文昌镇", 2021, 2, 0, 0, SPT + "wcz/xxgknb/", "wcz-2021"),
    ("沙坡头区文昌镇", 2023, 4, 0, 0, SPT + "wcz/xxgknb/", "wcz-2023"),
    ("沙坡头区柔远镇人民政府", 2022, 9, 0, 1, SPT + "ryz/xxgknb/", "ryz-2022"),
    ("沙坡头区柔远镇人民政府", 2023, 11, 1, 0, SPT + "ryz/xxgknb/", "ryz-2023"),
    ("白沙镇人民政府", 2020, 0, 0, 0, SPT + "bsz/xxgknb/", "bsz-spt-2020"),
    ("白沙镇人民政府", 2020, 6, 0, 0, "http://www.hl.gov.cn/zwgk/ndbg/", "bsz-hl-2020"),
]
SAMPLE_TEXT = "本年度全镇办理低保、信访事项，依申请公开工作平稳。"


def sample_archive(root: Path) -> Path:
    """A small archive of the same bodies over several years, under several names (see
    SAMPLE): for coverage, cross-year, views, export, plot and the web UI."""
    with Archive.open(root) as archive:
        for name, year, new, over, forward, column, copy in SAMPLE:
            report = canonical_report(name, year, {"1": f"{name}{SAMPLE_TEXT}",
                                                   "2": f"{year}年主动公开情况。"},
                                      tables=simple_applications(new, over, forward))
            report["checks"] = _sample_checks(copy, new, over, forward)
            html = (f"<html><head><meta charset='utf-8'><title>{report['title']}</title>"
                    f"</head><body><h1>{report['title']}</h1><p>{copy}</p></body></html>")
            fmt = "pdf" if copy.endswith("pdf") else "html"
            store_report(archive, report, copy, column=column, url=f"{column}{copy}.{fmt}",
                         data=html.encode(), fmt=fmt)
    return root


def _sample_checks(copy: str, new: int, over: int | None,
                   forward: int | None) -> list[dict[str, Any]]:
    right = None if forward is None else new + (over or 0)
    checks = [{"rule": "applications.balance.total", "left": new + (over or 0), "right": right,
               "status": "not_assessable" if right is None else "pass"}]
    if copy == "ryz-2023":  # a report whose own table does not add up
        checks.append({"rule": "applications.row_total.new_received", "status": "fail",
                       "left": 11, "right": 12})
    return checks
