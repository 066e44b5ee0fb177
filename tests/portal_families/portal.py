"""`FamiliesPortal`: the CMS-families portal's servers, as the tests drive them."""
from __future__ import annotations

from types import TracebackType

from crawler.fixture_portal import Hit, cache_root

from .build import ensure_families_site
from .manifest import FamiliesManifest
from .server import FamiliesServers, Override


class FamiliesPortal:
    """`with FamiliesPortal(gate=True) as portal: portal.url, portal.manifest, portal.hits`.

    `gate` adds the 412-gated host, `crawl_delay` a Crawl-delay line to robots.txt,
    `latency` seconds to every answer."""

    manifest: FamiliesManifest

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, gate: bool = False,
                 crawl_delay: float | None = None, latency: float = 0.0) -> None:
        self.host, self.port = host, port
        self._options = {"gate": gate, "crawl_delay": crawl_delay, "latency": latency}
        self._servers: FamiliesServers | None = None

    def start(self) -> FamiliesPortal:
        self.root, self.manifest = ensure_families_site()
        self._servers = FamiliesServers(self.host, self.port, self.root, self.manifest,
                                        **self._options).start(cache_root() / "tls")
        self.port = self._servers.port
        return self

    def stop(self) -> None:
        if self._servers:
            self._servers.stop()
            self._servers = None

    @property
    def running(self) -> FamiliesServers:
        assert self._servers is not None, "the portal is not running"
        return self._servers

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def url_for(self, path: str) -> str:
        return self.url + path.lstrip("/")

    @property
    def origins(self) -> dict[str, str]:
        """role ("main", "tls", "gate") -> "scheme://127.0.0.1:PORT"."""
        return dict(self.running.state.origins)

    def origin(self, role: str) -> str:
        return self.running.state.origins[role]

    def url_of(self, ref: str) -> str:
        """The absolute URL of a manifest reference ("/p", "tls:/p", "gate:/p")."""
        role, _, path = ref.partition(":") if ref.startswith(("tls:", "gate:")) else ("main", "", ref)
        return self.origin(role) + path

    def override(self, path: str, body: bytes | None = None, status: int = 200,
                 role: str = "main", content_type: str = "text/html; charset=utf-8") -> None:
        """Answer `path` with these bytes (body None: just `status`) from now on."""
        self.running.state.overrides[(role, path)] = Override(status, body, content_type)

    def clear_overrides(self) -> None:
        self.running.state.overrides.clear()

    def hold_after(self, count: int) -> None:
        """Answer `count` more requests, then hold every further one until `release()`: a
        client cannot finish meanwhile, so a test can act on it mid-way, whatever its speed."""
        self.running.state.hold_after(count)

    def hold_after_documents(self, count: int) -> None:
        """Answer until `count` report documents have been sent, then hold every further
        request until `release()`: the client is mid-way with that many documents in hand,
        whatever order it asked for pages and documents in."""
        self.running.state.hold_after_documents(count)

    def release(self) -> None:
        self.running.state.release()

    @property
    def waiting(self) -> int:
        """How many requests are being held now."""
        return self.running.state.waiting

    @property
    def hits(self) -> list[Hit]:
        return list(self.running.state.hits)

    def __enter__(self) -> FamiliesPortal:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
