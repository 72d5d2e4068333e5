"""Find seals on one page: red blobs on a downscaled mask, grey rings on photocopies."""

from __future__ import annotations

import math

import cv2
import numpy as np

from filingcheck.models import BBox, PageImage, Seal, SealInk, SealKind
from filingcheck.ocr.seals.candidates import Candidate, SizeLimits, fill_ellipse
from filingcheck.ocr.seals.grey import find_grey_seals
from filingcheck.ocr.seals.ink import paper_balanced, red_mask
from filingcheck.ocr.seals.red import find_red_seals
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import Ellipse


def work_scale(page: PageImage, settings: SealSettings) -> tuple[float, SizeLimits]:
    """Downscale factor for analysis and the seal sizes allowed on the downscaled image.

    Trusts the page DPI only where it gives a plausible paper size; otherwise assumes the image
    is a page of ``assumed_page_long_mm`` and lets a seal fill the whole image (a crop).
    """
    long_px = max(page.width, page.height)
    px_mm = page.dpi / 25.4 if page.dpi_known and page.dpi > 0 else 0.0
    lo, hi = settings.plausible_page_mm
    trusted = px_mm > 0 and lo <= long_px / px_mm <= hi
    if not trusted:
        px_mm = long_px / settings.assumed_page_long_mm
    # Whole-number factors keep the area downscale on OpenCV's fast path.
    scale = 1.0 / max(1, round(px_mm / settings.work_px_per_mm))
    work_mm = px_mm * scale
    min_d = max(settings.min_diameter_mm * work_mm, 14.0)
    max_d = settings.max_diameter_mm * work_mm if trusted else 1.1 * long_px * scale
    return scale, SizeLimits(
        min_d=min_d,
        max_d=max(max_d, min_d * 2),
        px_per_mm=work_mm,
        max_d_mm=settings.max_diameter_mm * work_mm,
        trusted=trusted,
        small_d=max(settings.min_small_round_mm * work_mm, 14.0),
    )


def detect_seals(page: PageImage, settings: SealSettings | None = None) -> list[Seal]:
    """Every seal impression on ``page``; boxes and centres on the scan as given."""
    settings = settings or SealSettings()
    scale, limits = work_scale(page, settings)
    small = page.image
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    if scale < 1.0:
        small = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    balanced = paper_balanced(small)
    found = [(c, SealInk.RED) for c in find_red_seals(balanced, limits, settings)]
    if settings.grey_seals:
        red = red_mask(balanced, settings, balanced=True)
        taken = [c.ellipse for c, _ in found]
        greys = find_grey_seals(balanced, red, limits, settings, taken)
        found += [(c, SealInk.GREY) for c in greys]
    seals = [_to_seal(page, c, ink, scale, settings) for c, ink in found]
    return sorted(seals, key=lambda s: (s.bbox.y0, s.bbox.x0))


def _to_seal(page: PageImage, c: Candidate, ink: SealInk, scale: float, settings: SealSettings) -> Seal:
    ell = c.ellipse.scaled(1.0 / scale)
    region = None if c.region is None else tuple(v / scale for v in c.region)
    bbox = _tight_box(page.image, ell, ink, settings, region, square=c.kind is SealKind.SQUARE)
    conf = c.confidence * (settings.grey_confidence_factor if ink is SealInk.GREY else 1.0)
    a, b = ell.a, ell.b
    if c.kind is SealKind.ROUND or c.kind is SealKind.STRADDLE_SLICE:
        a = b = ell.mean_radius
    return Seal(
        page=page.page,
        bbox=bbox,
        kind=c.kind,
        centre=(round(ell.cx, 1), round(ell.cy, 1)),
        axes=(round(a, 1), round(b, 1)),
        angle=round(ell.angle % 180, 1) if c.kind is not SealKind.ROUND else 0.0,
        ring_visible=round(min(max(c.visible, 0.0), 1.0), 3),
        edge=c.edge,
        ink=ink,
        confidence=round(min(max(conf, 0.0), 1.0), 3),
    )


def _rect_extent(ell: Ellipse) -> tuple[float, float, float, float]:
    """The axis-aligned box around a turned rectangle with half sides ``a``, ``b``."""
    rad = math.radians(ell.angle)
    hx = abs(ell.a * math.cos(rad)) + abs(ell.b * math.sin(rad))
    hy = abs(ell.a * math.sin(rad)) + abs(ell.b * math.cos(rad))
    return (ell.cx - hx, ell.cy - hy, ell.cx + hx, ell.cy + hy)


def _tight_box(
    image: np.ndarray,
    ell: Ellipse,
    ink: SealInk,
    settings: SealSettings,
    region: tuple[float, ...] | None = None,
    square: bool = False,
) -> BBox:
    """The box around the seal's own ink at full resolution, inside the fitted outline.

    A square seal's outline is its frame (``ell`` holds its half sides and turn), not the
    ellipse inside it, which would cut off the corners of a turned frame.
    """
    h, w = image.shape[:2]
    x0, y0, x1, y1 = _rect_extent(ell) if square else ell.extent()
    pad = 0.1 * ell.mean_radius
    if region is not None:
        # A slice shows only part of its circle; other ink inside that circle is not its own.
        x0, y0 = max(x0, region[0] - pad / 2), max(y0, region[1] - pad / 2)
        x1, y1 = min(x1, region[2] + pad / 2), min(y1, region[3] + pad / 2)
    bx0, by0 = max(0, int(x0 - pad)), max(0, int(y0 - pad))
    bx1, by1 = min(w, math.ceil(x1 + pad) + 1), min(h, math.ceil(y1 + pad) + 1)
    fallback = BBox.of(max(x0, 0), max(y0, 0), min(x1, w - 1), min(y1, h - 1))
    if bx1 - bx0 < 4 or by1 - by0 < 4:
        return fallback
    roi = image[by0:by1, bx0:bx1]
    if roi.ndim == 2:
        roi = cv2.cvtColor(roi, cv2.COLOR_GRAY2BGR)
    if ink is SealInk.RED:
        mask = red_mask(roi, settings)
    else:
        grey = cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY)
        mask = cv2.inRange(grey, 0, int(np.percentile(grey, 90) * 0.75))
    inside = np.zeros_like(mask)
    shifted = Ellipse(ell.cx - bx0, ell.cy - by0, ell.a, ell.b, ell.angle)
    if square:
        frame = cv2.boxPoints(((shifted.cx, shifted.cy), (2.12 * ell.a, 2.12 * ell.b), ell.angle))
        cv2.fillPoly(inside, [np.rint(frame).astype(np.int32)], 255)
    else:
        fill_ellipse(inside, shifted, 1.06, 255)
    ys, xs = np.nonzero(cv2.bitwise_and(mask, inside))
    if len(xs) < 20:
        return fallback
    # Trim stray specks: the box holds all but the outermost 0.2 % of ink on each side.
    qx0, qx1 = np.percentile(xs, [0.2, 99.8])
    qy0, qy1 = np.percentile(ys, [0.2, 99.8])
    return BBox.of(bx0 + qx0, by0 + qy0, bx0 + qx1 + 1, by0 + qy1 + 1).clip(w, h)
