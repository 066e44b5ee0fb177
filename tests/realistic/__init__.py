"""A realistic corpus for the report parser: inputs imitating what government portals, Word,
PDF converters and OCR really produce, with gold written from the generator's own values,
never from a parse. `python3 -m tests.realistic` rewrites tests/data/realistic/.

Rules the gold follows:
- Title when the report's heading does not name the body (phenomenon 7): the page's own
  article title (meta ArticleTitle / the title above the body) when it names the body; else
  the link text that led to the attachment; else the body the context states (publisher,
  agency, region) prefixed to the heading. Agency: the body as the page or link states it.
- Figures run together (phenomenon 8): a digit run is known when exactly one way of cutting
  it survives the template identities (row totals, column balance, results sum), searched by
  brute force (tests/realistic/digits.py); otherwise all its cells are null + must_flag.
  Table 二 has no identity: a run there is known only when it has a single cut.
- A column lost on a row (phenomenon 5) or a row lost by OCR (phenomenon 9): the cells a
  reader cannot place are null + must_flag, even where an identity could recompute them.
- Blank cells are null, never 0; a cell with a note (`23（其中修订16件）`) or a unit
  (`251000元`) is its leading figure, as written.
"""
