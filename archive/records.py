"""What the pipelines hand to the archive: plain dataclasses, no scrapy, no pipelines import;
and how a parse is stored in `copies.parse` (encode_parse / decode_parse, since m012)."""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from .errors import ArchiveError


@dataclass(slots=True)
class Sighting:
    """One URL at which a copy (by sha256) was seen, at one time."""

    sha256: str
    url: str
    seen_at: str  # ISO 8601 UTC
    source: str | None = None
    column: str | None = None
    referer: str | None = None
    link_text: str | None = None
    page_title: str | None = None  # an attachment's: the title of the page that linked it
    publisher: str | None = None  # who that page (or the page itself) says published it
    http_status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    run_id: int | None = None
    warc_file: str | None = None  # the WARC record of the exchange (crawlstate/warc.py)
    warc_offset: int | None = None
    warc_length: int | None = None


@dataclass(slots=True)
class CopyRecord:
    """One stored file: the exact bytes live in the blob store under `sha256`."""

    sha256: str
    size: int
    mime: str  # sniffed, e.g. text/html, application/pdf
    format: str  # html | pdf | docx | doc | wps | text | image | zip | unknown
    filename: str | None
    seen_at: str


@dataclass(slots=True)
class ParsedCopy:
    """The parser's verdict on one copy.

    status: "parsed" (a report), "not_report" (read fine, but not an annual report),
    "failed" (could not be read or parsed; `error` says why). For "parsed", `report` is the
    canonical JSON of ../shared/spec/report-format.md (title, agency, year, template,
    contact, sections, tables, checks) and `provenance` maps "table/row/column" to where
    the cell came from (e.g. "table 3 row 7 col 4", "page 2 line 14"); `flags` lists what the
    mapper had to guess ("applications.withheld_state_secret: row by position").
    """

    sha256: str
    status: str
    report: dict[str, Any] | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    error: str | None = None
    parser_version: str = ""
    kind: str = "report"  # report | legacy | a related kind (notice, infographic, ...)
    cell_flags: dict[str, str] = field(default_factory=dict)  # "table/row/col" -> reason
    region: str | None = None  # the body's region from the crawl source / ingest --source


# -- copies.parse as stored (m012): zlib of the canonical JSON ---------------------------
#
# The one place that turns a parser's report into the stored `copies.parse` and back:
# every reader goes through `decode_parse`. The stored value is PARSE_ZLIB_V1 followed by the
# zlib stream (level 9) of the JSON's UTF-8 (`json.dumps(report, ensure_ascii=False)`),
# compressed against a preset dictionary of the canonical JSON's keys: the same report
# always gives the same bytes. The dictionary is frozen: never edit it; a new one gets a new
# prefix byte and both stay decodable. A TEXT value is JSON as written before m012.
PARSE_ZLIB_V1 = b"\x01"
_ROW_KEYS_V1 = (
    "rules normative_documents licensing other_services punishment coercion fees procurement"
    " new_received carried_over granted partially_granted withheld_state_secret"
    " withheld_prohibited_by_law withheld_security_stability withheld_third_party_rights"
    " withheld_internal_affairs withheld_process_information withheld_enforcement_files"
    " withheld_query_matters unavailable_not_held unavailable_needs_creation unavailable_unclear"
    " declined_petition declined_repeated declined_publication declined_excessive"
    " declined_confirmation other_processing other_no_correction other_unpaid_fee other_misc"
    " total_processed carried_forward review litigation_direct litigation_after_review")
_COLUMN_KEYS_V1 = (
    "issued repealed in_force made published total_published previous change decisions amount"
    " count natural_person commercial_enterprise research_institution social_welfare_org"
    " legal_service_org other_org total upheld corrected other pending")
_ZDICT_V1 = (
    '{"title": "", "agency": "", "year": 2021, "template": "2021", "contact": {"address": null,'
    ' "postcode": null, "phone": null, "email": null}, "sections": {"1": null, "2": null,'
    ' "3": null, "4": null, "5": null, "6": null}, "tables": {"active_disclosure": {'
    + ", ".join(f'"{k}": {{' for k in _ROW_KEYS_V1.split())
    + ", ".join(f'"{k}": 0' for k in _COLUMN_KEYS_V1.split())
    + '}}, "applications": {, "review_litigation": {"checks": []}').encode()


def encode_parse(report: dict[str, Any] | None) -> bytes | None:
    """`copies.parse` for a report (None stays NULL)."""
    if report is None:
        return None
    return encode_parse_json(json.dumps(report, ensure_ascii=False))


def encode_parse_json(text: str) -> bytes:
    """`copies.parse` for a canonical JSON already written (m012 keeps it verbatim)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, _ZDICT_V1)
    return PARSE_ZLIB_V1 + z.compress(text.encode("utf-8")) + z.flush()


def decode_parse_json(value: bytes | str | None) -> str | None:
    """The canonical JSON text of a stored `copies.parse`."""
    if value is None or isinstance(value, str):
        return value
    if value[:1] != PARSE_ZLIB_V1:
        raise ArchiveError(f"copies.parse: unknown encoding {value[:1]!r}")
    z = zlib.decompressobj(15, _ZDICT_V1)
    return (z.decompress(value[1:]) + z.flush()).decode("utf-8")


def decode_parse(value: bytes | str | None) -> dict[str, Any] | None:
    """The report of a stored `copies.parse` (None for NULL): what every reader calls."""
    text = decode_parse_json(value)
    return None if text is None else json.loads(text)


def encode_provenance(provenance: dict[str, str] | None) -> bytes | None:
    """`copies.provenance` (m013): stored as `copies.parse` is (a real parse's map of every
    cell to where it came from is ~17 KB of JSON, ~2 KB so)."""
    if provenance is None:
        return None
    return encode_parse_json(json.dumps(provenance, ensure_ascii=False))


def decode_provenance(value: bytes | str | None) -> dict[str, str]:
    """The cell -> provenance map of a stored `copies.provenance` ({} for NULL)."""
    return decode_parse(value) or {}
