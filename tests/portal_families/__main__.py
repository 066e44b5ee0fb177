"""`python -m tests.portal_families [--port N] [--gate] [--crawl-delay S]`: serve the
CMS-families portal until Ctrl-C; prints its URL, its https mirror's and the gated host's."""
from __future__ import annotations

import argparse
import sys
import time

from .portal import FamiliesPortal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--gate", action="store_true", help="add the 412-gated host")
    parser.add_argument("--crawl-delay", type=float, default=None, help="robots.txt Crawl-delay")
    args = parser.parse_args()
    with FamiliesPortal(port=args.port, gate=args.gate, crawl_delay=args.crawl_delay) as portal:
        print(portal.url, flush=True)
        for role in ("tls", "gate") if args.gate else ("tls",):
            print(f"{role}: {portal.origin(role)}/", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
