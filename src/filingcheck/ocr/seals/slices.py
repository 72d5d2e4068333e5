"""Straddle-seal slices: arcs of ink that run into a page edge, traced inward from that edge."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.models import PageEdge, SealKind
from filingcheck.ocr.seals.candidates import Candidate, SizeLimits
from filingcheck.ocr.seals.scoring import ring_stats
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import Ellipse, circles_through


def find_slices(
    mask: np.ndarray, limits: SizeLimits, settings: SealSettings, among_text: bool = False
) -> list[Candidate]:
    """Slices at every page edge of a 0/255 ink mask; ``among_text``: the mask holds text and
    table lines too (a copied page's dark ink), so a slice may be grouped with them."""
    found: list[Candidate] = []
    for edge in PageEdge:
        canon = _to_right(mask, edge)
        for arc in _edge_arcs(canon, limits, among_text):
            cx, cy = _point_from_right(arc.cx, arc.cy, edge, mask.shape)
            ell = Ellipse(cx, cy, arc.r, arc.r)
            x0, y0 = _point_from_right(arc.region[0], arc.region[1], edge, mask.shape)
            x1, y1 = _point_from_right(arc.region[2], arc.region[3], edge, mask.shape)
            region = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            cand = _judge_slice(mask, ell, arc, edge, region, settings)
            if cand is not None:
                found.append(cand)
    return found


def _to_right(mask: np.ndarray, edge: PageEdge) -> np.ndarray:
    """A view of ``mask`` turned so that ``edge`` is on the right."""
    if edge is PageEdge.RIGHT:
        return mask
    if edge is PageEdge.LEFT:
        return mask[:, ::-1]
    if edge is PageEdge.TOP:
        return mask.T[:, ::-1]
    return mask.T


def _point_from_right(x: float, y: float, edge: PageEdge, shape: tuple[int, ...]) -> tuple[float, float]:
    """A point of the view from ``_to_right`` back on the page."""
    h, w = shape[:2]
    if edge is PageEdge.LEFT:
        return w - 1 - x, y
    if edge is PageEdge.TOP:
        return y, h - 1 - x
    if edge is PageEdge.BOTTOM:
        return y, x
    return x, y


@dataclass(frozen=True)
class _Arc:
    """A circle found at the right edge of a canonical view, with what it is judged on."""

    cx: float
    cy: float
    r: float
    inked: float  # share of the visible arc that holds ink
    visible: float  # share of the outline inside the visible band of the page
    # Of the two points where the outline meets the page edge, how many are off the page or
    # without ink: a seal's ring runs on over the edge onto the next sheet.
    unmet: int
    region: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # the cluster's ink box


def _edge_arcs(canon: np.ndarray, limits: SizeLimits, among_text: bool = False) -> list[_Arc]:
    """Circles for ink clusters touching the right edge of ``canon``.

    A straddle seal on fanned pages shows on each page only a band at the edge (the next sheet
    covered the rest): a few characters between the top and bottom ends of the ring, often
    centimetres apart. So fragments are grouped along the edge, and the circle is fitted by
    RANSAC to the cluster's outline (top and bottom ink per column, deepest ink per row):
    on it lie the ring pieces, inside it the characters, and the band's straight cut is no arc.
    """
    _h, w = canon.shape
    depth = int(min(w, limits.slice_depth))
    strip = np.ascontiguousarray(canon[:, w - depth :])
    across = int(max(3, 3 * limits.px_per_mm)) | 1
    along = int(max(5, 10 * limits.px_per_mm)) | 1
    grouped = cv2.dilate(strip, cv2.getStructuringElement(cv2.MORPH_RECT, (across, along)))
    touch = max(2.0, 1.5 * limits.px_per_mm)
    if not grouped[:, depth - int(touch) - 1 :].any():
        return []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grouped)
    dist = cv2.distanceTransform(cv2.bitwise_not(strip), cv2.DIST_L2, 3)
    arcs: list[_Arc] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        sub = (labels[y : y + bh, x : x + bw] == i) & (strip[y : y + bh, x : x + bw] > 0)
        ys, xs = np.nonzero(sub)
        if len(xs) < limits.min_d or bh < 0.25 * limits.min_d:
            continue
        xs, ys = xs + x, ys + y
        if depth - 1 - xs.max() > touch:
            continue
        arc = _fit_slice(xs, ys, dist, depth, limits, among_text)
        if arc is not None:
            off = w - depth
            box = (float(xs.min() + off), float(ys.min()), float(xs.max() + off), float(ys.max()))
            arcs.append(_Arc(arc.cx + off, arc.cy, arc.r, arc.inked, arc.visible, arc.unmet, box))
    return arcs


