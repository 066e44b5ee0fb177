"""Per-document limits (pipelines/limits.py): hostile files generated here (a PDF whose one
Flate stream inflates far past the cap, an HTML colspan bomb, a DOCX whose document.xml
declares more than the cap, a reader that never returns) end as a one-line reason within
the caps, through the real `nianbao` command and real worker processes."""
from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from concurrent.futures import CancelledError
from pathlib import Path

import pytest

from pipelines.limits import LimitExceeded, Limits, Workers
from pipelines.task import ParseTask

REPO = Path(__file__).resolve().parent.parent
REAPER = Path(__file__).resolve().parent / "hostile" / "reaper.py"
SEED = REPO / "crawler" / "fixture_portal" / "seeds" / "000_1ec810995bb02083.txt"
CAP_MB = 300
CAPS = ["--memory-mb", str(CAP_MB), "--timeout", "20"]


def pdf_bomb(inflated_mb: int = 160) -> bytes:
    """One page whose content stream (~0.5 MB as Flate) inflates to `inflated_mb` of text
    operators, in raw PDF syntax."""
    op = b"BT /F1 1 Tf 10 10 Td (aaaaaaaaaa) Tj ET\n"
    stream = zlib.compress(op * (inflated_mb * 1024 * 1024 // len(op)), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def html_bomb() -> bytes:
    cells = '<td colspan="1000" rowspan="1000">1</td>' * 10
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(100))
    return f"<html><body><p>2023年政府信息公开工作年度报告</p><table>{rows}</table></body></html>".encode()


def docx_bomb(inflated_mb: int = CAP_MB + 20) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w") as member:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                member.write(chunk)
    return buf.getvalue()


def run_nianbao(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], int]:
    """`nianbao ARGS` and the largest max RSS (MB) of it and every process it started, measured
    by a subreaper of its own (tests/hostile/reaper.py): RUSAGE_CHILDREN of this process would
    carry the peak of every earlier test's children, and workers may outlive the command."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        run = subprocess.run([sys.executable, str(REAPER), str(report), "5", sys.executable, "-m",
                              "crawler.cli", *args], capture_output=True, text=True, cwd=REPO,
                             env={**os.environ, **(env or {})}, timeout=240)
        figures = json.loads(report.read_text())
    run.returncode = figures["code"]
    run.leftovers = figures["leftovers"]  # processes still alive 5 s after the command ended
    return run, figures["max_rss_kb"] // 1024


def one_line_error(run: subprocess.CompletedProcess[str]) -> str:
    lines = run.stderr.strip().splitlines()
    assert "Traceback" not in run.stderr and len(lines) == 1, run.stderr
    return lines[0]


@pytest.mark.parametrize("name, make, reason", [
    ("bomb.pdf", pdf_bomb, f"too large when decompressed: over the {CAP_MB} MB memory cap"),
    ("bomb.html", html_bomb, "table too large: 40000000 cells"),
    ("bomb.docx", docx_bomb, f"too large when decompressed: {CAP_MB + 20} MB declared, over the {CAP_MB} MB"),
])
def test_parse_of_a_bomb_fails_with_its_reason_under_the_cap(tmp_path, name, make, reason) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    run, max_rss_mb = run_nianbao("parse", str(path), *CAPS)
    assert run.returncode == 1
    assert reason in one_line_error(run)
    assert max_rss_mb < CAP_MB


def fake_soffice(tmp_path: Path) -> dict[str, str]:
    """A PATH whose `soffice` never returns: a DOC whose reader hangs. Like the real one (a
    script starting oosplash starting soffice.bin) the process that hangs is a grandchild."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text("#!/bin/sh\nsh -c 'sleep 600' &\nwait\n")
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def ole2_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0" * 512


def test_parse_of_a_hanging_reader_times_out(tmp_path) -> None:
    path = tmp_path / "hangs.doc"
    path.write_bytes(ole2_doc())
    run, _ = run_nianbao("parse", str(path), "--timeout", "3", env=fake_soffice(tmp_path))
    assert run.returncode == 1
    assert one_line_error(run).endswith("hangs.doc: timed out after 3 s")
    # the killed worker's LibreOffice died with it, grandchildren too
    assert run.leftovers == []


