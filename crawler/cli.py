"""The `nianbao` command: the archive's commands (archive/cli.py) plus crawl, ingest,
parse and demo, which need the crawler and the pipelines.

It lives in `crawler/` because this is the one package allowed to import both
`pipelines` and `archive` (tests/test_layering.py).
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli import archive_option, cli, json_option, open_existing
from pipelines.base import STATS_PREFIX
import fleet.cli  # noqa: F401,E402  (registers worker, fleet status, merge, crawl-shard)

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 2


def _setup_logging(verbose: bool) -> None:
    """Our stages log one line per document; Scrapy's own chatter only when asked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("pipelines", "crawler"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(logging.DEBUG if verbose else logging.INFO)
        log.propagate = False


def summary(stats: dict[str, Any], counts: dict[str, int]) -> list[str]:
    def ours(key: str) -> int:
        return int(stats.get(f"{STATS_PREFIX}/{key}", 0) or 0)

    fetched = int(stats.get("downloader/response_count", 0) or 0)
    unreachable = _fetch_failures(stats)
    left = ours("copies/unparsed")
    earlier = sum(int(v or 0) for k, v in stats.items() if k.startswith(f"{STATS_PREFIX}/unparsed_parsed/"))
    lines = [
        f"pages fetched:      {fetched}",
        f"URLs failed:        {unreachable}  (connection errors, time-outs, HTTP errors after retries)",
        f"documents:          {ours('documents')}",
        f"new copies:         {ours('new_copies')}",
        f"duplicate copies:   {ours('duplicate_copies')}  (recorded as sightings)",
        f"parsed as reports:  {ours('copies/parsed')} copies",
        f"not reports:        {ours('copies/not_report')}",
        f"failed:             {ours('copies/failed')}",
        *([f"left unparsed:      {left}  (the crawl stopped first: the next run parses them)"]
          if left else []),
        *([f"parsed from before: {earlier}  (left unparsed by a stopped run)"] if earlier else []),
        f"archive now holds:  {counts.get('reports', 0)} reports, {counts.get('copies', 0)} copies, "
        f"{counts.get('sightings', 0)} URLs",
    ]
    return lines + ["", _closing(fetched, unreachable, ours("documents"), ours("copies/failed"))]


def _fetch_failures(stats: dict[str, Any]) -> int:
    """URLs given up on: retries exhausted, or errors no retry covers (HTTP 4xx ignored)."""
    keys = ("retry/max_reached", "httperror/response_ignored_count")
    return sum(int(stats.get(key, 0) or 0) for key in keys)


def _closing(fetched: int, unreachable: int, documents: int, failed: int) -> str:
    if not fetched and not documents:
        return (f"Nothing was fetched: {unreachable} URL(s) failed (is the portal reachable?)."
                if unreachable else "Nothing was fetched.")
    problems = []
    if failed:
        problems.append(f"{failed} document(s) could not be read or parsed")
    if unreachable:
        problems.append(f"{unreachable} URL(s) could not be fetched")
    return f"Done, with problems: {'; '.join(problems)}." if problems else "Done: no failures."


def _exit_code(stats: dict[str, Any]) -> int:
    """0 success; 2 partial (some downloads or copies failed, or the crawl was stopped
    before its end: the same command resumes it); 1 failure (nothing could be fetched)."""
    from crawler.extensions import outcome

    return {"success": EXIT_OK, "partial": EXIT_PARTIAL, "interrupted": EXIT_PARTIAL}.get(
        outcome(stats), EXIT_FAILED)


def _print_summary(stats: dict[str, Any], archive_dir: Path) -> None:
    with open_existing(archive_dir) as archive:
        counts = archive.counts()
    click.echo("\n".join(["", "Summary", *summary(stats, counts)]))


