"""Zip bundles of reports, unpacked in memory with limits: nothing is written to disk, a
member whose name climbs out of the bundle (../, /abs, C:) is refused, and a bundle that
would inflate past the member-count, total-size or compression-ratio limits is refused
whole (a decompression bomb)."""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from pipelines.sniff import sniff

MEMBER_FORMATS = {"pdf", "doc", "docx", "wps", "xls", "xlsx", "ofd", "html"}


@dataclass(slots=True, frozen=True)
class Limits:
    max_members: int = 200
    max_total: int = 500 * 1024 * 1024  # bytes, all members inflated
    max_member: int = 200 * 1024 * 1024
    max_ratio: float = 100.0  # inflated / compressed, for members above `ratio_floor`
    ratio_floor: int = 1024 * 1024


class BundleRefused(ValueError):
    """The bundle breaks a limit or cannot be read; the message says which."""


@dataclass(slots=True, frozen=True)
class Member:
    name: str  # the member's path inside the bundle, normalised
    data: bytes
    format: str


def member_name(info: zipfile.ZipInfo) -> str:
    """The name as the archiver meant it: UTF-8 when flagged, else GBK (Chinese WinRAR)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    try:
        return raw.decode("gbk")
    except UnicodeDecodeError:
        return info.filename


def safe_name(name: str) -> str | None:
    """The member's path if it stays inside the bundle, else None."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal == ".." or "/../" in f"/{normal}/":
        return None
    return normal


def check_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    files = [i for i in infos if not i.is_dir()]
    if len(files) > limits.max_members:
        raise BundleRefused(f"{len(files)} members (limit {limits.max_members})")
    total = sum(i.file_size for i in files)
    if total > limits.max_total:
        raise BundleRefused(f"{total} bytes inflated (limit {limits.max_total})")
    for info in files:
        if info.file_size > limits.max_member:
            raise BundleRefused(f"member of {info.file_size} bytes (limit {limits.max_member})")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise BundleRefused(f"compression ratio {ratio:.0f} (limit {limits.max_ratio:.0f})")


def unpack(body: bytes, limits: Limits) -> tuple[list[Member], list[str]]:
    """The bundle's document members, and a reason for each member left out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise BundleRefused(f"not a readable zip: {exc}") from exc
    with archive:
        infos = archive.infolist()
        check_limits(infos, limits)
        members, skipped = [], []
        for info in infos:
            if info.is_dir():
                continue
            name = safe_name(member_name(info))
            if name is None:
                skipped.append(f"unsafe name {info.filename!r}")
                continue
            member = read_member(archive, info, name, skipped)
            if member is not None:
                members.append(member)
    return members, skipped


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                skipped: list[str]) -> Member | None:
    try:  # bounded by the declared size; reading to the end checks the member's CRC-32
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        crc = "CRC" in str(exc)
        skipped.append(f"{name!r} fails its CRC-32 check (corrupt member)" if crc
                       else f"unreadable {name!r}: {exc}")
        return None
    if len(data) > info.file_size:
        skipped.append(f"{name!r} larger than declared")
        return None
    kind = sniff(data, name)
    if kind.format == "zip":
        skipped.append(f"nested bundle {name!r}")  # not unpacked: one level only
        return None
    if kind.format not in MEMBER_FORMATS:
        skipped.append(f"{name!r} is {kind.format}, not a document")
        return None
    return Member(name, data, kind.format)
