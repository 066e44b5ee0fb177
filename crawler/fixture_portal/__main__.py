"""`python -m crawler.fixture_portal [--port N]`: serve the fixture portal until Ctrl-C
(the tests' CMS-families portal: `python -m tests.portal_families`)."""
from __future__ import annotations

import argparse
import sys
import time

from .server import FixturePortal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    with FixturePortal(port=args.port) as portal:
        print(portal.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)


if __name__ == "__main__":
    main()
