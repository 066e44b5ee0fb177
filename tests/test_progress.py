"""The progress line (archive/progress.py) of ingest, export and reparse: drawn on a
terminal only. The export is run as a real `nianbao export` child with its stderr on a
pseudo-terminal (pty), and again on a pipe."""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from archive.db import Archive
from archive.progress import progress
from crawler.progress import progress as crawler_progress
from tests.synthetic_archive import sample_archive


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_on_a_terminal_and_stays_silent_elsewhere() -> None:
    term, pipe = _Terminal(), io.StringIO()
    tick, quiet = progress(3, term), progress(3, pipe)
    for _ in range(3):
        tick(None)
        quiet(None)
    tick.done()
    quiet.done()
    last = term.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 24 + "] 3/3 documents") and last.rstrip().endswith("/s")
    assert term.getvalue().endswith("\n")  # done() ends the line
    assert pipe.getvalue() == "" and quiet.count == 3


def test_done_draws_the_count_a_skipped_redraw_left_out() -> None:
    term = _Terminal()
    tick = progress(None, term, unit="rows")
    for _ in range(5):
        tick("row")
    tick.done()
    assert term.getvalue().rstrip("\n").split("\r")[-1].startswith("5 rows ")


def test_the_crawler_name_is_the_same_progress() -> None:
    assert crawler_progress is progress


def nianbao(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], **kwargs)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    root = sample_archive(tmp_path_factory.mktemp("progress") / "data")
    with Archive.open(root) as arc:
        cells = arc.db.execute("SELECT count(*) FROM cells").fetchone()[0]
    return root, cells


def _read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal's last writer
            return out
        if not chunk:
            return out
        out += chunk


def test_export_draws_its_count_on_a_terminal(archive, tmp_path) -> None:
    root, cells = archive
    master, slave = pty.openpty()
    proc = nianbao("export", "--format", "csv", "--table", "cells", "--out",
                   str(tmp_path / "cells.csv"), "--archive", str(root),
                   stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    drawn = _read_all(master).decode("utf-8")
    os.close(master)
    assert proc.wait(timeout=120) == 0, drawn
    assert cells > 100
    lines = drawn.replace("\r\n", "\n").split("\n")
    bar = [line for line in lines if "\r" in line]
    assert bar, drawn
    assert bar[0].split("\r")[-1].startswith(f"[{'#' * 24}] {cells}/{cells} rows")
    assert lines[lines.index(bar[0]) + 1] == f"wrote {cells} rows to {tmp_path / 'cells.csv'}"


def test_export_draws_nothing_without_a_terminal(archive, tmp_path) -> None:
    root, cells = archive
    proc = nianbao("export", "--format", "xlsx", "--out", str(tmp_path / "all.xlsx"),
                   "--archive", str(root), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out == b"" and b"\r" not in err and b"#" not in err
    assert err.decode("utf-8").splitlines()[-1].startswith("wrote ")


def test_reparse_draws_its_count_on_a_terminal(archive, tmp_path) -> None:
    root, _ = archive
    with Archive.open(root) as arc:
        copies = arc.counts()["copies"]
    master, slave = pty.openpty()
    proc = nianbao("reparse", "--archive", str(root), stdin=subprocess.DEVNULL, stdout=slave,
                   stderr=slave)
    os.close(slave)
    drawn = _read_all(master).decode("utf-8")
    os.close(master)
    assert proc.wait(timeout=300) == 0, drawn
    bar = [line for line in drawn.replace("\r\n", "\n").split("\n") if "\r" in line]
    assert bar and bar[-1].split("\r")[-1].startswith(f"[{'#' * 24}] {copies}/{copies} copies"), drawn
    assert drawn.rstrip().splitlines()[-1].startswith("re-parsed: ")
