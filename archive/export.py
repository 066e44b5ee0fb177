"""`nianbao export`: reports and cells as CSV, JSON or an Excel workbook (openpyxl).

Rows are streamed from SQLite, so an archive of any size exports in constant memory
(openpyxl's write-only mode for xlsx). A blank cell is an empty CSV field, `null` in JSON and
an empty Excel cell, with `is_blank` = 1; a zero stays 0.

For Excel on Chinese Windows, CSV starts with a UTF-8 BOM (else it shows mojibake) and
headers are Chinese by default (`headers="en"`: the archive's column names). The workbook
has a wide sheet per table (xlsxwide.py: one row per report, the form's columns), then the
long `reports` and `cells` sheets, each with a frozen header, filters and widths.

Each writer calls `tick(row)` once per row it writes (wide sheets' rows included), so that
`nianbao export` draws its progress line (archive/progress.py) against `count_rows`.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from .errors import ArchiveError

FORMATS = ("csv", "json", "xlsx", "wacz")  # wacz: archive/warcs.py
TABLES = ("reports", "cells")
SHEET_TITLES = {"reports": "报告 reports", "cells": "单元格 cells"}

_REPORTS = """SELECT l.id, l.agency_id, l.agency, l.region, l.agency_as_written, l.year,
  l.kind, l.template, l.title, l.failing_checks, l.original AS primary_sha256,
  (SELECT s.url FROM sightings s WHERE s.sha256 = l.original ORDER BY s.first_seen, s.id
   LIMIT 1) AS url, r.contact, r.sections, r.checks
FROM report_list l JOIN reports r ON r.id = l.id
ORDER BY l.region, l.agency, l.year, l.id"""
_CELLS = """SELECT report_id, agency_id, agency, region, year, template, table_name,
  table_label, row_key, row_label, column_key, column_label, value, is_blank, provenance, flag
FROM cells_view ORDER BY report_id, table_name, row_key, column_key"""
_JSON_COLUMNS = ("contact", "sections", "checks")
BOM = "\ufeff"
Tick = Callable[[Any], None]


def _no_tick(row: Any) -> None:
    return None
ZH = {"id": "报告编号", "report_id": "报告编号", "agency_id": "机关编号", "agency": "机关",
      "region": "地区", "agency_as_written": "机关（报告原文）", "year": "年度", "kind": "类型",
      "template": "模板", "title": "标题", "failing_checks": "未通过校验数",
      "primary_sha256": "主副本 sha256", "url": "网址", "table_name": "表代码",
      "table_label": "表", "row_key": "行代码", "row_label": "行", "column_key": "列代码",
      "column_label": "列", "value": "数值", "is_blank": "空白（1＝原表空白）",
      "provenance": "出处", "flag": "存疑原因"}


def header(columns: list[str], headers: str) -> list[str]:
    """The column titles: Chinese ("zh") or the archive's names ("en")."""
    return [ZH.get(c, c) for c in columns] if headers == "zh" else list(columns)


def rows(db: Database, table: str, *, nested: bool = False) -> Iterator[dict[str, Any]]:
    """The rows of `table` ("reports" or "cells"); `nested` keeps the JSON columns of
    reports as objects (else they are left out: CSV and Excel get the flat columns)."""
    if table not in TABLES:
        raise ArchiveError(f"unknown export table {table!r} (one of {', '.join(TABLES)})")
    for row in db.query(_REPORTS if table == "reports" else _CELLS):
        for key in _JSON_COLUMNS:
            if key in row:
                value = row.pop(key)
                if nested:
                    row[key] = json.loads(value) if value is not None else None
        yield row


def count_rows(db: Database, tables: tuple[str, ...], fmt: str) -> int:
    """How many rows the export of `tables` in `fmt` writes (xlsx: the wide sheets' too)."""
    n = sum(db.execute(f"SELECT count(*) FROM ({_REPORTS if t == 'reports' else _CELLS})")
            .fetchone()[0] for t in tables if t in TABLES)
    if fmt == "xlsx" and "cells" in tables:
        from .xlsxwide import count_wide_rows

        n += count_wide_rows(db)
    return int(n)


def write_csv(db: Database, table: str, out: IO[str], *, bom: bool = True,
              headers: str = "zh", tick: Tick = _no_tick) -> int:
    writer: Any = None
    n = 0
    if bom:
        out.write(BOM)
    for n, row in enumerate(rows(db, table), 1):
        if writer is None:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header(list(row), headers))
        writer.writerow(row.values())
        tick(row)
    return n


def write_json(db: Database, tables: tuple[str, ...], out: IO[str],
               tick: Tick = _no_tick) -> int:
    """{"reports": [...], "cells": [...]}, written row by row."""
    n = 0
    out.write("{")
    for i, table in enumerate(tables):
        out.write(f'{"," if i else ""}\n  "{table}": [')
        for j, row in enumerate(rows(db, table, nested=True)):
            out.write(("," if j else "") + "\n    " + json.dumps(row, ensure_ascii=False))
            n += 1
            tick(row)
        out.write("\n  ]")
    out.write("\n}\n")
    return n


def write_xlsx(db: Database, tables: tuple[str, ...], path: Path, headers: str = "zh",
               tick: Tick = _no_tick) -> int:
    """The wide sheets (one per form table), then the long sheets of `tables`. The file is
    opened first, so that a bad path is one error before any sheet exists."""
    try:
        handle = open(path, "wb")
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        return _fill_xlsx(db, tables, handle, headers, tick)


def _fill_xlsx(db: Database, tables: tuple[str, ...], handle: IO[bytes], headers: str,
               tick: Tick) -> int:
    from openpyxl import Workbook

    from . import xlsxwide

    book = Workbook(write_only=True)
    if "cells" in tables:
        xlsxwide.add_wide_sheets(db, book, tick)
    n = 0
    for table in tables:
        sheet = xlsxwide.Sheet(book, SHEET_TITLES[table])
        for row in rows(db, table):
            if sheet.empty:
                sheet.start(header(list(row), headers), [14] * len(row))
            sheet.append(list(row.values()))
            n += 1
            tick(row)
        sheet.finish()
    book.save(handle)
    return n
