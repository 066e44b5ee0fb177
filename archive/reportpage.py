"""The three tables of one report laid out as the national form prints them (forms/), for the
web report page (templates/nianbao_report.html).

Pure functions over the archive's rows (`cells`, `checks`): no Datasette, no SQL. The form's
row order and Chinese labels come from forms.national; table 二 is printed in the blocks the
template gives it (rows sharing their columns), table 三 with its label columns merged the
way the form merges them (三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密), table 四 as
the form's one wide row (行政复议 | 行政诉讼: 未经复议直接起诉, 复议后起诉). A blank cell is
`blank` (shown empty), an absent one `absent`, 0 is 0; a flagged cell carries its reason and
a cell a failing check involves carries that check's rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import forms
from forms.model import Table

Key = tuple[str, str, str]  # (table, row, column)


@dataclass(slots=True)
class Cell:
    text: str = ""
    blank: bool = False
    absent: bool = True
    flag: str | None = None
    checks: list[str] = field(default_factory=list)
    colspan: int = 1
    rowspan: int = 1
    label: bool = False


@dataclass(slots=True)
class Block:
    """One printed table: header rows, then body rows (lists of cells)."""
    header: list[list[Cell]]
    body: list[list[Cell]]


@dataclass(slots=True)
class FormTable:
    key: str
    title: str
    blocks: list[Block]


def show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def failing_checks(checks: list[dict[str, Any]]) -> dict[Key, list[str]]:
    """Each cell a failing check involves -> the checks' descriptions."""
    out: dict[Key, list[str]] = {}
    for check in checks:
        if check.get("status") != "fail":
            continue
        text = f"{describe_rule(str(check['rule']))}：{show(check.get('left'))} ≠ {show(check.get('right'))}"
        for key in involved_cells(str(check["rule"])):
            out.setdefault(key, []).append(text)
    return out


RULES = {"applications.balance": "新收＋上年结转＝总计＋结转下年度",
         "applications.results": "各项办理结果之和＝总计",
         "applications.row_total": "各类申请人之和＝总计",
         "review_litigation.total": "各项结果之和＝总计"}


def describe_rule(rule: str) -> str:
    """A template check's rule in Chinese: its identity, then the column or row it is on."""
    for ident in forms.IDENTITIES:
        if rule.startswith(ident.rule + ".") and ident.rule in RULES:
            which = rule[len(ident.rule) + 1:]
            table = forms.TABLES[ident.table]
            if ident.over == "columns":
                name = next((c.header for c in table.columns if c.key == which), which)
                return f"{RULES[ident.rule]}（{name}）"
            row = next((r for r in table.rows if r.key == which), None)
            return f"{RULES[ident.rule]}（{table.full_label(which) if row else which}）"
    return rule


def involved_cells(rule: str) -> list[Key]:
    """The cells of a template identity's rule `<identity>.<column or row>`."""
    for ident in forms.IDENTITIES:
        if rule.startswith(ident.rule + "."):
            which = rule[len(ident.rule) + 1:]
            keys = ident.left + ident.right
            if ident.over == "columns":
                return [(ident.table, row, which) for row in keys]
            return [(ident.table, which, col) for col in keys]
    return []


def cell_at(key: Key, cells: dict[Key, dict[str, Any]], bad: dict[Key, list[str]]) -> Cell:
    row = cells.get(key)
    if row is None:
        return Cell(checks=bad.get(key, []))
    return Cell(text=show(row["value"]), blank=bool(row["is_blank"]), absent=False,
                flag=row["flag"], checks=bad.get(key, []))


def layout(cells: list[dict[str, Any]], checks: list[dict[str, Any]],
           template: str | None) -> list[FormTable]:
    """The report's three tables, in the form's order (template: "2019" or "2021")."""
    by_key = {(c["table_name"], c["row_key"], c["column_key"]): c for c in cells}
    bad = failing_checks(checks)
    tpl = template if template in forms.TEMPLATES else "2021"
    return [FormTable("active_disclosure", forms.ACTIVE_DISCLOSURE.title,
                      active_blocks(tpl, by_key, bad)),
            FormTable("applications", forms.APPLICATIONS.title,
                      [applications_block(tpl, by_key, bad)]),
            FormTable("review_litigation", forms.REVIEW_LITIGATION.title,
                      [review_block(by_key, bad)])]


