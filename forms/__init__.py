"""The national templates as data (forms/national.py), dependency-free: the one definition
of both forms' rows, columns, labels, label variants and identities."""
from __future__ import annotations

from forms.model import BOTH, Column, Identity, Row, Table, Template
from forms.national import (
    ACTIVE_DISCLOSURE,
    APPLICATIONS,
    IDENTITIES,
    PARTS,
    RESULTS,
    REVIEW_LITIGATION,
    TABLES,
    TEMPLATES,
    header,
    row_label,
    template_for_year,
)

__all__ = [
    "ACTIVE_DISCLOSURE", "APPLICATIONS", "BOTH", "Column", "IDENTITIES", "Identity", "PARTS",
    "RESULTS", "REVIEW_LITIGATION", "Row", "TABLES", "TEMPLATES", "Table", "Template", "header",
    "row_label", "template_for_year",
]
