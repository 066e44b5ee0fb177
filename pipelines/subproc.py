"""External readers (LibreOffice) run as a process group of their own, so the whole group
can be killed: `soffice` is a script that starts oosplash, which starts soffice.bin, and
killing the first leaves the others running.

- the group's leader dies with the worker that started it (PR_SET_PDEATHSIG);
- past its timeout the whole group is killed, not only the leader (subprocess.run's own
  timeout kills only the direct child);
- a worker stopped by its pool (past the document's timeout, or the run aborting: pebble
  sends SIGTERM first) kills the groups it started before it exits (`kill_all`, installed
  by pipelines/limits.py in each worker).
"""
from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence

_GROUPS: set[int] = set()  # process groups this process started and has not reaped


def run_group(cmd: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """`cmd` in a new session, its output captured; TimeoutExpired after the group is killed."""
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             preexec_fn=_die_with_parent)
    _GROUPS.add(child.pid)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(child.pid)
        child.communicate()
        raise
    finally:
        _kill(child.pid)  # what the leader left behind (a daemonised soffice.bin)
        _GROUPS.discard(child.pid)
    return subprocess.CompletedProcess(cmd, child.returncode, out, err)


def kill_all() -> None:
    """Kill every group this process started (a worker being stopped)."""
    for pgid in list(_GROUPS):
        _kill(pgid)


def _kill(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:  # the group has ended: nothing is left to kill
        return


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
