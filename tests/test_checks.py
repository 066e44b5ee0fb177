"""The templates' identities: pass, fail (data, not an error) and not_assessable."""
from __future__ import annotations

from pipelines import template as T
from pipelines.checks import run_checks
from pipelines.mapper import _empty_tables


def _tables() -> dict:
    tables = _empty_tables("2021")
    apps = tables["applications"]
    for row in apps:
        for col in T.APPLICATION_COLUMNS:
            apps[row][col] = 0
    for col, n in zip(T.APPLICATION_COLUMNS, (3, 1, 0, 0, 0, 0, 4)):
        apps["new_received"][col] = n
        apps["granted"][col] = n
        apps["total_processed"][col] = n
    for row in tables["review_litigation"].values():
        row.update(upheld=1, corrected=0, other=0, pending=1, total=2)
    return tables


def _status(checks: list[dict], rule: str) -> dict:
    return next(c for c in checks if c["rule"] == rule)


def test_consistent_tables_pass() -> None:
    checks = run_checks(_tables())
    assert checks and all(c["status"] == "pass" for c in checks)


def test_arithmetic_mistake_fails_with_both_sides() -> None:
    tables = _tables()
    tables["applications"]["total_processed"]["natural_person"] = 5  # report says 5, rows add to 3
    checks = run_checks(tables)
    results = _status(checks, "applications.results.natural_person")
    assert (results["status"], results["left"], results["right"]) == ("fail", 3, 5)
    assert _status(checks, "applications.balance.natural_person")["status"] == "fail"
    assert _status(checks, "applications.row_total.total_processed")["status"] == "fail"
    assert _status(checks, "applications.balance.total")["status"] == "pass"


def test_blank_cell_makes_a_check_not_assessable() -> None:
    tables = _tables()
    tables["review_litigation"]["review"]["pending"] = None
    check = _status(run_checks(tables), "review_litigation.total.review")
    assert check["status"] == "not_assessable"
