"""`python3 -m tests.hostile OUT_DIR [--seed N]`: write the hostile corpus (deterministic by seed)."""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from tests.hostile.corpus import DEFAULT_SEED, write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m tests.hostile", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    paths = write_corpus(args.out_dir, args.seed)
    families = Counter(p.name.split("-", 1)[0] for p in paths)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} cases in {args.out_dir} ({size / 2**20:.0f} MB): "
          + ", ".join(f"{n} {f}" for f, n in sorted(families.items())))


if __name__ == "__main__":
    main()
