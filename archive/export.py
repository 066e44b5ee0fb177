"""`nianbao export`: reports and cells as CSV, JSON or an Excel workbook (openpyxl).

Rows are streamed from SQLite, so an archive of any size exports in constant memory
(openpyxl's write-only mode for xlsx). A blank cell is an empty CSV field, `null` in JSON and
an empty Excel cell, with `is_blank` = 1; a zero stays 0.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlite_utils import Database

from .errors import ArchiveError

FORMATS = ("csv", "json", "xlsx")
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


def write_csv(db: Database, table: str, out: IO[str]) -> int:
    writer: Any = None
    n = 0
    for n, row in enumerate(rows(db, table), 1):
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    return n


def write_json(db: Database, tables: tuple[str, ...], out: IO[str]) -> int:
    """{"reports": [...], "cells": [...]}, written row by row."""
    n = 0
    out.write("{")
    for i, table in enumerate(tables):
        out.write(f'{"," if i else ""}\n  "{table}": [')
        for j, row in enumerate(rows(db, table, nested=True)):
            out.write(("," if j else "") + "\n    " + json.dumps(row, ensure_ascii=False))
            n += 1
        out.write("\n  ]")
    out.write("\n}\n")
    return n


def write_xlsx(db: Database, tables: tuple[str, ...], path: Path) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    n = 0
    for table in tables:
        sheet = book.create_sheet(SHEET_TITLES[table])
        header = False
        for row in rows(db, table):
            if not header:
                sheet.append(list(row))
                header = True
            sheet.append(list(row.values()))
            n += 1
    try:
        book.save(path)
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc}") from exc
    return n
