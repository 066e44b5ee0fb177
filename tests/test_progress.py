"""Progress of ingest: drawn on a terminal only."""
from __future__ import annotations

import io

from crawler.progress import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_on_a_terminal_and_stays_silent_elsewhere() -> None:
    term, pipe = _Terminal(), io.StringIO()
    tick, quiet = progress(3, term), progress(3, pipe)
    for _ in range(2):
        tick(None)
        quiet(None)
    assert term.getvalue().split("\r")[-1].startswith("2/3 documents")
    assert pipe.getvalue() == ""
