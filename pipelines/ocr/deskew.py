"""Levelling a page scanned askew: the angle whose horizontal projection profile is
sharpest (text lines and rules as narrow dark bands), found coarse then fine."""
from __future__ import annotations

import logging
from typing import Any

from pipelines.ocr.options import OPTIONS, OcrOptions

logger = logging.getLogger(__name__)


def skew_angle(image: Any, opts: OcrOptions = OPTIONS) -> float:
    """Degrees to rotate the page by to level its lines."""
    import numpy as np
    from PIL import Image

    small = image.convert("L").resize((max(1, image.width // 4), max(1, image.height // 4)))
    dark = Image.fromarray(((np.asarray(small) < opts.dark_level) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        profile = np.asarray(dark.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
        return float(np.var(np.diff(profile)))

    coarse = max((a / 4 for a in range(-16, 17)), key=sharpness)
    return max((coarse + a / 20 for a in range(-5, 6)), key=sharpness)


def deskew(image: Any, opts: OcrOptions = OPTIONS) -> Any:
    """The page turned level when it was scanned askew (by `min_skew` to 4 degrees)."""
    from PIL import Image

    angle = skew_angle(image, opts)
    if abs(angle) < opts.min_skew:
        return image
    logger.debug("deskewing page by %.2f degrees", angle)
    fill = 255 if image.mode == "L" else (255,) * len(image.getbands())
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=fill)
