"""Archive upkeep commands that need the pipelines (e.g. `nianbao reparse`).

Importing this module registers its commands on the `nianbao` group.
"""
from __future__ import annotations
