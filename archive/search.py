"""Chinese full-text search over reports, with exact substring semantics.

Contract: for a plain one-term query `q` (any length >= 1), `search(db, q, limit=0)` returns
exactly the reports whose `text` contains `q`, i.e. `instr(reports.text, q) > 0`; the query
language (query.py) combines such terms with AND, OR and NOT.

Design (measured in benchmarks/search.py; figures in docs/search.md). `reports_fts` is a
contentless FTS5 table with detail=none whose tokens are the text's distinct characters,
pairs and triples of characters (tokens.py). A term of up to three characters is one
token, so the index answers it exactly; a longer term is the AND of its trigrams, a superset that
`query.check_sql` narrows with `instr` on the candidates' text in the same SQL statement,
so the hits are exact either way. The FTS rowid is (year << 32 | report id): rowid order is
year, then id, so "newest first" is an early-terminating index scan and a year filter is
a rowid range.

Ranking. A query with at most `RANK_CAP` candidates (its hits, but for a term of four or
more characters the rows that hold all its trigrams; counted with its year and agency
filters, before a template or region filter that selects more than MAX_AGENCY_TOKENS
agencies) is ranked by BM25 (ranking.py; ties: newer first); one with more is listed
newest first (year desc, id desc): a query for 的 lists the newest reports. Either way one
index scan, newest first and stopped after RANK_CAP + 1 candidates, decides (FTS5's own
bm25() would count every row of a common phrase first), so a ranked query reads at most
RANK_CAP texts, and a listed one reads the text of its first `limit` hits and of the
candidates among them that are not hits. The set of hits is the same either way.

Related documents (related.py) have their own index, `related_fts`, with the same tokens;
`search(..., related=True)` adds their hits after the reports' (each hit says its kind).

Contentless (content=''): the text lives once, in `reports.text`; snippets are cut from it.
The price: removing a row from the index needs the values it was indexed with, which
db.py passes from the report's previous row (`IndexedDoc`). `rebuild_index` redoes it all.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from . import agencies, bulkindex
from .errors import ArchiveError
from .query import Query, check_sql, fts_expression, parse_query
from .ranking import bm25_order, idf
from .shape import search_text
from .related import search as related_search
from .tokens import ROWID_MASK, doc_key, index_tokens, term_expression, year_range

FTS_TABLE = "reports_fts"
SNIPPET_WIDTH = 30
HIT_LIST_INDEX = "reports_hit_list"  # m016: what a hit shows, without the text
RANK_CAP = 1000  # ranked by BM25 when the query has at most this many hits
MAX_AGENCY_TOKENS = 64  # more agencies than this: filtered by a join, not in the MATCH
# FTS5 writes its in-memory term table out as a new segment whenever it holds `hashsize`
# bytes (1 MB by default): with ~3,800 distinct tokens a report, every ~25 reports, each
# flush writing its terms again and adding a segment for the merges to rewrite. 16 MB makes
# a segment of ~400 reports, fewer and larger. The table grows that large only in a long
# transaction (a rebuild, a batch of saves): ~30 MB more memory at its peak.
INDEX_HASHSIZE = 16 << 20
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Hit:
    id: int
    agency: str | None
    year: int
    title: str | None
    snippet: str | None  # None: not cut (Results.hits without snippets)
    kind: str = "report"  # report | legacy, or a related document's kind (its id is its own)


@dataclass(frozen=True, slots=True)
class IndexedDoc:
    """What one index row was built from (needed again to delete it)."""

    report_id: int
    year: int
    text: str
    agency_id: int | None


@dataclass(frozen=True, slots=True)
class Filters:
    year: int | None = None
    agency: str | None = None  # resolved to agency identities (agencies.filter_ids)
    region: str | None = None
    template: str | None = None


def report_text(report: dict[str, Any]) -> str:
    """The search text: title, "\\n", then the non-null sections "1".."6" joined by "\\n"."""
    return search_text(report.get("title"), report.get("sections"))


def indexed(row: dict[str, Any]) -> IndexedDoc | None:
    """What the index holds for a report row (nothing before its first primary copy)."""
    if row["primary_sha256"] is None:
        return None
    return IndexedDoc(row["id"], row["year"], row["text"], row["agency_id"])


def _row(doc: IndexedDoc) -> list[Any]:
    return [doc_key(doc.year, doc.report_id), index_tokens(doc.text, doc.agency_id)]


def index_report(db: Database, doc: IndexedDoc, old: IndexedDoc | None = None) -> None:
    """Put `doc` in the index, replacing `old` (exactly what was indexed before)."""
    if old is not None:
        unindex_report(db, old)
    db.execute(f"INSERT INTO {FTS_TABLE}(rowid, grams) VALUES (?, ?)", _row(doc))


def unindex_report(db: Database, old: IndexedDoc) -> None:
    db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, grams)"
               " VALUES ('delete', ?, ?)", _row(old))


def tune_index(db: Database, table: str) -> None:
    """Set the index's write options (kept in its `_config` table, so once is enough)."""
    db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', ?)", [INDEX_HASHSIZE])


