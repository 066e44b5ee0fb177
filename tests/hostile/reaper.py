"""A child subreaper: run one command, reap it and every process it leaves behind, and
report their peak RSS, so workers that outlive their parent are measured too.

`python3 reaper.py REPORT_PATH GRACE_S COMMAND...` writes one JSON object to REPORT_PATH:
the command's exit status, seconds to its exit, the largest ru_maxrss (KiB) of every process
reaped (wait4 counts what each of them reaped in turn), and the orphans still alive GRACE_S
seconds after the command exited (then killed). Standard library only: it runs as a script.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def _reap(block: bool) -> tuple[int, int, int] | None:
    """(pid, exit status, ru_maxrss) of one reaped child; None if none is ready or left."""
    try:
        pid, status, usage = os.wait4(-1, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return None
    return (pid, os.waitstatus_to_exitcode(status), usage.ru_maxrss) if pid else None


def _orphans() -> list[int]:
    children = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    with open(children) as handle:
        return [int(p) for p in handle.read().split()]


def main(report: str, grace: float, command: list[str]) -> None:
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    started = time.monotonic()
    main_pid = subprocess.Popen(command, stdin=subprocess.DEVNULL).pid
    code, seconds, peak = -1, 0.0, 0
    while (got := _reap(block=True)) is not None:
        pid, status, rss = got
        peak = max(peak, rss)
        if pid == main_pid:
            code, seconds = status, time.monotonic() - started
            break
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _orphans():
        while (got := _reap(block=False)) is not None:
            peak = max(peak, got[2])
        time.sleep(0.05)
    leftovers = _orphans()
    for pid in leftovers:
        os.kill(pid, signal.SIGKILL)
    while (got := _reap(block=True)) is not None:
        peak = max(peak, got[2])
    with open(report, "w") as handle:
        json.dump({"code": code, "seconds": seconds, "max_rss_kb": peak, "leftovers": leftovers}, handle)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3:])
