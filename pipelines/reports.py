"""Document -> the canonical report JSON (../shared/spec/report-format.md).

`parse_document` never raises for a readable document: it returns a `ParseOutcome` whose
status says whether this is a report ("parsed"), something else ("not_report"), or one it
could not make sense of ("failed", with the reason).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines import kinds as K
from pipelines import sections as S
from pipelines.checks import run_checks
from pipelines.doubts import flag_failing
from pipelines.document import Document, Hints, TableBlock, TextBlock, squash
from pipelines.mapper import Mapped, map_tables
from pipelines.metadata import Meta, read_metadata
from pipelines.template import template_for

PARSER_VERSION = "2"
_REPORT_TITLE = re.compile(r"(信息|政务)公开.{0,8}(年度)?.{0,4}报告|年度报告|年报")
_DISCLOSURE = re.compile(r"(信息|政务)公开")
_MIN_CELLS = 10  # a stray figure is no table: a report's tables give at least this many cells
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
    return squash("".join(parts))


def _flat_text(doc: Document) -> str:
    return S.join_lines([b.text for b in doc.blocks if isinstance(b, TextBlock)])


def parse_document(doc: Document, hints: Hints | None = None) -> ParseOutcome:
    """The canonical report of one document (see module docstring); `hints` (the copy's
    context: link text, linking page, `ingest --agency`) fill what the heading lacks."""
    text = _flat_text(doc)
    markers = _markers(doc)
    meta = read_metadata(doc, text, hints)
    related = K.related_kind(meta.title)
    legacy = K.is_legacy(meta.year, markers)
    template = None if legacy else template_for(markers, meta.year)
    mapped = map_tables(doc, template) if template else None
    found = bool(mapped and len(mapped.provenance) >= _MIN_CELLS)
    kind = _kind_of(meta, related, legacy, found)
    tables = mapped if found and kind == K.REPORT else None
    parts = S.split_sections(doc, tables.consumed_lines if tables else set())
    report = _report(meta, kind, template if tables else None, contact_of(text), parts.sections, tables)
    if kind not in (K.REPORT, K.LEGACY):  # still described, so the archive can file and find it
        return ParseOutcome(status="not_report", report=report, kind=kind, error=_not_report_reason(kind, meta))
    if meta.year is None:  # a report is identified by (agency, year): without a year it cannot be filed
        return ParseOutcome(status="failed", report=report, kind=kind,
                            error="no report year in the title, the page's titles or the first lines")
    return _parsed(report, kind, meta, tables, parts.sections)


def _kind_of(meta: Meta, related: str | None, legacy: bool, found: bool) -> str:
    if related and not found:
        return related
    if found:
        return K.REPORT
    if _looks_like_report(meta.title):
        return K.LEGACY if legacy else K.REPORT
    return K.OTHER


def _report(meta: Meta, kind: str, template: str | None, contact: dict[str, str | None],
            sections: dict[str, str | None], tables: Mapped | None) -> dict[str, Any]:
    return {
        "title": meta.title,
        "agency": meta.agency,
        "year": meta.year,
        "template": template,
        "kind": kind,
        "contact": contact,
        "sections": sections,
        "tables": tables.tables if tables else None,
        "checks": run_checks(tables.tables) if tables else [],
    }


def _parsed(report: dict[str, Any], kind: str, meta: Meta, tables: Mapped | None,
            sections: dict[str, str | None]) -> ParseOutcome:
    flags = list(meta.flags) + (list(tables.flags) if tables else [])
    if kind == K.REPORT and tables is None:
        flags.append("tables: the three standard tables were not found")
    flags += [f"sections: part {n} not found" for n, body in sections.items() if body is None]
    provenance = {f"metadata/{k}": v for k, v in meta.sources.items()}
    provenance.update(tables.provenance if tables else {})
    cell_flags = dict(tables.cell_flags) if tables else {}
    if tables:
        flag_failing(report["checks"], tables.tables, cell_flags)
    return ParseOutcome(status="parsed", report=report, flags=flags, provenance=provenance,
                        kind=kind, cell_flags=cell_flags)


_KIND_NAMES = {
    "notice": "a notice about compiling or publishing the reports",
    "infographic": "an infographic or reading of a report",
    "rule_of_law_report": "a rule-of-law government (法治政府建设) report",
    "statistics_report": "a statistical report or bulletin",
    "work_plan": "a work plan (工作要点/方案)",
}


def _not_report_reason(kind: str, meta: Meta) -> str:
    what = _KIND_NAMES.get(kind)
    if what:
        return f"not an annual information-disclosure report: {what} ({meta.title})"
    if not meta.title:
        return "not an annual information-disclosure report: no report title and no standard tables"
    return f"not an annual information-disclosure report: title {meta.title!r} names no such report and no standard tables were found"


def _looks_like_report(title: str | None) -> bool:
    return bool(title and _REPORT_TITLE.search(title) and _DISCLOSURE.search(title))