REPORTS_TO_INDEX = "FROM reports WHERE primary_sha256 IS NOT NULL"


def rebuild_index(db: Database) -> int:
    """Re-index every report from `reports`; returns how many (bulkindex.py: in two
    processes when there are many)."""
    with db.atomic():
        tune_index(db, FTS_TABLE)
        (count,) = db.execute(f"SELECT count(*) {REPORTS_TO_INDEX}").fetchone()
        return bulkindex.rebuild(db, FTS_TABLE, f"SELECT id, year, text, agency_id {REPORTS_TO_INDEX}",
                                 _report_rows, count)


def _report_rows(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    return [_row(IndexedDoc(*row)) for row in rows]


def rebuild_related_index(db: Database) -> int:
    """Re-index every related document (related_fts: rowid = related_documents.id)."""
    with db.atomic():
        tune_index(db, "related_fts")
        (count,) = db.execute("SELECT count(*) FROM related_documents").fetchone()
        return bulkindex.rebuild(db, "related_fts", "SELECT id, text FROM related_documents",
                                 _related_rows, count)


def _related_rows(rows: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
    return [[rid, index_tokens(text, None)] for rid, text in rows]


def search(db: Database, query: str, limit: int = 20, year: int | None = None,
           agency: str | None = None, template: str | None = None,
           region: str | None = None, related: bool = False, offset: int = 0) -> list[Hit]:
    """Reports matching `query` (query.py); `limit=0` returns all hits. `related` adds the
    related documents that match (not with a template: they have none), after the reports.
    `offset`: the hits after the first `offset` (a page)."""
    found = find(db, query, limit + offset if limit else 0, year, agency, template, region, related)
    return found.hits(offset)


def find(db: Database, query: str, limit: int = 20, year: int | None = None,
         agency: str | None = None, template: str | None = None,
         region: str | None = None, related: bool = False) -> Results:
    """`search`'s hits, in its order and exactly as many, with no snippet cut yet: each
    hit's row is read when `Results.hits` asks for it (`--limit 0` prints every hit)."""
    parsed, filters = parse_query(query), Filters(year, agency, region, template)
    found = search_with(db, parsed, filters, limit)
    if not related or template or (limit and len(found) >= limit):
        return found
    ids = agencies.filter_ids(db, agency, region)
    if ids is not None and not ids:
        return found
    found.related = related_search(db, parsed, year, ids, limit - len(found) if limit else 0)
    return found


def search_with(db: Database, query: Query, filters: Filters, limit: int = 20) -> Results:
    """The plan: one index scan, newest first, stopped after RANK_CAP + 1 candidates (year
    and agency filters are in it; a template, or more agencies than MAX_AGENCY_TOKENS, are
    checked on the reports). If that was every candidate, the hits among them are ranked by
    BM25 (ranking.py); else the newest `limit` hits are the answer."""
    if limit < 0:
        raise ArchiveError(f"limit must be >= 0, not {limit}")
    ids = agencies.filter_ids(db, filters.agency, filters.region)
    if ids is not None and not ids:
        return Results(db, None, query.terms, [])
    in_match = ids if ids is not None and len(ids) <= MAX_AGENCY_TOKENS else None
    check, check_params = check_sql(query, "r.text")
    scan = _Scan(fts_expression(query, in_match), filters.year, filters.template,
                 None if in_match is not None else ids, check, tuple(check_params))
    keys = scan.rowids(db, RANK_CAP + 1, checked=False, candidates=True)
    if query.groups and len(keys) <= RANK_CAP:
        hits = scan.reports(db, keys, "text", checked=True)
        rows = bm25_order(hits, query.terms, _weights(db, query))
        rows = rows[:limit] if limit else rows
        return Results(db, scan, query.terms, [r["id"] for r in rows], {r["id"]: r for r in rows})
    if scan.checks_reports or scan.text_check or not 0 < limit <= len(keys):
        keys = scan.rowids(db, limit or -1, checked=True)
    keys = keys[:limit] if limit else keys
    return Results(db, scan, query.terms, [k & ROWID_MASK for k in keys])


@dataclass(slots=True)
class Results:
    """The hits of one query in their order (reports, then related documents), their number
    exact; a report's row, and its snippet, are read only when `hits` asks for them."""

    db: Database
    scan: _Scan | None
    terms: list[str]
    ids: list[int]  # the reports' ids, in order
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # read already (ranking)
    related: list[dict[str, Any]] = field(default_factory=list)  # related_documents rows

    def __len__(self) -> int:
        return len(self.ids) + len(self.related)

    def hits(self, start: int = 0, stop: int | None = None, snippets: bool = True) -> list[Hit]:
        """Hits [start, stop); without `snippets`, no text is read (`snippet` is None)."""
        stop, n = len(self) if stop is None else min(stop, len(self)), len(self.ids)
        wanted = self.ids[start:stop] if start < n else []
        rows = self.rows if all(i in self.rows for i in wanted) else self._read(wanted, snippets)
        out = [self._hit(rows[i], snippets) for i in wanted if i in rows]
        return out + [self._hit(r, snippets) for r in self.related[max(start - n, 0):max(stop - n, 0)]]

    def _read(self, ids: list[int], snippets: bool) -> dict[int, dict[str, Any]]:
        assert self.scan is not None  # ids come from a scan
        return {r["id"]: r for r in self.scan.reports(self.db, ids, "text" if snippets else "")}

    def _hit(self, row: dict[str, Any], snippets: bool) -> Hit:
        text = snippet(row["text"], self.terms) if snippets else None
        return Hit(row["id"], row["agency"], row["year"], row["title"], text, row["kind"])


@dataclass(frozen=True, slots=True)
class _Scan:
    match: str
    year: int | None
    template: str | None
    agency_ids: list[int] | None  # too many for the MATCH: checked on the reports
    text_check: str = ""  # SQL on r.text keeping the MATCH's hits (query.check_sql)
    text_params: tuple[str, ...] = ()

    @property
    def checks_reports(self) -> bool:
        return bool(self.template) or self.agency_ids is not None

    def _checks(self, id_expr: str) -> tuple[str, list[Any]]:
        """Conditions on the report `id_expr`: a template (an early column of the row, so
        cheap), agency ids through the reports_agency_year index (no row is read)."""
        sql, params = "", list[Any]()
        if self.template:
            sql, params = " AND r.template = ?", [self.template]
        if self.agency_ids is not None:
            marks = ", ".join("?" for _ in self.agency_ids)
            sql += f" AND {id_expr} IN (SELECT id FROM reports WHERE agency_id IN ({marks}))"
            params += self.agency_ids
        return sql, params

    def rowids(self, db: Database, limit: int, checked: bool,
               candidates: bool = False) -> list[int]:
        """Index keys of the hits, newest first (rowid order is year, id), with the template
        and agency checks if `checked`; of the candidates (no text check) if `candidates`."""
        text_check = "" if candidates else self.text_check
        sql = f"SELECT f.rowid FROM {FTS_TABLE} f"
        where, checks = self._checks(f"(f.rowid & {ROWID_MASK})") if checked else ("", [])
        if text_check or (checked and self.template):
            sql += f" CROSS JOIN reports r ON r.id = (f.rowid & {ROWID_MASK})"
        sql += f" WHERE {FTS_TABLE} MATCH ?"
        params: list[Any] = [self.match]
        if self.year is not None:
            sql, params = sql + " AND f.rowid BETWEEN ? AND ?", params + [*year_range(self.year)]
        if text_check:
            sql, params = sql + " AND " + text_check, params + list(self.text_params)
        sql += where + " ORDER BY f.rowid DESC LIMIT ?"
        return [r[0] for r in db.execute(sql, [*params, *checks, limit])]

    def reports(self, db: Database, keys: list[int], columns: str,
                checked: bool = False) -> list[dict[str, Any]]:
        """The reports behind index keys (or ids) that pass the checks (and the text check
        if `checked`: the keys are candidates), in the keys' order, with `columns` (SQL over
        the row, or none) besides id, agency, year, title, kind."""
        ids = [k & ROWID_MASK for k in keys]
        where, params = self._checks("r.id")
        if checked and self.text_check:
            where, params = f"{where} AND {self.text_check}", [*self.text_params, *params]
        # Without the text, the narrow index `reports_hit_list` (m016) holds every column
        # read: ~40 reports a page instead of one (a report's row fills a page with text).
        source = "reports r" + ("" if columns else f" INDEXED BY {HIT_LIST_INDEX}")
        names = ["id", "agency", "year", "title", "kind", *([columns] if columns else [])]
        by_id: dict[int, dict[str, Any]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            by_id.update((r[0], dict(zip(names, r))) for r in db.execute(
                f"SELECT {', '.join(names)} FROM {source} WHERE id IN"
                f" ({', '.join('?' for _ in part)}){where}", [*part, *params]))
        return [by_id[i] for i in ids if i in by_id]


def _weights(db: Database, query: Query) -> dict[str, float]:
    """Each term's idf, from the rows the index gives it (its hits; for a term of four or
    more characters, its candidates) counted up to RANK_CAP + 1; one term needs none (a
    constant factor does not change the order)."""
    terms = query.terms
    if len(terms) < 2:
        return {}
    total = db.execute("SELECT count(*) FROM reports").fetchone()[0]
    sql = (f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
           f" LIMIT {RANK_CAP + 1})")
    return {t: idf(total, db.execute(sql, [term_expression(t)]).fetchone()[0]) for t in terms}


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters around the first occurrence of any term; every occurrence of
    a term inside is wrapped in 【】. White space shows as one space."""
    found = [(i, t) for t in terms if t and (i := text.find(t)) >= 0]
    if not found:
        return _SPACE.sub(" ", text[:width]).strip()
    i, term = min(found)
    start = max(0, i - max(0, width - len(term)) // 2)
    end = max(i + len(term), start + width)
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return head + _highlight(text[start:end], terms) + tail


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The terms, longest first, as one pattern: made once per query, not once per hit."""
    return re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True) if t))


def _highlight(window: str, terms: Sequence[str]) -> str:
    out, pos = [], 0
    for m in _pattern(tuple(terms)).finditer(window):
        out += [_SPACE.sub(" ", window[pos:m.start()]), f"【{_SPACE.sub(' ', m.group())}】"]
        pos = m.end()
    return "".join(out) + _SPACE.sub(" ", window[pos:])
