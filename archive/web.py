"""`nianbao serve`: Datasette over the archive, read-only, with our plugin (webplugin.py)
and metadata (metadata.py). We write no web framework of our own.

Read-only: Datasette opens the file with `mode=ro` (a crawl may keep writing to the WAL
archive meanwhile, so not `immutable`); no canned query writes. The archive is opened (and
migrated) once before serving, by the normal `Archive.open`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .db import BLOBS_DIR, DB_NAME, Archive
from .metadata import metadata

DATABASE = "archive"
PLUGIN_NAME = "nianbao"


def register_plugin() -> None:
    from datasette.plugins import pm

    from . import webplugin

    if not pm.is_registered(webplugin):
        pm.register(webplugin, name=PLUGIN_NAME)


def build(archive_dir: Path, archive: Archive) -> Any:
    """A Datasette instance over `archive_dir` (the archive must exist)."""
    from datasette.app import Datasette

    register_plugin()
    years = [r[0] for r in archive.db.execute(
        "SELECT DISTINCT year FROM reports WHERE primary_sha256 IS NOT NULL ORDER BY year")]
    span = list(range(years[0], years[-1] + 1)) if years else []
    meta = metadata(DATABASE, span, str((archive_dir / BLOBS_DIR).resolve()))
    settings = {"default_page_size": 50, "sql_time_limit_ms": 3000, "facet_time_limit_ms": 500,
                "suggest_facets": False}  # suggestions cost ~1 s per page on 100,000 reports
    return Datasette([str((archive_dir / DB_NAME).resolve())], metadata=meta,
                     settings=settings, cors=False)


def serve(archive_dir: Path, archive: Archive, host: str, port: int) -> None:
    import uvicorn
    from datasette.cli import run_sync

    ds = build(archive_dir, archive)
    archive.close()
    run_sync(ds.invoke_startup)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
