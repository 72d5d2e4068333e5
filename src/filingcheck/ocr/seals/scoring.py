"""Ring-ness and frame-ness scores: what separates a seal from a red title, emblem or logo."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.ocr.seals.shapes import Ellipse, Rect

_ANGLES = np.linspace(0, 2 * np.pi, 180, endpoint=False)
_SCALES = np.round(np.arange(0.30, 1.31, 0.02), 3)
_RING = (_SCALES >= 0.86) & (_SCALES <= 1.03)
_INNER = (_SCALES >= 0.30) & (_SCALES <= 0.76)
_GAP = (_SCALES >= 0.70) & (_SCALES <= 0.80)
_OUTSIDE = (_SCALES >= 1.10) & (_SCALES <= 1.30)


@dataclass(frozen=True)
class RingStats:
    """How an ink mask sits on an ellipse: all shares in 0..1 over the in-page part."""

    coverage: float  # angles whose ring band holds ink
    peak: float  # ink density on the best single ring radius
    inner_fill: float  # ink density inside 0.76 of the outline (text and star)
    gap: float  # ink density at 0.70–0.80: text sits there, a filled emblem is solid
    outside: float  # ink density just outside the outline
    contrast: float  # ring peak over the density of the bands next to it
    visible: float  # share of the outline inside the page
    thickness: float  # ring width as a share of the radius


def _sample(mask: np.ndarray, ell: Ellipse) -> tuple[np.ndarray, np.ndarray]:
    h, w = mask.shape
    xs, ys = ell.points(_ANGLES, _SCALES)
    xi, yi = np.rint(xs).astype(int), np.rint(ys).astype(int)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    vals = np.zeros(xs.shape, dtype=bool)
    vals[inside] = mask[yi[inside], xi[inside]] > 0
    return vals, inside


def ring_stats(mask: np.ndarray, ell: Ellipse) -> RingStats:
    """Score ``ell`` as a seal outline on ``mask`` (0/255), using only what lies on the page."""
    vals, inside = _sample(mask, ell)
    on_page = inside[:, _SCALES == 1.0][:, 0]
    if on_page.sum() < 8:
        return RingStats(0, 0, 0, 0, 0, 0, 0, 0)
    v = vals[on_page]
    ins = inside[on_page]
    coverage = float(v[:, _RING].any(axis=1).mean())
    per_scale = v.sum(axis=0) / np.maximum(ins.sum(axis=0), 1)
    ring_prof = per_scale[_RING]
    peak = float(ring_prof.max())
    k = int(np.argmax(ring_prof)) + int(np.argmax(_RING))
    # Ring thickness: contiguous scales around the peak holding at least half its density.
    lo = hi = k
    while lo > 0 and per_scale[lo - 1] >= peak / 2:
        lo -= 1
    while hi < len(per_scale) - 1 and per_scale[hi + 1] >= peak / 2:
        hi += 1
    thickness = float(_SCALES[hi] - _SCALES[lo] + 0.02)
    # Weight the disc by radius so the centre is not oversampled.
    wts = _SCALES[_INNER][None, :] * ins[:, _INNER]
    inner = float((v[:, _INNER] * wts).sum() / max(wts.sum(), 1e-6))
    gap = float(per_scale[_GAP].mean())
    outside = float((v[:, _OUTSIDE].sum()) / max(ins[:, _OUTSIDE].sum(), 1))
    side_lo = per_scale[max(lo - 4, 0) : max(lo - 1, 1)]
    side_hi = per_scale[hi + 2 : hi + 5]
    beside = float(np.mean(np.concatenate([side_lo, side_hi]))) if len(side_lo) + len(side_hi) else 0.0
    contrast = peak / max(beside, 0.02)
    return RingStats(
        coverage=coverage,
        peak=peak,
        inner_fill=inner,
        gap=gap,
        outside=outside,
        contrast=contrast,
        visible=float(on_page.mean()),
        thickness=thickness,
    )


@dataclass(frozen=True)
class FrameStats:
    """How an ink mask sits on a rectangle: a name seal has a full frame and marks inside."""

    sides: tuple[float, float, float, float]  # ink coverage along each side's band
    inner_fill: float
    outside: float
    grid_line: float  # longest straight run across the inside: table lines, not characters
    margin_fill: float  # ink just inside the frame: a seal keeps a gap there, a QR code does not


_PATCH = 64
_MARGIN = 16


def frame_stats(mask: np.ndarray, rect: Rect) -> FrameStats:
    """Warp the rectangle (with a margin) upright onto a fixed patch and read its bands."""
    full = _PATCH + 2 * _MARGIN
    rad = np.radians(rect.angle)
    ux = np.array([np.cos(rad), np.sin(rad)]) * rect.hw * 2 / _PATCH
    uy = np.array([-np.sin(rad), np.cos(rad)]) * rect.hh * 2 / _PATCH
    origin = np.array([rect.cx, rect.cy]) - (ux + uy) * (full / 2)
    fwd = np.array([[ux[0], uy[0], origin[0]], [ux[1], uy[1], origin[1]]], dtype=np.float64)
    patch = cv2.warpAffine(
        mask, fwd, (full, full), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0
    )
    ink = patch > 0
    lo, hi = _MARGIN, _MARGIN + _PATCH
    band = max(_PATCH // 10, 3)
    core = ink[lo:hi, lo:hi]

    def cover(strip: np.ndarray, axis: int) -> float:
        hits: np.ndarray = np.asarray(strip.any(axis=axis))
        return float(hits[4:-4].mean())

    sides = (
        cover(ink[lo - 2 : lo + band, lo:hi], 0),
        cover(ink[lo:hi, hi - band : hi + 2], 1),
        cover(ink[hi - band : hi + 2, lo:hi], 0),
        cover(ink[lo:hi, lo - 2 : lo + band], 1),
    )
    inner = core[band:-band, band:-band]
    out_ring = np.ones((full, full), bool)
    out_ring[lo - 4 : hi + 4, lo - 4 : hi + 4] = False
    grid = max(float(inner.mean(axis=0).max()), float(inner.mean(axis=1).max())) if inner.size else 0.0
    ring = np.zeros((full, full), bool)
    ring[lo + band + 1 : hi - band - 1, lo + band + 1 : hi - band - 1] = True
    ring[lo + band + 4 : hi - band - 4, lo + band + 4 : hi - band - 4] = False
    return FrameStats(
        sides=sides,
        inner_fill=float(inner.mean()) if inner.size else 0.0,
        outside=float(ink[out_ring].mean()),
        grid_line=grid,
        margin_fill=float(ink[ring].mean()),
    )
