"""Chinese full-text search over reports, with exact substring semantics.

Contract: for a one-term query `q` (any length ≥ 1), `search(db, q, limit=0)` returns
exactly the reports whose `text` contains `q`, i.e. `instr(reports.text, q) > 0`.
Several space-separated terms are an AND: every term must be contained (a space cannot be
searched for; OR / NOT are not supported yet).

Why this design. FTS5's default tokenizer sees a run of Chinese characters as one token,
so it finds nothing inside it; the trigram tokenizer cannot match 1–2 character queries
such as 低保 or 信访. So `reports_fts` indexes `spaced(text)`, the text with a space
between all characters: unicode61 then makes every letter/digit/ideograph its own token
and drops punctuation, symbols and white space without giving them a position. A term
becomes an FTS5 phrase of its own spaced characters (SQLite tokenizes it the same way),
which narrows the candidates through the positional index; `instr(reports.text, term) > 0`
then verifies each candidate, so precision is exact (this also undoes unicode61's case and
diacritic folding).

Recall proof. Every character is surrounded by spaces, so whether it yields a token, and
which one, depends on that character alone. If `text` contains `q` at offset i, the
tokens of `spaced(q)` are therefore the tokens the characters text[i:i+len(q)] yield, in
order; dropped characters take no position, so those tokens sit at consecutive positions
of the document and the phrase matches. One case breaks this: a term that yields no token
at all (e.g. "。" or "——") is an empty phrase, which FTS5 matches against nothing. Such a
term is detected by asking SQLite itself (`_has_tokens`: index the term in an in-memory
FTS5 table with the same tokenizer and see whether its own phrase finds it) and is left
out of the MATCH; it is still verified with instr, and a query with no such token at all
is an instr scan over `reports`.

Why contentless (content=''). The text already lives once in `reports.text`, snippets are
cut from it in Python and verification reads it, so the index needs no copy of its own.
The price: deleting a row needs the old indexed value, which `index_report` gets from the
caller (db.py passes the previous `reports.text`, in the same transaction). If the two
ever diverge (someone edits reports.text by hand), `rebuild_index` redoes the index.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from .errors import ArchiveError
from .migrations import FTS_TOKENIZE

log = logging.getLogger(__name__)

FTS_TABLE = "reports_fts"
SECTION_KEYS = ("1", "2", "3", "4", "5", "6")
SNIPPET_WIDTH = 30
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Hit:
    id: int
    agency: str | None
    year: int
    title: str | None
    snippet: str


def report_text(report: dict[str, Any]) -> str:
    """The search text: title, "\\n", then the non-null sections "1".."6" joined by "\\n"."""
    sections = report.get("sections") or {}
    parts = [sections[k] for k in SECTION_KEYS if sections.get(k) is not None]
    return f"{report.get('title') or ''}\n" + "\n".join(parts)


def spaced(text: str) -> str:
    """`text` with a space between every two characters: what `reports_fts` indexes."""
    return " ".join(text)


def _phrase(term: str) -> str:
    return '"' + spaced(term).replace('"', '""') + '"'


@lru_cache(maxsize=4096)
def _has_tokens(term: str) -> bool:
    """Does the FTS5 phrase for `term` have at least one token? Asks SQLite's tokenizer."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(f"CREATE VIRTUAL TABLE p USING fts5(body, tokenize='{FTS_TOKENIZE}')")
        conn.execute("INSERT INTO p(body) VALUES (?)", (spaced(term),))
        row = conn.execute("SELECT count(*) FROM p WHERE p MATCH ?", (_phrase(term),))
        return bool(row.fetchone()[0])


def index_report(db: Database, report_id: int, text: str, old_text: str | None = None) -> None:
    """Put `text` in the index for `report_id`, replacing `old_text` (what was indexed)."""
    if old_text is not None:
        unindex_report(db, report_id, old_text)
    db.execute(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (?, ?)", [report_id, spaced(text)])


def unindex_report(db: Database, report_id: int, old_text: str) -> None:
    db.execute(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body) VALUES ('delete', ?, ?)",
        [report_id, spaced(old_text)],
    )


def rebuild_index(db: Database) -> int:
    """Re-index every report from `reports.text`; returns how many."""
    with db.atomic():
        db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        rows = list(db.query("SELECT id, text FROM reports"))
        for row in rows:
            index_report(db, row["id"], row["text"])
    return len(rows)


def query_terms(query: str) -> list[str]:
    """Space-separated terms (AND). A query of white space only is one literal term."""
    if not query:
        raise ArchiveError("empty search query")
    return query.split() or [query]


def _filters(year: int | None, agency: str | None,
             template: str | None) -> tuple[str, list[Any]]:
    sql, params = "", list[Any]()
    if year is not None:
        sql, params = sql + " AND r.year = ?", params + [year]
    if agency:  # a substring of the agency's name
        sql, params = sql + " AND instr(r.agency, ?) > 0", params + [agency]
    if template:
        sql, params = sql + " AND r.template = ?", params + [template]
    return sql, params


def search(
    db: Database,
    query: str,
    limit: int = 20,
    year: int | None = None,
    agency: str | None = None,
    template: str | None = None,
) -> list[Hit]:
    """Reports whose text contains every term of `query`; `limit=0` returns all hits.

    Ranked by bm25 (ties: newer year first) when the index is used, else by year desc.
    """
    if limit < 0:
        raise ArchiveError(f"limit must be >= 0, not {limit}")
    terms = query_terms(query)
    where, filter_params = _filters(year, agency, template)
    match = " AND ".join(_phrase(t) for t in terms if _has_tokens(t))
    sql = _search_sql(len(terms), where, use_index=bool(match))
    params = ([match] if match else []) + [*terms, *filter_params, limit or -1]
    return [_hit(row, terms[0]) for row in db.query(sql, params)]


def _search_sql(n_terms: int, where: str, use_index: bool) -> str:
    """The index narrows (MATCH), instr verifies; with no index token, instr scans."""
    verify = " AND ".join("instr(r.text, ?) > 0" for _ in range(n_terms))
    cols = "r.id, r.agency, r.year, r.title, r.text"
    if not use_index:
        return (f"SELECT {cols} FROM reports r WHERE {verify}{where}"
                " ORDER BY r.year DESC, r.id LIMIT ?")
    return (
        f"SELECT {cols} FROM {FTS_TABLE} JOIN reports r ON r.id = {FTS_TABLE}.rowid"
        f" WHERE {FTS_TABLE} MATCH ? AND {verify}{where}"
        f" ORDER BY bm25({FTS_TABLE}), r.year DESC, r.id LIMIT ?"
    )


def _hit(row: dict[str, Any], term: str) -> Hit:
    return Hit(row["id"], row["agency"], row["year"], row["title"], snippet(row["text"], term))


def snippet(text: str, term: str, width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters around the first occurrence of `term`, wrapped in 【】."""
    i = text.find(term)
    if i < 0:
        return _SPACE.sub(" ", text[:width]).strip()
    start = max(0, i - max(0, width - len(term)) // 2)
    end = max(i + len(term), start + width)
    pre = _SPACE.sub(" ", text[start:i])
    post = _SPACE.sub(" ", text[i + len(term):end])
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return f"{head}{pre}【{term}】{post}{tail}"
