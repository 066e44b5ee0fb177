"""Issue 13, what storing a copy costs: a report's search-index row is rewritten only when
what it is built from changes (the primary's text, the year, the agency), not for every
copy that comes in: half the store's time in a crawl was the index."""
from __future__ import annotations

from archive.db import Archive
from archive.search import FTS_TABLE, search
from tests.synthetic_archive import canonical_report, store_report


def index_writes(archive: Archive) -> list[str]:
    """The statements that write the reports' index, from now on, as they run."""
    seen: list[str] = []
    archive.db.conn.set_trace_callback(
        lambda sql: seen.append(sql) if sql.lstrip().upper().startswith("INSERT INTO " + FTS_TABLE.upper()) else None)
    return seen


def test_a_copy_that_leaves_the_primary_as_it_was_does_not_rewrite_the_index(tmp_path):
    with Archive.open(tmp_path / "arc") as arc:
        scan = canonical_report("东园镇", 2022, {"1": "扫描件的旧文字。"})
        report_id = store_report(arc, scan, "scan", fmt="pdf-ocr")
        writes = index_writes(arc)

        html = canonical_report("东园镇", 2022, {"1": "网页上的新文字。"})
        assert store_report(arc, html, "page", fmt="html") == report_id  # a text layer wins
        assert len(writes) == 2  # the old row deleted ('delete' is an INSERT), the new one in
        assert [h.id for h in search(arc.db, "新文字")] == [report_id]
        assert search(arc.db, "旧文字") == []

        writes.clear()
        pdf = canonical_report("东园镇", 2022, {"1": "网页上的新文字。"})
        assert store_report(arc, pdf, "file", fmt="pdf") == report_id  # a tie: the page stays
        primary = arc.db.execute("SELECT primary_sha256 FROM reports WHERE id = ?", [report_id]).fetchone()[0]
        page = arc.db.execute("SELECT sha256 FROM copies WHERE filename = 'page.html'").fetchone()[0]
        assert (primary, writes) == (page, [])
        assert [h.id for h in search(arc.db, "新文字")] == [report_id]
