"""Page orientation (0/90/180/270) and small skew, found cheaply before full OCR.

Text lines make the ink profile across lines strongly periodic; that tells the text axis
(0/180 vs 90/270) and the skew angle. Upright against upside-down is told by reading a few
line crops both ways with the recogniser and keeping the more confident reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.ocr.engines.base import OcrEngine

WORK_WIDTH = 800
# An ink-profile axis margin above this is trusted without asking the recogniser about the other axis.
AXIS_SURE = 0.5
# Below this confidence Tesseract OSD is asked as well; when it is sure (its orientation_conf of at
# least OSD_MIN_CONF) its answer is taken with OSD_CONFIDENCE (enough to be applied).
OSD_BELOW = 0.5
OSD_MIN_CONF = 2.0
OSD_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Orientation:
    rotation: int
    skew: float
    confidence: float


def binarise_small(grey: np.ndarray, width: int = WORK_WIDTH) -> np.ndarray:
    """Ink as 1, paper as 0, on a copy scaled to ``width`` pixels (speed)."""
    scale = width / max(grey.shape[1], 1)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def line_score(ink: np.ndarray, angle: float = 0.0) -> float:
    """How sharply the rows alternate between ink and gaps after turning by ``angle`` degrees."""
    if angle:
        h, w = ink.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        ink = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
    rows = ink.sum(axis=1).astype(np.float64)
    return float(np.square(np.diff(rows)).sum())


def find_skew(ink: np.ndarray, limit: float = 3.0) -> float:
    """Small skew in degrees (counter-clockwise positive, as cv2), coarse then fine search."""
    if ink.sum() < 50:
        return 0.0
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    best = max(coarse, key=lambda a: line_score(ink, float(a)))
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    return round(float(max(fine, key=lambda a: line_score(ink, float(a)))), 2)


def text_axis_is_vertical(ink: np.ndarray) -> tuple[bool, float]:
    """Whether the text lines run up-down (page turned 90/270), and how clearly.

    Each axis is scored at its best small angle: at 2° of skew a line of an A4 page drifts by more
    than the line pitch, the profile along the lines smears, and the evenly spaced columns of CJK
    prose could win (a skewed, sealed page scored 0.05 for the true axis at 0°, 0.34 at its angle).
    """
    horizontal = _best_line_score(ink)
    vertical = _best_line_score(np.ascontiguousarray(ink.T))
    total = horizontal + vertical
    if total <= 0:
        return False, 0.0
    return vertical > horizontal, abs(horizontal - vertical) / total


def _best_line_score(ink: np.ndarray, limit: float = 3.0) -> float:
    return max(line_score(ink, float(a)) for a in np.arange(-limit, limit + 1e-9, 0.5))


def rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """Turn clockwise by 0/90/180/270 degrees."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if rotation % 360 == 0 else cv2.rotate(image, codes[rotation % 360])


def line_crops(grey: np.ndarray, ink: np.ndarray, count: int = 4) -> list[np.ndarray]:
    """A few inked text-line crops (full resolution) to test upright against upside down."""
    scale = grey.shape[1] / ink.shape[1]
    rows = ink.sum(axis=1)
    threshold = max(2, int(0.02 * ink.shape[1]))
    bands: list[tuple[int, int]] = []
    start = None
    for y, value in enumerate(rows):
        if value > threshold and start is None:
            start = y
        elif value <= threshold and start is not None:
            if 4 <= y - start <= 40:
                bands.append((start, y))
            start = None
    bands.sort(key=lambda b: -int(rows[b[0] : b[1]].sum()))
    crops = []
    for y0, y1 in bands[:count]:
        cols = np.flatnonzero(ink[y0:y1].sum(axis=0))
        if cols.size == 0:
            continue
        x0, x1 = int(cols[0] * scale), int((cols[-1] + 1) * scale)
        x1 = min(x1, x0 + int(40 * (y1 - y0) * scale))
        pad = int(0.3 * (y1 - y0) * scale)
        crop = grey[max(0, int(y0 * scale) - pad) : int(y1 * scale) + pad, max(0, x0 - pad) : x1 + pad]
        if crop.size:
            crops.append(crop)
    return crops


