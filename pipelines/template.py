"""The two national templates (国办公开办函〔2019〕60号 and 〔2021〕30号) as the mapper reads them.

The data is forms/national.py's; this module shapes it for the mapper (row recognisers,
row and column keys per template) and adds the matching.

Rows are recognised by label keywords (matched on the label with all white space removed,
so OCR'd "属于国家 秘密" still matches), in the order given: more specific rows first, so
that "（三）不予公开 1.属于国家秘密" is `withheld_state_secret`, not `granted`.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

import forms


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: match_row's cache key is cheap
class RowSpec:
    key: str
    patterns: tuple[str, ...]  # regexes searched in the label (white space removed)


def _specs(table: forms.Table) -> tuple[RowSpec, ...]:
    return tuple(RowSpec(key, table.row(key).patterns) for key in table.match_order)


APPLICATION_COLUMNS = forms.APPLICATIONS.column_keys()
REVIEW_ROWS = forms.REVIEW_LITIGATION.keys()
REVIEW_COLUMNS = forms.REVIEW_LITIGATION.column_keys()

# Table 二, per template: row key -> its columns, in the table's order.
ACTIVE_DISCLOSURE = {
    tpl: {key: t.active_columns[key] for key in forms.ACTIVE_DISCLOSURE.keys(tpl)}
    for tpl, t in sorted(forms.TEMPLATES.items(), reverse=True)
}
ACTIVE_ROW_SPECS = _specs(forms.ACTIVE_DISCLOSURE)

APPLICATION_ROWS = {tpl: forms.APPLICATIONS.keys(tpl) for tpl in sorted(forms.TEMPLATES)}
APPLICATION_ROW_SPECS = _specs(forms.APPLICATIONS)
REVIEW_ROW_SPECS = _specs(forms.REVIEW_LITIGATION)


@functools.cache
def _compiled(specs: tuple[RowSpec, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((s.key, re.compile(p)) for s in specs for p in s.patterns)


@functools.lru_cache(maxsize=4096)  # a document's labels are matched against several tables
def match_row(label: str, specs: tuple[RowSpec, ...]) -> str | None:
    """The key of the first spec whose pattern occurs in the label, or None."""
    for key, pattern in _compiled(specs):
        if pattern.search(label):
            return key
    return None


def template_for(markers: str, year: int | None) -> str | None:
    """Tell the template from table 二's column headers, else from the row set, else the year."""
    newest_first = sorted(forms.TEMPLATES.values(), key=lambda t: t.first_year, reverse=True)
    for marks in ("header_marks", "row_marks"):
        for tpl in newest_first:
            if re.search("|".join(getattr(tpl, marks)), markers):
                return tpl.key
    return forms.template_for_year(year) if year is not None else None


# The labels as the templates print them, for rows whose keywords OCR garbled.
APPLICATION_LABELS = {row.key: row.label for row in forms.APPLICATIONS.rows}
_LABEL_NOISE = re.compile(r"[\s\d.．、,，()（）“”\"'：:;；]")


def _bag(text: str) -> Counter[str]:
    return Counter(_LABEL_NOISE.sub("", text))


# The printed labels' bags, made once: fuzzy_row compares a label with each of them.
_LABEL_BAGS = {key: _bag(label) for key, label in APPLICATION_LABELS.items()}


def fuzzy_row(label: str, candidates: tuple[str, ...], threshold: float = 0.6) -> str | None:
    """The candidate row whose printed label shares most characters with `label` (OCR
    noise tolerant: a garbled character or two still leaves most of the label), or None."""
    got = _bag(label)
    if sum(got.values()) < 3:
        return None
    best, best_score = None, threshold
    for key in candidates:
        want = _LABEL_BAGS[key]
        if not want:
            continue
        common = sum((got & want).values())
        score = min(common / sum(want.values()), common / sum(got.values()) + 0.25)
        if score > best_score:
            best, best_score = key, score
    return best
