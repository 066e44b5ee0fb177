"""Serve the fixture site over real HTTP on loopback, in a background thread."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from .build import ensure_site
from .manifest import Manifest


@dataclass(slots=True, frozen=True)
class Hit:
    """One request the portal answered."""

    method: str
    path: str
    host: str  # the Host header, to tell whether a client stayed on this host
    status: int
    user_agent: str
    # The tests' CMS-families portal records more (this one leaves the defaults).
    role: str = "main"  # main | tls | gate: which of that portal's servers answered
    started: float = 0.0  # time.monotonic() when the request arrived
    # … just before the first byte of the answer was written: the client cannot have had the
    # answer earlier, so [started, answered] lies inside the time the client waited for it.
    answered: float = 0.0
    ended: float = 0.0  # … and when the answer was sent
    sent: int = 0  # bytes sent: status line, headers and body
    body: str = ""  # the start of a POST body (latin-1)
    conditional: bool = False  # it carried If-None-Match or If-Modified-Since
    browser: bool = False  # sent by a real browser (Sec-Fetch-* / sec-ch-ua headers)


def utf8_header(value: str) -> str:
    """http.server decodes header bytes as Latin-1; clients send UTF-8 (our own UA does)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class PortalHandler(SimpleHTTPRequestHandler):
    """Static files with a charset on text types, no directory listings, a request log."""

    protocol_version = "HTTP/1.1"  # keep-alive: crawlers reuse connections
    extensions_map = {
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".pdf": "application/pdf",
        "": "application/octet-stream",
    }

    def list_directory(self, path):  # noqa: ANN001, ANN201 (stdlib signature)
        self.send_error(404, "Not Found")
        return None

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if str(code).isdigit() else 0
        hit = Hit(self.command, self.path, self.headers.get("Host", ""), status,
                  utf8_header(self.headers.get("User-Agent", "")))
        self.server.hits.append(hit)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: the hit log above is what tests read


class PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    hits: list[Hit]


class FixturePortal:
    """The fixture portal: `with FixturePortal() as portal: portal.url, portal.manifest`.

    Entering builds the site if the cache lacks it (`ensure_site`), then serves it on a
    free port; `root` is the served directory and `hits` the requests answered so far.
    `site=(root, manifest)` serves a site built elsewhere as static files instead (the
    tests' CMS-families portal, tests/portal_families/, has a server of its own)."""

    manifest: Manifest
    root: Path

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 site: tuple[Path, Manifest] | None = None) -> None:
        self.host, self.port = host, port
        self._site = site
        self._server: PortalServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FixturePortal:
        root, self.manifest = self._site or ensure_site()
        self.root = root
        handler = partial(PortalHandler, directory=str(root))
        self._server = PortalServer((self.host, self.port), handler)
        self._server.hits = []
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="fixture-portal", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def url_for(self, path: str) -> str:
        return self.url + path.lstrip("/")

    @property
    def hits(self) -> list[Hit]:
        return list(self._server.hits) if self._server else []

    def __enter__(self) -> FixturePortal:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
