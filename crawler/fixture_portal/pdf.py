"""PDF attachments rendered by a real tool: LibreOffice headless, HTML in, PDF out."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SOFFICE_TIMEOUT = 180  # seconds; a first start of LibreOffice takes a few


class FixtureBuildError(RuntimeError):
    """The fixture site could not be built (LibreOffice missing or failing)."""


@dataclass(slots=True)
class PdfSource:
    html: str
    target: Path  # where the PDF goes


def soffice_binary() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise FixtureBuildError("LibreOffice (soffice) is needed to build the fixture's PDFs")
    return found


def soffice_command(inputs: list[Path], outdir: Path, profile: Path) -> list[str]:
    # A private profile: parallel builds (tests, demo) would otherwise fight over one.
    return [
        soffice_binary(), "--headless", "--norestore", "--nologo", "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        "--infilter=HTML (StarWriter)",  # Writer layout, not Writer/Web: real page breaks
        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir),
        *map(str, inputs),
    ]


def run_soffice(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=SOFFICE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise FixtureBuildError(f"soffice timed out after {SOFFICE_TIMEOUT}s") from exc
    if done.returncode != 0:
        raise FixtureBuildError(f"soffice failed ({done.returncode}): {done.stderr[-500:]}")


def render_pdfs(sources: list[PdfSource]) -> None:
    """Convert every source in one LibreOffice run, then move each PDF to its target."""
    if not sources:
        return
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        work = Path(tmp)
        inputs = []
        for index, source in enumerate(sources):  # numbered: two targets may share a name
            path = work / "in" / f"{index:03d}-{source.target.stem}.html"
            path.parent.mkdir(exist_ok=True)
            path.write_text(source.html, encoding="utf-8")
            inputs.append(path)
        run_soffice(soffice_command(inputs, work / "out", work / "profile"))
        for path, source in zip(inputs, sources):
            made = work / "out" / (path.stem + ".pdf")
            if not made.exists() or not made.read_bytes().startswith(b"%PDF-"):
                raise FixtureBuildError(f"soffice produced no PDF for {source.target.name}")
            source.target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(made), source.target)
