"""Which parsed copy of a report the archive trusts, why, and where the copies disagree.

A report's fields, cells and checks come from one copy, its primary. When copies differ,
the archive says which one it trusts by a fixed order of reasons, strongest first:

1. the newest version (a URL that now serves newer bytes replaced the old: crawlstate.py);
2. a text layer over OCR (a copy of format pdf-ocr or image was read from pixels);
3. fewer failing template checks (the copy's figures add up);
4. fewer flagged cells (cells the parser doubted, `ParsedCopy.cell_flags`);
5. more non-null cells (the fuller copy).

On a full tie the current primary stays (else the first seen). The reason is the first rank
on which the primary beats the runner-up, as text (`reports.primary_reason`). Disagreeing
cells are those where the copies that have tables give different values (blank is a value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .shape import iter_cells, nonnull_cells

OCR_FORMATS = ("pdf-ocr", "image")
_REASONS = ("newest version", "text layer over OCR", "fewer failing checks",
            "fewer flagged cells", "more non-null cells")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One parsed copy of a report, as the ranking sees it."""

    sha256: str
    parse: dict[str, Any]
    stale: bool = False  # superseded by a newer version at every URL it was seen at
    format: str | None = None
    cell_flags: dict[str, str] = field(default_factory=dict)

    @property
    def failing(self) -> int:
        return sum(1 for c in self.parse.get("checks") or [] if c.get("status") == "fail")

    @property
    def cells(self) -> int:
        return nonnull_cells(self.parse)

    def rank(self) -> tuple[bool, bool, int, int, int]:
        return (not self.stale, self.format not in OCR_FORMATS, -self.failing,
                -len(self.cell_flags), self.cells)


def choose(candidates: list[Candidate], current: str | None) -> tuple[Candidate, str]:
    """The primary (the current one kept on a tie) and the reason it is the primary."""
    best = max(c.rank() for c in candidates)
    keep = [c for c in candidates if c.sha256 == current and c.rank() == best]
    primary = keep[0] if keep else next(c for c in candidates if c.rank() == best)
    return primary, reason(primary, [c for c in candidates if c is not primary])


def reason(primary: Candidate, others: list[Candidate]) -> str:
    if not others:
        return "the only parsed copy"
    runner = max(others, key=Candidate.rank)
    mine, theirs = primary.rank(), runner.rank()
    for i, (a, b) in enumerate(zip(mine, theirs)):
        if a != b:
            detail = f" ({abs(a)} vs {abs(b)})" if i >= 2 else ""
            return f"{_REASONS[i]}{detail} than copy {runner.sha256[:12]}"
    return f"copies rank equal: copy {primary.sha256[:12]} kept, the first chosen"


_ZH = {"newest version": "版本最新", "text layer over OCR": "有文字层，优于扫描识别",
       "fewer failing checks": "未通过的校验更少", "fewer flagged cells": "存疑单元格更少",
       "more non-null cells": "填写的单元格更多", "the only parsed copy": "唯一解析成功的副本"}


def reason_zh(text: str | None) -> str | None:
    """The reason in Chinese, for the pages archivists read (the CLI keeps English)."""
    if not text:
        return text
    m = re.match(r"^(.+?)( \((\d+) vs (\d+)\))? than copy (\w+)$", text)
    if m and m.group(1) in _ZH:
        counts = f"（{m.group(3)} 对 {m.group(4)}）" if m.group(2) else ""
        return f"{_ZH[m.group(1)]}{counts}，相比副本 {m.group(5)}"
    if text.startswith("copies rank equal"):
        return "各副本不分上下，保留最先选定的一份"
    return _ZH.get(text, text)


def disagreeing_cells(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """[{"table", "row", "column", "values": {sha256: value}}] for every cell on which the
    copies that have tables differ (a cell one copy lacks is null there)."""
    tables = {c.sha256: {(t, r, k): v for t, r, k, v in iter_cells(c.parse.get("tables"))}
              for c in candidates if c.parse.get("tables")}
    if len(tables) < 2:
        return []
    keys = sorted(set().union(*tables.values()))
    out = []
    for t, r, k in keys:
        values = {sha: cells.get((t, r, k)) for sha, cells in tables.items()}
        if len(set(map(repr, values.values()))) > 1:
            out.append({"table": t, "row": r, "column": k, "values": values})
    return out
