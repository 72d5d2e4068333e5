"""Rules and table lines are no part of a seal: take them out of an ink mask before fitting."""

from __future__ import annotations

import cv2
import numpy as np

from filingcheck.ocr.seals.candidates import SizeLimits


def remove_lines(mask: np.ndarray, limits: SizeLimits) -> np.ndarray:
    """Drop long thin straight strokes (rules under red headers, red table lines).

    A seal ring holds no straight run anywhere near 30 mm, and it is thicker than a rule.
    """
    length = int(max(30 * limits.px_per_mm, 20))
    thick = int(max(2.0, 1.2 * limits.px_per_mm) + 0.02 * length) + 1
    lines = None
    for along, across in (((length, 1), (1, thick)), ((1, length), (thick, 1))):
        runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        if not cv2.countNonZero(runs):
            continue
        # Long runs that are also thick belong to blobs (filled shapes, bold titles), not rules.
        solid = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        thin = cv2.subtract(runs, cv2.dilate(solid, np.ones((3, 3), np.uint8)))
        lines = thin if lines is None else cv2.bitwise_or(lines, thin)
    if lines is None or not cv2.countNonZero(lines):
        return mask
    if limits.px_per_mm >= 3.0:
        # Take the blurred fringe of each rule too; at coarse scales it is inside the rule already.
        lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    return cv2.bitwise_and(mask, cv2.bitwise_not(lines))
