"""The templates' own consistency checks (spec: checks table), evaluated on parsed numbers.

The identities themselves are data (forms.IDENTITIES); this module only evaluates them.
A failing check is data, not an error: real reports contain arithmetic mistakes.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

import forms

_TOLERANCE = 1e-6
Cells = dict[str, dict[str, Any]]


def _check(rule: str, left: Iterable[Any], right: Iterable[Any]) -> dict[str, Any]:
    lvals, rvals = list(left), list(right)
    if any(v is None for v in lvals + rvals):
        return {"rule": rule, "status": "not_assessable", "left": None, "right": None}
    lsum, rsum = _tidy(sum(lvals)), _tidy(sum(rvals))
    status = "pass" if abs(lsum - rsum) < _TOLERANCE else "fail"
    return {"rule": rule, "status": status, "left": lsum, "right": rsum}


def _tidy(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 6)


def _by_column(identity: forms.Identity, rows: Cells, col: str) -> dict[str, Any]:
    """left rows against right rows, in one column (rows the table lacks left out)."""
    return _check(f"{identity.rule}.{col}",
                  (rows[r][col] for r in identity.left if r in rows),
                  (rows[r][col] for r in identity.right if r in rows))


def _by_row(identity: forms.Identity, cells: dict[str, Any], row: str) -> dict[str, Any]:
    return _check(f"{identity.rule}.{row}", (cells[c] for c in identity.left),
                  (cells[c] for c in identity.right))


def _evaluate(identities: list[forms.Identity], rows: Cells) -> Iterator[dict[str, Any]]:
    """Identities over one table's columns run column by column (all of them for the first
    column, then the next); over rows, row by row in the table's order."""
    first = identities[0]
    if first.over == "columns":
        for col in forms.TABLES[first.table].column_keys():
            yield from (_by_column(i, rows, col) for i in identities)
    else:
        for row, cells in rows.items():
            yield from (_by_row(i, cells, row) for i in identities)


def table_checks(table: str, rows: Cells) -> list[dict[str, Any]]:
    """Every identity of `table`, evaluated on its parsed rows."""
    out: list[dict[str, Any]] = []
    for run in _runs(table):
        out += _evaluate(run, rows)
    return out


@functools.cache  # the identities are data: grouped once per table, not per report
def _runs(table: str) -> tuple[list[forms.Identity], ...]:
    """`table`'s identities in runs of the same kind (over columns or over rows)."""
    mine = [i for i in forms.IDENTITIES if i.table == table]
    return tuple(list(run) for _, run in groupby(mine, key=lambda i: i.over))


def application_checks(apps: Cells) -> list[dict[str, Any]]:
    return table_checks("applications", apps)


def review_checks(review: Cells) -> list[dict[str, Any]]:
    return table_checks("review_litigation", review)


def run_checks(tables: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not tables:
        return []
    return [check for table in forms.TABLES if table in tables
            for check in table_checks(table, tables[table])]
