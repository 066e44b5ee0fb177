"""Run one document through `nianbao parse` in a child process and measure it from outside.

The figures are the kernel's, not the product's: wall time from spawn to exit, and the
peak RSS (`wait4`'s ru_maxrss) of the command and of every worker it started, reaped by a
subreaper (reaper.py) even when they outlive it. A watchdog
guards the shared machine: it kills the child's whole process group when the group's RSS or
its run time goes far beyond what the product's caps allow, and says so in the outcome; the
caps themselves are asserted by the tests, against these figures.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
REAPER = Path(__file__).with_name("reaper.py")
GRACE = 5.0  # seconds the workers may take to exit after `nianbao parse` did


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 20.0  # the product's caps, passed as --timeout / --memory-mb
    memory_mb: int = 512
    time_margin: float = 10.0  # start-up, killing the worker, cleaning up
    memory_margin_mb: int = 128
    guard_factor: float = 4.0  # the watchdog kills at this many times the caps

    def args(self) -> list[str]:
        return ["--timeout", f"{self.timeout:g}", "--memory-mb", str(self.memory_mb)]


@dataclass(slots=True)
class Outcome:
    path: Path
    code: int  # the exit status; negative: killed by that signal
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    guard: str = ""  # why the watchdog killed the child, or ""
    leftovers: list[int] = field(default_factory=list)  # orphans alive GRACE s after the exit


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # it exited while we looked
            fields = stat.rsplit(")", 1)[-1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids


def group_rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total * PAGE / 2**20


def _watch(pid: int, limits: Limits, done: threading.Event, verdict: list[str]) -> None:
    deadline = time.monotonic() + (limits.timeout + limits.time_margin) * limits.guard_factor
    rss_cap = limits.memory_mb * limits.guard_factor
    while not done.wait(0.1):
        rss = group_rss_mb(group_pids(pid))
        late = time.monotonic() > deadline
        if late or rss > rss_cap:
            verdict.append(f"harness killed it: {'still running' if late else f'RSS {rss:.0f} MB'}")
            os.killpg(pid, signal.SIGKILL)
            return


def run_parse(path: Path, limits: Limits, extra: list[str] | None = None) -> Outcome:
    """`nianbao parse PATH --json` under `limits`, measured; never raises for the child's sake."""
    command = [sys.executable, "-m", "crawler.cli", "parse", str(path), "--json",
               *limits.args(), *(extra or [])]
    with tempfile.TemporaryDirectory(prefix="nianbao-hostile-") as tmp:
        out, err, report = (Path(tmp, name) for name in ("out", "err", "report.json"))
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen([sys.executable, str(REAPER), str(report), f"{GRACE:g}", *command],
                                    stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            done, verdict = threading.Event(), []
            watcher = threading.Thread(target=_watch, args=(proc.pid, limits, done, verdict), daemon=True)
            watcher.start()
            proc.wait()
            done.set()
            watcher.join()
        figures = json.loads(report.read_text()) if report.exists() else {}
        return Outcome(path, int(figures.get("code", proc.returncode)), _read(out), _read(err),
                       float(figures.get("seconds", 0.0)), figures.get("max_rss_kb", 0) / 1024,
                       "".join(verdict), figures.get("leftovers", []))


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def problems(outcome: Outcome, limits: Limits, secret: str) -> list[str]:
    """What is wrong with one outcome, as the issue states the contract; [] when it held."""
    found = []
    if outcome.guard:
        found.append(outcome.guard)
    if outcome.code not in (0, 1):
        found.append(f"exit status {outcome.code}" + (" (a signal)" if outcome.code < 0 else ""))
    lines = outcome.stderr.strip().splitlines()
    if outcome.code == 1 and (len(lines) != 1 or not lines[0].startswith(("Error:", str(outcome.path), outcome.path.name))):
        found.append(f"stderr is not one line naming the file: {outcome.stderr[-500:]!r}")
    if "Traceback" in outcome.stdout + outcome.stderr:
        found.append("a traceback: " + outcome.stderr[-800:])
    if outcome.max_rss_mb > limits.memory_mb + limits.memory_margin_mb:
        found.append(f"max RSS {outcome.max_rss_mb:.0f} MB over the {limits.memory_mb} MB cap")
    if outcome.seconds > limits.timeout + limits.time_margin:
        found.append(f"{outcome.seconds:.1f} s, over the {limits.timeout:g} s cap")
    if secret in outcome.stdout + outcome.stderr:
        found.append("the canary file's content is in the output (XXE)")
    if outcome.leftovers:
        found.append(f"processes left running: {outcome.leftovers}")
    return found