def active_blocks(tpl: str, cells: dict[Key, dict[str, Any]],
                  bad: dict[Key, list[str]]) -> list[Block]:
    """Table 二: one block per run of rows that share their columns, as the form prints."""
    columns = forms.TEMPLATES[tpl].active_columns
    blocks: list[Block] = []
    last: tuple[str, ...] | None = None
    for row in forms.ACTIVE_DISCLOSURE.keys(tpl):
        cols = columns[row]
        if cols != last:
            head = [Cell("信息内容", label=True)] + [
                Cell(forms.national.header(tpl, "active_disclosure", c), label=True)
                for c in cols]
            blocks.append(Block([head], []))
            last = cols
        label = Cell(forms.national.row_label(tpl, "active_disclosure", row), label=True)
        blocks[-1].body.append(
            [label] + [cell_at(("active_disclosure", row, c), cells, bad) for c in cols])
    return blocks


def _runs(values: list[str]) -> list[int]:
    """For each position, the length of the run of equal values starting there (0 inside a
    run, and for empty values)."""
    out = [0] * len(values)
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        out[i] = (j - i) if values[i] else 0
        i = j
    return out


def label_cells(table: Table, keys: list[str], width: int) -> list[list[Cell]]:
    """The label cells of each row: section and group merged over their runs."""
    rows = [table.row(k) for k in keys]
    sections = _runs([r.section for r in rows])
    groups = _runs([r.group for r in rows])
    out: list[list[Cell]] = []
    for i, row in enumerate(rows):
        cells: list[Cell] = []
        if sections[i]:
            cells.append(Cell(row.section, rowspan=sections[i], label=True))
        if groups[i]:
            cells.append(Cell(row.group, rowspan=groups[i], label=True))
        used = (1 if row.section else 0) + (1 if row.group else 0)
        cells.append(Cell(row.label, colspan=width - used, label=True))
        out.append(cells)
    return out


def applications_block(tpl: str, cells: dict[Key, dict[str, Any]],
                       bad: dict[Key, list[str]]) -> Block:
    table = forms.APPLICATIONS
    keys = list(table.keys(tpl))
    width = 1 + any(table.row(k).section for k in keys) + any(table.row(k).group for k in keys)
    header = _group_header(table, width, "申请人情况")
    labels = label_cells(table, keys, width)
    body = [labels[i] + [cell_at(("applications", k, c), cells, bad)
                         for c in table.column_keys()] for i, k in enumerate(keys)]
    return Block(header, body)


def _group_header(table: Table, width: int, over: str) -> list[list[Cell]]:
    """Two header rows: groups (法人或其他组织) over their columns, the rest spanning both."""
    top = [Cell("", colspan=width, rowspan=3, label=True),
           Cell(over, colspan=len(table.columns), label=True)]
    middle: list[Cell] = []
    bottom: list[Cell] = []
    groups = _runs([c.group for c in table.columns])
    for i, col in enumerate(table.columns):
        if not col.group:
            middle.append(Cell(col.header, rowspan=2, label=True))
        elif groups[i]:
            middle.append(Cell(col.group, colspan=groups[i], label=True))
        if col.group:
            bottom.append(Cell(col.header, label=True))
    return [top, middle, bottom]


def review_block(cells: dict[Key, dict[str, Any]], bad: dict[Key, list[str]]) -> Block:
    """Table 四 as the form's one row: each table row becomes a group of columns."""
    table = forms.REVIEW_LITIGATION
    ncols = len(table.columns)
    top: list[Cell] = []
    middle: list[Cell] = []
    groups = _runs([r.group for r in table.rows])
    for i, row in enumerate(table.rows):
        if not row.group:
            top.append(Cell(row.label, colspan=ncols, rowspan=2, label=True))
        elif groups[i]:
            top.append(Cell(row.group, colspan=ncols * groups[i], label=True))
        if row.group:
            middle.append(Cell(row.label, colspan=ncols, label=True))
    bottom = [Cell(c.header, label=True) for _ in table.rows for c in table.columns]
    values = [cell_at(("review_litigation", r.key, c.key), cells, bad)
              for r in table.rows for c in table.columns]
    return Block([top, middle, bottom], [values])
