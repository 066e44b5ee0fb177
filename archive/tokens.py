"""How report text becomes FTS5 tokens so that a phrase match IS a substring match.

Every character of the text becomes exactly one *unit*, and every unit is one FTS5 token
that SQLite's tokenizers keep unchanged (the index's, ``ascii`` since m011, and unicode61:
tests/test_search.py asks both):

- a CJK unified ideograph (U+4E00..U+9FFF) or an ASCII lowercase letter or digit stands for
  itself (except ``u`` and ``v``, the escape letters);
- any other character (punctuation, white space, capitals, other scripts) is escaped:
  ``u`` + 4 hex digits in the BMP, ``v`` + 6 hex digits beyond it ("。" -> ``u3002``,
  "A" -> ``u0041``, a space -> ``u0020``).

So no character is dropped, none is case-folded, and the map from characters to units is
one-to-one and prefix-free (a unit starting with ``u``/``v`` has a fixed length), which also
makes the concatenation of two units (a *bigram token*) decodable.

The index (``reports_fts``, since m014) is one column, ``grams``, with ``detail=none``: it
records which rows hold a token, not where. A row's tokens are each distinct unit of the
text, each distinct pair of consecutive units (a *bigram*) and each distinct triple (a
*trigram*), once each. Their lengths tell them apart: a unit is 1, 5 or 7 characters (a
7-character one starts with ``v``), a bigram 2, 6, 8, 10, 12 or 14, a trigram 3, or 7 and up
without a leading ``v`` (it is three units, the first never a bare ``v``). So:

- a query of one, two or three characters is one token, and the index answers it exactly;
- a longer query is the AND of its distinct trigrams: every row that contains the query is
  among them, but a row may hold all the trigrams apart (a *candidate*). `search.py` keeps
  only the candidates whose text contains the query (`query.check_sql`), so the hits stay
  exact.

Positions (m003–m013: bigram phrases, exact by themselves) made the index 13 KB a report,
more than the text; without them it is a fraction of it (docs/search.md).

Reserved tokens, which no text can produce (no unit, pair or triple has their shape):
``nbdoc`` in every row (lets a query that only excludes be answered by the index),
``nbag<id>`` for the report's agency (the agency filter).
"""
from __future__ import annotations

from operator import add

SENTINEL = "nbdoc"
ROWID_SHIFT = 32
ROWID_MASK = (1 << ROWID_SHIFT) - 1


class _Units(dict[str, str]):
    """Character -> unit, computed once per distinct character."""

    def __missing__(self, ch: str) -> str:
        self[ch] = unit = _unit(ch)
        return unit


def _unit(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff" or (ch.isascii() and (ch.islower() or ch.isdigit())
                                      and ch not in "uv"):
        return ch
    code = ord(ch)
    return f"u{code:04x}" if code <= 0xFFFF else f"v{code:06x}"


_UNITS = _Units()


def units(text: str) -> list[str]:
    return list(map(_UNITS.__getitem__, text))


def index_tokens(text: str, agency_id: int | None) -> str:
    """The `grams` value of one index row: the reserved tokens, then each distinct unit,
    pair and triple of consecutive units, once, in no order (detail=none keeps neither a
    count nor a position; a set is the cheapest way to drop the repeats)."""
    head = [SENTINEL] + ([agency_token(agency_id)] if agency_id is not None else [])
    us = units(text)
    pairs = list(map(add, us, us[1:]))
    return " ".join([*head, *{*us, *pairs, *map(add, pairs, us[2:])}])


def agency_token(agency_id: int) -> str:
    return f"nbag{int(agency_id)}"


def exact(term: str) -> bool:
    """Does the index alone answer `term` exactly (one to three characters: one token)?"""
    return len(term) <= 3


def term_expression(term: str) -> str:
    """The FTS5 expression for the rows that may contain `term`: exactly those for one to
    three characters (one token), a superset for more (the AND of its distinct trigrams)."""
    us = units(term)
    if len(us) <= 3:
        return '"%s"' % "".join(us)
    grams = dict.fromkeys(a + b + c for a, b, c in zip(us, us[1:], us[2:]))
    return "(" + " AND ".join('"%s"' % g for g in grams) + ")"


def doc_key(year: int, report_id: int) -> int:
    """The FTS rowid of a report: year in the high bits, so rowid order is (year, id)."""
    return (int(year) << ROWID_SHIFT) | int(report_id)


def year_range(year: int) -> tuple[int, int]:
    return doc_key(year, 0), doc_key(year, ROWID_MASK)
