"""A second, independent read of one disputed box (crosscheck asks; the pipeline provides it)."""

from __future__ import annotations

import cv2
import numpy as np

from filingcheck.models import BBox, OcrLine, UprightPage
from filingcheck.ocr.engines.base import OcrEngine
from filingcheck.ocr.seals import suppress_seal_ink


class EngineBoxReader:
    """Re-reads a box (given on the scan) from the upright page with another engine, re-binarised."""

    def __init__(self, engine: OcrEngine, pages: dict[int, UprightPage]) -> None:
        self._engine = engine
        self._pages = pages

    def read_box(self, page: int, bbox: BBox) -> OcrLine | None:
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
        grey = cv2.resize(grey, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
        _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return self._engine.read_line(np.ascontiguousarray(binary))
