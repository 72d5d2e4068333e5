"""Turn ink blobs and circle hints into scored seal candidates (red or grey ink alike)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.models import PageEdge, SealKind
from filingcheck.ocr.seals.scoring import RingStats, frame_stats, ring_stats
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import (
    Ellipse,
    cut_edge,
    ellipse_of_rect,
    fit_circle,
    fit_ellipse,
    fit_rect,
    off_border,
    outer_points,
    ransac_circles,
)


@dataclass(frozen=True)
class SizeLimits:
    """Seal diameters allowed on the working image, in its pixels."""

    min_d: float
    max_d: float
    px_per_mm: float
    # The largest seal by the millimetre limit, even where a crop lets ``max_d`` grow.
    max_d_mm: float
    # Whether the page's DPI was believable (else the image may be a crop, not a page).
    trusted: bool = True
    # The smallest whole round seal (a small name seal), where smaller than ``min_d``.
    small_d: float = 0.0

    @property
    def min_small_d(self) -> float:
        return min(self.small_d, self.min_d) if self.small_d > 0 else self.min_d

    @property
    def slice_depth(self) -> float:
        """Deepest a straddle slice reaches into the page."""
        return 0.55 * self.max_d_mm


@dataclass(frozen=True)
class Candidate:
    """A seal found on the working image, before it is mapped back to the scan."""

    kind: SealKind
    ellipse: Ellipse
    visible: float
    edge: PageEdge | None
    confidence: float
    # Where the seal's ink lies (x0, y0, x1, y1) when only part of the ellipse shows it.
    region: tuple[float, float, float, float] | None = None


def _clip01(x: float) -> float:
    return float(min(max(x, 0.0), 1.0))


def ring_confidence(st: RingStats, fit_err: float, settings: SealSettings, min_cov: float = 0.0) -> float:
    """0..1 from ring coverage, ring density and fit; 0 where the blob is clearly no seal."""
    min_cov = min_cov or settings.min_ring_coverage
    if st.coverage < min_cov or st.peak < 0.5 * min_cov:
        return 0.0
    if st.inner_fill > settings.max_inner_fill or st.gap > 0.75:
        return 0.0
    # A whole seal has text or a star inside; a slice may show almost none of it.
    if st.visible > 0.5 and st.inner_fill < 0.015:
        return 0.0
    if st.thickness > 0.3 or st.outside > 0.45:
        return 0.0
    score = (
        0.45
        + 0.3 * _clip01((st.coverage - min_cov) / (1 - min_cov))
        + 0.15 * _clip01(st.peak / 0.7)
        + 0.1 * _clip01(1 - fit_err / 0.06)
        - 0.3 * _clip01((st.outside - 0.15) / 0.3)
    )
    return _clip01(score)


def judge_ellipse(
    mask: np.ndarray, ell: Ellipse, fit_err: float, limits: SizeLimits, settings: SealSettings
) -> Candidate | None:
    """A round, oval or straddle-slice candidate for ``ell`` on ``mask``, or None."""
    d = 2 * ell.mean_radius
    small = d < limits.min_d
    if not limits.min_small_d <= d <= limits.max_d or ell.ratio > 1.9 or fit_err > 0.08:
        return None
    st = ring_stats(mask, ell)
    conf = ring_confidence(st, fit_err, settings)
    if conf <= 0:
        return None
    h, w = mask.shape
    visible = ell.visible_share(w, h)
    if visible < settings.straddle_max_visible:
        if small:
            return None
        # The ink must reach the page edge, otherwise this is an arc of something else.
        edge = PageEdge(cut_edge(ell, w, h))
        return Candidate(SealKind.STRADDLE_SLICE, ell, visible, edge, conf * (0.7 + 0.3 * visible))
    kind = SealKind.ROUND if ell.ratio < 1.12 else SealKind.OVAL
    if small and (kind is SealKind.OVAL or st.coverage < 0.85):
        # Seals this small are round name seals with a whole ring; red characters of a title
        # are this size too, and their outline is an oval or a broken ring.
        return None
    return Candidate(kind, ell, visible, None, conf)


def judge_blob(
    mask: np.ndarray, contour: np.ndarray, limits: SizeLimits, settings: SealSettings
) -> Candidate | None:
    """Fit one ink blob as a ring (whole or cut by the page edge), else as a square frame."""
    h, w = mask.shape
    pts = outer_points(contour)
    arc = off_border(pts, w, h)
    cut = len(arc) < len(pts)
    if len(arc) < 10:
        return None
    if cut:
        cx, cy, r, err = fit_circle(arc)
        ell, fit_err = Ellipse(cx, cy, r, r), err
        # A shallow arc along the edge is a line, not a slice: demand some curvature.
        if _angular_span(arc, ell) < 40:
            return None
    else:
        ell, fit_err = fit_ellipse(arc)
    found = judge_ellipse(mask, ell, fit_err, limits, settings)
    if found is not None and found.kind is SealKind.OVAL:
        # Another impression run into a round seal (a name seal across its edge) bends the
        # outline into an oval: a circle on most of the outline may explain the ring better.
        ring = _circle_on_outline(mask, arc, limits, settings)
        if ring is not None and ring.confidence >= found.confidence - 0.05:
            return ring
    if found is not None or cut:
        return found
    return judge_square(mask, contour, limits, settings)


def _circle_on_outline(
    mask: np.ndarray, points: np.ndarray, limits: SizeLimits, settings: SealSettings
) -> Candidate | None:
    """The round seal on the circle most of ``points`` lie on, if its ring is a seal's."""
    # An outline has hundreds of points; a few hundred and fewer tries find a ring that most
    # of them lie on, at a fifth of the cost (this runs for every oval found).
    sample = points[:: max(1, len(points) // 300)]
    for cx, cy, r in ransac_circles(sample, limits.min_d / 2, limits.max_d / 2, tries=150, keep=1):
        ell, err = refine_circle(mask, Ellipse(cx, cy, r, r))
        found = judge_ellipse(mask, ell, err, limits, settings)
        if found is not None and found.kind is SealKind.ROUND:
            return found
    return None


def _angular_span(points: np.ndarray, ell: Ellipse) -> float:
    """Degrees of the outline that ``points`` cover."""
    ang = np.degrees(np.arctan2(points[:, 1] - ell.cy, points[:, 0] - ell.cx))
    bins = np.unique(np.floor((ang + 180) / 5).astype(int))
    return float(len(bins) * 5)


def judge_square(
    mask: np.ndarray, contour: np.ndarray, limits: SizeLimits, settings: SealSettings, strict: bool = False
) -> Candidate | None:
    """A square name seal: a closed frame, nearly square, with characters inside.

    ``strict`` (grey ink, where QR codes and boxed text are black too) asks for a frame closed
    on every side and a clear band between it and the characters.
    """
    rect = fit_rect(contour.reshape(-1, 2).astype(np.float64))
    side_long, side_short = 2 * max(rect.hw, rect.hh), 2 * min(rect.hw, rect.hh)
    if side_short < max(limits.min_d * 0.8, 8) or side_long > limits.max_d * 0.75:
        return None
    if side_long / max(side_short, 1) > 1.35:
        return None
    area = cv2.contourArea(contour)
    if area < 0.8 * 4 * rect.hw * rect.hh:
        return None
    fs = frame_stats(mask, rect)
    if min(fs.sides) < (0.92 if strict else 0.75) or fs.outside > 0.2:
        return None
    if strict and (fs.margin_fill > 0.35 or fs.inner_fill > 0.6):
        return None
    if not 0.12 <= fs.inner_fill <= 0.85:
        return None
    # Table cells: a straight line right across the inside of a sparse frame.
    if fs.inner_fill < 0.5 and fs.grid_line > 0.9:
        return None
    conf = 0.5 + 0.3 * _clip01((min(fs.sides) - 0.75) / 0.2) + 0.2 * _clip01(1 - fs.outside / 0.2)
    return Candidate(SealKind.SQUARE, ellipse_of_rect(rect), 1.0, None, _clip01(conf))


def refine_circle(mask: np.ndarray, ell: Ellipse, rounds: int = 2) -> tuple[Ellipse, float]:
    """Snap a rough circle (a Hough hint) onto the outer edge of the ink ring near it."""
    h, w = mask.shape
    angles = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    err = 1.0
    for _ in range(rounds):
        scales = np.linspace(1.15, 0.8, 36)
        xs, ys = ell.points(angles, scales)
        xi, yi = np.rint(xs).astype(int), np.rint(ys).astype(int)
        ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        hit = np.zeros(xs.shape, bool)
        hit[ok] = mask[yi[ok], xi[ok]] > 0
        rows = np.flatnonzero(hit.any(axis=1))
        if len(rows) < 12:
            return ell, 1.0
        first = hit[rows].argmax(axis=1)
        pts = np.column_stack([xs[rows, first], ys[rows, first]])
        cx, cy, r, err = fit_circle(pts)
        if not math.isfinite(r) or r <= 2:
            return ell, 1.0
        ell = Ellipse(cx, cy, r, r)
    return ell, err


def fill_ellipse(mask: np.ndarray, ell: Ellipse, grow: float, value: int) -> None:
    """Paint ``ell`` grown by ``grow`` into ``mask`` (to blank out or mark a found seal)."""
    cv2.ellipse(
        mask,
        (round(ell.cx), round(ell.cy)),
        (max(1, round(ell.a * grow)), max(1, round(ell.b * grow))),
        ell.angle,
        0,
        360,
        value,
        -1,
    )


def suppress_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Keep the most confident of candidates that describe the same seal."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: -c.confidence):
        if not any(_same_seal(c, k) for k in kept):
            kept.append(c)
    return kept


def _same_seal(c: Candidate, k: Candidate) -> bool:
    ce, ke = c.ellipse, k.ellipse
    if math.hypot(ce.cx - ke.cx, ce.cy - ke.cy) < 0.5 * max(ce.mean_radius, ke.mean_radius):
        return True
    if c.edge is None or c.edge is not k.edge:
        return False
    # Two slices at one edge whose spans along it overlap are pieces of one slice.
    along = (ce.cy, ke.cy) if c.edge in (PageEdge.LEFT, PageEdge.RIGHT) else (ce.cx, ke.cx)
    lo = max(along[0] - ce.mean_radius, along[1] - ke.mean_radius)
    hi = min(along[0] + ce.mean_radius, along[1] + ke.mean_radius)
    return hi - lo > 0.3 * min(ce.mean_radius, ke.mean_radius)
