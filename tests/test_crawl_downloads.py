"""Downloads over real HTTP: types from the bytes, names from Content-Disposition (RFC 5987
and raw GBK), integrity (truncated PDF, broken zip), error pages never archived, zip
bundles unpacked safely, .ofd twins, timeouts and size limits."""
from __future__ import annotations

import io
import zipfile

import pytest

from crawler.spiders import bundles
from crawler.spiders.checks import XREF_CHECK_MAX, pdf_problem, zip_problem
from tests.crawl_support import crawl, families_crawl, families_portal, paths, sightings, state

__all__ = ["families_crawl", "families_portal"]


def test_downfile_302_names_the_file_only_in_content_disposition(families_crawl, families_portal):
    archived = sightings(families_portal, families_crawl.archive)
    titles = {r.documents[-1]: r.title for r in families_portal.manifest.reports
              if r.family in ("hanweb", "vsb") and len(r.documents) == 2}
    assert len(titles) == 3
    for ref, title in titles.items():
        row = archived[ref]
        assert row["filename"] in (f"{title}.pdf", f"{title}.docx"), ref  # RFC 5987 and GBK
    downfile = [h for h in families_crawl.hits if "downfile.jsp" in h.path]
    assert downfile and all(h.status == 302 for h in downfile)


def test_type_is_sniffed_from_the_bytes_not_the_name(families_crawl, families_portal):
    archived = sightings(families_portal, families_crawl.archive)
    uploads = {ref: row["format"] for ref, row in archived.items() if "/uploadfiles/" in ref}
    assert sorted(uploads.values()) == ["docx", "pdf"]  # no extension, octet-stream


def test_error_pages_and_broken_files_are_refused_and_remembered(families_crawl, families_portal):
    crawled = state(families_crawl.archive)
    chains = set(families_portal.manifest.routes.redirects)
    notes = {ref: crawled.get(families_portal.url_of(ref)) for ref in families_portal.manifest.never_archived
             if "#" not in ref and not ref.endswith((".ofd", "viewer.html")) and ref not in chains}
    assert all(s is not None and s.kind == "rejected" for s in notes.values()), notes
    reasons = " | ".join(s.note for s in notes.values())
    for expected in ("error page", "redirected to an error page", "an html page instead of a document",
                     "truncated pdf", "broken zip", "compression ratio"):
        assert expected in reasons
    assert {h.status for h in families_crawl.hits if h.path in chains} == {302}


def test_truncated_pdf_is_fetched_once_more_then_refused(families_crawl, families_portal):
    cut = next(p for p in families_portal.manifest.never_archived if p.endswith(".pdf") and "/202101/" in p
               and p.startswith("/xxgk/zfxxgknb/"))
    assert paths(families_crawl.hits).count(cut) == 2


def test_zip_bundle_members_are_documents_and_unsafe_names_are_not(families_crawl, families_portal):
    archived = sightings(families_portal, families_crawl.archive)
    members = {ref: row for ref, row in archived.items() if "#" in ref}
    bundle = [r for r in families_portal.manifest.reports if r.family == "bundle"]
    assert set(members) == {r.documents[0] for r in bundle}
    assert sorted(row["format"] for row in members.values()) == ["docx", "pdf"]
    assert not any(ref.endswith(".zip") for ref in archived)  # the container is no document
    (trap,) = [ref for ref in families_portal.manifest.never_archived if "#../" in ref]
    assert trap not in archived and not [ref for ref in archived if ".." in ref]
    assert "unsafe name '../../../tmp/evil.pdf'" in families_crawl.run.stderr
    # Had the name been honoured, the member would be a file under the archive, or under the
    # tree holding the crawl's working directory (three levels down) and its TMPDIR.
    watched = families_crawl.watched
    assert watched is not None and families_crawl.archive.is_relative_to(watched)
    written = [p for p in watched.rglob("*") if p.is_file() and (
        p.name == "evil.pdf" or (p.stat().st_size == 4 and p.read_bytes() == b"evil"))]
    assert written == []


