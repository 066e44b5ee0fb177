"""WARC/1.1 capture of a crawl's HTTP exchanges, with warcio.

Why here: the WARC files are crawl state like the others (what was fetched, when, from
where), so the crawl-state handle owns the one writer. The Scrapy side
(crawler/capture.py) only turns a request/response pair into an `Exchange`.

Files: `<archive>/warcs/nianbao-<run>-<seq>-<stamp>.warc.gz`, one gzip member per record
(so a record can be read at its offset), a `warcinfo` record first in each file, rotated
when a file passes `WARC_MAX_SIZE`. A file being written is named `….warc.gz.open`; it loses
the suffix when closed. Files are appended to, never rewritten: the one exception is the
tail a killed crawl left, a partial record, cut when the next crawl starts (`repair`).
Every record written is indexed in `crawl_warc_records` after its bytes are flushed, so an
index row never points at bytes that are not in the file.
"""
from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)
WARCS_DIR = "warcs"
OPEN_SUFFIX = ".open"
DEFAULT_MAX_SIZE = 1024 ** 3


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and the answer to it, as the crawler saw them."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    protocol: str
    response_headers: list[tuple[str, str]]
    payload: bytes  # as received: still content-encoded, already de-chunked
    fetched_by: str = "http"  # "browser": a rendered page (scrapy-playwright)


@dataclass(frozen=True, slots=True)
class Location:
    warc_file: str  # the file's name under warcs/
    offset: int
    length: int


def payload_digest(payload: bytes) -> str:
    """The WARC-Payload-Digest warcio writes: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def members(path: Path, chunk: int = 1 << 16) -> tuple[list[tuple[int, int]], int]:
    """The complete gzip members of `path` as (offset, length), and where the complete
    part ends (the file's size when nothing partial follows)."""
    data = memoryview(path.read_bytes())
    found: list[tuple[int, int]] = []
    pos = 0
    while pos < len(data):
        inflater, cur = zlib.decompressobj(zlib.MAX_WBITS | 16), pos
        try:
            while not inflater.eof and cur < len(data):
                inflater.decompress(data[cur:cur + chunk])
                cur = min(cur + chunk, len(data))
        except zlib.error:
            break
        if not inflater.eof:
            break
        end = cur - len(inflater.unused_data)
        found.append((pos, end - pos))
        pos = end
    return found, pos


def repair(directory: Path) -> list[str]:
    """Files a killed crawl left open: their partial last record is cut, and they are
    closed (the suffix dropped). Returns the names repaired."""
    repaired = []
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        _, good = members(path)
        if good < path.stat().st_size:
            logger.warning("%s: cutting a partial record at byte %d", path.name, good)
            with open(path, "r+b") as handle:
                handle.truncate(good)
        path.rename(path.with_name(path.name[: -len(OPEN_SUFFIX)]))
        repaired.append(path.name)
    return repaired


def _http_headers(ex: Exchange) -> tuple[StatusAndHeaders, StatusAndHeaders]:
    request = StatusAndHeaders(f"{ex.method} {_path_of(ex.url)} HTTP/1.1", ex.request_headers,
                               is_http_request=True)
    response = StatusAndHeaders(f"{ex.status} {ex.reason}".strip(), ex.response_headers,
                                protocol=ex.protocol or "HTTP/1.1")
    return request, response


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WarcWriter:
    """Writes a run's exchanges; `index` is the crawl-state database (crawl_warc_records)."""

    def __init__(self, directory: Path, index: Database, run_id: int, info: dict[str, str],
                 max_size: int = DEFAULT_MAX_SIZE) -> None:
        self.directory, self.index, self.run_id = directory, index, run_id
        self.info, self.max_size = info, max_size
        self.seq = 0
        self.handle: Any = None
        self.name = ""
        self.writer: WARCWriter | None = None
        directory.mkdir(parents=True, exist_ok=True)

    def _open_next(self) -> None:
        self.close()
        self.seq += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.name = f"nianbao-{self.run_id:05d}-{self.seq:05d}-{stamp}.warc.gz"
        self.handle = open(self.directory / (self.name + OPEN_SUFFIX), "xb")
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        record = self.writer.create_warcinfo_record(self.name, self.info)
        self._write(record, None)

    def close(self) -> None:
        if self.handle is None:
            return
        self.handle.close()
        os.replace(self.directory / (self.name + OPEN_SUFFIX), self.directory / self.name)
        self.handle = self.writer = None

    def _write(self, record: Any, status: int | None) -> Location:
        assert self.writer is not None
        offset = self.handle.tell()
        self.writer.write_record(record)  # one gzip member, flushed
        where = Location(self.name, offset, self.handle.tell() - offset)
        headers = record.rec_headers
        self.index.execute(
            "INSERT INTO crawl_warc_records (record_id, run_id, type, url, date, status, digest,"
            " warc_file, offset, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [headers.get_header("WARC-Record-ID"), self.run_id, record.rec_type,
             headers.get_header("WARC-Target-URI") or "", headers.get_header("WARC-Date"),
             status, headers.get_header("WARC-Payload-Digest"), where.warc_file, where.offset,
             where.length])
        return where

    def original(self, digest: str) -> tuple[str, str] | None:
        """The first response record with this payload digest: (its URI, its date)."""
        row = next(self.index.query(
            "SELECT url, date FROM crawl_warc_records WHERE digest = ? AND type = 'response'"
            " ORDER BY date LIMIT 1", [digest]), None)
        return (row["url"], row["date"]) if row else None

    def write(self, ex: Exchange) -> Location:
        """The exchange as a response (or revisit) record and its request record."""
        if self.writer is None or self.handle.tell() >= self.max_size:
            self._open_next()
        assert self.writer is not None
        req_http, resp_http = _http_headers(ex)
        extra = {"WARC-Nianbao-Fetched-By": ex.fetched_by} if ex.fetched_by != "http" else {}
        digest = payload_digest(ex.payload)
        seen = self.original(digest) if ex.payload and 200 <= ex.status < 300 else None
        if seen is not None:
            response = self.writer.create_revisit_record(ex.url, digest, seen[0], seen[1],
                                                         http_headers=resp_http,
                                                         warc_headers_dict=extra)
        else:
            response = self.writer.create_warc_record(
                ex.url, "response", payload=io.BytesIO(ex.payload), length=len(ex.payload),
                http_headers=resp_http, warc_headers_dict=extra)
        request = self.writer.create_warc_record(
            ex.url, "request", payload=io.BytesIO(ex.request_body), length=len(ex.request_body),
            http_headers=req_http)
        request.rec_headers.replace_header("WARC-Date", response.rec_headers.get_header("WARC-Date"))
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        where = self._write(response, ex.status)
        self._write(request, None)
        return where
