"""pebble's ProcessPool, stopped in an order that cannot break a worker that is starting.

pebble 5.2 unlinks the named POSIX semaphores of the workers' channel (its fix for the
semaphores a pool leaked, noxdafox/pebble#160) as it closes the channels, and only then
terminates the workers. A worker that is still starting at that moment, a forkserver child
still importing the parent's `__main__` before it unpickles its arguments, then fails to
open them and prints `SemLock._rebuild ... FileNotFoundError` on the run's stderr. A crawl
whose last document's parse ends just after its pool launched stops it so (CI, twice: a
re-crawl that finds one changed document, another that finds none).

This pool terminates and joins every worker first (pebble's own `force_stop_workers`:
SIGTERM, SIGKILL after 3 s), once the loop that launches replacements has ended, and only
then lets pebble close the channels and unlink the semaphores: none is unlinked while a
process that may still open it is alive. It reaches into pebble's private attributes,
which is why pyproject.toml pins pebble to 5.2.x.
"""
from __future__ import annotations

from pebble import ProcessPool


class Pool(ProcessPool):
    def _stop_pool(self) -> None:
        if self._pool_manager_loop is not None:
            self._pool_manager_loop.join()  # no worker is launched after this
        self._pool_manager.worker_manager.force_stop_workers()
        super()._stop_pool()  # joins the ended loop again, closes the channels (unlinks)