def test_ofd_twin_of_a_pdf_is_not_fetched(families_crawl, families_portal):
    ofd = [p for p in families_portal.manifest.never_archived if p.endswith(".ofd")]
    assert ofd and not set(ofd) & set(paths(families_crawl.hits))


def test_slow_hanging_and_oversized_attachments(families_portal, tmp_path):
    lab = families_portal.manifest.lab
    # The hanging endpoint never answers while the portal runs: the crawl can only end (the
    # helper allows it 300 s) by giving up on it after DOWNLOAD_TIMEOUT, set far above the
    # slow endpoint's 1.5 s so that a loaded machine does not turn slow into too slow.
    assert families_portal.manifest.routes.slow[lab["slow"]] * 5 <= 10
    done = crawl(families_portal, tmp_path / "arc", families_portal.url_of(lab["column"]),
                 "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_MAXSIZE=1000000")
    assert done.code == 2, done.run.stderr[-2000:]  # partial: two attachments could not be had
    archived = set(sightings(families_portal, tmp_path / "arc"))
    assert lab["slow"] in archived and lab["detail"] in archived  # 1.5 s is slow, not too slow
    assert lab["hang"] not in archived and lab["big"] not in archived
    assert "TimeoutError" in done.run.stderr and "larger than download max size" in done.run.stderr


# -- the unpacking limits, on bundles built here ------------------------------------------


def zip_of(members: list[tuple[str, bytes]], utf8: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if utf8:
                info.flag_bits |= 0x800
            z.writestr(info, data)
    return out.getvalue()


PDF = b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n"


@pytest.mark.parametrize("members,limits,message", [
    ([(f"{i}.pdf", PDF) for i in range(6)], bundles.Limits(max_members=5), "6 members"),
    ([("a.pdf", PDF * 50)], bundles.Limits(max_total=1000), "bytes inflated"),
    ([("a.pdf", bytes(3 << 20))], bundles.Limits(max_ratio=100.0), "compression ratio"),
])
def test_bundle_limits_refuse_the_whole_bundle(members, limits, message):
    with pytest.raises(bundles.BundleRefused, match=message):
        bundles.unpack(zip_of(members), limits)


def test_bundle_members_unsafe_nested_and_gbk_named():
    nested = zip_of([("inner.pdf", PDF)])
    body = zip_of([("../up.pdf", PDF), ("/abs.pdf", PDF), ("C:/win.pdf", PDF), ("ok/年报.pdf", PDF),
                   ("inner.zip", nested), ("readme.txt", b"hello")])
    members, skipped = bundles.unpack(body, bundles.Limits())
    assert [m.name for m in members] == ["ok/年报.pdf"]
    assert len(skipped) == 5
    # As Chinese WinRAR writes names: GBK bytes, no UTF-8 flag (patched in: zipfile won't).
    gbk = zip_of([("XXXX.pdf", PDF)], utf8=False).replace(b"XXXX.pdf", "年报.pdf".encode("gbk"))
    assert [m.name for m in bundles.unpack(gbk, bundles.Limits())[0]] == ["年报.pdf"]


def test_integrity_checks_on_pdf_and_zip_bytes():
    assert pdf_problem(PDF[:40]) == "truncated pdf (no %%EOF)"
    assert pdf_problem(PDF).startswith("unparseable pdf")
    # a table too large to read in the reactor is left to the parse (in a worker, capped)
    padded = PDF.replace(b"\n%%EOF", b"x" * XREF_CHECK_MAX + b"\n%%EOF")
    assert pdf_problem(padded) is None
    assert pdf_problem(padded[:-100]) == "truncated pdf (no %%EOF)"
    assert zip_problem(zip_of([("a.pdf", PDF)])) is None
    assert zip_problem(zip_of([("a.pdf", PDF * 10)])[:60]).startswith("broken zip")
