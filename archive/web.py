"""`nianbao serve`: Datasette over the archive, read-only, with our plugin (webplugin.py),
its pages (webpages.py, templates/) and metadata (metadata.py). We write no web framework of
our own.

Read-only: Datasette opens the file with `mode=ro` (a crawl may keep writing to the WAL
archive meanwhile, so not `immutable`); no canned query writes. The archive is opened (and
migrated) once before serving, by the normal `Archive.open`.

Safe to expose (issue 11): arbitrary SQL is off unless `allow_sql` (Datasette's
`default_allow_sql`): canned queries, tables, facets and search only. The metadata names
no filesystem path (the plugin finds the blobs next to the database it serves), internal
tables are hidden from the database page, and the report list is faceted.

Citations (issue 9): the report page shows each sighting's WARC record with a link that
downloads that one record (`/-/warc/<file>/<offset>`, webplugin.py), and its replay URL when
a replay server is configured (`serve --replay-url`, or $NIANBAO_REPLAY_URL: the plugin's
config `replay`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import warcs
from .db import DB_NAME, Archive
from .metadata import metadata

DATABASE = "archive"
PLUGIN_NAME = "nianbao"
PACKAGE = Path(__file__).parent
# Tables a reader never needs on the database page (still reachable by URL).
INTERNAL = ("cells", "cell_values", "cell_keys", "checks", "labels", "copies", "sightings",
            "agency_names", "runs", "reports_fts", "related_fts", "crawl_urls", "crawl_versions",
            "crawl_bodies", "crawl_jobs", "crawl_failures", "crawl_warc_records",
            "_sqlite_migrations", "related_documents", "archive_state")
FACETS = ["year", "region", "agency", "template", "kind"]


def register_plugin() -> None:
    from datasette.plugins import pm

    from . import webplugin

    if not pm.is_registered(webplugin):
        pm.register(webplugin, name=PLUGIN_NAME)
    _plain_error_log()


def _plain_error_log() -> None:
    """Datasette's error handler as it runs without rich. With rich installed (frictionless
    pulls it in), Datasette 0.65 prints every error it answers, each 404 included, as a
    traceback with every frame's locals into the server's log, and where no exception is
    being handled (`/archive.db/0`) rich raises instead, so the visitor gets a bare 500 in
    place of Datasette's 404 page. Its module-level `rich` is the switch it reads."""
    import datasette.handle_exception as handler

    handler.rich = None


def settings(allow_sql: bool) -> dict[str, Any]:
    return {"default_page_size": 50, "sql_time_limit_ms": 3000, "facet_time_limit_ms": 500,
            "max_returned_rows": 1000, "default_allow_sql": allow_sql,
            "allow_download": False, "suggest_facets": False}  # suggestions: ~1 s a page


def site_metadata(span: list[int], replay: str | None = None) -> dict[str, Any]:
    """metadata.py's metadata, without the blobs path, internal tables hidden, facets; the
    plugin's config names the database and the replay server (None: no replay links)."""
    meta = metadata(DATABASE, span, "")
    meta["plugins"] = {PLUGIN_NAME: {"database": DATABASE, "replay": replay}}
    tables = meta["databases"][DATABASE]["tables"]
    for name in INTERNAL:
        tables.setdefault(name, {})["hidden"] = True
    tables["report_list"]["facets"] = FACETS
    return meta


def build(archive_dir: Path, archive: Archive, allow_sql: bool = False,
          replay: str | None = None) -> Any:
    """A Datasette instance over `archive_dir` (the archive must exist); `replay`: the
    replay server's collection URL (else $NIANBAO_REPLAY_URL, else none)."""
    from datasette.app import Datasette

    register_plugin()
    years = [r[0] for r in archive.db.execute(
        "SELECT DISTINCT year FROM reports WHERE primary_sha256 IS NOT NULL ORDER BY year")]
    span = list(range(years[0], years[-1] + 1)) if years else []
    meta = site_metadata(span, warcs.replay_base(replay))
    return Datasette([str((archive_dir / DB_NAME).resolve())], metadata=meta,
                     settings=settings(allow_sql), cors=False,
                     template_dir=str(PACKAGE / "templates"),
                     static_mounts=[("-/nianbao", str(PACKAGE / "static"))])


def serve(archive_dir: Path, archive: Archive, host: str, port: int,
          allow_sql: bool = False, replay: str | None = None) -> None:
    import uvicorn
    from datasette.cli import run_sync

    ds = build(archive_dir, archive, allow_sql, replay)
    archive.close()
    run_sync(ds.invoke_startup)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
