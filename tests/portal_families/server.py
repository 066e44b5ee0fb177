"""Serve the CMS-families portal: the main host, its https mirror and (optionally) a gated host,
each a real HTTP server on 127.0.0.1 in a background thread.

Besides static files with ETag/Last-Modified and conditional GET (304), the server does
what real portals do (`Routes`): 429/503 once with Retry-After, slow and hanging answers,
soft 404s, redirect chains, downfile.jsp 302s, Content-Disposition names (RFC 5987 and raw
GBK), a POST-only Hanweb dataproxy, GBK pages sent as "charset=UTF-8", oversized bodies,
and on the gated host a 412 JavaScript challenge that only a browser passes.
"""
from __future__ import annotations

import email.utils
import hashlib
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from crawler.fixture_portal.server import Hit, utf8_header

from .cms import SOFT_404, challenge_answer, challenge_page, hanweb_proxy_xml
from .manifest import FamiliesManifest
from .plan import GATE_BLOCK, GATE_ORIGIN, TLS_ORIGIN
from .towns import GATE_ROOT

TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".txt": "text/plain; charset=utf-8", ".css": "text/css", ".js": "application/javascript",
         ".pdf": "application/pdf", ".ofd": "application/ofd", ".zip": "application/zip",
         ".png": "image/png",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
HIDDEN = ("/_fixture/", GATE_ROOT + "/")
NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False
    stream: int = 0  # stream this many bytes instead of body


@dataclass(slots=True)
class Override:
    status: int = 200
    body: bytes | None = None
    content_type: str = "text/html; charset=utf-8"


class PortalState:
    """What the servers share: the site, its routes, test overrides and the request log."""

    def __init__(self, root: Path, manifest: FamiliesManifest, gate: bool, crawl_delay: float | None,
                 latency: float) -> None:
        self.root, self.manifest, self.routes = root, manifest, manifest.routes
        self.gate, self.crawl_delay, self.latency = gate, crawl_delay, latency
        self.token = secrets.token_hex(8)
        self.origins: dict[str, str] = {}
        self.overrides: dict[tuple[str, str], Override] = {}
        self.hits: list = []
        self.answered_once: set[tuple[str, str]] = set()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answer_limit: int | None = None  # hold every request past this many (hold_after)
        self.arrived = 0  # requests since the limit was set
        self.document_limit: int | None = None  # hold once this many documents were answered
        self.documents_answered = 0  # (hold_after_documents)
        self.document_paths = {document_path(ref) for ref in manifest.documents(gate=True)}
        self.waiting = 0  # requests held now
        self.released = threading.Event()

    def hold_after(self, count: int) -> None:
        with self.lock:
            self.answer_limit, self.arrived = count, 0
            self.released.clear()

    def hold_after_documents(self, count: int) -> None:
        with self.lock:
            self.document_limit, self.documents_answered = count, 0
            self.released.clear()

    def release(self) -> None:
        with self.lock:
            self.answer_limit = self.document_limit = None
        self.released.set()

    def answered(self, role: str, path: str, status: int) -> None:
        """Count a report document sent whole (for hold_after_documents)."""
        if status == 200 and (role, path) in self.document_paths:
            with self.lock:
                self.documents_answered += 1

    def take_turn(self) -> None:
        """Past the answer limit, wait (counted in `waiting`) until released or stopped."""
        with self.lock:
            self.arrived += 1
            held = ((self.answer_limit is not None and self.arrived > self.answer_limit)
                    or (self.document_limit is not None and self.documents_answered >= self.document_limit))
            self.waiting += held
        if held:
            self.released.wait(600)
            with self.lock:
                self.waiting -= 1

    def first_time(self, role: str, key: str) -> bool:
        with self.lock:
            if (role, key) in self.answered_once:
                return False
            self.answered_once.add((role, key))
            return True


def document_path(ref: str) -> tuple[str, str]:
    """(server role, URL path) of a manifest document reference ("/p", "tls:/p", "gate:/p",
    "/bundle.zip#member": the bundle itself)."""
    role, _, path = ref.partition(":") if ref.startswith(("tls:", "gate:")) else ("main", "", ref)
    return role, path.partition("#")[0]


class FamiliesServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], role: str, state: PortalState,
                 context: ssl.SSLContext | None = None) -> None:
        super().__init__(address, FamiliesHandler)
        self.role, self.state = role, state
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def not_modified(headers: object, etag: str, modified: float) -> bool:
    match = headers.get("If-None-Match")  # type: ignore[attr-defined]
    if match is not None:
        return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    since = headers.get("If-Modified-Since")  # type: ignore[attr-defined]
    if since:
        try:
            return email.utils.parsedate_to_datetime(since).timestamp() >= int(modified)
        except (TypeError, ValueError):
            return False
    return False


