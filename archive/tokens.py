"""How report text becomes FTS5 tokens so that a phrase match IS a substring match.

Every character of the text becomes exactly one *unit*, and every unit is one FTS5 token
that SQLite's unicode61 tokenizer keeps unchanged:

- a CJK unified ideograph (U+4E00..U+9FFF) or an ASCII lowercase letter or digit stands for
  itself (except ``u`` and ``v``, the escape letters);
- any other character (punctuation, white space, capitals, other scripts) is escaped:
  ``u`` + 4 hex digits in the BMP, ``v`` + 6 hex digits beyond it ("。" -> ``u3002``,
  "A" -> ``u0041``, a space -> ``u0020``).

So no character is dropped, none is case-folded, and the map from characters to units is
one-to-one and prefix-free (a unit starting with ``u``/``v`` has a fixed length), which also
makes the concatenation of two units (a *bigram token*) decodable.

The index (``reports_fts``) has two columns: ``uni``, each distinct unit of the text once (in
order of first occurrence: a one-character query only asks whether the unit is there, so its
other occurrences would only cost index space and build time; since m011), and ``bi``, the
overlapping unit pairs separated by spaces. A one-character query is one ``uni`` token; a
query of n >= 2 characters is the phrase of its n-1 bigrams in ``bi``. Bigram i
sits at position i, so the phrase matches exactly where the query occurs in the text:
no false positive, no false negative, and no second pass over the text. Bigrams keep
queries made of common characters fast (a rare pair narrows the phrase at once).

Reserved tokens, which no text can produce (text units are one character or an escape):
``nbdoc`` in every row's ``uni`` (lets a query that only excludes be answered by the index),
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


def index_columns(text: str, agency_id: int | None) -> tuple[str, str]:
    """The (uni, bi) column values of one index row: the reserved tokens and each distinct
    unit once; every overlapping pair of units, at its position."""
    head = [SENTINEL] + ([agency_token(agency_id)] if agency_id is not None else [])
    us = units(text)
    distinct = map(_UNITS.__getitem__, dict.fromkeys(text))
    return " ".join([*head, *distinct]), " ".join(map(add, us, us[1:]))


def agency_token(agency_id: int) -> str:
    return f"nbag{int(agency_id)}"


def term_phrase(term: str) -> str:
    """The FTS5 expression that matches exactly the rows whose text contains `term`."""
    us = units(term)
    if len(us) == 1:
        return '{uni} : "%s"' % us[0]
    return '{bi} : "%s"' % " ".join(a + b for a, b in zip(us, us[1:]))


def doc_key(year: int, report_id: int) -> int:
    """The FTS rowid of a report: year in the high bits, so rowid order is (year, id)."""
    return (int(year) << ROWID_SHIFT) | int(report_id)


def year_range(year: int) -> tuple[int, int]:
    return doc_key(year, 0), doc_key(year, ROWID_MASK)
