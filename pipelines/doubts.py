"""Cells a failing identity involves: every one of them is flagged, with the rule.

A failing check is data (real reports contain arithmetic mistakes), but the archivist must
see which figures it puts in doubt: the cells on both sides of the identity.
"""
from __future__ import annotations

from typing import Any

from pipelines import template as T

_RESULT_PREFIXES = ("granted", "partially_granted", "withheld_", "unavailable_", "declined_", "other_")


def cells_of_rule(rule: str, tables: dict[str, Any]) -> list[str]:
    """The "table/row/column" paths the rule adds up."""
    table, kind, subject = (rule.split(".") + ["", ""])[:3]
    rows = tables.get(table) or {}
    if table == "applications" and kind == "balance":
        keys = ("new_received", "carried_over", "total_processed", "carried_forward")
        return [f"{table}/{k}/{subject}" for k in keys if k in rows]
    if table == "applications" and kind == "results":
        keys = [k for k in rows if k.startswith(_RESULT_PREFIXES)] + ["total_processed"]
        return [f"{table}/{k}/{subject}" for k in keys]
    if kind in ("row_total", "total"):
        columns = T.APPLICATION_COLUMNS if table == "applications" else T.REVIEW_COLUMNS
        return [f"{table}/{subject}/{c}" for c in columns]
    return []


def flag_failing(checks: list[dict[str, Any]], tables: dict[str, Any], cell_flags: dict[str, str]) -> None:
    """Mark every cell of every failing check (a cell keeps its first reason)."""
    for check in checks:
        if check["status"] != "fail":
            continue
        reason = f"check {check['rule']} fails: {check['left']} != {check['right']}"
        for path in cells_of_rule(check["rule"], tables):
            cell_flags.setdefault(path, reason)
