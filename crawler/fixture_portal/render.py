"""Seed text -> report body HTML: the title as a heading, lines as <p>, tables as <table>.

The seeds are text extracted from real reports. Tab-separated lines and markdown pipe rows
become real table rows; everything else stays a line of text, characters unchanged except
the markdown markers (`**`, leading `#`), as a CMS page pasted from the original would be.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*)$")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_YEAR = re.compile(r"(20\d\d)\s*年")
_TITLE_END = "报告"
_MAX_TITLE_LINES = 3


@dataclass(slots=True)
class Heading:
    level: int
    text: str


@dataclass(slots=True)
class Para:
    text: str


@dataclass(slots=True)
class Table:
    rows: list[list[str]] = field(default_factory=list)


Block = Heading | Para | Table


@dataclass(slots=True)
class SeedDoc:
    """One parsed seed report."""

    name: str  # seed file name
    title_lines: list[str]
    blocks: list[Block]

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def year(self) -> int:
        match = _YEAR.search(self.title)
        if not match:
            raise ValueError(f"{self.name}: no report year in title {self.title!r}")
        return int(match.group(1))


def strip_markers(text: str) -> str:
    """Drop markdown emphasis and heading markers; keep every other character."""
    match = _HEADING.match(text)
    if match:
        text = match.group(2)
    return text.replace("**", "").strip()


def pipe_cells(line: str) -> list[str] | None:
    """Cells of a markdown pipe row, [] for a `|---|` separator, None if not a pipe row."""
    stripped = line.strip()
    if len(stripped) < 2 or not (stripped.startswith("|") and stripped.endswith("|")):
        return None
    cells = [strip_markers(c) for c in stripped[1:-1].split("|")]
    if all(_SEPARATOR_CELL.match(c) or not c for c in cells) and any(cells):
        return []
    return cells


def row_cells(line: str) -> list[str] | None:
    """Cells of a table row (tab-separated or pipe), [] to skip, None for a non-row line."""
    if "\t" in line and line.strip():
        return [strip_markers(c) for c in line.split("\t")]
    return pipe_cells(line)


def split_title(lines: list[str]) -> tuple[list[str], int]:
    """The title lines (up to the one ending the title) and the index after them."""
    taken: list[str] = []
    index = 0
    while index < len(lines) and len(taken) < _MAX_TITLE_LINES:
        line = strip_markers(lines[index])
        index += 1
        if not line:
            continue
        taken.append(line)
        if _TITLE_END in line:
            break
    return taken, index


def body_blocks(lines: list[str]) -> list[Block]:
    """Group the lines after the title into headings, paragraphs and tables."""
    blocks: list[Block] = []
    table: Table | None = None
    for line in lines:
        cells = row_cells(line)
        if cells is not None:
            if table is None:
                table = Table()
                blocks.append(table)
            if cells:
                table.rows.append(cells)
            continue
        table = None  # a blank or text line ends the table, as in the seed
        text = strip_markers(line)
        if not text:
            continue
        heading = _HEADING.match(line)
        blocks.append(Heading(len(heading.group(1)), text) if heading else Para(text))
    return blocks


def parse_seed(path: Path) -> SeedDoc:
    lines = path.read_text(encoding="utf-8").splitlines()
    title_lines, start = split_title(lines)
    return SeedDoc(path.name, title_lines, body_blocks(lines[start:]))


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def table_html(table: Table) -> str:
    rows = [
        "<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in table.rows
    ]
    return '<table border="1" cellspacing="0" cellpadding="4">\n<tbody>\n' + "\n".join(
        rows
    ) + "\n</tbody>\n</table>"


def block_html(block: Block) -> str:
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Heading):
        level = max(2, block.level)  # h1 is the report title
        return f"<h{level}>{_esc(block.text)}</h{level}>"
    return f"<p>{_esc(block.text)}</p>"


def report_html(doc: SeedDoc) -> str:
    """The report as it sits inside the CMS editor div: <h1> title, then the blocks."""
    title = "<br>".join(_esc(line) for line in doc.title_lines)
    parts = [f'<h1 style="text-align:center">{title}</h1>']
    parts.extend(block_html(b) for b in doc.blocks)
    return "\n".join(parts)
