"""Whole-index rebuilds (search.rebuild_index, a migration that changes the tokens): the
rows' tokens are made in another process while SQLite writes the previous chunk's.

A rebuild is two kinds of work of about 1 : 3, both on one core when done in turn: making each
row's tokens (tokens.index_tokens, Python) and FTS5 adding them (C). A thread would not
overlap them: the GIL, held by the tokenizing thread, is wanted back after every row SQLite
writes. So a large rebuild (`PARALLEL_MIN` rows or more) hands chunks of rows to one worker
process and writes each chunk's tokens as they come back, in the rows' order, two chunks
ahead; what is written is what a serial rebuild writes. The worker starts from a forkserver
(a process that holds threads, such as a crawl, must not fork), and never from a daemonic
process (a fleet worker's), which may not have children: that one rebuilds serially. As with any
forkserver child, the worker imports the parent's `__main__` again: a script that rebuilds
runs its work under `if __name__ == "__main__":` (the `nianbao` command does). A plain
ProcessPoolExecutor, not pipelines/limits.Workers: archive/ does not import pipelines/, and
this worker only makes tokens from text already in the database (no per-document caps).

While the rows go in, FTS5 merges its segments only when 16 of a size have accumulated
(`automerge`, 4 by default: every merge rewrites the large segments again); at the end
one `optimize` merges them all into one, and automerge is back at FTS5's default for the
saves that follow.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlite_utils import Database

PARALLEL_MIN = 2000  # rows: below this a worker's start costs more than it saves
CHUNK = 256  # rows a task
AHEAD = 2  # chunks in the worker's hands while this process writes
BULK_AUTOMERGE = 16
DEFAULT_AUTOMERGE = 4  # FTS5's

Rows = Sequence[tuple[Any, ...]]
MakeRows = Callable[[Rows], list[tuple[Any, ...]]]


def chunks(cursor: Any) -> Iterator[Rows]:
    while chunk := cursor.fetchmany(CHUNK):
        yield chunk


def made(make: MakeRows, source: Iterator[Rows], parallel: bool) -> Iterator[list[tuple[Any, ...]]]:
    """`make(chunk)` for each chunk of `source`, in order; in a worker process if `parallel`
    (and this process may have children). `make` must be a module-level function."""
    if not parallel or multiprocessing.current_process().daemon:
        yield from map(make, source)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        ahead: deque[Future[list[tuple[Any, ...]]]] = deque()
        for chunk in source:
            ahead.append(pool.submit(make, chunk))
            if len(ahead) > AHEAD:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def rebuild(db: Database, table: str, select: str, make: MakeRows, count: int) -> int:
    """Empty `table` and fill it with `make`'s (rowid, grams) rows for the rows of `select`
    (`count` of them); returns how many were written."""
    n = 0
    db.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
    db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', ?)", [BULK_AUTOMERGE])
    for rows in made(make, chunks(db.execute(select)), count >= PARALLEL_MIN):
        db.conn.executemany(f"INSERT INTO {table}(rowid, grams) VALUES (?, ?)", rows)
        n += len(rows)
    db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('automerge', ?)", [DEFAULT_AUTOMERGE])
    return n
