"""A page printed on another paper size: the scanned A4 page shrunk to fit, centred on the new sheet."""

from __future__ import annotations

import numpy as np
from PIL import Image

MM_PER_INCH = 25.4


def resize_sheet(
    image: np.ndarray, dpi: int, size_mm: tuple[float, float], boxes: list[list[int]]
) -> tuple[np.ndarray, list[list[int]]]:
    """Fit ``image`` (a portrait scan) onto a sheet of ``size_mm`` at ``dpi``, the way a printer's
    "fit to page" does, so the page size is wrong while its text stays whole; boxes move along."""
    height, width = image.shape[:2]
    sheet_w = round(size_mm[0] / MM_PER_INCH * dpi)
    sheet_h = round(size_mm[1] / MM_PER_INCH * dpi)
    scale = min(sheet_w / width, sheet_h / height)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    shrunk = np.asarray(Image.fromarray(image).resize((new_w, new_h), Image.Resampling.LANCZOS))
    # The paper tone of the scan: the brightest tenth of its border pixels.
    rows = image.shape[2:]
    border = np.concatenate([image[:4].reshape(-1, *rows), image[-4:].reshape(-1, *rows)])
    tone = np.percentile(border, 90, axis=0).astype(image.dtype)
    sheet = np.empty((sheet_h, sheet_w, *rows), dtype=image.dtype)
    sheet[...] = tone
    x0, y0 = (sheet_w - new_w) // 2, (sheet_h - new_h) // 2
    sheet[y0 : y0 + new_h, x0 : x0 + new_w] = shrunk
    moved = [[round(v * scale) + (x0, y0)[k % 2] for k, v in enumerate(b)] for b in boxes]
    return sheet, moved
