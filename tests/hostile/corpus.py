"""The corpus's shape: cases named by family, made lazily, written deterministically.

A case's parameters (offsets as fractions, flip positions, sizes) are drawn when the list is
built, from one seed per family, so listing the cases (pytest's collection) costs nothing
and a case's bytes do not depend on which other cases were made.
"""
from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = REPO / "crawler" / "fixture_portal" / "seeds" / "000_1ec810995bb02083.txt"
DEFAULT_SEED = 11
MAX_CASE_BYTES = 60 * 1024 * 1024  # on disk; bombs are compressed


@dataclass(frozen=True, slots=True)
class Case:
    name: str  # the file name: "<family>-<what>[-<n>].<ext>"
    make: Callable[[], bytes] = field(compare=False, repr=False)

    @property
    def family(self) -> str:
        return self.name.split("-", 1)[0]


@dataclass(frozen=True)
class Inputs:
    """What the cases are made from: real documents of one seed report, and the XXE canary."""

    canary: Path  # a file whose content must never appear in any output
    seed: int = DEFAULT_SEED

    @property
    def token(self) -> str:
        return "CANARY-" + hashlib.sha256(f"{self.seed}".encode()).hexdigest()[:16]

    @functools.cached_property
    def text(self) -> str:
        return SEED_TEXT.read_text(encoding="utf-8")

    @functools.cached_property
    def pdf(self) -> bytes:
        return _rendered("pdf")

    @functools.cached_property
    def docx(self) -> bytes:
        return _rendered("docx")

    @functools.cached_property
    def html(self) -> str:
        from tests.render import gold_reports, to_html

        return to_html(gold_reports()["000"][1])


def _rendered(fmt: str) -> bytes:
    """The seed report as a real file, rendered once per machine (LibreOffice, cached)."""
    from tests.render import gold_reports, render

    return render(gold_reports()["000"][1], fmt).read_bytes()


Family = Callable[[random.Random, Inputs], Iterator[Case]]


def family_rng(seed: int, family: str) -> random.Random:
    return random.Random(f"{seed}:{family}")


def all_cases(inputs: Inputs) -> list[Case]:
    """Every case, in a stable order; names are unique."""
    from tests.hostile import binary, markup, office, pdfs, texts

    families: dict[str, Family] = {"pdf": pdfs.cases, "docx": office.cases, "html": markup.cases,
                                   "text": texts.cases, "image": binary.image_cases,
                                   "garbage": binary.garbage_cases}
    cases = [c for name, fam in families.items() for c in fam(family_rng(inputs.seed, name), inputs)]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def write_canary(inputs: Inputs) -> None:
    inputs.canary.parent.mkdir(parents=True, exist_ok=True)
    inputs.canary.write_text(inputs.token + "\n", encoding="utf-8")


def inputs_for(out_dir: Path, seed: int = DEFAULT_SEED) -> Inputs:
    """The canary lives beside the corpus, in a hidden directory, never among the cases."""
    return Inputs(canary=out_dir.resolve() / ".canary" / "secret.txt", seed=seed)


def write_case(case: Case, out_dir: Path) -> Path:
    data = case.make()
    if len(data) > MAX_CASE_BYTES:
        raise ValueError(f"{case.name}: {len(data)} bytes on disk, over {MAX_CASE_BYTES}")
    path = out_dir / case.name
    path.write_bytes(data)
    return path


def write_corpus(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = inputs_for(out_dir, seed)
    write_canary(inputs)
    return [write_case(case, out_dir) for case in all_cases(inputs)]
