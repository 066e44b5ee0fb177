"""The wide sheets of `nianbao export --format xlsx`: one sheet per form table, one row per
report, one column per (row, column) of the form, in the form's order (forms/), headed
"一、本年新收政府信息公开申请数量 | 自然人". An Excel user filters and sums them directly; the
long `cells` sheet stays for everything else. A blank cell is an empty Excel cell, 0 is 0.

`Sheet` gives every sheet a frozen header row, an autofilter over its rows and column
widths, in openpyxl's write-only mode (constant memory).
"""
from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter
from sqlite_utils import Database

import forms

WIDE_TITLES = {"active_disclosure": "二 主动公开", "applications": "三 申请办理",
               "review_litigation": "四 复议诉讼"}
LEAD = [("报告编号", 10), ("机关", 22), ("地区", 16), ("年度", 8), ("模板", 8)]


class Sheet:
    """A write-only sheet with a frozen, filtered, sized header."""

    def __init__(self, book: Any, title: str) -> None:
        self.ws = book.create_sheet(title)
        self.width = 0
        self.rows = 0

    @property
    def empty(self) -> bool:
        return self.width == 0

    def start(self, header: list[str], widths: list[int]) -> None:
        for i, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        self.ws.freeze_panes = "A2"
        self.width = len(header)
        self.append(header)

    def append(self, values: list[Any]) -> None:
        self.ws.append(values)
        self.rows += 1

    def finish(self) -> None:
        if self.width:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows}"


def wide_columns(key: str) -> list[tuple[str, str, str]]:
    """(row key, column key, header) of a table's wide sheet, in the form's order."""
    table = forms.TABLES[key]
    out = []
    for row in table.rows:
        for col in table.columns:
            if key == "active_disclosure" and not any(
                    col.key in t.active_columns.get(row.key, ()) for t in forms.TEMPLATES.values()):
                continue
            out.append((row.key, col.key, f"{table.full_label(row.key)} | {col.header}"))
    return out


def count_wide_rows(db: Database) -> int:
    """The rows of the wide sheets: one per (report, table) with cells."""
    keys = list(WIDE_TITLES)
    return int(db.execute(
        "SELECT count(*) FROM (SELECT DISTINCT report_id, table_name FROM cells"
        f" WHERE table_name IN ({', '.join('?' * len(keys))}))", keys).fetchone()[0])


def add_wide_sheets(db: Database, book: Any, tick: Any = None) -> None:
    for key, title in WIDE_TITLES.items():
        columns = wide_columns(key)
        sheet = Sheet(book, title)
        sheet.start([h for h, _ in LEAD] + [c[2] for c in columns],
                    [w for _, w in LEAD] + [12] * len(columns))
        for report, cells in _reports_cells(db, key):
            sheet.append(report + [cells.get((r, c)) for r, c, _ in columns])
            if tick is not None:
                tick(report)
        sheet.finish()


def _reports_cells(db: Database, key: str) -> Any:
    """(lead values, {(row, column): value}) per report that has cells of table `key`."""
    current: list[Any] | None = None
    cells: dict[tuple[str, str], Any] = {}
    for c in db.query(
            "SELECT c.report_id, coalesce(a.region || a.name, r.agency) AS agency, a.region,"
            " r.year, r.template, c.row_key, c.column_key, c.value FROM cells c"
            " JOIN reports r ON r.id = c.report_id LEFT JOIN agencies a ON a.id = r.agency_id"
            " WHERE c.table_name = ? ORDER BY a.region, a.name, r.year, c.report_id", [key]):
        lead = [c["report_id"], c["agency"], c["region"], c["year"], c["template"]]
        if current is not None and lead[0] != current[0]:
            yield current, cells
            cells = {}
        current = lead
        cells[(c["row_key"], c["column_key"])] = c["value"]
    if current is not None:
        yield current, cells
