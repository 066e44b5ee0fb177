"""OCR boxes: axis-parallel text boxes, figures told from text, OCR's misreadings of digits.

A figure is a number, or a dash or slash written for a blank; "O" read for 0 and "l" or "I"
for 1 inside a short run of digits are put right, and a dash or "一" before digits is minus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.cells import DASH_MARKS, is_number

_MISREAD = str.maketrans("OoIl|", "00111", ",")
_MINUS = re.compile(r"^[一—－–](\d+(?:\.\d+)?)$")
_DIGITISH = re.compile(r"^[0-9OoIl|.,\-]{1,9}$")


@dataclass(slots=True)
class Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def split_tokens(box: Box) -> list[Box]:
    """A box that read "行政处罚 5 0" is three boxes; x-ranges shared by character count."""
    tokens = box.text.split()
    if len(tokens) < 2 or not any(is_number(digits(t)) for t in tokens):
        return [box]
    weights = [sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in t) + 0.4 for t in tokens]
    unit, x, out = (box.x1 - box.x0) / sum(weights), box.x0, []
    for token, w in zip(tokens, weights):
        out.append(Box(token, x, box.top, x + unit * (w - 0.4), box.bottom))
        x += unit * w
    return out


def digits(token: str) -> str:
    """OCR's usual misreadings inside figures: O for 0, l or I for 1, a dash or 一 for minus."""
    minus = _MINUS.match(token)
    if minus:
        return f"-{minus.group(1)}"
    if not _DIGITISH.match(token) or not any(ch.isdigit() or ch in "Oo" for ch in token):
        return token
    return token.translate(_MISREAD)


def is_figure(text: str) -> bool:
    """A figure cell: a number, or a dash or slash written for "nothing" (a blank)."""
    return is_number(text) or text in DASH_MARKS