def test_ingest_archives_a_bomb_as_failed_with_the_reason(tmp_path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_bomb())
    archive = tmp_path / "archive"
    run, _ = run_nianbao("ingest", str(bomb), str(SEED), "--archive", str(archive), *CAPS)
    assert run.returncode == 2, run.stderr
    with sqlite3.connect(archive / "archive.db") as db:
        rows = dict(db.execute("SELECT filename, status || ': ' || COALESCE(error, '') FROM copies"))
    assert rows["bomb.pdf"].startswith("failed: too large when decompressed: over the 300 MB")
    assert rows[SEED.name] == "parsed: "
    assert list((archive / "blobs").rglob("*")), "the bomb's blob is kept"


def test_a_seed_parses_identically_through_the_pool_and_in_process() -> None:
    pooled, _ = run_nianbao("parse", str(SEED), "--json", "--explain")
    inline, _ = run_nianbao("parse", str(SEED), "--json", "--explain", "--workers", "0")
    assert pooled.returncode == inline.returncode == 0, pooled.stderr
    assert json.loads(pooled.stdout) == json.loads(inline.stdout)
    assert json.loads(pooled.stdout)["year"] == 2020


def test_a_scanned_report_parses_under_the_default_caps(tmp_path) -> None:
    """OCR is the heaviest honest reader: a two-page scan, read the way every command and
    the crawl read it (a worker under the default caps), parses. At a 1 GiB cap it failed
    as "too large when decompressed": detection and recognition engines hold ~1.1 GB of
    data memory at their peak."""
    from tests import render
    from tests.scoring import problems

    gold, report = render.gold_reports()["001"]
    run, _ = run_nianbao("parse", str(render.render(report, "scan")), "--json")
    assert run.returncode == 0, one_line_error(run)
    assert problems(gold, json.loads(run.stdout)) == []


# -- the pool itself, with test-only functions (module level: the workers import them) -----

def sleep_forever() -> None:
    while True:
        time.sleep(1)


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


READERS = ("trafilatura", "pipelines.htmldoc", "pipelines.pdf", "pypdfium2.raw", "docx")
OCR_STACK = ("onnxruntime", "rapidocr", "pipelines.ocr")


def loaded(names: tuple[str, ...]) -> list[str]:
    """In a worker: which of these modules it has imported (before any document)."""
    return [name for name in names if name in sys.modules]


def test_a_worker_starts_with_the_text_readers_loaded_and_without_ocr() -> None:
    """The forkserver imports the readers once (limits.PRELOAD), so neither a new worker nor
    one replacing a worker killed at a cap pays for them again; it skips a name it cannot
    import without a word, which this would catch."""
    with Workers(Limits(timeout=1, workers=1)) as pool:
        assert pool.call(loaded, READERS + OCR_STACK).result() == list(READERS)
        with pytest.raises(LimitExceeded):
            pool.call(sleep_forever).result()
        assert pool.call(loaded, READERS + OCR_STACK).result() == list(READERS)


def running_pids() -> set[int]:
    return {int(name) for name in os.listdir("/proc") if name.isdigit()}


def test_start_launches_the_workers_before_any_task() -> None:
    """A crawl starts its pool from a thread at its first document to parse (crawler/stages.py): a
    pool otherwise launches its workers inside the first task's submit, which in a crawl is
    the reactor, waiting for the forkserver's imports."""
    with Workers(Limits(workers=1)) as lazy:
        before = running_pids()
        assert lazy.call(os.getpid).result() not in before  # launched by the task itself
    with Workers(Limits(workers=1)) as pool:
        pool.start()
        before = running_pids()
        assert pool.call(os.getpid).result() in before


# A run whose pool stops while a worker is still starting. The worker, a forkserver child,
# imports this script as __mp_main__ before it unpickles its arguments (the channel's
# semaphores): here it holds SIGTERM back and takes a second over it, as a worker that is
# slow to start on a loaded machine does, once the stop has begun.
STARTING = """
import os, signal, sys, time
from pathlib import Path
if __name__ == "__mp_main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    Path(os.environ["STARTING_MARK"]).touch()
    time.sleep(1)
if __name__ == "__main__":
    from pipelines.limits import Limits, Workers
    pool = Workers(Limits(workers=1))
    pool.start()
    mark, waited = Path(os.environ["STARTING_MARK"]), time.monotonic()
    while not mark.exists() and time.monotonic() - waited < 60:
        time.sleep(0.01)
    pool.abort()
    print("stopped" if mark.exists() else "the worker never started")
"""


def semaphores() -> set[str]:
    return {name for name in os.listdir("/dev/shm") if name.startswith("sem.")}