def upside_down_votes(
    grey: np.ndarray, ink: np.ndarray, engine: OcrEngine, decided_at: float = 0.4
) -> tuple[float, float]:
    """Mean recogniser confidence of line crops as they are and turned 180°.

    Crops are read the longest first; once two agree with a margin of ``decided_at`` the vote
    stops (most pages are decided there, saving half the reads).
    """
    upright: list[float] = []
    flipped: list[float] = []
    for crop in line_crops(grey, ink):
        upright.append(_weight(engine.read_line(crop)))
        flipped.append(_weight(engine.read_line(cv2.rotate(crop, cv2.ROTATE_180))))
        if len(upright) >= 2 and abs(np.mean(upright) - np.mean(flipped)) >= decided_at:
            break
    if not upright:
        return 0.0, 0.0
    return float(np.mean(upright)), float(np.mean(flipped))


def _weight(line: object) -> float:
    if line is None:
        return 0.0
    text = getattr(line, "text", "")
    return float(getattr(line, "confidence", 0.0)) * min(1.0, len(text) / 4)


def detect_orientation(grey: np.ndarray, engine: OcrEngine) -> Orientation:
    """Clockwise quarter turn that makes the page upright, the residual skew, and a confidence.

    The ink profile tells the text axis cheaply, but not always: a certificate's frame, spaced
    labels in a column and a big spaced title can make a portrait licence look sideways. Unless
    the profile is clear (``AXIS_SURE``), the recogniser votes on both axes and the most
    confident of the four readings wins; where it overrules the profile, the confidence is the
    vote's margin alone. A page still unsure is put to Tesseract OSD (``osd_rotation``); a page
    both leave unsure keeps its low confidence, so the turn is reported rather than applied.
    """
    ink = binarise_small(grey)
    vertical, axis_margin = text_axis_is_vertical(ink)
    pairs = [(90, 270), (0, 180)] if vertical else [(0, 180), (90, 270)]
    if axis_margin >= AXIS_SURE:
        pairs = pairs[:1]
    votes: dict[int, float] = {}
    for first, second in pairs:
        # Lines are cut from the page levelled: at 2° of skew an A4 line drifts by more than the
        # line pitch, no blank row parts the lines, and that axis would get no vote at all.
        turned = _levelled(rotate_quarter(grey, first))
        a, b = upside_down_votes(turned, binarise_small(turned), engine)
        votes[first], votes[second] = a, b
    rotation = max(votes, key=lambda r: votes[r])
    best = votes[rotation]
    flip_margin = best - votes[(rotation + 180) % 360]
    if len(pairs) > 1 and (rotation % 180 == 90) != vertical:
        # The recogniser overruled the profile: trust the turn only as far as the vote is clear
        # (sideways Chinese lines are often read with fair confidence, so this margin is small).
        across = max(v for r, v in votes.items() if r % 180 != rotation % 180)
        axis_margin = max(0.0, best - across)
    turned = rotate_quarter(grey, rotation)
    skew = find_skew(binarise_small(turned))
    confidence = float(min(1.0, 2 * axis_margin + 0.2) * min(1.0, 2 * flip_margin + 0.2))
    if best < 0.3:
        confidence = min(confidence, 0.3)
    if confidence < OSD_BELOW:
        osd = osd_rotation(grey)
        if osd is not None and osd != rotation:
            rotation, confidence = osd, OSD_CONFIDENCE
            skew = find_skew(binarise_small(rotate_quarter(grey, rotation)))
        elif osd is not None:
            confidence = max(confidence, OSD_CONFIDENCE)
    return Orientation(rotation=rotation, skew=skew, confidence=round(confidence, 3))


def _levelled(grey: np.ndarray) -> np.ndarray:
    """The page turned by its small skew so its lines run level (paper-white corners)."""
    angle = find_skew(binarise_small(grey))
    if not angle:
        return grey
    h, w = grey.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def osd_rotation(grey: np.ndarray) -> int | None:
    """Tesseract's orientation detection, asked only where our own vote is unsure (it is right
    more often on hard scans and short pages, at about 2 s a page); None when it is unsure too."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(grey, config="--psm 0", output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, OSError):
        return None
    if float(osd.get("orientation_conf", 0.0)) < OSD_MIN_CONF:
        return None
    # OSD's "rotate" is the clockwise turn that rights the page, as ours.
    return int(osd["rotate"]) % 360
