"""The Datasette plugin that `nianbao serve` registers (web.py): search functions, the
download of archived originals, and links.

- SQL functions: `escape_fts` is replaced by our index expression, and `filters_from_request`
  adds the text check a term of four or more characters needs (query.check_sql), so
  Datasette's own search box (tables with `fts_table` = reports_fts) matches exactly, like
  `nianbao search`; `nianbao_match(q)`, `nianbao_contains(text, q)`, `nianbao_snippet(text,
  q)` and `nianbao_agency_match(...)` serve the canned search query.
- `/-/blob/<sha256>`: the exact bytes of an archived copy from the blob store, with its
  sniffed content type and a Content-Disposition filename; `/-/view/<sha256>` the same
  bytes inline where that is safe (originals.py).
- `/-/warc/<file>/<offset>[?length=N]`: the one WARC record a sighting cites, as the gzip
  member it is in `<archive>/warcs/<file>` (application/warc, an attachment): only a plain
  file name (400 otherwise) and only an (offset, length) some sighting row cites (404).
- Safety (websafety.py): limits on every connection, `nosniff` on every response, and
  /-/databases and /-/plugins without filesystem paths.
- Pages (webpages.py): home, search, a report, a body.
- Cells: `original` / `primary_sha256` link to the download, report ids to the report.
"""
from __future__ import annotations

import html
import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite
from datasette.utils.asgi import Response
from markupsafe import Markup

from . import agencies, originals, webpages, websafety
from .blobs import BlobStore
from .warcs import WARCS_DIR
from .db import BLOBS_DIR
from .errors import ArchiveError
from .query import Query, fts_error, fts_expression, is_exact, matches, parse_query
from .search import snippet
from .tokens import SENTINEL

NOTHING = f'"{SENTINEL}" NOT "{SENTINEL}"'  # matches no row
_SHA = re.compile(r"[0-9a-f]{64}")
_YEAR = re.compile(r"\d{4}")
_MARK = re.compile(r"【(.*?)】", re.S)
_WARC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.warc(\.gz)?")


def match_expression(q: str | None) -> str:
    """The exact FTS5 expression for a user's query; an empty query matches nothing; a
    malformed one (`低保 OR`) makes the search fail with its reason, not 0 hits."""
    try:
        return fts_expression(parse_query(q)) if q and q.strip() else NOTHING
    except ArchiveError as exc:
        return fts_error(str(exc))


def snippet_of(text: str | None, q: str | None) -> str:
    if not text:
        return ""
    try:
        terms = parse_query(q).terms if q else []
    except ArchiveError:
        terms = []
    return snippet(text, terms, width=60)


def agency_match(region: str | None, name: str | None, written: str | None,
                 wanted: str | None) -> bool:
    """Does the report's agency answer to `wanted` (same rule as `--agency`)?"""
    if not wanted:
        return True
    w_region, w_core = agencies.split_name(wanted)
    needle = agencies.normalize(wanted)
    if name is not None and name == w_core and agencies.regions_agree(region or "", w_region):
        return True
    return needle in f"{region or ''}{name or ''}" or needle in agencies.normalize(written or "")


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]  # after datasette's own escape_fts
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("nianbao_match", 1, match_expression, deterministic=True)
    conn.create_function("nianbao_snippet", 2, snippet_of, deterministic=True)
    conn.create_function("nianbao_agency_match", 4, agency_match, deterministic=True)
    conn.create_function("nianbao_contains", 2, contains, deterministic=True)
    websafety.limit_connection(conn)


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper() -> Any:
    return websafety.nosniff


def contains(text: str | None, q: str | None) -> bool:
    """The query over one text, by substring tests (False for an empty query)."""
    query = _parsed(q or "")
    return query is not None and matches(query, text or "")


@lru_cache(maxsize=64)
def _parsed(q: str) -> Query | None:
    """The query, parsed once per distinct string (a check runs once per candidate row)."""
    try:
        return parse_query(q)
    except ArchiveError:
        return None


@hookimpl  # type: ignore[untyped-decorator]
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """Datasette's search box (`?_search=`) on a table searched through reports_fts: for a
    query the index cannot answer alone (a term of four or more characters), keep only
    the rows whose report text contains it, so the box finds exactly `nianbao search`'s."""
    meta = datasette.table_metadata(database, table)
    q = request.args.get("_search")
    raw = (request.args.get("_searchmode") or meta.get("searchmode")) == "raw"
    query = _parsed(q) if q and q.strip() else None
    if meta.get("fts_table") != "reports_fts" or raw or query is None or is_exact(query):
        return None
    pk = escape_sqlite(meta.get("fts_pk", "rowid"))
    return FilterArguments([
        f"(SELECT nianbao_contains(x.text, :nianbao_search) FROM reports x"
        f" WHERE x.fts_rowid = {escape_sqlite(table)}.{pk})"], {"nianbao_search": q})


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/blob/(?P<sha256>[0-9a-f]{64})$", blob_view),
            (r"^/-/view/(?P<sha256>[0-9a-f]{64})$", inline_view),
            (r"^/-/warc/(?P<file>[^/]+)/(?P<offset>\d{1,15})$", warc_record_view),
            (r"^/-/databases(\.json)?$", _json_page(websafety.databases_json)),
            (r"^/-/plugins(\.json)?$", _json_page(websafety.plugins_json)),
            *webpages.routes()]


