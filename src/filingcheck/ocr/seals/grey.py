"""Seals that a photocopier turned grey: found by their thin closed ring, not by colour."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from filingcheck.models import SealKind
from filingcheck.ocr.seals.candidates import Candidate, SizeLimits, judge_square, suppress_overlaps
from filingcheck.ocr.seals.ink import dark_mask
from filingcheck.ocr.seals.lines import remove_lines
from filingcheck.ocr.seals.scoring import RingStats, ring_stats
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import Ellipse, fit_ellipse, off_border, outer_points, ransac_circles
from filingcheck.ocr.seals.slices import find_slices


def find_grey_seals(
    image: np.ndarray,
    red: np.ndarray,
    limits: SizeLimits,
    settings: SealSettings,
    taken: list[Ellipse],
) -> list[Candidate]:
    """Grey seals on a working image; ``taken`` are seals already found in red.

    Black text is everywhere on a grey page, so the test is strict: a long ring that is one
    stroke all round, clearly denser than the bands beside it, with sparse marks inside.
    Runs at half the working resolution: a ring stays several pixels wide, and a page of text
    is many small blobs, which costs time at full working resolution.
    """
    pale = pale_ink(image)
    if pale is not None:
        # Red seal ink is pale in grey too: what the red pass has seen is not a copied seal.
        pale[cv2.dilate(red, np.ones((5, 5), np.uint8)) > 0] = 0
    if limits.px_per_mm < 3.0:
        return _find(image, red, limits, settings, taken, pale)
    h, w = red.shape
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    red_small = cv2.resize(red, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    if pale is not None:
        # Made at full working resolution, where text strokes are still black, then halved.
        pale = cv2.threshold(cv2.resize(pale, (w // 2, h // 2), interpolation=cv2.INTER_AREA), 64, 255, 0)[1]
    half = SizeLimits(
        limits.min_d / 2, limits.max_d / 2, limits.px_per_mm / 2, limits.max_d_mm / 2, limits.trusted
    )
    found = _find(small, red_small, half, settings, [e.scaled(0.5) for e in taken], pale)
    return [replace(c, ellipse=c.ellipse.scaled(2.0), region=_double(c.region)) for c in found]


def pale_ink(image: np.ndarray) -> np.ndarray | None:
    """0/255 mask of ink paler than text on a grey page, with text and its fringe taken out.

    A photocopier renders red seal ink mid-grey and text black: without the black strokes a
    seal's ring stands free of the text lines that run across it. None on a colour page (its
    pale ink is coloured print, not a copied seal).
    """
    if image.ndim == 3:
        sample = image[::8, ::8].astype(np.int16)
        if ((sample.max(axis=2) - sample.min(axis=2)) > 40).mean() > 0.002:
            return None
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    else:
        grey = image
    paper = float(np.percentile(grey[::4, ::4], 90))
    ink = grey < 0.86 * paper
    black = cv2.dilate((grey < 0.4 * paper).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out: np.ndarray = ((ink & ~black) * 255).astype(np.uint8)
    return out


def _pale_rings(
    pale: np.ndarray, dark: np.ndarray, limits: SizeLimits, settings: SealSettings, taken: list[Ellipse]
) -> list[Candidate]:
    """Rings (round or oval) on the pale-ink mask, away from seals already found.

    A pale ring round a solid dark disc is an emblem (the national emblem on a licence), not a
    seal: inside a seal's ring there is mostly paper, whatever the ink.
    """
    mask = pale.copy()
    _blank_found(mask, taken)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    h, w = mask.shape
    found: list[Candidate] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if min(bw, bh) < 0.8 * limits.min_d or max(bw, bh) > 1.3 * limits.max_d:
            continue
        own = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8) * 255
        contours, _ = cv2.findContours(own, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE, offset=(int(x), int(y)))
        pts = off_border(outer_points(max(contours, key=len)), w, h)
        if len(pts) >= 20:
            ell, err = fit_ellipse(pts)
            cand = _judge(mask, ell, err, limits, settings)
            if cand is not None and ring_stats(dark, ell).inner_fill <= 0.45:
                found.append(cand)
    return found


def _blank_found(mask: np.ndarray, taken: list[Ellipse]) -> None:
    """Wipe seals already found (with a margin) so their rings are not found again."""
    for ell in taken:
        centre = (round(ell.cx), round(ell.cy))
        axes = (round(ell.a * 1.15), round(ell.b * 1.15))
        cv2.ellipse(mask, centre, axes, ell.angle, 0, 360, 0, -1)


def _double(region: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
    return None if region is None else (region[0] * 2, region[1] * 2, region[2] * 2, region[3] * 2)


def _find(
    image: np.ndarray,
    red: np.ndarray,
    limits: SizeLimits,
    settings: SealSettings,
    taken: list[Ellipse],
    pale: np.ndarray | None = None,
) -> list[Candidate]:
    # Table lines would join a ring to the whole table; a ring has no long straight run.
    dark = remove_lines(dark_mask(image, red), limits)
    # Close the small gaps that removing a table line leaves where it crossed the ring.
    k = max(3, round(1.2 * limits.px_per_mm) | 1)
    dark = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    _blank_found(dark, taken)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark)
    h, w = dark.shape
    found: list[Candidate] = []
    failed: list[int] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if min(bw, bh) < 0.8 * limits.min_d or max(bw, bh) > 3 * limits.max_d:
            continue
        if max(bw, bh) > 1.3 * limits.max_d:
            # A ring with text lines run into it: too big to be the ring's own outline.
            failed.append(i)
            continue
        own = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8) * 255
        contours, _ = cv2.findContours(own, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE, offset=(int(x), int(y)))
        pts = off_border(outer_points(max(contours, key=len)), w, h)
        cand = None
        if len(pts) >= 20:
            ell, err = fit_ellipse(pts)
            cand = _judge(dark, ell, err, limits, settings)
        if cand is None:
            cand = judge_square(dark, max(contours, key=len), limits, settings, strict=True)
        if cand is not None:
            found.append(cand)
        else:
            failed.append(i)
    # A ring merged with text lines crossing it has no ring-shaped outline: look for circles in
    # the largest such blobs only (a text page has few, and each search costs a few ms).
    failed.sort(key=lambda i: -int(stats[i][2] * stats[i][3]))
    for i in failed[:6]:
        x, y, bw, bh, _ = stats[i]
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        pts = np.column_stack([xs + x, ys + y])
        r_max = min(limits.max_d / 2, max(bw, bh) / 2 * 1.05)
        for cx, cy, r in ransac_circles(pts, limits.min_d / 2, r_max):
            cand = _judge(dark, Ellipse(cx, cy, r * 1.03, r * 1.03), 0.0, limits, settings)
            if cand is not None:
                found.append(cand)
                break
    if pale is not None:
        found += _pale_rings(pale, dark, limits, settings, taken + [c.ellipse for c in found])
    if limits.trusted:
        # Slices in black ink: only clear ones on real pages, as text and scanner borders also
        # reach the edge (and on a tight crop of a text line every character does).
        strict = replace(settings, slice_min_ring_coverage=max(settings.slice_min_ring_coverage, 0.7))
        slices = find_slices(dark, limits, strict, among_text=True)
        if pale is not None:
            # Without the black text and table lines that run into it, a copied slice's ring
            # shows as an arc on its own.
            slices += find_slices(pale, limits, strict, among_text=True)
        found += [c for c in slices if c.confidence >= 0.7 and c.visible >= 0.15]
    return suppress_overlaps(found)


def grey_confidence(st: RingStats, err: float, settings: SealSettings) -> float:
    """0..1 for a grey ring; 0 unless it passes every ring test."""
    if st.visible < settings.straddle_max_visible or err > 0.05:
        return 0.0
    if st.coverage < settings.grey_min_ring_coverage or st.peak < 0.6 or st.contrast < 2.0:
        return 0.0
    if not 0.03 <= st.inner_fill <= 0.45 or st.thickness > 0.16 or st.gap > 0.6:
        return 0.0
    cov = (st.coverage - settings.grey_min_ring_coverage) / (1 - settings.grey_min_ring_coverage)
    score = 0.55 + 0.25 * min(cov, 1.0) + 0.2 * min(1.0, (st.contrast - 2.0) / 4.0)
    return float(min(max(score, 0.0), 1.0))


def _judge(
    dark: np.ndarray, ell: Ellipse, err: float, limits: SizeLimits, settings: SealSettings
) -> Candidate | None:
    d = 2 * ell.mean_radius
    if not (math.isfinite(d) and limits.min_d <= d <= limits.max_d) or ell.ratio > 1.8:
        return None
    st = ring_stats(dark, ell)
    conf = grey_confidence(st, err, settings)
    if conf < settings.min_confidence:
        return None
    kind = SealKind.ROUND if ell.ratio < 1.12 else SealKind.OVAL
    return Candidate(kind, ell, st.visible, None, conf)
