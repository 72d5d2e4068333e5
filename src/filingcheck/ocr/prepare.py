"""Making a scanned page upright and straight for OCR, keeping the map back to the scan."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.models import Affine, PageImage, UprightPage
from filingcheck.ocr.engines.base import OcrEngine, OcrSettings, build_engine
from filingcheck.ocr.orientation import detect_orientation, rotate_quarter


@dataclass(frozen=True)
class PrepareSettings:
    detect_rotation: bool = True
    deskew: bool = True
    min_rotation_confidence: float = 0.5
    min_skew: float = 0.15
    # The upside-down vote reads line crops both ways; PP-OCR's recogniser tells the two apart
    # reliably, Tesseract's does not (it reads many upside-down lines with confidence), so the
    # vote uses this engine whatever engine reads the text.
    orientation_engine: str = "rapidocr"


def quarter_turn_map(rotation: int, width: int, height: int) -> Affine:
    """The map of a clockwise quarter turn of a ``width`` × ``height`` image."""
    r = rotation % 360
    if r == 90:
        return Affine(a=0, b=-1, c=height - 1, d=1, e=0, f=0)
    if r == 180:
        return Affine(a=-1, b=0, c=width - 1, d=0, e=-1, f=height - 1)
    if r == 270:
        return Affine(a=0, b=1, c=0, d=-1, e=0, f=width - 1)
    return Affine.identity()


def prepare_page(page: PageImage, engine: OcrEngine, settings: PrepareSettings) -> UprightPage:
    """Turn and deskew; a low-confidence turn is not applied and says so in ``notes``."""
    grey = cv2.cvtColor(page.image, cv2.COLOR_BGR2GRAY) if page.image.ndim == 3 else page.image
    notes: list[str] = []
    rotation, skew, confidence = 0, 0.0, 1.0
    if settings.detect_rotation or settings.deskew:
        found = detect_orientation(grey, _voter(engine, settings))
        confidence = found.confidence
        if settings.detect_rotation and found.rotation:
            if found.confidence >= settings.min_rotation_confidence:
                rotation = found.rotation
            else:
                notes.append(
                    f"orientation_uncertain: looks turned by {found.rotation}° "
                    f"(confidence {found.confidence:.2f}); left as scanned"
                )
        if settings.deskew and (rotation == found.rotation) and abs(found.skew) >= settings.min_skew:
            skew = found.skew
    return turn_upright(page, rotation, skew, confidence, notes)


def _voter(engine: OcrEngine, settings: PrepareSettings) -> OcrEngine:
    """The engine that votes upright against upside down (built once per process)."""
    if engine.info.name == settings.orientation_engine:
        return engine
    return build_engine(settings.orientation_engine, OcrSettings())


def turn_upright(
    page: PageImage, rotation: int, skew: float, confidence: float = 1.0, notes: list[str] | None = None
) -> UprightPage:
    """Apply a known turn and skew (also used to rebuild a page whose OCR came from the cache)."""
    image = rotate_quarter(page.image, rotation)
    to_upright = quarter_turn_map(rotation, page.width, page.height)
    if skew:
        h, w = image.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        image = cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        to_upright = to_upright.then(Affine.from_rows(m.tolist()))
    return UprightPage(
        scan=page,
        image=image,
        rotation=rotation,
        skew=skew,
        to_upright=to_upright,
        rotation_confidence=confidence,
        notes=list(notes or []),
    )


def is_colour(image: np.ndarray) -> bool:
    """A colour scan (seals can be told by hue) as opposed to a grey photocopy or grey scan.

    Judged by chroma anywhere, paper tint included, not by saturated ink: a colour scan of a
    page that carries no red still has unequal channels, a grey scan has equal ones.
    """
    if image.ndim < 3 or image.shape[2] < 3:
        return False
    small = cv2.resize(image, (256, max(1, int(256 * image.shape[0] / max(image.shape[1], 1)))))
    channels = small.astype(np.int16)
    spread = channels.max(axis=2) - channels.min(axis=2)
    return bool((spread > 10).mean() > 0.002 or spread.mean() > 3.0)


def degrees(radians: float) -> float:
    return math.degrees(radians)
