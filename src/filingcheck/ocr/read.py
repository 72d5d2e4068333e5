"""The OCR stage for one page: seal ink suppressed, text read upright, lines under seals marked."""

from __future__ import annotations

import time

import numpy as np

from filingcheck.models import BBox, OcrLine, PageOcr, Seal, UprightPage
from filingcheck.ocr.engines.base import OcrEngine
from filingcheck.ocr.grid import detect_tables
from filingcheck.ocr.rules import split_at_rules, vertical_rules
from filingcheck.ocr.seals import suppress_seal_ink

PREPROCESSING = "upright+deskew+seal-ink-suppressed+split-at-rules+table-grid"


def text_image_for(image: np.ndarray, engine: OcrEngine) -> np.ndarray:
    """The grey image this engine reads: seal ink taken out as far as suits the engine."""
    if image.ndim != 3:
        return image
    level = getattr(engine, "whiten_level", None)
    return suppress_seal_ink(image) if level is None else suppress_seal_ink(image, level)


def reading_order(line: OcrLine) -> tuple[int, int]:
    """Sort key of lines as a page is read: by the middle of the line, then from the left."""
    return (line.bbox.y0 + line.bbox.y1, line.bbox.x0)


def read_page(upright: UprightPage, engine: OcrEngine, seals: list[Seal], zone: float = 1.0) -> PageOcr:
    """OCR of a prepared page, or of its top ``zone`` share only (the title zone, for a cheap
    classification); boxes stay in the upright frame (``PageOcr.to_scan`` maps back)."""
    started = time.perf_counter()
    image = upright.image if zone >= 1.0 else upright.image[: zone_cut(upright.image, zone)]
    text_image = text_image_for(image, engine)
    read = engine.read_page(text_image)
    heights = sorted(line.bbox.height for line in read)
    rules = vertical_rules(text_image, heights[len(heights) // 2]) if heights else []
    lines = [part for line in read for part in split_at_rules(line, rules)]
    seal_boxes = [upright.to_upright.map_box(s.bbox) for s in seals]
    lines = [_mark_under_seal(line, seal_boxes) for line in lines]
    lines.sort(key=reading_order)
    # Ruled tables matter only on pages read whole (the forms), and need a vertical rule.
    tables = detect_tables(text_image, heights[len(heights) // 2]) if zone >= 1.0 and rules else []
    return PageOcr(
        page=upright.page,
        engine=engine.info.model_copy(
            update={"preprocessing": PREPROCESSING if zone >= 1.0 else f"{PREPROCESSING}+top{zone:.2f}"}
        ),
        width=int(upright.image.shape[1]),
        height=int(upright.image.shape[0]),
        lines=lines,
        to_upright=upright.to_upright,
        tables=tables,
        seconds=round(time.perf_counter() - started, 3),
    )


def _mark_under_seal(line: OcrLine, seal_boxes: list[BBox]) -> OcrLine:
    if not any(line.bbox.intersection_area(box) for box in seal_boxes):
        return line
    return line.model_copy(update={"under_seal": True})


def crop(image: np.ndarray, box: BBox, margin: int = 0) -> np.ndarray:
    h, w = image.shape[:2]
    b = box.expand(margin).clip(w, h)
    return image[b.y0 : b.y1, b.x0 : b.x1]


def ink_share(upright: UprightPage) -> float:
    """Share of dark pixels on the page: prose pages are dense, cover sheets sparse."""
    grey = suppress_seal_ink(upright.image) if upright.image.ndim == 3 else upright.image
    small = grey[::4, ::4]
    return float((small < 128).mean())


def zone_cut(image: np.ndarray, zone: float, search: float = 0.12) -> int:
    """The row at which the top ``zone`` of a page ends without cutting through a text line:
    the first blank band below the nominal cut (or the nominal cut when none is near)."""
    height = image.shape[0]
    nominal = max(1, int(height * zone))
    grey = image if image.ndim == 2 else image.min(axis=2)
    rows = (grey[nominal : min(height, nominal + int(height * search))] < 128).sum(axis=1)
    blank = np.flatnonzero(rows <= max(1, image.shape[1] // 500))
    return nominal + int(blank[0]) if blank.size else nominal
