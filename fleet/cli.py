"""The fleet's commands on the `nianbao` group: `worker`, `fleet status`, `merge` and
`crawl-shard` (`reparse --broker` is in crawler/maintenance.py). Imported by crawler/cli.py
so that they register."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli import archive_option, cli, echo_json, json_option, open_existing
from pipelines.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Limits

broker_option = click.option("--broker", required=True, envvar="NIANBAO_BROKER", metavar="URL",
                             help="The Redis broker, e.g. redis://HOST:6379/0.")


@cli.command()
@broker_option
@click.option("--blobs", required=True, type=click.Path(exists=True, file_okay=False),
              help="The archive's blobs/ directory, shared with the workers.")
@click.option("--concurrency", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="the cores", help="Documents parsed at once.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds of wall clock per document.")
@click.option("--memory-mb", type=click.IntRange(min=64), default=DEFAULT_MEMORY_MB, show_default=True,
              help="Data memory per document's reader.")
@click.option("--max-deliveries", type=click.IntRange(min=1), default=3, show_default=True,
              help="Deliveries of a document whose worker keeps dying before it is failed.")
@click.option("--visibility-timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds before a dead worker's tasks go to another (default 3×timeout+60, "
              "and at least a long scan's 600+60).")
@click.option("--loglevel", default="WARNING", show_default=True)
def worker(broker: str, blobs: str, concurrency: int, timeout: float, memory_mb: int,
           max_deliveries: int, visibility_timeout: float | None, loglevel: str) -> None:
    """Start a Celery worker that parses the documents the fleet is handed."""
    from fleet.app import QUEUE, app, configure

    longest = Limits(timeout).longest  # a scan's time grows with its pages, up to this
    configure(broker, visibility_timeout or max(3 * timeout, longest) + 60)
    app.conf.update(nianbao_blobs=str(Path(blobs).resolve()), nianbao_timeout=timeout,
                    nianbao_memory_mb=memory_mb, nianbao_max_deliveries=max_deliveries,
                    worker_concurrency=concurrency)
    app.worker_main(["worker", f"--concurrency={concurrency}", "--pool=threads", "-Q", QUEUE,
                     f"--hostname=nianbao{os.getpid()}@%h", "--without-gossip",
                     "--without-mingle", f"--loglevel={loglevel}"])


@cli.group()
def fleet() -> None:
    """The parse fleet (Celery workers on a Redis broker)."""


@fleet.command()
@broker_option
@json_option
def status(broker: str, as_json: bool) -> None:
    """Queued, running (active/reserved in workers), done and failed documents."""
    from fleet.status import fleet_status

    figures = fleet_status(broker)
    if as_json:
        echo_json(figures)
        return
    click.echo(", ".join(f"{k} {v}" for k, v in figures.items()))


@cli.command()
@click.argument("archives", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@archive_option
@json_option
def merge(archives: tuple[Path, ...], archive_dir: Path, as_json: bool) -> None:
    """Merge shard ARCHIVES into this archive (copies, sightings, reports by identity)."""
    from collections import Counter

    from archive.db import Archive
    from fleet.merge import merge_into

    total: Counter[str] = Counter()
    with Archive.open(archive_dir) as target:
        for path in archives:
            total.update(merge_into(target, path))
        counts = target.counts()
    summary = {"new_copies": total["copies"], "new_sightings": total["sightings"],
               "parses": total["parses"], "reports": counts["reports"], "copies": counts["copies"]}
    if as_json:
        echo_json(summary)
    else:
        click.echo("merged: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


@cli.command("crawl-shard")
@click.option("--sources", "sources_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shard", required=True, metavar="K/N", help="This machine's shard, e.g. 2/5.")
@archive_option
@click.option("--fast", is_flag=True, help="No politeness delays (only for your own server).")
@click.option("--list", "only_list", is_flag=True, help="Print the shard's sources, crawl none.")
def crawl_shard(sources_file: Path, shard: str, archive_dir: Path, fast: bool,
                only_list: bool) -> None:
    """List (--list) or crawl the sources of one shard; `nianbao crawl --sources FILE --shard
    K/N` is the same crawl. Exit 0 when every crawl succeeded, 2 partial, 1 failure."""
    if only_list:
        click.echo("\n".join(f"{s.name}\t{s.root_url}" for s in _shard(sources_file, shard)))
        return
    sys.exit(crawl_shard_sources(sources_file, shard, archive_dir, fast))


def _shard(sources_file: Path, shard: str) -> list[Any]:
    from crawler.sources import load_sources, parse_shard, shard_sources

    try:
        index, count = parse_shard(shard)
        return shard_sources(load_sources(sources_file), index, count)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def crawl_shard_sources(sources_file: Path, shard: str, archive_dir: Path, fast: bool,
                        extra: list[str] | None = None) -> int:
    """Crawl, one after the other, the sources of one shard (each site in exactly one shard,
    by its registered domain); the exit status: 0 all succeeded, 1 all failed, 2 else."""
    codes = [_crawl_one(s.name, sources_file, archive_dir, fast, extra or [])
             for s in _shard(sources_file, shard)]
    return 0 if all(c == 0 for c in codes) else 1 if codes and all(c == 1 for c in codes) else 2


def _crawl_one(name: str, sources_file: Path, archive_dir: Path, fast: bool, extra: list[str]) -> int:
    """One source's crawl in its own process (Twisted's reactor runs once per process)."""
    args: list[Any] = [sys.executable, "-m", "crawler.cli", "crawl", name, "--sources",
                       sources_file, "--archive", archive_dir, *(["--fast"] if fast else []), *extra]
    click.echo(f"crawl {name}", err=True)
    return subprocess.run([str(a) for a in args], check=False).returncode