def disposition(name: str, style: str) -> str:
    if style == "rfc5987":
        return f"attachment; filename*=UTF-8''{quote(name)}"
    return 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'  # raw GBK bytes


class FamiliesHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FamiliesServer
    answered: float  # see Hit.answered

    def do_GET(self) -> None:  # noqa: N802 (stdlib names)
        self.answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self.answer("POST")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def answer(self, method: str) -> None:
        state, role = self.server.state, self.server.role
        started = time.monotonic()
        self.answered = 0.0
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state.take_turn()
        time.sleep(state.latency)
        reply = self.route(method, body)
        sent = self.send(reply, method)
        state.answered(role, unquote(urlsplit(self.path).path), reply.status)
        state.hits.append(Hit(
            method, self.path, self.headers.get("Host", ""), reply.status,
            utf8_header(self.headers.get("User-Agent", "")), role=role, started=started,
            answered=self.answered, ended=time.monotonic(), sent=sent, body=body[:400].decode("latin-1"),
            conditional=bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")),
            browser="Sec-Fetch-Mode" in self.headers or "sec-ch-ua" in self.headers))

    def gatekeeper(self, path: str) -> Reply | None:
        """Test overrides that are a bare status, robots.txt, the gate, 429/503 once."""
        state, role = self.server.state, self.server.role
        override = state.overrides.get((role, path))
        if override is not None and override.body is None:
            return Reply(override.status, NOT_FOUND if override.status >= 400 else b"",
                         {"Content-Type": "text/html"})
        if path == "/robots.txt":
            return self.file_reply("/robots.txt", extra_robots=role != "gate")
        if role == "gate" and not self.gate_passed():
            return Reply(412, challenge_page(state.token).encode(),
                         {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})
        once = state.routes.status_once.get(path)
        if once and state.first_time(role, path):
            return Reply(once[0], b"<html><body>busy</body></html>",
                         {"Content-Type": "text/html", "Retry-After": str(once[1])})
        return None

    def route(self, method: str, body: bytes) -> Reply:
        state, role, routes = self.server.state, self.server.role, self.server.state.routes
        target = self.path
        path = unquote(urlsplit(target).path)
        early = self.gatekeeper(path)
        if early is not None:
            return early
        override = state.overrides.get((role, path))
        for key in (target, path):
            if key in routes.redirects:
                return Reply(302, b"", {"Location": routes.redirects[key]})
        if path in routes.dataproxy:
            return self.dataproxy(method, path, body)
        if path in routes.hang:
            return Reply(200, hang=True)
        if path in routes.big:
            return Reply(200, headers={"Content-Type": "application/pdf"}, stream=routes.big[path])
        if override is not None:
            return self.conditional(override.body or b"", time.time(),
                                    {"Content-Type": override.content_type}, 0.0)
        if path in routes.soft404:
            return Reply(200, SOFT_404.encode(), {"Content-Type": "text/html; charset=utf-8"})
        return self.file_reply(routes.aliases.get(target, path), target=target)

    def gate_passed(self) -> bool:
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return False
        morsel = cookie.get("nbgate")
        return morsel is not None and unquote(morsel.value) == challenge_answer(self.server.state.token)

    def site_file(self, path: str) -> Path | None:
        state, role = self.server.state, self.server.role
        if role != "gate" and path.startswith(HIDDEN):
            return None
        root = state.root / GATE_ROOT.lstrip("/") if role == "gate" else state.root
        candidate = (root / path.lstrip("/")).resolve()
        if not str(candidate).startswith(str(root.resolve())):
            return None
        if candidate.is_dir():
            candidate = next((candidate / n for n in ("index.html", "index.htm")
                              if (candidate / n).is_file()), candidate)
        return candidate if candidate.is_file() else None

    def file_reply(self, path: str, target: str = "", extra_robots: bool = False) -> Reply:
        state, routes = self.server.state, self.server.state.routes
        found = self.site_file(path)
        if found is None:
            return Reply(404, NOT_FOUND, {"Content-Type": "text/html; charset=utf-8"})
        data = self.fill_origins(found.read_bytes()) if found.suffix in (".html", ".htm") else found.read_bytes()
        if extra_robots and state.crawl_delay:
            data += f"Crawl-delay: {state.crawl_delay}\n".encode()
        headers = {"Content-Type": routes.content_types.get(path, TYPES.get(found.suffix, "application/octet-stream"))}
        if found.suffix == ".htm" and any(path.startswith(p) for p in routes.gbk_prefixes):
            headers["Content-Type"] = "text/html; charset=UTF-8"  # the bytes are GBK
        name = routes.dispositions.get(target) or routes.dispositions.get(path)
        if name:
            headers.update({"Content-Type": "application/octet-stream",
                            "Content-Disposition": disposition(name[0], name[1])})
        return self.conditional(data, found.stat().st_mtime, headers, routes.slow.get(path, 0.0))

    def fill_origins(self, data: bytes) -> bytes:
        state = self.server.state
        if GATE_BLOCK[0].encode() in data and not state.gate:
            head, _, rest = data.partition(GATE_BLOCK[0].encode())
            data = head + rest.partition(GATE_BLOCK[1].encode())[2]
        for marker, role in ((TLS_ORIGIN, "tls"), (GATE_ORIGIN, "gate")):
            data = data.replace(marker.encode(), state.origins.get(role, "").encode())
        return data

    def conditional(self, data: bytes, modified: float, headers: dict[str, str], delay: float) -> Reply:
        etag = etag_of(data)
        headers = {**headers, "ETag": etag,
                   "Last-Modified": email.utils.formatdate(modified, usegmt=True)}
        if not_modified(self.headers, etag, modified):
            return Reply(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"}, delay)
        return Reply(200, data, headers, delay)

    def dataproxy(self, method: str, path: str, body: bytes) -> Reply:
        if method != "POST":
            return Reply(405, b"POST only", {"Allow": "POST", "Content-Type": "text/plain"})
        query = parse_qs(urlsplit(self.path).query)
        form = parse_qs(body.decode("utf-8", "replace"))
        records = self.server.state.routes.dataproxy[path].get((form.get("columnid") or [""])[0])
        if records is None:
            return Reply(200, hanweb_proxy_xml([], 0, 1).encode(), {"Content-Type": "text/xml; charset=utf-8"})
        start = int((query.get("startrecord") or ["1"])[0])
        end = int((query.get("endrecord") or [str(len(records))])[0])
        per = int((query.get("perpage") or ["15"])[0])
        xml = hanweb_proxy_xml(records[start - 1:end], len(records), per)
        return Reply(200, xml.encode(), {"Content-Type": "text/xml; charset=utf-8"})

    def send(self, reply: Reply, method: str) -> int:
        state = self.server.state
        if reply.delay:
            time.sleep(reply.delay)
        self.answered = time.monotonic()  # before any byte: see Hit.answered
        if reply.hang:
            state.stop.wait(120)  # never answers while the portal runs
            self.close_connection = True
            return 0
        size = reply.stream or len(reply.body)
        headers = dict(reply.headers)
        if reply.status != 304:
            headers["Content-Length"] = str(size)
        self.send_response(reply.status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        head = 40 + sum(len(k) + len(v) + 4 for k, v in headers.items())  # status line ~40
        if method == "HEAD" or reply.status == 304:
            return head
        try:
            self.write_body(reply, size)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        return head + size

    def write_body(self, reply: Reply, size: int) -> None:
        if not reply.stream:
            self.wfile.write(reply.body)
            return
        self.wfile.write(b"%PDF-1.4\n")
        left = size - 9
        while left > 0:
            self.wfile.write(bytes(min(65536, left)))
            left -= 65536


def self_signed_context(workdir: Path) -> ssl.SSLContext:
    """A TLS context with a fresh self-signed certificate for 127.0.0.1 (cryptography)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    workdir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = workdir / "cert.pem", workdir / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


class FamiliesServers:
    """The running servers: main (port `port`), its https mirror, the gated host."""

    def __init__(self, host: str, port: int, root: Path, manifest: FamiliesManifest, *, gate: bool,
                 crawl_delay: float | None, latency: float) -> None:
        self.state = PortalState(root, manifest, gate, crawl_delay, latency)
        self.host, self.port = host, port
        self.servers: dict[str, FamiliesServer] = {}
        self.threads: list[threading.Thread] = []

    def start(self, certs: Path) -> FamiliesServers:
        roles = [("main", self.port, None), ("tls", 0, self_signed_context(certs))]
        if self.state.gate:
            roles.append(("gate", 0, None))
        for role, port, context in roles:
            server = FamiliesServer((self.host, port), role, self.state, context)
            self.servers[role] = server
            scheme = "https" if context else "http"
            self.state.origins[role] = f"{scheme}://{self.host}:{server.server_address[1]}"
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"fixture-families-{role}", daemon=True)
            thread.start()
            self.threads.append(thread)
        self.port = self.servers["main"].server_address[1]
        return self

    def stop(self) -> None:
        self.state.stop.set()
        self.state.release()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        self.servers.clear()
        self.threads.clear()