@cli.command()
@click.argument("target", required=False)
@archive_option
@click.option("--fast", is_flag=True, help="No politeness delays (only for your own or a local server).")
@click.option("--sources", "sources_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              envvar="PORTAL_SOURCES_FILE", help="Site profiles other than crawler/sources.toml.")
@click.option("--shard", metavar="K/N", default=None,
              help="Instead of TARGET: every source of shard K of N in --sources, one after the "
              "other (each site in exactly one shard, by its registered domain).")
@click.option("--broker", metavar="URL", default=None, envvar="NIANBAO_BROKER",
              help="Parse on the fleet (`nianbao worker --blobs <archive>/blobs`) on this Redis "
              "broker instead of in this machine's worker processes.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting, e.g. -s DOWNLOAD_DELAY=2 (values read as JSON when they parse).")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's own log too.")
def crawl(target: str | None, archive_dir: Path, fast: bool, sources_file: Path | None,
          shard: str | None, broker: str | None, overrides: tuple[str, ...], verbose: bool) -> None:
    """Crawl TARGET (a portal's root URL or a configured source name, e.g. `spt`) into the
    archive, or with `--sources FILE --shard K/N` every source of one shard.

    Incremental: conditional requests for what the archive has, so an unchanged portal
    costs little. One crawl per archive at a time; a crawl that was stopped or killed
    resumes when the same command runs again.

    Exit status: 0 success, 2 partial (some downloads or documents failed, or the crawl
    was interrupted), 1 failure (nothing fetched, or another crawl holds the archive)."""
    from crawler.runner import CrawlLocked, run_crawl
    from crawler.sources import resolve

    if (target is None) == (shard is None):
        raise click.UsageError("give a TARGET or --shard K/N (with --sources), not both" if target
                               else "give a TARGET (a root URL or a source name) or --shard K/N")
    if shard is not None:
        from fleet.cli import crawl_shard_sources

        if sources_file is None:
            raise click.UsageError("--shard needs --sources FILE (the fleet's list of portals)")
        extra = [*(["--broker", broker] if broker else []), *(a for o in overrides for a in ("-s", o)),
                 *(["-v"] if verbose else [])]
        sys.exit(crawl_shard_sources(sources_file, shard, archive_dir, fast, extra))
    _setup_logging(verbose)
    try:
        resolve(target, sources_file)  # an unknown source or a bad URL: one line, no crawl
        settings = _crawl_settings(archive_dir, fast, verbose, overrides)
        if sources_file:
            settings["PORTAL_SOURCES_FILE"] = str(sources_file)
        if broker:
            settings["NIANBAO_BROKER"] = broker
        stats = run_crawl(target, settings=settings)
    except (CrawlLocked, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    _print_summary(stats, archive_dir)
    sys.exit(_exit_code(stats))


def _crawl_settings(archive_dir: Path, fast: bool, verbose: bool,
                    overrides: tuple[str, ...] = ()) -> dict[str, Any]:
    from crawler.settings import fast_settings

    settings: dict[str, Any] = {"ARCHIVE_DIR": str(archive_dir)}
    if fast:
        settings.update(fast_settings())
    if not verbose:
        settings.update(LOG_LEVEL="WARNING", NIANBAO_LOG_TRACEBACKS=False)
    for pair in overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.ClickException(f"-s wants NAME=VALUE, not {pair!r}")
        try:
            settings[name] = json.loads(value)
        except ValueError:
            settings[name] = value
    return settings


def limit_options(fn: Any) -> Any:
    """--timeout, --memory-mb, --workers: the per-document limits (pipelines/limits.py), also
    read from EXTRACT_TIMEOUT, EXTRACT_MEMORY_MB, EXTRACT_WORKERS in the environment; a
    scan's allowance per OCR page and the longest time from EXTRACT_OCR_PAGE_TIMEOUT and
    EXTRACT_TIMEOUT_MAX."""
    from pipelines.limits import DEFAULT_MEMORY_MB, DEFAULT_OCR_PAGE_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_TIMEOUT_MAX

    options = [
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
                     envvar="EXTRACT_TIMEOUT", help="Seconds a document may take to read and parse; a "
                     f"scan has {DEFAULT_OCR_PAGE_TIMEOUT:g} s more for each page to OCR, up to "
                     f"{DEFAULT_TIMEOUT_MAX:g} s (EXTRACT_OCR_PAGE_TIMEOUT, EXTRACT_TIMEOUT_MAX)."),
        click.option("--memory-mb", type=click.IntRange(min=64), default=DEFAULT_MEMORY_MB, show_default=True,
                     envvar="EXTRACT_MEMORY_MB", help="Memory a document's worker may use, in MB."),
        click.option("--workers", type=click.IntRange(min=0), default=None, envvar="EXTRACT_WORKERS",
                     help="Worker processes (default: one per core); 0: in-process, with NO limits."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _limits(timeout: float, memory_mb: int, workers: int | None) -> Any:
    import os

    from pipelines.limits import Limits

    return Limits.from_settings({**os.environ, "EXTRACT_TIMEOUT": timeout, "EXTRACT_MEMORY_MB": memory_mb,
                                 "EXTRACT_WORKERS": workers})


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@archive_option
@click.option("--source", "source", metavar="NAME",
              help="A configured source (crawler/sources.toml): its title is the files' region.")
@click.option("--agency", metavar="NAME", help="The body, when a document's heading names none.")
@click.option("--region", metavar="TEXT", help="The body's region, e.g. 中卫市沙坡头区.")
@limit_options
def ingest(files: tuple[Path, ...], archive_dir: Path, source: str | None, agency: str | None,
           region: str | None, timeout: float, memory_mb: int, workers: int | None) -> None:
    """Add local documents (HTML, PDF, DOCX, DOC, WPS, images, text) to the archive.

    A copy of a report that was crawled joins that report: a body is its name and region,
    not where a copy came from."""
    from crawler.local import LocalRun, context_for, item_for_file

    _setup_logging(False)
    try:
        context = context_for(source, region, agency)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    limits = _limits(timeout, memory_mb, workers)
    from crawler.warcs import items_for  # .warc, .warc.gz, .wacz: every response in them

    from crawler.progress import progress
    from crawler.runner import CrawlLocked, RunLock
    from crawler.unparsed import parse_left_unparsed

    try:
        with RunLock(archive_dir, "ingest"):  # one writing run per archive: verify trusts it
            earlier = parse_left_unparsed(archive_dir, limits)
            stats = LocalRun(str(archive_dir), limits=limits).run(
                items_for(files, context, item_for_file), on_item=progress(len(files)))
    except CrawlLocked as exc:
        raise click.ClickException(str(exc)) from exc
    stats.update({f"{STATS_PREFIX}/unparsed_parsed/{k}": v for k, v in earlier.items()})
    _print_summary(stats, archive_dir)
    failed = int(stats.get(f"{STATS_PREFIX}/copies/failed", 0) or 0)
    sys.exit(EXIT_PARTIAL if failed else EXIT_OK)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@click.option("--explain", is_flag=True, help="Add the parser's flags and each cell's provenance.")
@limit_options
def parse(file: Path, as_json: bool, explain: bool, timeout: float, memory_mb: int,
          workers: int | None) -> None:
    """Print the canonical JSON of one document, touching no archive.

    The document is read in a worker process under --timeout and --memory-mb: past
    either, it fails with the reason (exit 1)."""
    from pipelines.limits import Workers
    from pipelines.task import ParseTask

    with Workers(_limits(timeout, memory_mb, workers), size=1) as pool:
        outcome = pool.parse(file.read_bytes(), ParseTask(file.name)).outcome
    if outcome.status == "failed" or outcome.report is None:
        raise click.ClickException(f"{file}: {outcome.error}")
    report = dict(outcome.report)
    if explain:
        report["_parse"] = {"status": outcome.status, "kind": outcome.kind, "flags": outcome.flags,
                            "cell_flags": outcome.cell_flags, "provenance": outcome.provenance}
    if outcome.status == "not_report":
        click.echo(f"warning: {file}: {outcome.error}", err=True)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report, outcome.flags, outcome.kind)
        for cell, why in sorted(outcome.cell_flags.items()) if explain else ():
            click.echo(f"  cell flag: {cell}: {why}")


def _print_report(report: dict[str, Any], flags: list[str], kind: str = "report") -> None:
    click.echo(f"{report['title']}\n  agency {report['agency']}  year {report['year']}  template {report['template']}"
               f"  kind {kind}")
    failing = [c["rule"] for c in report.get("checks") or [] if c["status"] == "fail"]
    click.echo(f"  checks: {len(report.get('checks') or [])}, failing: {', '.join(failing) or 'none'}")
    for flag in flags:
        click.echo(f"  flag: {flag}")


@cli.command()
@archive_option
@click.option("--query", default="信息公开", show_default=True, help="The sample search run at the end.")
def demo(archive_dir: Path, query: str) -> None:
    """Serve the bundled fixture portal on 127.0.0.1, crawl it, parse, archive, search."""
    from crawler.fixture_portal import FixturePortal
    from crawler.runner import run_crawl

    _setup_logging(False)
    click.echo("Building and serving the fixture portal …", err=True)
    with FixturePortal() as portal:
        click.echo(f"Crawling {portal.url} into {archive_dir}", err=True)
        stats = run_crawl(portal.url, settings=_crawl_settings(archive_dir, True, False))
    _print_summary(stats, archive_dir)
    _sample_search(archive_dir, query)
    sys.exit(_exit_code(stats))


def _sample_search(archive_dir: Path, query: str) -> None:
    from archive.search import search

    with open_existing(archive_dir) as archive:
        hits = search(archive.db, query, limit=3)
    click.echo(f"\nnianbao search {query} --archive {archive_dir}   ({len(hits)} shown)")
    for hit in hits:
        click.echo(f"  #{hit.id} {hit.year} {hit.agency}  {hit.title}\n      {hit.snippet}")


def main() -> None:
    import crawler.maintenance  # noqa: F401  (registers reparse and friends)

    cli(prog_name="nianbao")


if __name__ == "__main__":
    main()
