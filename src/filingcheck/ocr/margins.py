"""The fast pass over a prose page in targeted mode: the bands where names live.

On text pages the product and applicant names sit in the title, in running headers and
footers, and in the signature block next to the applicant's seal; the body between them is
prose no rule reads word for word. Reading those bands costs a few text lines instead of a
page, and still feeds ``consistency.internal``.
"""

from __future__ import annotations

import numpy as np

from filingcheck.models import OcrLine, Seal, SealKind, UprightPage
from filingcheck.ocr.engines.base import OcrEngine
from filingcheck.ocr.read import text_image_for

FOOT_ZONE = 0.12
# How far above and below a seal the signature block reaches, in seal heights.
SEAL_REACH = 0.3


def name_bands(upright: UprightPage, seals: list[Seal], below: int) -> list[tuple[int, int]]:
    """Row ranges (upright frame) of the footer and of the signature blocks by seals, below row
    ``below`` (the title zone already read), merged where they touch."""
    height = upright.image.shape[0]
    grey = _grey(upright.image)
    bands = [(_blank_row_above(grey, int(height * (1 - FOOT_ZONE))), height)]
    for seal in seals:
        if seal.kind == SealKind.STRADDLE_SLICE:
            continue  # a slice at the page edge marks the stack, not a signature
        box = upright.to_upright.map_box(seal.bbox)
        reach = int(SEAL_REACH * box.height)
        bands.append((max(0, box.y0 - reach), min(height, box.y1 + reach)))
    clipped = sorted((max(y0, below), y1) for y0, y1 in bands if y1 > below)
    merged: list[tuple[int, int]] = []
    for y0, y1 in clipped:
        if merged and y0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], y1))
        elif y1 - y0 > 8:
            merged.append((y0, y1))
    return merged


def read_bands(
    upright: UprightPage, engine: OcrEngine, seals: list[Seal], bands: list[tuple[int, int]]
) -> list[OcrLine]:
    """OCR of each band on its own (seal ink suppressed), boxes in the upright page's frame."""
    seal_boxes = [upright.to_upright.map_box(s.bbox) for s in seals]
    lines: list[OcrLine] = []
    for y0, y1 in bands:
        strip = upright.image[y0:y1]
        text_image = text_image_for(strip, engine)
        for line in engine.read_page(np.ascontiguousarray(text_image)):
            moved = _shifted(line, y0)
            if any(moved.bbox.intersection_area(box) for box in seal_boxes):
                moved = moved.model_copy(update={"under_seal": True})
            lines.append(moved)
    return lines


def _shifted(line: OcrLine, dy: int) -> OcrLine:
    chars = [c.model_copy(update={"bbox": c.bbox.shifted(dy=dy)}) for c in line.chars]
    return line.model_copy(update={"bbox": line.bbox.shifted(dy=dy), "chars": chars})


def _grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else image.min(axis=2)


def _blank_row_above(grey: np.ndarray, row: int, search: float = 0.06) -> int:
    """The nearest blank row at or above ``row``, so the band does not start inside a line."""
    top = max(0, row - int(grey.shape[0] * search))
    ink = (grey[top : row + 1] < 128).sum(axis=1)
    blank = np.flatnonzero(ink <= max(1, grey.shape[1] // 500))
    return top + int(blank[-1]) if blank.size else row