def test_a_pool_stopped_while_a_worker_starts_breaks_nothing(tmp_path) -> None:
    """pebble 5.2 unlinked the channel's semaphores before it terminated the workers: a
    worker still starting then failed to open them, a traceback on the crawl's stderr
    (`SemLock._rebuild`: FileNotFoundError; CI). The pool terminates them first
    (pipelines/pool.py), and still unlinks every semaphore it made."""
    script = tmp_path / "starting.py"
    script.write_text(STARTING)
    before = semaphores()
    env = {**os.environ, "STARTING_MARK": str(tmp_path / "mark"),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert (run.returncode, run.stdout.strip()) == (0, "stopped"), run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert semaphores() <= before


HEAVY = """
import os
LOADED_IN = os.getpid()  # the process that ran this import


def where():
    return os.getpid(), LOADED_IN
"""
MAIN = """
import sys
from heavy import where
if __name__ == "__main__":
    from pipelines.limits import Limits, Workers
    with Workers(Limits(workers=1)) as pool:
        worker, loaded_in = pool.call(where).result()
    print(worker != loaded_in)
"""


@pytest.mark.parametrize("how, first, preloaded", [
    (["-m", "app.main"], "", "True"), (["app/main.py"], "", "True"),
    (["app/main.py"], "import onnxruntime  # starts threads\n", "False")])
def test_a_worker_finds_its_parents_main_module_loaded_by_the_forkserver(tmp_path, how, first, preloaded) -> None:
    """Each worker runs the parent's main again (spawn's rule): a crawl's main imports Scrapy
    and the archive, ~0.9 CPU-s a worker. The forkserver imports what it imports once
    (limits.main_modules): the worker's `heavy` was imported in another process, not in
    the worker. Not the main itself: run again as `__mp_main__`, a package's module
    already imported makes runpy warn on the worker's stderr (`python -m crawler.cli`).
    A main that loaded onnxruntime (threads) adds nothing to the forkserver, which forks."""
    (tmp_path / "heavy.py").write_text(HEAVY)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text(first + MAIN)
    path = [str(REPO), str(tmp_path), os.environ.get("PYTHONPATH", "")]
    run = subprocess.run([sys.executable, *how], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(path)}, timeout=120)
    assert (run.returncode, run.stdout.strip()) == (0, preloaded), run.stderr[-2000:]
    assert "Warning" not in run.stderr, run.stderr[-2000:]


def test_a_task_past_its_timeout_is_killed_and_the_pool_goes_on() -> None:
    with Workers(Limits(timeout=1, memory_mb=200, workers=1)) as pool:
        with pytest.raises(LimitExceeded, match=r"^timed out after 1 s$"):
            pool.call(sleep_forever).result()
        assert pool.call(allocate, 10).result() == 10 << 20


def ocr_then_sleep(pages: int, seconds: float) -> str:
    """A reader that reports `pages` pages to OCR, then takes `seconds` over them."""
    from pipelines import deadline

    deadline.allow_pages(pages)
    time.sleep(seconds)
    return "read"


def test_a_document_earns_time_for_each_page_it_must_ocr_up_to_the_longest_budget() -> None:
    """A scan of many pages needs more than the base budget, which stops a hostile file of
    any kind: each page to OCR adds its allowance, never past timeout_max."""
    with Workers(Limits(timeout=1, workers=1, ocr_page_timeout=2, timeout_max=30)) as pool:
        assert pool.call(ocr_then_sleep, 1, 2).result() == "read"  # past 1 s, within 1 + 2
        with pytest.raises(LimitExceeded, match=r"^timed out after 1 s$"):
            pool.call(ocr_then_sleep, 0, 60).result()
        with pytest.raises(LimitExceeded) as late:
            pool.call(ocr_then_sleep, 1, 60).result()
        assert str(late.value) == "timed out after 3 s (1 s, and 2 s for each of its 1 page(s) to OCR)"
    with Workers(Limits(timeout=1, workers=1, ocr_page_timeout=2, timeout_max=2)) as pool:
        with pytest.raises(LimitExceeded) as capped:
            pool.call(ocr_then_sleep, 50, 60).result()
        assert str(capped.value) == ("timed out after 2 s (1 s, and 2 s for each of its 50 page(s)"
                                     " to OCR, at most 2 s)")


def ocr_then_allocate(pages: int, mb: int) -> int:
    """A reader that reports `pages` pages to OCR, then needs `mb` MB for them."""
    from pipelines import deadline

    deadline.allow_pages(pages)
    return len(bytearray(mb << 20))


