"""The search query language: terms, "quoted phrases", AND, OR, NOT / -term.

- A term is any run of non-space characters; it matches a report whose text contains it
  (exact substring, case-sensitive). ``"…"`` makes a phrase that may contain spaces.
- Terms separated by white space (or ``AND``) must all be contained.
- ``a OR b``: either; OR binds tighter than AND, so ``低保 信访 OR 上访`` is
  低保 AND (信访 OR 上访).
- ``NOT a`` or ``-a``: must not be contained.
- ``AND``/``OR``/``NOT`` in upper case are operators: ``AND``/``OR`` need a term on each
  side, ``NOT`` one after it. Quoted (``"OR"``) or in lower case they are plain terms.
- A query that says nothing it could mean is an error (`QueryError`, one line), never a
  silent 0 hits: an empty query, an operator without its terms (``低保 OR``, ``OR OR``,
  ``NOT``), a lone ``-`` (quote it, ``"-"``, to find a dash), a ``"`` that opens a
  phrase and never closes it (a lone ``"``, opening nothing, is the character itself).

No parentheses: a plain query that contains brackets, like ``(一)``, stays a plain term.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ArchiveError
from .tokens import SENTINEL, agency_token, exact, term_expression

_LEX = re.compile(r'\s*(-?)(?:"([^"]*)"|(\S+))')
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True, slots=True)
class Query:
    groups: tuple[tuple[str, ...], ...]  # AND of OR-groups
    excluded: tuple[str, ...] = ()  # NOT terms

    @property
    def terms(self) -> list[str]:
        """The positive terms, in query order (what snippets highlight)."""
        return [t for group in self.groups for t in group]


@dataclass(slots=True)
class _Token:
    text: str
    literal: bool  # quoted or dashed: never an operator
    negated: bool = False


def _lex(text: str) -> list[_Token]:
    tokens = []
    for dash, phrase, word in _LEX.findall(text):
        if phrase or word:  # an empty phrase `""` is nothing
            tokens.append(_Token(phrase or word, literal=bool(dash) or not word,
                                 negated=bool(dash)))
    return tokens


class QueryError(ArchiveError):
    """A query that cannot mean anything; the message says why and how to write it."""


def _op(tok: _Token | None) -> str | None:
    return tok.text if tok is not None and not tok.literal and tok.text in _OPERATORS else None


def _check(tokens: list[_Token]) -> None:
    """Every operator has its terms; no lone dash; every phrase closed."""
    for i, tok in enumerate(tokens):
        before = tokens[i - 1] if i > 0 else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.text.startswith('"') and len(tok.text) > 1:  # `"依申请 公开`: never closed
            raise QueryError('search query: a " is not closed (a phrase is "…")')
        if not tok.literal and tok.text == "-":
            raise QueryError('search query: a lone "-" excludes nothing (write -信访;'
                             ' quote it, "-", to find a dash)')
        op = _op(tok)
        if op == "NOT" and (after is None or _op(after)):
            raise QueryError("search query: NOT needs a term after it (quote it, \"NOT\","
                             " to find the word)")
        if op in ("AND", "OR") and (before is None or _op(before) or after is None
                                    or _op(after) in ("AND", "OR")):
            raise QueryError(f"search query: {op} needs a term on each side (quote it,"
                             f" \"{op}\", to find the word)")


def parse_query(text: str) -> Query:
    """Raise `QueryError` for a query that cannot mean anything (module docstring).
    White space only is one literal term."""
    if not text:
        raise QueryError("empty search query")
    tokens = _lex(text)
    if not tokens and text.strip() == "":
        return Query(((text,),))
    _check(tokens)
    groups: list[list[str]] = []
    excluded: list[str] = []
    join = last_positive = False
    for i, tok in enumerate(tokens):
        op = _op(tok)
        if op == "NOT":
            tokens[i + 1].negated = tokens[i + 1].literal = True
        elif op == "OR":
            join = last_positive
        elif op is None:
            _add(tok, groups, excluded, join)
            join, last_positive = False, not tok.negated
    if not groups and not excluded:
        raise QueryError("empty search query")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _add(tok: _Token, groups: list[list[str]], excluded: list[str], join: bool) -> None:
    if tok.negated:
        excluded.append(tok.text)
    elif join:
        groups[-1].append(tok.text)
    else:
        groups.append([tok.text])


_FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if not chr(c).isalnum() and c != 0x5F}
_FULLWIDTH[0x20] = 0x3000


def fts_error(message: str) -> str:
    """An FTS5 expression whose only effect is SQLite's error "no such column: <message>":
    how a web search (a MATCH inside SQL, archive/webplugin.py) shows why a query is wrong
    instead of 0 hits. Column names are FTS5 barewords (letters, digits, _, any non-ASCII),
    so ASCII punctuation and spaces become their full-width forms (NFKC turns them back)."""
    return "{" + message.translate(_FULLWIDTH) + "} : x"


def fts_expression(query: Query, agency_ids: list[int] | None = None) -> str:
    """The FTS5 MATCH expression for `query` (see tokens.py): exactly its rows when
    `is_exact(query)`, else a superset that `check_sql` narrows to them. An excluded term of
    four or more characters is left to `check_sql`: the index knows only its trigrams, and
    excluding every row that holds them would drop rows that do not contain the term.

    `agency_ids` (when given) restricts the rows to those agencies' reports."""
    parts = ["(" + " OR ".join(term_expression(t) for t in group) + ")" for group in query.groups]
    if agency_ids is not None:
        parts.append("(" + " OR ".join(f'"{agency_token(a)}"' for a in agency_ids) + ")")
    base = " AND ".join(parts) or f'"{SENTINEL}"'
    excluded = [t for t in query.excluded if exact(t)]
    if not excluded:
        return base
    return f"({base}) NOT (" + " OR ".join(term_expression(t) for t in excluded) + ")"


def is_exact(query: Query) -> bool:
    """Does `fts_expression(query)` match exactly the query's rows (no `check_sql`)?"""
    return all(exact(t) for t in (*query.terms, *query.excluded))


def check_sql(query: Query, text: str) -> tuple[str, list[str]]:
    """The SQL condition on the column `text` that narrows `fts_expression(query)`'s rows to
    the query's: each OR-group with a term of four or more characters, and each such
    excluded term, by `instr` (SQLite's substring test, the contract's); "" when exact.
    With `instr` in SQL the candidates' text never becomes Python strings."""
    sql, params = [], list[str]()
    for group in query.groups:
        if not all(exact(t) for t in group):
            sql.append("(" + " OR ".join(f"instr({text}, ?) > 0" for _ in group) + ")")
            params += group
    for term in query.excluded:
        if not exact(term):
            sql.append(f"instr({text}, ?) = 0")
            params.append(term)
    return " AND ".join(sql), params


def matches(query: Query, text: str) -> bool:
    """The query's meaning over one text, by plain substring tests (the index's contract)."""
    return (all(any(t in text for t in group) for group in query.groups)
            and not any(t in text for t in query.excluded))
