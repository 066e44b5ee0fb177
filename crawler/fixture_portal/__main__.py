"""`python -m crawler.fixture_portal [--port N] [--profile v2] [--gate]`: serve the fixture
portal until Ctrl-C (v2: also prints its https mirror and, with --gate, the gated host)."""
from __future__ import annotations

import argparse
import time

from .server import FixturePortal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--profile", choices=("v1", "v2"), default="v1")
    parser.add_argument("--gate", action="store_true", help="v2: add the 412-gated host")
    parser.add_argument("--crawl-delay", type=float, default=None, help="v2: robots.txt Crawl-delay")
    args = parser.parse_args()
    with FixturePortal(port=args.port, profile=args.profile, gate=args.gate,
                       crawl_delay=args.crawl_delay) as portal:
        print(portal.url, flush=True)
        if args.profile == "v2":
            for role in ("tls", "gate") if args.gate else ("tls",):
                print(f"{role}: {portal.origin(role)}/", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