def test_a_scan_past_the_memory_cap_is_named_too_large_to_ocr() -> None:
    """"When decompressed" names a bomb; a scan whose pages need more than the cap is named
    for what it is, so an archivist knows to give scans more memory (--memory-mb): a
    reader's own call, and a real two-page scan under 600 MB (OCR peaks at ~1.1 GB)."""
    from tests import render

    with Workers(Limits(timeout=30, memory_mb=200, workers=1)) as pool:
        with pytest.raises(LimitExceeded, match=r"^too large to OCR \(3 page\(s\)\): over the 200 MB memory cap$"):
            pool.call(ocr_then_allocate, 3, 400).result()
        with pytest.raises(LimitExceeded, match=r"^too large when decompressed: over the 200 MB memory cap$"):
            pool.call(ocr_then_allocate, 0, 400).result()
    _, report = render.gold_reports()["001"]
    scan = render.render(report, "scan")
    with Workers(Limits(timeout=120, memory_mb=600, workers=1)) as pool:
        outcome = pool.parse(scan.read_bytes(), ParseTask(scan.name)).outcome
    assert (outcome.status, outcome.error) == ("failed", "too large to OCR (2 page(s)): over the 600 MB memory cap")


def test_a_scanned_pdf_tells_its_pool_how_many_pages_it_must_ocr() -> None:
    """The PDF reader reports its scanned pages as it finds them (here 2, with an allowance
    too small for OCR to finish, so the reason shows what it reported)."""
    from tests import render

    _, report = render.gold_reports()["001"]
    scan = render.render(report, "scan")
    with Workers(Limits(timeout=0.5, workers=1, ocr_page_timeout=0.01)) as pool:
        outcome = pool.parse(scan.read_bytes(), ParseTask(scan.name)).outcome
    assert (outcome.status, outcome.error) == (
        "failed", "timed out after 0.52 s (0.5 s, and 0.01 s for each of its 2 page(s) to OCR)")


def test_memory_cap_and_crash_reasons() -> None:
    with Workers(Limits(timeout=30, memory_mb=200, workers=1)) as pool:
        with pytest.raises(LimitExceeded, match=r"^too large when decompressed: over the 200 MB memory cap$"):
            pool.call(allocate, 400).result()
        with pytest.raises(LimitExceeded, match=r"^reader crashed: signal 11$"):
            pool.call(crash).result()
        assert pool.call(allocate, 100).result() == 100 << 20


def test_abort_cancels_what_is_in_flight_and_refuses_more() -> None:
    pool = Workers(Limits(timeout=60, workers=1))
    running = pool.call(sleep_forever)
    while not pool.busy:
        time.sleep(0.05)
    pool.abort()
    assert running.cancelled()
    with pytest.raises(CancelledError):
        pool.parse(SEED.read_bytes(), ParseTask(SEED.name))


def test_a_crawl_launches_its_workers_at_its_first_document_to_parse_and_not_before() -> None:
    """The crawl's parse stage: items that are duplicates (a re-crawl of unchanged pages)
    launch no worker; the first document to parse launches the pool once, in a thread, and
    is parsed in it, so a crawl that parses nothing starts no worker process."""
    import asyncio

    from crawler.items import DocumentItem
    from crawler.stages import CrawlParseStage

    class Stats(dict):  # the stage's counters (Scrapy's collector needs a whole crawler)
        def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
            self[key] = self.get(key, start) + count

    workers = Workers(Limits(timeout=30, workers=1))
    stats = Stats()
    stage = CrawlParseStage(stats, workers)
    body = SEED.read_bytes()

    async def crawl() -> list[DocumentItem]:
        seen = DocumentItem("http://127.0.0.1/a.txt", body, "2024-01-01T00:00:00Z", duplicate=True)
        await stage.process_item(seen)
        assert workers._pool is None  # nothing launched for a duplicate
        items = [DocumentItem(f"http://127.0.0.1/{n}.txt", body, "2024-01-01T00:00:00Z",
                              sha256=f"{n:064x}") for n in range(3)]
        return await asyncio.gather(*(stage.process_item(item) for item in items))

    try:
        parsed = asyncio.run(crawl())
        assert workers._launching is not None and workers._launching.result() != os.getpid()
        assert [item.outcome.status for item in parsed] == ["parsed"] * 3
        assert {k: v for k, v in stats.items() if k.endswith("/parse/parsed")} == {"nianbao/parse/parsed": 3}
    finally:
        workers.close()
