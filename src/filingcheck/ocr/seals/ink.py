"""Colour maths for seal ink: which pixels are red, how red, and how to make red ink vanish."""

from __future__ import annotations

import cv2
import numpy as np

from filingcheck.ocr.seals.settings import SealSettings

# Lighter than this share of the paper level turns white in ``suppress_seal_ink``: red ink sits
# at about 0.85–0.95 of paper in the red channel, black text well under 0.5.
WHITEN_LEVEL = 0.78


def paper_balanced(image: np.ndarray) -> np.ndarray:
    """The BGR image with each channel scaled so that the paper reads white (tinted scans)."""
    sample = image[::4, ::4].reshape(-1, 3)
    gains = []
    for c in range(3):
        hist = np.bincount(sample[:, c], minlength=256)
        paper = int(np.searchsorted(np.cumsum(hist), 0.9 * len(sample)))
        gains.append(min(max(255.0 / max(paper, 1), 1.0), 1.6))
    if max(gains) < 1.02:
        return image
    lut = np.stack([np.clip(np.arange(256) * g, 0, 255) for g in gains], axis=1).astype(np.uint8)
    return cv2.LUT(image, lut.reshape(256, 1, 3))


def redness(image: np.ndarray) -> np.ndarray:
    """R − max(G, B) per pixel, clipped at 0 (int16 → uint8)."""
    b, g, r = cv2.split(image)
    return cv2.subtract(r, cv2.max(g, b))


def red_mask(image: np.ndarray, settings: SealSettings, balanced: bool = False) -> np.ndarray:
    """0/255 mask of red, red-orange and pink ink on a BGR image (either hue range)."""
    img = image if balanced else paper_balanced(image)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    hue, sat, val = cv2.split(hsv)
    hue_ok = cv2.bitwise_or(
        cv2.inRange(hue, 0, settings.red_hue_max), cv2.inRange(hue, settings.red_hue_min, 180)
    )
    sat_ok = cv2.inRange(sat, settings.min_saturation, 255)
    val_ok = cv2.inRange(val, 60, 255)
    red_ok = cv2.inRange(redness(img), settings.min_redness, 255)
    mask = cv2.bitwise_and(cv2.bitwise_and(hue_ok, sat_ok), cv2.bitwise_and(val_ok, red_ok))
    return mask


def dark_mask(image: np.ndarray, red: np.ndarray) -> np.ndarray:
    """0/255 mask of dark, non-red ink (text, and seals that a photocopier turned grey)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    paper = float(np.percentile(grey[::4, ::4], 90))
    mask = cv2.inRange(grey, 0, max(30, int(paper * 0.72)))
    return cv2.bitwise_and(mask, cv2.bitwise_not(red))


def ink_image(image: np.ndarray, grey_ink: bool = False) -> np.ndarray:
    """Seal ink as black on white (uint8): red ink for a red seal, dark ink for a grey one.

    Colour in scans is stored at half resolution (JPEG chroma), so redness alone gives blurred
    strokes; the green channel holds the full-resolution detail (red ink is dark in it) and
    redness only decides which dark strokes are seal ink, not black text.
    """
    if grey_ink:
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        level = grey.astype(np.float32)
    else:
        bal = paper_balanced(image)
        red = redness(bal).astype(np.float32)
        strong = red[red > 12]
        ref = float(np.percentile(strong, 80)) if strong.size > 20 else 255.0
        soft = np.clip(red / max(0.6 * ref, 8.0), 0.0, 1.0)
        soft = cv2.dilate(soft, np.ones((3, 3), np.uint8))
        level = 255.0 - (255.0 - bal[:, :, 1].astype(np.float32)) * soft
    lo = float(np.percentile(level, 2))
    hi = float(np.percentile(level, 98))
    if hi - lo < 10:
        return np.full(level.shape, 255, np.uint8)
    # Ink at its darkest quarter becomes black, faint ink grey, paper white.
    black = lo + 0.15 * (hi - lo)
    white = lo + 0.8 * (hi - lo)
    out: np.ndarray = np.clip((level - black) * (255.0 / max(white - black, 1.0)), 0, 255)
    return out.astype(np.uint8)


def suppress_seal_ink(image: np.ndarray, whiten: float = WHITEN_LEVEL) -> np.ndarray:
    """Grey image for text OCR: red seal ink vanishes, dark text strokes stay.

    Keeps the red channel (red ink is nearly as bright as paper there) and stretches levels so
    that anything lighter than ``whiten`` × the paper level turns white (1.0: only the paper).
    """
    red = image if image.ndim == 2 else image[:, :, 2]
    sample = red[::4, ::4]
    paper = max(float(np.percentile(sample, 90)), 64.0)
    black = min(float(np.percentile(sample, 0.5)), 0.3 * paper)
    white = whiten * paper
    lut = np.clip((np.arange(256, dtype=np.float32) - black) * (255.0 / (white - black)), 0, 255)
    return cv2.LUT(np.ascontiguousarray(red), lut.astype(np.uint8))
