"""The search query language: terms, "quoted phrases", AND, OR, NOT / -term.

- A term is any run of non-space characters; it matches a report whose text contains it
  (exact substring, case-sensitive). ``"…"`` makes a phrase that may contain spaces.
- Terms separated by white space (or ``AND``) must all be contained.
- ``a OR b``: either; OR binds tighter than AND, so ``低保 信访 OR 上访`` is
  低保 AND (信访 OR 上访).
- ``NOT a`` or ``-a``: must not be contained.
- ``AND``/``OR``/``NOT`` are operators only in upper case, between operands (``NOT`` before
  one); elsewhere, or quoted (``"OR"``), they are plain terms. A lone ``-`` is a term.

No parentheses: a plain query that contains brackets, like ``(一)``, stays a plain term.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ArchiveError
from .tokens import SENTINEL, agency_token, term_phrase

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


def _is_op(tokens: list[_Token], i: int) -> str | None:
    tok = tokens[i]
    if tok.literal or tok.text not in _OPERATORS:
        return None
    has_next = i + 1 < len(tokens)
    if tok.text == "NOT":
        return "NOT" if has_next else None
    return tok.text if has_next and i > 0 else None


def parse_query(text: str) -> Query:
    """Raise `ArchiveError` for an empty query. White space only is one literal term."""
    if not text:
        raise ArchiveError("empty search query")
    tokens = _lex(text)
    if not tokens and text.strip() == "":
        return Query(((text,),))
    groups: list[list[str]] = []
    excluded: list[str] = []
    join = last_positive = False
    for i, tok in enumerate(tokens):
        op = _is_op(tokens, i)
        if op == "NOT":
            tokens[i + 1].negated = tokens[i + 1].literal = True
        elif op == "OR":
            join = last_positive
        elif op is None:
            _add(tok, groups, excluded, join)
            join, last_positive = False, not tok.negated
    if not groups and not excluded:
        raise ArchiveError("empty search query")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _add(tok: _Token, groups: list[list[str]], excluded: list[str], join: bool) -> None:
    if tok.negated:
        excluded.append(tok.text)
    elif join:
        groups[-1].append(tok.text)
    else:
        groups.append([tok.text])


def fts_expression(query: Query, agency_ids: list[int] | None = None) -> str:
    """The FTS5 MATCH expression for `query` (see tokens.py); it is exact, not a superset.

    `agency_ids` (when given) restricts the rows to those agencies' reports."""
    parts = ["(" + " OR ".join(term_phrase(t) for t in group) + ")" for group in query.groups]
    if agency_ids is not None:
        parts.append("(" + " OR ".join(f"{{uni}} : {agency_token(a)}" for a in agency_ids) + ")")
    base = " AND ".join(parts) or f"{{uni}} : {SENTINEL}"
    if not query.excluded:
        return base
    return f"({base}) NOT (" + " OR ".join(term_phrase(t) for t in query.excluded) + ")"


def matches(query: Query, text: str) -> bool:
    """The query's meaning over one text, by plain substring tests (the index's contract)."""
    return (all(any(t in text for t in group) for group in query.groups)
            and not any(t in text for t in query.excluded))