def _json_page(fn: Any) -> Any:
    async def view(datasette: Any) -> Response:
        return Response.json(fn(datasette))
    return view


async def _original(datasette: Any, sha: str) -> tuple[bytes, str | None, str] | None:
    """(bytes, mime, filename) of an archived copy, None when there is none."""
    db = datasette.get_database(webpages.database_name(datasette))
    row = (await db.execute("SELECT mime, filename, format FROM copies WHERE sha256 = ?",
                            [sha])).first()
    store = BlobStore(Path(db.path).parent / BLOBS_DIR)
    if row is None or not store.has(sha):
        return None
    name = row["filename"] or f"{sha[:12]}.{row['format'] or 'bin'}"
    return store.read(sha), row["mime"], name


async def blob_view(datasette: Any, request: Any) -> Response:
    sha = request.url_vars["sha256"]
    found = await _original(datasette, sha)
    if found is None:
        return Response.text(f"no archived copy {sha}", status=404)
    data, mime, name = found
    how = originals.download(mime, name)
    return Response(data, content_type=how.content_type, headers=how.headers())


async def inline_view(datasette: Any, request: Any) -> Response:
    sha = request.url_vars["sha256"]
    found = await _original(datasette, sha)
    if found is None:
        return Response.text(f"no archived copy {sha}", status=404)
    data, mime, name = found
    how = originals.view(mime, name, data)
    return Response(data, content_type=how.content_type, headers=how.headers())


async def warc_record_view(datasette: Any, request: Any) -> Response:
    """One WARC record a sighting cites, as its gzip member (`warcio` reads it alone)."""
    name, offset = request.url_vars["file"], int(request.url_vars["offset"])
    length = request.args.get("length")
    if not _WARC_NAME.fullmatch(name) or (length is not None and not length.isdigit()):
        return Response.text("不是 warcs/ 下的 WARC 文件名或记录位置", status=400)
    db = datasette.get_database(webpages.database_name(datasette))
    row = (await db.execute(
        "SELECT warc_length FROM sightings WHERE warc_file = ? AND warc_offset = ?"
        " AND warc_length IS NOT NULL LIMIT 1", [name, offset])).first()
    if row is None or (length is not None and int(length) != row["warc_length"]):
        return Response.text(f"没有网址记录引用 {name} 偏移 {offset} 处的 WARC 记录", status=404)
    data = read_member(Path(db.path).parent / WARCS_DIR, name, offset, row["warc_length"])
    if data is None:
        return Response.text(f"WARC 文件 {name} 中没有这条记录（文件缺失或不完整）", status=404)
    stem = name.removesuffix(".gz").removesuffix(".warc")
    suffix = ".warc.gz" if name.endswith(".gz") else ".warc"
    return Response(data, content_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{stem}-{offset}{suffix}"',
        "X-Content-Type-Options": "nosniff"})


def read_member(warcs: Path, name: str, offset: int, length: int) -> bytes | None:
    """`length` bytes at `offset` of warcs/<name> (a plain name, checked again here against
    symbolic links out of warcs/); None when the file is missing or shorter."""
    path = warcs / name
    if not path.is_file() or path.resolve().parent != warcs.resolve():
        return None
    with open(path, "rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    return data if len(data) == length else None


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    if isinstance(value, str) and _SHA.fullmatch(value) and (
            column == "original" or (table, column) == ("reports", "primary_sha256")):
        href = datasette.urls.path(f"/-/blob/{value}")
        return Markup(f'<a href="{href}" class="nianbao-original">下载原件</a> '
                      f'<code>{value[:12]}</code>')
    if isinstance(value, int) and _links_report(table, column):
        href = datasette.urls.path(f"/-/report/{value}")
        return Markup(f'<a href="{href}" class="nianbao-report">{value}</a>')
    if column == "摘要" and isinstance(value, str):
        return Markup(_MARK.sub(r"<mark>\1</mark>", html.escape(value)))
    return None


def _links_report(table: str | None, column: str) -> bool:
    if table in ("report_list",):
        return column == "id"
    if table is None:  # canned queries
        return column in ("报告", "下一年报告") or bool(_YEAR.fullmatch(column))
    return False
