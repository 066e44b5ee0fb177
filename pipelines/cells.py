"""Reading one table cell: a number, a blank, or not a value at all.

A blank stays a blank: "", "—", "/", "无" are `None`, never 0 (spec: blank ≠ 0).
"""
from __future__ import annotations

import functools
import re
import unicodedata

DASH_MARKS = frozenset({"—", "——", "-", "--", "－", "–", "/", "／"})  # blanks drawn as a stroke
# A cell the source row does not have (a markdown row shorter than its table): blank, and
# flagged by the mapper, since the figure was lost, not left blank.
LOST = "\u2205"
BLANK_MARKS = DASH_MARKS | {"", "\\", "无", "空", "null", "NULL", LOST}
_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+\-]?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^[+\-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# A figure written with its unit (`251000元`, `6个`) or followed by a note on its make-up
# (`30（含自然失效29件）`, `25其中修订16件`): the leading figure is the cell's value, in the
# document's own unit (an amount in 元 stays in 元: the archive never converts units).
_UNIT = r"(?:万元|元|件|个|项|条|次|人|家|份|宗|起|户|篇|笔)"
_FIGURE = r"([+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_WITH_UNIT = re.compile(rf"^{_FIGURE}{_UNIT}$")
_WITH_NOTE = re.compile(rf"^{_FIGURE}{_UNIT}?(?:[（(\[【](?:其中|含|包括|包含|注)[^）)\]】]*[）)\]】]"
                        rf"|[，,;；:：]?(?:其中|含|包括|包含)\D.*)$")


@functools.lru_cache(maxsize=8192)  # cells repeat ("0", "") and every row is read more than once
def normalise(cell: str) -> str:
    """Full-width digits and signs to ASCII (NFKC), white space removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", cell or ""))


@functools.lru_cache(maxsize=8192)  # the mapper asks these of every cell, several times
def is_blank(cell: str) -> bool:
    return normalise(cell) in BLANK_MARKS


@functools.lru_cache(maxsize=8192)
def _figure(text: str) -> str | None:
    """The figure a normalised cell holds (plain, with thousands commas, a unit or a note)."""
    if _NUMBER.match(text):
        return text
    m = _THOUSANDS.match(text) or _WITH_UNIT.match(text) or _WITH_NOTE.match(text)
    if m is None:
        return None
    return (m.group(1) if m.re is not _THOUSANDS else m.group(0)).replace(",", "")


@functools.lru_cache(maxsize=8192)
def is_number(cell: str) -> bool:
    return _figure(normalise(cell)) is not None


def note_of(cell: str) -> str | None:
    """What a figure cell says beside its figure (unit, make-up note), for provenance."""
    text = normalise(cell)
    figure = _figure(text)
    return None if figure is None or figure == text.replace(",", "") else text


@functools.lru_cache(maxsize=8192)
def is_value(cell: str) -> bool:
    """A cell that can stand in a figure column: a number or a blank."""
    return is_blank(cell) or is_number(cell)


def parse_number(cell: str) -> int | float | None:
    """The cell's number; None for a blank. Raises ValueError for anything else."""
    text = normalise(cell)
    if text in BLANK_MARKS:
        return None
    figure = _figure(text)
    if figure is None:
        raise ValueError(f"not a number: {cell!r}")
    return float(figure) if "." in figure else int(figure)


@functools.lru_cache(maxsize=8192)  # the mapper reads both of every figure cell it assigns
def reading(cell: str) -> tuple[int | float | None, str | None]:
    """parse_number(cell) and note_of(cell) at once; (None, None) for a blank."""
    return parse_number(cell), note_of(cell)
