"""Red seals on the working image: blobs, edge slices and circle hints, then faint ink near them."""

from __future__ import annotations

import math

import cv2
import numpy as np

from filingcheck.models import SealKind
from filingcheck.ocr.seals.candidates import (
    Candidate,
    SizeLimits,
    fill_ellipse,
    judge_blob,
    judge_ellipse,
    refine_circle,
    suppress_overlaps,
)
from filingcheck.ocr.seals.ink import red_mask
from filingcheck.ocr.seals.lines import remove_lines
from filingcheck.ocr.seals.overlaps import find_overlapping_squares
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import Ellipse
from filingcheck.ocr.seals.slices import find_slices


def find_red_seals(balanced: np.ndarray, limits: SizeLimits, settings: SealSettings) -> list[Candidate]:
    """Seals in red ink on a paper-balanced BGR working image."""
    strong = remove_lines(red_mask(balanced, settings, balanced=True), limits)
    found = seal_pass(strong, limits, settings)
    weak = _faint_ink(balanced, strong, found, limits, settings)
    if weak is not None:
        found = suppress_overlaps(found + seal_pass(weak, limits, settings, hough=False))
    # A name seal stamped across a round seal is part of the round seal's blob: look for it apart.
    squares = [c for c in found if c.kind is SealKind.SQUARE]
    for extra in find_overlapping_squares(strong, found, limits, settings):
        if not any(_same_square(extra, k) for k in squares):
            squares.append(extra)
            found.append(extra)
    return found


def _same_square(a: Candidate, b: Candidate) -> bool:
    ea, eb = a.ellipse, b.ellipse
    return math.hypot(ea.cx - eb.cx, ea.cy - eb.cy) < 0.5 * max(ea.mean_radius, eb.mean_radius)


def seal_pass(
    mask: np.ndarray, limits: SizeLimits, settings: SealSettings, hough: bool = True
) -> list[Candidate]:
    """Whole blobs first, then slices at the page edges, then circle hints for what is left."""
    k = max(3, round(0.8 * limits.px_per_mm) | 1)
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    found: list[Candidate] = []
    for contour in contours:
        _, _, w, h = cv2.boundingRect(contour)
        if max(w, h) < limits.min_d * 0.5 or cv2.contourArea(contour) < limits.min_d:
            continue
        cand = judge_blob(closed, contour, limits, settings)
        if cand is not None and cand.confidence >= settings.min_confidence:
            found.append(cand)
    found = suppress_overlaps(found + find_slices(closed, limits, settings))
    if hough:
        found += _hough_leftovers(closed, found, limits, settings)
    return suppress_overlaps(found)


def _faint_ink(
    balanced: np.ndarray,
    strong: np.ndarray,
    found: list[Candidate],
    limits: SizeLimits,
    settings: SealSettings,
) -> np.ndarray | None:
    """A low-threshold red mask, only around red ink that no seal explains yet.

    Faded or pale seals break up under the normal thresholds; lowering them page-wide would
    pull in tinted paper and watermarks, so the faint mask is only looked at near leftovers.
    """
    rest = strong.copy()
    for c in found:
        fill_ellipse(rest, c.ellipse, 1.15, 0)
    if cv2.countNonZero(rest) < limits.min_d:
        return None
    g = int(max(3, 5 * limits.px_per_mm)) | 1
    grouped = cv2.dilate(rest, cv2.getStructuringElement(cv2.MORPH_RECT, (g, g)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(grouped)
    _h, _w = strong.shape
    pad = int(limits.max_d_mm / 2)
    near = np.zeros_like(strong)
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if max(bw, bh) >= 0.3 * limits.min_d:
            near[max(0, y - pad) : y + bh + pad, max(0, x - pad) : x + bw + pad] = 255
    if not cv2.countNonZero(near):
        return None
    out = cv2.bitwise_and(red_mask(balanced, _weak(settings), balanced=True), near)
    for c in found:
        fill_ellipse(out, c.ellipse, 1.15, 0)
    return remove_lines(out, limits)


def _weak(settings: SealSettings) -> SealSettings:
    from dataclasses import replace

    return replace(settings, min_saturation=settings.faint_saturation, min_redness=settings.faint_redness)


def _hough_leftovers(
    mask: np.ndarray, found: list[Candidate], limits: SizeLimits, settings: SealSettings
) -> list[Candidate]:
    """Circles in ink the blob pass could not explain (seals merged with other ink, broken rings)."""
    rest = mask.copy()
    for c in found:
        fill_ellipse(rest, c.ellipse, 1.12, 0)
    if cv2.countNonZero(rest) < limits.min_d * 4:
        return []
    # Group broken rings and neighbouring ink; only groups a seal could fit in are searched.
    g = int(max(3, 2 * limits.px_per_mm)) | 1
    grouped = cv2.dilate(rest, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (g, g)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(grouped)
    out: list[Candidate] = []
    h, w = mask.shape
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        # Too small for a seal, or a large red graphic rather than seals run together.
        if min(bw, bh) < 0.8 * limits.min_d or area < limits.min_d * 4 or bw * bh > 6 * limits.max_d**2:
            continue
        x0, y0 = max(0, x - g), max(0, y - g)
        x1, y1 = min(w, x + bw + g), min(h, y + bh + g)
        r_max = min(limits.max_d / 2, max(bw, bh) / 2 * 1.1)
        for cx, cy, r in _hough(rest[y0:y1, x0:x1], limits, r_max):
            ell, err = refine_circle(rest, Ellipse(cx + x0, cy + y0, r, r))
            cand = judge_ellipse(rest, ell, err, limits, settings)
            if cand is not None and cand.confidence >= settings.min_confidence:
                out.append(cand)
    return out


def _hough(roi: np.ndarray, limits: SizeLimits, r_max: float) -> list[tuple[float, float, float]]:
    r_min = limits.min_d / 2
    if r_max < r_min:
        return []
    blur = cv2.GaussianBlur(roi, (0, 0), max(1.0, limits.px_per_mm * 0.5))
    circles = cv2.HoughCircles(
        blur,
        cv2.HOUGH_GRADIENT,
        dp=1.5,
        minDist=r_min,
        param1=100,
        param2=max(12, int(r_min * 0.9)),
        minRadius=int(r_min),
        maxRadius=math.ceil(r_max),
    )
    if circles is None:
        return []
    return [(float(cx), float(cy), float(r)) for cx, cy, r in circles[0][:4]]
