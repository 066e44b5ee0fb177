"""The canonical report as the archive relies on it: validation, cells, JSON columns."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .errors import InvalidRecord

MIN_YEAR, MAX_YEAR = 1000, 9999  # the FTS rowid packs the year (tokens.doc_key)
_WS = re.compile(r"\s+")


def dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def agency_key(report: dict[str, Any]) -> str:
    """The agency with white space removed; the title when the agency is null."""
    return _WS.sub("", report.get("agency") or report.get("title") or "")


def report_key(report: dict[str, Any], agency_id: int | None) -> str:
    """reports.agency_key: the resolved agency, or (no agency named) the title."""
    return f"agency:{agency_id}" if agency_id is not None else agency_key(report)


def iter_cells(tables: dict[str, Any] | None) -> Iterator[tuple[str, str, str, Any]]:
    """(table, row, column, value) for every cell of a canonical report's tables."""
    for table, rows in (tables or {}).items():
        for row, columns in rows.items():
            for column, value in columns.items():
                yield table, row, column, value


def nonnull_cells(report: dict[str, Any]) -> int:
    return sum(1 for *_, value in iter_cells(report.get("tables")) if value is not None)


REPORT_KINDS = ("report", "legacy")
TEMPLATES = ("2019", "2021")


def check_report(report: Any, kind: str = "report") -> dict[str, Any]:
    """Raise `InvalidRecord` unless `report` has the canonical shape the archive relies on.
    A template, when given, is 2019 or 2021; tables may be null: a legacy (pre-2019) report
    has none of the templates', and a report whose tables were not found (published as
    images, say) is still that body's report of the year, flagged by the parser."""
    if kind not in REPORT_KINDS:
        raise InvalidRecord(f"a parsed copy's kind must be one of {REPORT_KINDS}, not {kind!r}")
    if not isinstance(report, dict):
        raise InvalidRecord("a parsed copy needs a report dict")
    if report.get("template") not in (*TEMPLATES, None):
        raise InvalidRecord(f"report template must be 2019, 2021 or null, not {report.get('template')!r}")
    if kind == "report" and report.get("tables") is not None and report.get("template") is None:
        raise InvalidRecord("a report with tables needs its template (2019 or 2021)")
    year = report.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidRecord(f"report year must be an integer, not {year!r}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidRecord(f"report year out of range: {year}")
    if not agency_key(report):
        raise InvalidRecord("report has neither agency nor title")
    _check_tables(report.get("tables") or {})
    if not all(isinstance(c, dict) and c.get("rule") and c.get("status")
               for c in report.get("checks") or []):
        raise InvalidRecord("each check needs a rule and a status")
    return report


def _check_tables(tables: Any) -> None:
    if not isinstance(tables, dict) or not all(
        isinstance(r, dict) and all(isinstance(c, dict) for c in r.values())
        for r in tables.values()
    ):
        raise InvalidRecord("report tables must map table -> row -> column -> value")
    for *_, value in iter_cells(tables):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InvalidRecord(f"table cell must be a number or null, not {value!r}")


def disagreements(primary: dict[str, Any], others: dict[str, dict[str, Any]]) -> list[str]:
    """One flag per other parsed copy whose cells differ from the primary's."""
    mine = {(t, r, c): v for t, r, c, v in iter_cells(primary.get("tables"))}
    flags = []
    for sha, parse in sorted(others.items()):
        theirs = {(t, r, c): v for t, r, c, v in iter_cells(parse.get("tables"))}
        n = sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        if n:
            flags.append(f"archive: copy {sha[:12]} differs from the primary in {n} cells")
    return flags
