"""Document -> the canonical report JSON (../shared/spec/report-format.md).

`parse_document` never raises for a readable document: it returns a `ParseOutcome` whose
status says whether this is a report ("parsed"), something else ("not_report"), or one it
could not make sense of ("failed", with the reason).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines import sections as S
from pipelines.checks import run_checks
from pipelines.document import Document, Hints, TableBlock, TextBlock
from pipelines.mapper import map_tables
from pipelines.template import template_for

PARSER_VERSION = "1"
_REPORT_TITLE = re.compile(r"(信息|政务)公开.{0,8}(年度)?.{0,4}报告|年度报告|年报")
_DISCLOSURE = re.compile(r"(信息|政务)公开")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?:联系)?电话[：:\s]*((?:\d{3,4}[-－—])?\d{7,8}(?:[-－—]\d{1,4})?|\d{7,8})")
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?[：:\s]*(\d{6})")
_ADDRESS = re.compile(r"(?:通讯|联系)?地址[：:\s]*([^；;，,）)\n]{4,60})")


@dataclass(slots=True)
class ParseOutcome:
    status: str  # parsed | not_report | failed
    report: dict[str, Any] | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    # What the document is: "report" (template 2019/2021), "legacy" (a pre-2019 report:
    # sections kept, tables not forced into the templates); for not_report, one of the
    # related kinds in pipelines.kinds.RELATED_KINDS ("notice", "infographic", ...).
    kind: str = "report"
    # "table/row/column" -> why the cell is not to be trusted as read (a failing identity,
    # an ambiguous digit run, a row taken by position ...). A cell absent here is clean.
    cell_flags: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    parser_version: str = PARSER_VERSION


def contact_of(text: str) -> dict[str, str | None]:
    def first(pattern: re.Pattern[str], group: int = 1) -> str | None:
        m = pattern.search(text)
        return m.group(group).strip() if m else None

    return {
        "address": first(_ADDRESS),
        "postcode": first(_POSTCODE),
        "phone": first(_PHONE),
        "email": first(_EMAIL, 0),
    }


def _markers(doc: Document) -> str:
    parts: list[str] = []
    for block in doc.blocks:
        if isinstance(block, TableBlock):
            parts.extend(cell for row in block.rows for cell in row)
        else:
            parts.append(block.text)
    return re.sub(r"\s+", "", "".join(parts))


def _flat_text(doc: Document) -> str:
    return S.join_lines([b.text for b in doc.blocks if isinstance(b, TextBlock)])


def parse_document(doc: Document, hints: Hints | None = None) -> ParseOutcome:
    """The canonical report of one document (see module docstring); `hints` (the copy's
    context: link text, linking page, `ingest --agency`) fill what the heading lacks."""
    title = S.find_title(doc)
    text = _flat_text(doc)
    markers = _markers(doc)
    year = S.year_of(title, text)
    template = template_for(markers, year) if year is None or year >= 2019 else None
    mapped = map_tables(doc, template) if template else None
    found = bool(mapped and len(mapped.provenance) >= 10)  # a stray figure is no table
    is_report = _looks_like_report(title, found)
    found = found and is_report
    parts = S.split_sections(doc, mapped.consumed_lines if found and mapped else set())
    report = {
        "title": title,
        "agency": S.agency_of(title),
        "year": year,
        "template": template if found else None,
        "contact": contact_of(text),
        "sections": parts.sections,
        "tables": mapped.tables if found and mapped else None,
        "checks": run_checks(mapped.tables) if found and mapped else [],
    }
    if not is_report:  # still described, so the archive can show what it was
        return ParseOutcome(status="not_report", report=report,
                            error=f"not an annual information-disclosure report: {title!r}")
    if year is None:  # a report is identified by (agency, year): without a year it cannot be filed
        return ParseOutcome(status="failed", report=report, error="no report year in the title or text")
    flags = list(mapped.flags) if found and mapped else []
    flags += [f"sections: part {n} not found" for n, body in parts.sections.items() if body is None]
    return ParseOutcome(status="parsed", report=report, flags=flags,
                        provenance=mapped.provenance if found and mapped else {})


def _looks_like_report(title: str | None, has_tables: bool) -> bool:
    if has_tables:
        return True
    return bool(title and _REPORT_TITLE.search(title) and _DISCLOSURE.search(title))
