"""A second, independent read of one disputed box (crosscheck asks; the pipeline provides it)."""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from filingcheck.models import BBox, OcrLine, UprightPage
from filingcheck.ocr.engines.base import OcrEngine
from filingcheck.ocr.seals import suppress_seal_ink

# Line height (px) small print is scaled up to before the second engine reads it.
TEXT_HEIGHT = 64


class EngineBoxReader:
    """Re-reads a box (given on the scan) from the upright page with another engine, re-binarised.

    A value box may hold a wrapped value (an address over two lines): each text line in it is
    read on its own and the readings are joined, as the first engine read them.
    """

    def __init__(self, engine: OcrEngine, pages: Mapping[int, UprightPage]) -> None:
        self._engine = engine
        self._pages = pages

    def read_box(self, page: int, bbox: BBox, alphabet: str | None = None) -> OcrLine | None:
        """The box's text; ``alphabet`` holds the engine to those characters where it can be."""
        upright = self._pages.get(page)
        if upright is None:
            return None
        box = upright.to_upright.map_box(bbox)
        h, w = upright.image.shape[:2]
        margin = max(4, box.height // 4)
        box = box.expand(margin).clip(w, h)
        crop = upright.image[box.y0 : box.y1, box.x0 : box.x1]
        if crop.size == 0:
            return None
        grey = suppress_seal_ink(crop) if crop.ndim == 3 else crop
        # Small print is scaled up (to about TEXT_HEIGHT px a line); large print is read as it is,
        # since Tesseract misreads glyphs blown up past that (91170… read as 9110…).
        _, unscaled = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        line_height = upright.to_upright.map_box(bbox).height / max(1, len(line_bands(unscaled)))
        scale = min(2.0, max(1.0, TEXT_HEIGHT / max(1.0, line_height)))
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        reads = [
            self._engine.read_line(np.ascontiguousarray(binary[y0:y1]), alphabet)
            for y0, y1 in line_bands(binary)
        ]
        found = [line for line in reads if line is not None]
        if not found:
            return None
        return OcrLine(
            text="".join(line.text for line in found),
            bbox=BBox(x0=0, y0=0, x1=binary.shape[1], y1=binary.shape[0]),
            confidence=min(line.confidence for line in found),
        )


def line_bands(binary: np.ndarray, min_gap: float = 0.25) -> list[tuple[int, int]]:
    """Row ranges of the text lines in a black-on-white crop, padded; the whole crop when it
    holds one line (or no clear gap between lines).

    Rows count as blank when nearly no ink crosses them; a gap must be at least ``min_gap`` of
    the typical line height, so the space between a character's parts never splits it.
    """
    height = binary.shape[0]
    ink_rows = (binary < 128).sum(axis=1) > max(1, binary.shape[1] // 400)
    runs: list[list[int]] = []
    for y, inked in enumerate(ink_rows):
        if inked and runs and y - runs[-1][1] <= 1:
            runs[-1][1] = y
        elif inked:
            runs.append([y, y])
    if len(runs) < 2:
        return [(0, height)]
    typical = float(np.median([y1 - y0 + 1 for y0, y1 in runs]))
    merged: list[list[int]] = [runs[0]]
    for y0, y1 in runs[1:]:
        if y0 - merged[-1][1] - 1 < min_gap * typical:
            merged[-1][1] = y1
        else:
            merged.append([y0, y1])
    # Specks (a dot of noise, a stray underline) are not lines of their own.
    tallest = max(y1 - y0 + 1 for y0, y1 in merged)
    lines = [(y0, y1) for y0, y1 in merged if y1 - y0 + 1 >= 0.4 * tallest]
    if len(lines) < 2:
        return [(0, height)]
    pad = max(2, int(0.2 * tallest))
    return [(max(0, y0 - pad), min(height, y1 + 1 + pad)) for y0, y1 in lines]
