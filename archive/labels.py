"""The Chinese labels of the three standard tables, for the archive (spec: report-format.md).

Stored in the `labels` table (migration m004) so that views and the web UI show 自然人, not
natural_person. `position` keeps the template's order. The labels come from the forms
(forms/national.py): a row's label with its group, readable outside the table.
"""
from __future__ import annotations

import forms

TABLES = {key: table.title for key, table in forms.TABLES.items()}

ROWS = {key: [(row.key, table.full_label(row.key)) for row in table.rows]
        for key, table in forms.TABLES.items()}

COLUMNS = {key: [(col.key, col.header) for col in table.columns]
           for key, table in forms.TABLES.items()}


def label_rows() -> list[tuple[str, str, str, str, int]]:
    """(table_name, kind, key, label, position) for the `labels` table."""
    rows = [("", "table", t, label, i) for i, (t, label) in enumerate(TABLES.items())]
    for kind, spec in (("row", ROWS), ("column", COLUMNS)):
        for table, pairs in spec.items():
            rows += [(table, kind, key, label, i) for i, (key, label) in enumerate(pairs)]
    return rows
