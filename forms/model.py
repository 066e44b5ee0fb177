"""The shapes the national templates are written in (forms/national.py holds the data).

Plain frozen dataclasses and the standard library only, so that every layer (the mapper,
the archive's labels, the renderers of test documents, the synthetic corpus) can read the
templates without pulling in anything else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BOTH = ("2019", "2021")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # as the form prints it (the 2021 wording where the templates differ)
    unit: str = "件"  # 件 (a count), 项 (items), 万元 (money)
    group: str = ""  # a header spanning several columns: 法人或其他组织


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str  # as the form prints it in the row's own cell (without its group)
    patterns: tuple[str, ...]  # regexes searched in a label with all white space removed
    group: str = ""  # the merged cell in front of it: （三）不予公开, 行政诉讼
    short: str = ""  # the label without the explanation the form prints after it
    variants: tuple[str, ...] = ()  # other wordings (the other template's, real reports')
    templates: tuple[str, ...] = BOTH  # the templates that have this row
    section: str = ""  # a block of rows: 三、本年度办理结果

    @property
    def name(self) -> str:
        """The label short enough for a heading, explanation left out."""
        return self.short or self.label


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    rows: tuple[Row, ...]  # the union of both templates' rows, in the form's order
    columns: tuple[Column, ...]  # every column; table 二: the union, with neutral headers
    match_order: tuple[str, ...]  # the order rows are tried in: more specific first
    joiner: str = " "  # between a row's group and its name in a full label

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def keys(self, template: str | None = None) -> tuple[str, ...]:
        """The row keys in the form's order (only `template`'s rows, when given)."""
        return tuple(r.key for r in self.rows if template is None or template in r.templates)

    def column_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    def full_label(self, key: str) -> str:
        """The row's label with its group, readable out of the table: （三）不予公开 1.属于国家秘密."""
        row = self.row(key)
        return f"{row.group}{self.joiner}{row.name}" if row.group else row.name


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    issued_by: str
    first_year: int  # the first report year the template is used for
    header_marks: tuple[str, ...]  # table 二's column headers that only this template prints
    row_marks: tuple[str, ...]  # row keywords that only this template has
    active_columns: dict[str, tuple[str, ...]] = field(compare=False)  # table 二: row -> columns
    row_labels: dict[str, str] = field(compare=False, default_factory=dict)  # printed otherwise
    headers: dict[str, str] = field(compare=False, default_factory=dict)  # printed otherwise


@dataclass(frozen=True, slots=True)
class Identity:
    """One of the templates' identities: rule `<rule>.<column or row>`, left = right, where
    `over` = "columns": for each column, the sum of the `left` rows' cells (those the
    table has) against the `right` rows'; "rows": for each row, the `left` columns against
    the `right` columns."""

    rule: str
    table: str
    over: str  # "columns" | "rows"
    left: tuple[str, ...]
    right: tuple[str, ...]
