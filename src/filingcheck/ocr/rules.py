"""Table rules on a page: a text line never crosses a cell border, so lines are split at them.

Detectors merge a label and its value (or two neighbouring cells) into one line when the
border between them is thin; cutting at vertical rules gives back one line per cell.
"""

from __future__ import annotations

import cv2
import numpy as np

from filingcheck.models import BBox, OcrLine


def vertical_rules(grey: np.ndarray, text_height: float) -> list[BBox]:
    """Long thin vertical ink strokes (table borders), in the image's pixels.

    A rule is at least about two text lines long; no glyph stroke is (strokes stay inside
    their line), so the length threshold follows the text size, not the page size.
    """
    w = grey.shape[1]
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    length = max(30, int(2.0 * text_height))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    strokes = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    rules = []
    for i in range(1, count):
        x, y, bw, bh, _area = stats[i]
        if bh >= length and bw <= max(12, w // 150):
            rules.append(BBox.of(x, y, x + bw, y + bh))
    return rules


def split_at_rules(line: OcrLine, rules: list[BBox]) -> list[OcrLine]:
    """The line cut wherever a rule runs between two of its characters (needs character boxes)."""
    if len(line.chars) != len(line.text) or len(line.chars) < 2:
        return [line]
    cuts = []
    for i in range(1, len(line.chars)):
        left, right = line.chars[i - 1].bbox, line.chars[i].bbox
        gap_x0, gap_x1 = left.x1 - 2, right.x0 + 2
        for rule in rules:
            centre = (rule.x0 + rule.x1) / 2
            spans = (
                rule.y0 <= line.bbox.y0 + 0.3 * line.bbox.height
                and rule.y1 >= line.bbox.y1 - 0.3 * line.bbox.height
            )
            if spans and gap_x0 - 1 <= centre <= gap_x1 + 1:
                cuts.append(i)
                break
    if not cuts:
        return [line]
    parts = []
    for start, end in zip([0, *cuts], [*cuts, len(line.chars)], strict=True):
        chars = line.chars[start:end]
        text = "".join(c.text for c in chars).strip()
        if not text:
            continue
        parts.append(
            OcrLine(
                text=text,
                bbox=BBox(x0=chars[0].bbox.x0, y0=line.bbox.y0, x1=chars[-1].bbox.x1, y1=line.bbox.y1),
                confidence=min(c.confidence for c in chars),
                chars=list(chars),
                under_seal=line.under_seal,
            )
        )
    return parts
