"""The OCR reader's thresholds, in one place (one frozen options object, as trafilatura
keeps its settings): lengths are in line heights (the page's median box height) unless
named in pixels, so one set serves every scan resolution."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OcrOptions:
    det_max_side: int = 1280  # detection input; recognition reads the lines at full resolution
    rec_batch: int = 1  # text lines per recognition call: one (lines are read in parallel instead)
    rec_min_width: int = 48  # pixels at height 48; RapidOCR's 320 pads a short figure to 6x its work
    threads: int = 1  # onnxruntime intra-op threads per engine: calls run in parallel instead
    page_workers: int = 2  # pages of one document in flight (levelled, detected one at a time, laid out)
    rec_workers: int = 2  # text lines recognised at once, over every page in flight
    text_score: float = 0.5  # a line read with less confidence is dropped (RapidOCR's default)
    reread_confidence: float = 0.8  # a re-read empty figure cell is kept at this confidence
    upright_confidence: float = 0.8  # below this the page may lie on its side or upside down
    min_skew: float = 0.15  # degrees; a page tilted less is left as it is
    dark_level: int = 160  # grey levels below this are ink
    rule_max_px: int = 8  # a ruling line is at most this thick
    row_join: float = 0.5  # a figure this close to a row's centre is in that row
    band_half: float = 0.6  # an unruled row's band: its centre plus and minus this
    band_max: float = 10.0  # rules further apart than this bound no single row
    label_slack_px: float = 2.0  # a label may reach this far under its row's first figure
    label_above: float = 1.6  # a label line this far above figures with no label is theirs
    label_max_chars: int = 40  # a longer text line is running text, never a row's label
    row_gap: float = 2.5  # a label-only line this close to table rows is a row of its own
    header_step: float = 0.5  # a header cell this far (in column steps) from every column adds one
    spacing_gap: float = 1.7  # a gap this many column steps wide has a blank column in it
    title_ratio: float = 1.25  # title lines are at least this much taller than the body's
    title_max_chars: int = 80
    margin_top: float = 0.06  # page numbers above this fraction of the page are dropped
    margin_bottom: float = 0.9  # and below this one


OPTIONS = OcrOptions()
