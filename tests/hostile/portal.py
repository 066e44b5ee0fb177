"""A test-only portal that serves the bombs: one annual-report column listing a good report
and hostile documents, as the detail pages and attachments a real column links.

Everything is in memory, served by http.server on 127.0.0.1:0 in a thread (the pattern of
crawler/fixture_portal/server.py). Attachments hang off detail pages as `附件` links; the
HTML bombs are detail pages themselves, since an HTML answer at an attachment link is an
error page to the spider, not a document.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

SITE = "中卫市沙坡头区人民政府"
COLUMN = "/xxgk/zfxxgknb/index.html"
TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_{SITE}</title>'
            f'<meta name="ArticleTitle" content="{title}"></head><body>'
            f'<div class="nav"><a href="/index.html">首页</a> <a href="/xxgk/index.html">信息公开</a></div>'
            f'<div class="main">{body}</div><div class="footer">主办单位：{SITE}办公室</div></body></html>')


def article(title: str, content: str, date: str = "2021-01-15") -> str:
    return page(title, f'<div class="article"><h1>{title}</h1><div class="article-info">'
                       f'<span>发布时间：{date} 10:30</span><span>来源：{SITE}</span></div>'
                       f'<div class="article-content">{content}</div></div>')


def listing(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{href}" title="{text}">{text}</a><span class="date">2021-01-15</span></li>'
                    for href, text in links)
    return page("政府信息公开年报", f'<div class="list"><h2>政府信息公开年报</h2><ul class="list-ul">{items}</ul></div>')


@dataclass
class BombPortal:
    """`with BombPortal() as portal: portal.add_…(); portal.url`; `served` is the path → bytes map."""

    served: dict[str, bytes] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # the column's (href, text)
    requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def add_page(self, path: str, title: str, html: bytes) -> None:
        """A detail page of the column (an HTML document, good or hostile)."""
        self.served[path] = html
        self.links.append((path, title))

    def add_attachment(self, path: str, title: str, data: bytes, n: int) -> str:
        """A detail page whose body links the file as its 附件; returns the file's path."""
        name = path.rsplit("/", 1)[-1]
        detail = f"/xxgk/zfxxgknb/202101/t20210115_{n:07d}.html"
        body = (f"<p>{title}全文见附件。</p>"
                f'<p>附件：<a href="{path}">{name}</a></p>')
        self.add_page(detail, title, article(title, body).encode("utf-8"))
        self.served[path] = data
        return path

    def _finish(self) -> None:
        root = page(SITE, f'<ul><li><a href="/xxgk/index.html">信息公开</a></li>'
                          f'<li><a href="{COLUMN}">政府信息公开年报</a></li></ul>')
        self.served["/index.html"] = self.served["/"] = root.encode("utf-8")
        self.served["/xxgk/index.html"] = page("信息公开", f'<a href="{COLUMN}">政府信息公开年报</a>').encode("utf-8")
        self.served[COLUMN] = listing(self.links).encode("utf-8")
        self.served["/robots.txt"] = b"User-agent: *\nAllow: /\n"

    def start(self) -> BombPortal:
        self._finish()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (stdlib name)
                path = self.path.split("?", 1)[0]
                portal.requests.append(path)
                body = portal.served.get(path)
                ext = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ".html"
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                         name="bomb-portal", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> BombPortal:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
