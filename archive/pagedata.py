"""What each page of `nianbao serve` shows, read from the archive (webpages.py renders it).

Plain functions over a sqlite_utils Database, so that they run on Datasette's read-only
connection (in its thread) and in tests alike. They reuse the archive's own readers: one
report (reading.get_report), coverage (coverage.py), search (search.py), the plotted series
(plot.series), so that a page never disagrees with the CLI; a sighting's WARC record is
warcs.citation's, with the path of the plugin's route that downloads it.
"""
from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

import forms

from . import reportpage
from .coverage import coverage
from .plot import series
from .primary import reason_zh
from .reading import get_report
from .search import search
from .warcs import report_citations

FACETS = {"year": "年度", "region": "地区", "agency": "机关", "template": "模板", "kind": "类型"}
KINDS = {"report": "年度报告", "legacy": "2019年前的年报"}
CHART = [("本年新收", "本年新收申请"), ("予以公开", "予以公开"), ("行政复议", "行政复议"),
         ("行政诉讼", "行政诉讼")]


def report_page(db: Database, report_id: int, replay: str | None = None) -> dict[str, Any]:
    """One report: fields, the tables as the form lays them out, parts, copies (each URL
    with its WARC record: `warc`, None without one), other years. `replay`: the replay
    server's collection URL (warcs.replay_base), for each record's replay link."""
    report = get_report(db, report_id)
    report["primary_reason"] = reason_zh(report.get("primary_reason"))
    cells = list(db.query("SELECT table_name, row_key, column_key, value, is_blank, flag"
                          " FROM cells WHERE report_id = ?", [report_id]))
    checks = list(db.query('SELECT rule, status, "left", "right" FROM checks'
                           " WHERE report_id = ? ORDER BY rule", [report_id]))
    agency = report["resolved_agency"]
    mimes = {r["sha256"]: r for r in db.query(
        "SELECT sha256, mime, filename FROM copies WHERE report_id = ?", [report_id])}
    cites = citations(db, report_id, replay)
    for copy in report["copies"]:
        copy.update(mimes.get(copy["sha256"], {}))
        for seen in copy["urls"]:
            seen["warc"] = cites.get((copy["sha256"], seen["url"]))
    return {"report": report, "agency": agency,
            "tables": reportpage.layout(cells, checks, report["template"]) if cells else [],
            "failing": [{**c, "rule": reportpage.describe_rule(c["rule"])}
                        for c in checks if c["status"] == "fail"],
            "parts": [(title, (report["sections"] or {}).get(str(i + 1)))
                      for i, title in enumerate(forms.PARTS)],
            "other_years": _years_of(db, report["agency_id"]) if agency else []}


def citations(db: Database, report_id: int,
              replay: str | None) -> dict[tuple[str, str], dict[str, Any]]:
    """(sha256, url) -> the WARC record its sighting cites (warcs.report_citations) plus
    `href`, the path that downloads that one record (webplugin.warc_record_view)."""
    cites = report_citations(db, report_id, replay)
    for cite in cites.values():
        name = cite["file"].split("/", 1)[1]  # warcs/<name>
        length = f"?length={cite['length']}" if cite["length"] is not None else ""
        cite["href"] = f"/-/warc/{quote(name, safe='')}/{cite['offset']}{length}"
    return cites


def _years_of(db: Database, agency_id: int) -> list[dict[str, Any]]:
    return list(db.query(
        "SELECT id, year, title, template, kind, failing_checks FROM report_list"
        " WHERE agency_id = ? AND original IS NOT NULL ORDER BY year", [agency_id]))


def body_page(db: Database, agency_id: int) -> dict[str, Any] | None:
    """One body: its reports over the years, its coverage row, its main figures."""
    agency = next(db.query("SELECT id, name, region, scope FROM agencies WHERE id = ?",
                           [agency_id]), None)
    if agency is None:
        return None
    cov = coverage(db)
    row = next((a for a in cov.agencies if a.id == agency_id), None)
    reports = _years_of(db, agency_id)
    figures: dict[str, list[float | None]] = {}
    years: list[int] = []
    if reports:
        years, data = series(db, agency_id)
        figures = main_figures(data)
    names = [r["name"] for r in db.query(
        "SELECT DISTINCT name FROM agency_names WHERE agency_id = ? ORDER BY name", [agency_id])]
    return {"agency": agency, "reports": reports, "years": cov.years,
            "coverage": row.reports if row else {}, "names": names,
            "chart_years": years, "figures": figures}


def main_figures(data: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    """Applications received, granted, reviews, lawsuits (both kinds summed) per year."""
    suits = [_sum(a, b) for a, b in zip(data["行政诉讼（未经复议）"], data["行政诉讼（复议后）"])]
    merged = {**data, "行政诉讼": suits}
    return {label: merged[key] for key, label in CHART}


def _sum(a: float | None, b: float | None) -> float | None:
    return None if a is None and b is None else (a or 0) + (b or 0)


def home_page(db: Database) -> dict[str, Any]:
    """Facets over all reports, coverage, failing checks."""
    cov = coverage(db)
    failing = list(db.query(
        "SELECT report_id, coalesce(region || agency, agency_as_written) AS agency, year,"
        ' rule, "left", "right" FROM checks_view WHERE status = \'fail\''
        " ORDER BY year DESC, report_id, rule"))
    reports = list(db.query("SELECT id, agency_id, agency, region, year, template, kind, title"
                            " FROM report_list WHERE original IS NOT NULL"
                            " ORDER BY year DESC, region, agency"))
    failing = [{**c, "rule": reportpage.describe_rule(c["rule"])} for c in failing]
    return {"facets": facets(reports, {}), "coverage": cov, "failing": failing,
            "count": len(reports)}


def facets(rows: list[dict[str, Any]], chosen: dict[str, str],
           q: str = "") -> list[dict[str, Any]]:
    """Per facet: its Chinese title and (value, shown, count, chosen, args) by count, where
    `args` are the search's parameters with this value toggled."""
    out = []
    for key, title in FACETS.items():
        counts = Counter(str(r[key]) for r in rows if r.get(key) is not None)
        values = [{"value": v, "shown": KINDS.get(v, v) or "（未注明）", "count": n,
                   "chosen": chosen.get(key) == v, "args": _toggle(q, chosen, key, v)}
                  for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        out.append({"key": key, "title": title, "values": values})
    return out


def _toggle(q: str, chosen: dict[str, str], key: str, value: str) -> dict[str, str]:
    args = {"q": q, **chosen}
    if chosen.get(key) == value:
        del args[key]
    else:
        args[key] = value
    return {k: v for k, v in args.items() if v}


def search_page(db: Database, q: str, chosen: dict[str, str]) -> dict[str, Any]:
    """Hits (all of them when q is empty: the reports, filtered) with snippets, and facets."""
    rows = list(db.query("SELECT id, agency_id, agency, region, year, template, kind, title"
                         " FROM report_list WHERE original IS NOT NULL"))
    by_id = {r["id"]: r for r in rows}
    if q.strip():
        hits = search(db, q, limit=0)
        found = [{**by_id[h.id], "snippet": h.snippet} for h in hits if h.id in by_id]
    else:
        found = [{**r, "snippet": ""} for r in sorted(
            rows, key=lambda r: (-r["year"], r["region"] or "", r["agency"] or ""))]
    kept = [r for r in found if all(str(r.get(k)) == v for k, v in chosen.items())]
    return {"q": q, "hits": kept, "facets": facets(kept, chosen, q),
            "chosen": chosen}
