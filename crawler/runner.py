"""Run the portal spider in this process and return Scrapy's final stats.

Twisted's reactor cannot be restarted: `run_crawl` works once per process. Code that
crawls more than once (tests, say) runs each crawl in a child process:

    python3 -m crawler.runner TARGET [--fast] [--settings-json '{"KEY": value}'] [-s KEY=VALUE]

prints the stats as one JSON object on stdout (Scrapy's log goes to stderr).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.settings import fast_settings
from crawler.spiders.portal import PortalSpider


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """crawler.settings plus overrides, built explicitly so any cwd works (no scrapy.cfg)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.update(overrides, priority="cmdline")
    return settings


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats with datetimes as ISO strings, so they print as JSON."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in stats.items()}


def run_crawl(target: str, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Crawl TARGET (a root URL or a source name) to the end; return the final stats.

    Once per process (see the module docstring)."""
    process = CrawlerProcess(project_settings(settings))
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, target=target)
    process.start()
    return jsonable(crawler.stats.get_stats() if crawler.stats else {})


def parse_overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = fast_settings() if args.fast else {}
    if args.settings_json:
        overrides.update(json.loads(args.settings_json))
    for pair in args.set:
        key, _, value = pair.partition("=")
        overrides[key] = value
    return overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m crawler.runner", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", help="a portal's root URL or a configured source name")
    parser.add_argument("--fast", action="store_true", help="no politeness delays (loopback)")
    parser.add_argument("--settings-json", help="a JSON object of Scrapy setting overrides")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    stats = run_crawl(args.target, parse_overrides(args))
    print(json.dumps(stats, ensure_ascii=False, sort_keys=True), flush=True)
    return 0 if stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
