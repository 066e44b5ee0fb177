"""The pages an archivist reads in `nianbao serve` (plugin routes of webplugin.py, Jinja
templates in templates/): home `/`, search `/-/search`, a report `/-/report/<id>`, a body
`/-/body/<id>`. Everything in Chinese; no JSON blob, English key or internal id on them.

The data comes from pagedata.py on Datasette's read-only connection; Datasette's own table
pages stay available for anyone who wants the raw rows.
"""
from __future__ import annotations

import html
import re
from typing import Any

from datasette.utils.asgi import Response
from markupsafe import Markup
from sqlite_utils import Database

from . import pagedata, svgchart
from .errors import ArchiveError, NotFound

_MARK = re.compile(r"【(.*?)】", re.S)
FORMATS = {"pdf": "PDF", "html": "网页", "docx": "Word", "doc": "Word（doc）", "wps": "WPS",
           "txt": "文本", "ocr": "扫描件", "jpg": "图片", "png": "图片", "ofd": "OFD"}
INLINE = ("application/pdf", "image/", "text/")


def routes() -> list[tuple[str, Any]]:
    return [(r"^/$", home), (r"^/-/search$", search_view),
            (r"^/-/report/(?P<id>\d+)$", report_view), (r"^/-/body/(?P<id>\d+)$", body_view)]


def database_name(datasette: Any) -> str:
    config = datasette.plugin_config("nianbao") or {}
    return str(config.get("database") or "archive")


def replay_base(datasette: Any) -> str | None:
    """The replay server's collection URL `nianbao serve` was given (web.site_metadata)."""
    config = datasette.plugin_config("nianbao") or {}
    return str(config["replay"]) if config.get("replay") else None


async def _read(datasette: Any, fn: Any, *args: Any) -> Any:
    db = datasette.get_database(database_name(datasette))
    return await db.execute_fn(lambda conn: fn(Database(conn, recursive_triggers=False), *args))


async def _render(datasette: Any, request: Any, template: str, context: dict[str, Any],
                  status: int = 200) -> Response:
    context = {**context, "fmt": fmt_name, "can_view": can_view, "marked": marked,
               "size": human_size, "kinds": pagedata.KINDS}
    body = await datasette.render_template(template, context, request=request)
    return Response.html(body, status=status)


async def home(datasette: Any, request: Any) -> Response:
    return await _render(datasette, request, "nianbao_home.html",
                         await _read(datasette, pagedata.home_page))


async def search_view(datasette: Any, request: Any) -> Response:
    q = request.args.get("q", "")
    chosen = {k: v for k in pagedata.FACETS if (v := request.args.get(k, ""))}
    try:
        data = await _read(datasette, pagedata.search_page, q, chosen)
    except ArchiveError as exc:
        data = {"q": q, "hits": [], "facets": [], "chosen": chosen, "error": str(exc)}
    return await _render(datasette, request, "nianbao_search.html", data)


async def report_view(datasette: Any, request: Any) -> Response:
    try:
        data = await _read(datasette, pagedata.report_page, int(request.url_vars["id"]),
                           replay_base(datasette))
    except NotFound:
        return await _not_found(datasette, request, "没有这份报告")
    return await _render(datasette, request, "nianbao_report.html", data)


async def body_view(datasette: Any, request: Any) -> Response:
    data = await _read(datasette, pagedata.body_page, int(request.url_vars["id"]))
    if data is None:
        return await _not_found(datasette, request, "没有这个机关")
    name = f"{data['agency']['region']}{data['agency']['name']}"
    data["chart"] = Markup(svgchart.line_chart(data["chart_years"], data["figures"],
                                               f"{name}主要数据")) if data["figures"] else ""
    return await _render(datasette, request, "nianbao_body.html", data)


async def _not_found(datasette: Any, request: Any, message: str) -> Response:
    return await _render(datasette, request, "nianbao_missing.html", {"message": message},
                         status=404)


def marked(snippet: str) -> Markup:
    """A search snippet with its 【hits】 as <mark>."""
    return Markup(_MARK.sub(r"<mark>\1</mark>", html.escape(snippet)))


def fmt_name(fmt: str | None) -> str:
    return FORMATS.get(fmt or "", fmt or "未知")


def can_view(mime: str | None) -> bool:
    """Does /-/view show this type inline (originals.view)?"""
    kind = (mime or "").split(";")[0].strip().lower()
    return kind != "image/svg+xml" and any(kind.startswith(p) for p in INLINE)


def human_size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("字节", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:g} {unit}" if unit == "字节" else f"{n:.1f} {unit}"
        n = n / 1024
    return ""
