"""Bad input: one clear line, a non-zero exit, never a traceback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _nianbao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("name,data", [
    ("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"),
    ("empty.html", b""),
    ("noise.bin", bytes(range(256)) * 8),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 64),
])
def test_parse_bad_file_is_one_line_error(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    run = _nianbao("parse", str(path), "--json")
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and name in lines[0]
    assert run.stdout == ""


def test_show_unknown_id_and_missing_archive(tmp_path: Path) -> None:
    missing = _nianbao("list", "--archive", str(tmp_path / "nothing-here"))
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "no archive" in missing.stderr


def test_ingest_keeps_an_unreadable_file_with_its_reason(tmp_path: Path, seeds_dir: Path) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"%PDF-1.4\n%truncated")
    archive = tmp_path / "arc"
    run = _nianbao("ingest", str(bad), str(seeds_dir / "001_b52cc8c9a01f7305.txt"), "--archive", str(archive))
    assert run.returncode == 2, run.stderr  # partial: one document failed
    assert "Traceback" not in run.stderr
    from archive.db import Archive

    with Archive.open(archive) as arc:
        failed = arc.failed_copies()
        assert len(failed) == 1 and failed[0]["error"]
        assert arc.blobs.read(failed[0]["sha256"]) == bad.read_bytes()  # the bytes are kept
        assert arc.counts()["reports"] == 1


def test_crawl_of_an_unreachable_portal_counts_its_failures_and_says_so(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    run = _nianbao("crawl", f"http://127.0.0.1:{port}/", "--archive", str(tmp_path / "arc"),
                   "--fast", "-s", "RETRY_TIMES=0")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    failed = next(line for line in run.stdout.splitlines() if line.startswith("URLs failed:"))
    assert int(failed.split()[2]) >= 1
    assert run.stdout.rstrip().splitlines()[-1].startswith("Nothing was fetched:")
