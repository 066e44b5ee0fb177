"""Shared fixtures. The network guard fails any test (or child process) that connects
outside loopback; see tests/netguard/sitecustomize.py."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

GUARD_DIR = Path(__file__).parent / "netguard"
sys.path.insert(0, str(GUARD_DIR))
import sitecustomize as netguard  # noqa: E402  (our guard module, by that name for children)

os.environ["NIANBAO_NETGUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(GUARD_DIR), os.environ.get("PYTHONPATH", "")) if p
)
netguard.install()

REPO = Path(__file__).resolve().parent.parent
# The seeds ship inside the package (the demo portal serves them); tests read that copy.
SEEDS_DIR = REPO / "crawler" / "fixture_portal" / "seeds"
GOLD_DIR = Path(__file__).parent / "data" / "gold"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD_DIR
