"""What makes `nianbao serve` safe to expose (issue 11): limits on every SQLite connection
Datasette opens, `X-Content-Type-Options: nosniff` on every response, and introspection
pages that name no filesystem path.

Why these limits: Datasette's time limit works through SQLite's progress handler, which
cannot interrupt one function call (`randomblob(300000000)` ran 11 s against 3 s), and its
row limit does not bound a row's size (`zeroblob(50000000)` returned 300 MB of JSON). So:

- `SQLITE_LIMIT_LENGTH` caps every string or blob SQLite makes (or reads: it must exceed the
  archive's largest stored value, a report's text, a few hundred KB at most): the two
  queries above fail at once with "string or blob too big".
- `PRAGMA hard_heap_limit` caps SQLite's own heap (sorts, CTEs, group_concat), process-wide.
- a row factory counts the bytes one cursor has fetched into Python and stops the query past
  a budget, so max_returned_rows rows of large values cannot add up either.

Arbitrary SQL itself is off unless `nianbao serve --allow-sql` (Datasette's
`default_allow_sql`); canned queries, tables and search work either way.
"""
from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

VALUE_LIMIT = 16 * 1024 * 1024  # bytes of one string or blob
HEAP_LIMIT = 256 * 1024 * 1024  # bytes of SQLite's heap, whole process
RESULT_BUDGET = 64 * 1024 * 1024  # bytes of values one query may hand to Python

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class ResultTooLarge(sqlite3.DataError):
    """A query's results went past RESULT_BUDGET."""


def limit_connection(conn: sqlite3.Connection, budget: int = RESULT_BUDGET) -> None:
    """Cap value sizes, SQLite's heap and the bytes a cursor may fetch (see above)."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, VALUE_LIMIT)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT}")
    conn.row_factory = _budgeted_rows(budget)


def _budgeted_rows(budget: int) -> Callable[[sqlite3.Cursor, tuple[Any, ...]], sqlite3.Row]:
    spent: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()

    def factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
        size = sum(len(v) for v in row if isinstance(v, (str, bytes)))
        total = spent.get(cursor, 0) + size
        if total > budget:
            raise ResultTooLarge(f"results too large: over {budget // (1024 * 1024)} MB")
        spent[cursor] = total
        return sqlite3.Row(cursor, row)

    return factory


def nosniff(app: App) -> App:
    """The ASGI app with `X-Content-Type-Options: nosniff` (and no referrer to other
    sites) on every response."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"x-content-type-options"]
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin")]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def databases_json(datasette: Any) -> list[dict[str, Any]]:
    """Datasette's /-/databases.json without the file's absolute path."""
    return [{"name": d.name, "route": d.route, "is_mutable": d.is_mutable,
             "is_memory": d.is_memory} for name, d in datasette.databases.items()
            if name != "_internal"]


def plugins_json(datasette: Any) -> list[dict[str, Any]]:
    """Datasette's /-/plugins.json without the plugins' installation paths."""
    from datasette.plugins import get_plugins

    return [{"name": p["name"], "version": p.get("version"), "hooks": p["hooks"]}
            for p in get_plugins()]
