"""The templates' own consistency checks (spec: checks table), evaluated on parsed numbers.

A failing check is data, not an error: real reports contain arithmetic mistakes.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipelines import template as T

_TOLERANCE = 1e-6


def _check(rule: str, left: Iterable[Any], right: Iterable[Any]) -> dict[str, Any]:
    lvals, rvals = list(left), list(right)
    if any(v is None for v in lvals + rvals):
        return {"rule": rule, "status": "not_assessable", "left": None, "right": None}
    lsum, rsum = _tidy(sum(lvals)), _tidy(sum(rvals))
    status = "pass" if abs(lsum - rsum) < _TOLERANCE else "fail"
    return {"rule": rule, "status": status, "left": lsum, "right": rsum}


def _tidy(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 6)


def _result_rows(rows: dict[str, Any]) -> list[str]:
    prefixes = ("granted", "partially_granted", "withheld_", "unavailable_", "declined_", "other_")
    return [k for k in rows if k.startswith(prefixes)]


def application_checks(apps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    results = _result_rows(apps)
    for col in T.APPLICATION_COLUMNS:
        out.append(_check(
            f"applications.balance.{col}",
            (apps["new_received"][col], apps["carried_over"][col]),
            (apps["total_processed"][col], apps["carried_forward"][col]),
        ))
        out.append(_check(
            f"applications.results.{col}",
            (apps[r][col] for r in results),
            (apps["total_processed"][col],),
        ))
    for row, cells in apps.items():
        out.append(_check(
            f"applications.row_total.{row}",
            (cells[c] for c in T.APPLICATION_COLUMNS[:-1]),
            (cells["total"],),
        ))
    return out


def review_checks(review: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    parts = T.REVIEW_COLUMNS[:-1]
    return [
        _check(f"review_litigation.total.{row}", (cells[c] for c in parts), (cells["total"],))
        for row, cells in review.items()
    ]


def run_checks(tables: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not tables:
        return []
    return application_checks(tables["applications"]) + review_checks(tables["review_litigation"])
