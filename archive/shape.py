"""The canonical report as the archive relies on it: validation, cells, JSON columns, and how
its prose is stored once (m011): `reports.text` holds it, `reports.sections` is a generated
column that cuts the parts back out of it by their spans (`section_spans`)."""
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


SECTION_KEYS = ("1", "2", "3", "4", "5", "6")
# reports.sections, generated (VIRTUAL: no storage) from text and section_spans: the JSON
# object "1".."6" -> the part (substr of text) or null; a sections value of another shape
# is kept verbatim in sections_raw.
SECTIONS_SQL = "CASE WHEN section_spans IS NULL THEN sections_raw ELSE json_object(" + ", ".join(
    f"'{k}', substr(text, json_extract(section_spans, '$[{i}][0]'),"
    f" json_extract(section_spans, '$[{i}][1]'))" for i, k in enumerate(SECTION_KEYS)) + ") END"


def search_text(title: str | None, sections: Any) -> str:
    """The search text: title, "\\n", then the non-null sections "1".."6" joined by "\\n"."""
    parts = [sections[k] for k in SECTION_KEYS if (sections or {}).get(k) is not None]
    return f"{title or ''}\n" + "\n".join(parts)


def section_columns(title: str | None, sections: Any, text: str) -> dict[str, str | None]:
    """reports.section_spans ([start, length] of each part in `text`, 1-based, or null) and
    sections_raw (the JSON itself, when the parts are not exactly "1".."6" of strings or
    null cut from `text`)."""
    canonical = (isinstance(sections, dict) and tuple(sections) == SECTION_KEYS
                 and all(v is None or isinstance(v, str) for v in sections.values()))
    if sections is None or not canonical or text != search_text(title, sections):
        return {"section_spans": None, "sections_raw": dumps(sections)}
    spans: list[list[int] | None] = []
    pos = len(title or "") + 2
    for key in SECTION_KEYS:
        part = sections[key]
        spans.append(None if part is None else [pos, len(part)])
        pos += 0 if part is None else len(part) + 1
    return {"section_spans": json.dumps(spans), "sections_raw": None}
