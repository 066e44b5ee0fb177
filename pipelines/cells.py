"""Reading one table cell: a number, a blank, or not a value at all.

A blank stays a blank: "", "—", "/", "无" are `None`, never 0 (spec: blank ≠ 0).
"""
from __future__ import annotations

import functools
import re
import unicodedata

DASH_MARKS = frozenset({"—", "——", "-", "--", "－", "–", "/", "／"})  # blanks drawn as a stroke
BLANK_MARKS = DASH_MARKS | {"", "\\", "无", "空", "null", "NULL"}
_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+\-]?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^[+\-]?\d{1,3}(,\d{3})+(\.\d+)?$")


@functools.lru_cache(maxsize=8192)  # cells repeat ("0", "") and every row is read more than once
def normalise(cell: str) -> str:
    """Full-width digits and signs to ASCII (NFKC), white space removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", cell or ""))


def is_blank(cell: str) -> bool:
    return normalise(cell) in BLANK_MARKS


def is_number(cell: str) -> bool:
    text = normalise(cell)
    return bool(_NUMBER.match(text) or _THOUSANDS.match(text))


def is_value(cell: str) -> bool:
    """A cell that can stand in a figure column: a number or a blank."""
    return is_blank(cell) or is_number(cell)


def parse_number(cell: str) -> int | float | None:
    """The cell's number; None for a blank. Raises ValueError for anything else."""
    text = normalise(cell)
    if text in BLANK_MARKS:
        return None
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueError(f"not a number: {cell!r}")
    return float(text) if "." in text else int(text)
