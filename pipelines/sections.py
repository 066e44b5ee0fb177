"""Metadata and the six text parts of a report, from a Document's text lines.

Line and page breaks that the source put inside a sentence are removed: a line is joined to
the previous one unless the previous one ends a sentence or the new one opens an item
("（二）", "2.", "一是"). Chinese joins without a space, so 办/事指南 reads 办事指南.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines.document import Document, TextBlock, squash

_MARKUP = re.compile(r"\*\*|__|^#{1,6}\s*|^[-*+]\s+(?=\S)|^>\s*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:mailto:|https?:)[^)]*\)")
_SENTENCE_END = re.compile(r"[。！？!?；;：:…]['\"”’」』）)]*$")
_ITEM_START = re.compile(
    r"^([（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、](?!\d)"
    r"|[一二三四五六七八九十]是)"
)
_HEADINGS = {
    1: r"总体情况|概述|基本情况|总体概况",
    2: r"主动公开",
    3: r"收到和处理|依申请公开",
    4: r"复议|诉讼",
    5: r"存在的?主要问题|改进情况",
    6: r"其他需要报告|其他事项",
}
_PART_NAMES = {n: re.compile(pattern) for n, pattern in _HEADINGS.items()}
_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(r"^([一二三四五六七八九十]{1,2})\s*[、.．]\s*(.+)$")


@functools.lru_cache(maxsize=4096)  # a line is cleaned for its heading, then for its part
def clean_line(text: str) -> str:
    """Markdown and list markers off, markdown links to their text, ends trimmed."""
    text = _MD_LINK.sub(r"\1", text.strip())
    text = _MARKUP.sub("", text).replace("**", "")
    return text.strip()


def heading_split(text: str) -> tuple[int, str] | None:
    """(1..6, body text after the heading) when the line opens one of the six parts.

    The part is told by its name, not its numeral: reports insert parts of their own
    (二、工作机制保障) and renumber the standard ones (五、…复议… for part 四). A heading
    stands alone ("一、总体情况") or begins a paragraph ("一、总体情况。2022年…"): then the
    part's name must occur within the first characters and ends at 。/：/space.
    """
    m = _HEADING.match(clean_line(text))
    if not m:
        return None
    numeral = _NUMERALS.index(m.group(1)[-1]) + 1 if len(m.group(1)) == 1 else 0
    rest = m.group(2).strip()
    if len(squash(rest)) <= 32:
        part = _part_named(rest, numeral)
        return (part, "") if part else None
    head = re.match(r"^(.{2,30}?)(?:[。：:]|\s)\s*(.+)$", rest)
    part = _part_named(head.group(1), numeral) if head else None
    return (part, head.group(2).strip()) if part and head else None


def _part_named(name: str, numeral: int) -> int | None:
    """The part whose name `name` is: the numeral's own part when its name fits, else the one
    part whose name fits (None when none or several do)."""
    fits = [n for n, pattern in _PART_NAMES.items() if pattern.search(name)]
    if numeral in fits:
        return numeral
    return fits[0] if len(fits) == 1 else None


def heading_number(text: str) -> int | None:
    """1..6 when the line is (or opens with) the heading of one of the six parts."""
    split = heading_split(text)
    return split[0] if split else None


_WRAPPED = 25  # a line this long that ends mid-sentence was wrapped by the page, not ended


def _joiner(prev: str, nxt: str, prev_line: str = "") -> str | None:
    """'' or ' ' to join `nxt` onto `prev`; None to start a new paragraph. A line that opens
    an item ("（二）", "2.", "一是") starts one, unless the line before was wrapped mid-sentence
    (政策解读形式较为单 / 一、工作人员…: the 一 belongs to 单一)."""
    if _SENTENCE_END.search(prev):
        return None
    if _ITEM_START.match(nxt) and len(prev_line) < _WRAPPED:
        return None
    if len(prev) <= 20 and _ITEM_START.match(prev):
        return None  # a short numbered sub-heading stands alone
    ascii_edge = prev[-1:].isascii() and prev[-1:].isalnum() and nxt[:1].isascii() and nxt[:1].isalnum()
    return " " if ascii_edge else ""


def join_lines(lines: list[str]) -> str:
    """Lines -> paragraphs separated by newlines, with in-sentence breaks removed."""
    paragraphs: list[str] = []
    last = ""
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        glue = _joiner(paragraphs[-1], line, last) if paragraphs else None
        if glue is None:
            paragraphs.append(line)
        else:
            paragraphs[-1] += glue + line
        last = line
    return "\n".join(paragraphs)


@dataclass(slots=True)
class Parts:
    preamble: list[str]
    sections: dict[str, str | None]


def split_sections(doc: Document, skip: set[int] | None = None) -> Parts:
    """The text lines grouped under the six headings (a heading must come after the last)."""
    skip = skip or set()
    current, found = 0, {n: [] for n in range(1, 7)}
    preamble: list[str] = []
    for block in doc.blocks:
        if not isinstance(block, TextBlock) or id(block) in skip:
            continue
        split = heading_split(block.text)
        if split is not None and split[0] > current:
            current = split[0]
            if split[1]:
                found[current].append(split[1])
            continue
        (found[current] if current else preamble).append(block.text)
    if current:
        found[current] = _without_signature(found[current])
    sections = {str(n): (join_lines(lines) or None) if n <= current else None for n, lines in found.items()}
    for n, lines in found.items():
        if not lines and n <= current:
            sections[str(n)] = ""
    return Parts(preamble=preamble, sections=sections)


_DATE_LINE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_RELEASE_NOTE = re.compile(r"^[（(]此件[^）)]*[）)]$")


def _without_signature(lines: list[str]) -> list[str]:
    """Drop the closing signature block: "XX镇人民政府 / 2021年1月20日 / （此件公开发布）"."""
    out = list(lines)
    while out and _RELEASE_NOTE.match(clean_line(out[-1])):
        out.pop()
    if out and _DATE_LINE.match(re.sub(r"\s+", "", clean_line(out[-1]))):
        out.pop()
        if out and len(clean_line(out[-1])) <= 30 and not _SENTENCE_END.search(clean_line(out[-1])) and len(out) > 1:
            out.pop()  # the signing body's name, just above the date
    return out