def _outline(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Top and bottom ink of each column and the deepest ink of each row."""
    pts: list[np.ndarray] = []
    order = np.lexsort((ys, xs))
    sx, sy = xs[order], ys[order]
    cols, first = np.unique(sx, return_index=True)
    last = np.append(first[1:], len(sx)) - 1
    pts += [np.column_stack([cols, sy[first]]), np.column_stack([cols, sy[last]])]
    order = np.lexsort((xs, ys))
    rx, ry = xs[order], ys[order]
    rows, first = np.unique(ry, return_index=True)
    pts.append(np.column_stack([rx[first], rows]))
    return np.unique(np.vstack(pts), axis=0).astype(np.float64)


def _fit_slice(
    xs: np.ndarray, ys: np.ndarray, dist: np.ndarray, depth: int, limits: SizeLimits, among_text: bool
) -> _Arc | None:
    """RANSAC circle on the cluster outline that holds all the ink and crosses the edge."""
    outline = _outline(xs, ys)
    if len(outline) < 12:
        return None
    step = max(1, len(xs) // 500)
    ink = np.column_stack([xs[::step], ys[::step]]).astype(np.float64)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(outline), size=(600, 3))
    cx, cy, r = circles_through(outline[idx])
    edge_x = depth - 1
    ok = (
        np.isfinite(r)
        & (r >= limits.min_d / 2)
        & (r <= limits.max_d_mm / 2)
        & (cx + r >= edge_x - 2)  # the circle runs off the page
    )
    if not ok.any():
        return None
    cx, cy, r = cx[ok], cy[ok], r[ok]
    tol = np.maximum(1.5, 0.03 * r)
    d_out = np.hypot(outline[None, :, 0] - cx[:, None], outline[None, :, 1] - cy[:, None])
    inliers = (np.abs(d_out - r[:, None]) <= tol[:, None]).sum(axis=1)
    d_ink = np.hypot(ink[None, :, 0] - cx[:, None], ink[None, :, 1] - cy[:, None])
    spill = (d_ink > (r * 1.04 + 1.5)[:, None]).mean(axis=1)
    # All the cluster's ink lies inside its seal (the ring is the outermost ink).
    score = np.where(spill < 0.03, inliers, -1)
    picks = [int(np.argmax(score))] if score.max() >= 10 else []
    if among_text:
        # Grouping along the edge may have joined the slice to text or a table above, below or
        # beside it: pieces wholly outside a circle are not its ink, only pieces it cuts are.
        picks += _beside_others(xs, ys, step, cx, cy, r, inliers, d_ink)
    # Text outlines pull some circles off the ring: of the likely circles, the one whose arc
    # on the page is most inked (and meets the edge in ink) is the ring.
    best: _Arc | None = None
    for k in dict.fromkeys(picks):
        near = np.abs(d_out[k] - r[k]) <= 2 * tol[k]
        fx, fy, fr = _refit(outline[near], (float(cx[k]), float(cy[k]), float(r[k])))
        arc = _arc_stats(fx, fy, fr, dist, depth, float(xs.min()))
        if best is None or (arc.unmet == 0, arc.inked) > (best.unmet == 0, best.inked):
            best = arc
    return best


def _beside_others(
    xs: np.ndarray,
    ys: np.ndarray,
    step: int,
    cx: np.ndarray,
    cy: np.ndarray,
    r: np.ndarray,
    inliers: np.ndarray,
    d_ink: np.ndarray,
    tries: int = 24,
) -> list[int]:
    """Of the circles with most outline on them, those with at most 3% spill when spill counts
    only ink pieces that reach inside the circle."""
    x0, y0 = int(xs.min()), int(ys.min())
    canvas = np.zeros((int(ys.max()) - y0 + 1, int(xs.max()) - x0 + 1), np.uint8)
    canvas[ys - y0, xs - x0] = 255
    # Strokes of one character are one piece; separate characters and lines stay apart.
    _, pieces = cv2.connectedComponents(cv2.dilate(canvas, np.ones((3, 3), np.uint8)))
    piece = pieces[ys[::step] - y0, xs[::step] - x0]
    picks: list[int] = []
    for k in np.argsort(-inliers)[:tries]:
        if inliers[k] < 10:
            break
        inside = d_ink[k] <= 0.98 * r[k]
        own = np.isin(piece, np.unique(piece[inside]))
        if not own.any():
            continue
        spill = float((d_ink[k][own] > r[k] * 1.04 + 1.5).mean())
        if spill < 0.03:
            picks.append(int(k))
    return picks[:8]


def _refit(points: np.ndarray, start: tuple[float, float, float]) -> tuple[float, float, float]:
    if len(points) < 8:
        return start
    x, y = points[:, 0], points[:, 1]
    sol, *_ = np.linalg.lstsq(np.column_stack([x, y, np.ones_like(x)]), x * x + y * y, rcond=None)
    cx, cy = sol[0] / 2, sol[1] / 2
    r = float(np.sqrt(max(sol[2] + cx * cx + cy * cy, 0.0)))
    if not np.isfinite(r) or abs(r - start[2]) > 0.15 * start[2]:
        return start
    return float(cx), float(cy), r


def _arc_stats(cx: float, cy: float, r: float, dist: np.ndarray, depth: int, x_min: float) -> _Arc:
    """Inked share of the arc inside the band the slice shows, that band's share, crossings."""
    h = dist.shape[0]
    t = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    px, py = cx + r * np.cos(t), cy + r * np.sin(t)
    band = (px >= x_min - 2) & (px <= depth - 1) & (py >= 0) & (py <= h - 1)
    if band.sum() < 4:
        return _Arc(cx, cy, r, 0.0, 0.0, 2)
    # Look just inside the fitted outline too: the ring has a width.
    tol = max(1.5, 0.05 * r)
    qx = np.clip(np.rint(cx + (r - tol / 2) * np.cos(t[band])), 0, depth - 1).astype(int)
    qy = np.clip(np.rint(cy + (r - tol / 2) * np.sin(t[band])), 0, h - 1).astype(int)
    inked = float((dist[qy, qx] <= tol).mean())
    # The ring runs on over the edge onto the next sheet: ink where it meets the edge.
    edge_x = depth - 1
    half = np.sqrt(max(r * r - (edge_x - cx) ** 2, 0.0))
    missing = 0
    for y in (cy - half, cy + half):
        # A straddle seal sits along an edge, not over a corner: both points are on the page.
        if not 0 <= y <= h - 1:
            missing += 1
            continue
        y0, y1 = int(max(0, y - 2 * tol)), int(min(h, y + 2 * tol + 1))
        x0 = int(max(0, edge_x - 2 * tol))
        missing += int(dist[y0:y1, x0:].min() > tol)
    return _Arc(cx, cy, r, inked, float(band.mean()), missing)


def _judge_slice(
    mask: np.ndarray,
    ell: Ellipse,
    arc: _Arc,
    edge: PageEdge,
    region: tuple[float, float, float, float],
    settings: SealSettings,
) -> Candidate | None:
    if not 0.05 <= arc.visible < settings.straddle_max_visible:
        return None
    if arc.inked < settings.slice_min_ring_coverage or arc.unmet:
        return None
    st = ring_stats(mask, ell)
    if st.inner_fill > settings.max_inner_fill:
        return None
    conf = 0.5 + 0.35 * min(1.0, (arc.inked - settings.slice_min_ring_coverage) / 0.4)
    return Candidate(SealKind.STRADDLE_SLICE, ell, arc.visible, edge, conf, region)
