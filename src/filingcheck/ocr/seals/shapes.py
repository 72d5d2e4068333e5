"""Seal outlines: ellipse and rectangle fits to ink blobs, including blobs cut by the page edge."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Ellipse:
    """Centre, half-axes and rotation (degrees, of the ``a`` axis from +x, y down)."""

    cx: float
    cy: float
    a: float
    b: float
    angle: float = 0.0

    @property
    def mean_radius(self) -> float:
        return (self.a + self.b) / 2

    @property
    def ratio(self) -> float:
        return max(self.a, self.b) / max(min(self.a, self.b), 1e-6)

    def points(self, t: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points at parameter angles ``t`` (rows) and scales ``s`` (columns) of the outline."""
        rad = math.radians(self.angle)
        ca, sa = math.cos(rad), math.sin(rad)
        u = self.a * np.cos(t)[:, None] * s[None, :]
        v = self.b * np.sin(t)[:, None] * s[None, :]
        return self.cx + u * ca - v * sa, self.cy + u * sa + v * ca

    def scaled(self, factor: float) -> Ellipse:
        return Ellipse(self.cx * factor, self.cy * factor, self.a * factor, self.b * factor, self.angle)

    def extent(self) -> tuple[float, float, float, float]:
        """The axis-aligned box around the whole ellipse (may reach past the page)."""
        rad = math.radians(self.angle)
        hx = math.hypot(self.a * math.cos(rad), self.b * math.sin(rad))
        hy = math.hypot(self.a * math.sin(rad), self.b * math.cos(rad))
        return (self.cx - hx, self.cy - hy, self.cx + hx, self.cy + hy)

    def visible_share(self, width: int, height: int) -> float:
        """Share of the outline that lies inside a ``width`` × ``height`` page."""
        t = np.linspace(0, 2 * np.pi, 360, endpoint=False)
        xs, ys = self.points(t, np.ones(1))
        inside = (xs >= 0) & (xs <= width - 1) & (ys >= 0) & (ys <= height - 1)
        return float(inside.mean())


@dataclass(frozen=True)
class Rect:
    """A rotated rectangle: centre, half-sides and rotation in degrees."""

    cx: float
    cy: float
    hw: float
    hh: float
    angle: float = 0.0

    def corners(self) -> np.ndarray:
        box = cv2.boxPoints(((self.cx, self.cy), (2 * self.hw, 2 * self.hh), self.angle))
        return np.asarray(box, dtype=np.float64)


def outer_points(contour: np.ndarray, tol: float = 2.5) -> np.ndarray:
    """Contour points on or near the convex hull: the outline without the dents of text."""
    pts = contour.reshape(-1, 2).astype(np.float64)
    hull = cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    if len(hull) < 3:
        return pts
    # Inside a convex polygon the distance to its boundary is the least distance to an edge line.
    a, b = hull, np.roll(hull, -1, axis=0)
    edge = b - a
    length = np.hypot(edge[:, 0], edge[:, 1])
    ok = length > 1e-9
    a, edge, length = a[ok], edge[ok], length[ok]
    normal = np.column_stack([-edge[:, 1], edge[:, 0]]) / length[:, None]
    dist = np.abs(((pts[:, None, :] - a[None, :, :]) * normal[None, :, :]).sum(axis=2)).min(axis=1)
    near: np.ndarray = pts[dist <= tol]
    return near


def off_border(points: np.ndarray, width: int, height: int, margin: float = 2.0) -> np.ndarray:
    """Drop points lying on the image border (where a cut seal's outline is the page edge)."""
    x, y = points[:, 0], points[:, 1]
    keep = (x > margin) & (y > margin) & (x < width - 1 - margin) & (y < height - 1 - margin)
    return points[keep]


def touches_border(points: np.ndarray, width: int, height: int, margin: float = 2.0) -> bool:
    return len(off_border(points, width, height, margin)) < len(points)


def fit_circle(points: np.ndarray) -> tuple[float, float, float, float]:
    """Least-squares circle (Kåsa) with two outlier-trimming rounds: cx, cy, r, rms/r."""
    pts = points
    cx = cy = r = 0.0
    for _ in range(3):
        x, y = pts[:, 0], pts[:, 1]
        design = np.column_stack([x, y, np.ones_like(x)])
        rhs = x * x + y * y
        sol, *_ = np.linalg.lstsq(design, rhs, rcond=None)
        cx, cy = sol[0] / 2, sol[1] / 2
        r = math.sqrt(max(sol[2] + cx * cx + cy * cy, 1e-9))
        resid = np.abs(np.hypot(x - cx, y - cy) - r)
        keep = resid <= max(2.5 * float(np.median(resid)), 1.0)
        if keep.all() or keep.sum() < 8:
            break
        pts = pts[keep]
    resid = np.hypot(pts[:, 0] - cx, pts[:, 1] - cy) - r
    return cx, cy, r, float(np.sqrt(np.mean(resid**2)) / max(r, 1e-6))


def fit_ellipse(points: np.ndarray) -> tuple[Ellipse, float]:
    """Ellipse through outline points and its relative rms error (circle when nearly round)."""
    cx, cy, r, err = fit_circle(points)
    circle = Ellipse(cx, cy, r, r)
    if len(points) < 6:
        return circle, err
    (ex, ey), (d1, d2), ang = cv2.fitEllipse(points.astype(np.float32))
    ell = Ellipse(ex, ey, d1 / 2, d2 / 2, ang)
    if not all(math.isfinite(v) for v in (ex, ey, d1, d2)) or min(d1, d2) < 2:
        return circle, err
    ell_err = _ellipse_error(points, ell)
    if ell.ratio < 1.1 or ell_err > err * 0.8:
        return circle, err
    return ell, ell_err


def _ellipse_error(points: np.ndarray, ell: Ellipse) -> float:
    rad = math.radians(ell.angle)
    dx, dy = points[:, 0] - ell.cx, points[:, 1] - ell.cy
    u = dx * math.cos(rad) + dy * math.sin(rad)
    v = -dx * math.sin(rad) + dy * math.cos(rad)
    rho = np.hypot(u / ell.a, v / ell.b)
    return float(np.sqrt(np.mean((rho - 1.0) ** 2)))


def fit_rect(points: np.ndarray) -> Rect:
    (cx, cy), (w, h), ang = cv2.minAreaRect(points.astype(np.float32))
    return Rect(cx, cy, w / 2, h / 2, ang)


def ellipse_of_rect(rect: Rect) -> Ellipse:
    return Ellipse(rect.cx, rect.cy, rect.hw, rect.hh, rect.angle)


def cut_edge(ell: Ellipse, width: int, height: int) -> str:
    """Which page edge cuts the outline most: 'left', 'right', 'top' or 'bottom'."""
    x0, y0, x1, y1 = ell.extent()
    overshoot = {"left": -x0, "right": x1 - (width - 1), "top": -y0, "bottom": y1 - (height - 1)}
    return max(overshoot, key=lambda k: overshoot[k])


def circles_through(tri: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Circumcircles of point triples, shape (n, 3, 2); NaN radius for collinear triples."""
    ax, ay = tri[:, 0, 0], tri[:, 0, 1]
    bx, by = tri[:, 1, 0], tri[:, 1, 1]
    qx, qy = tri[:, 2, 0], tri[:, 2, 1]
    d = 2 * (ax * (by - qy) + bx * (qy - ay) + qx * (ay - by))
    with np.errstate(divide="ignore", invalid="ignore"):
        a2, b2, q2 = ax * ax + ay * ay, bx * bx + by * by, qx * qx + qy * qy
        ux = (a2 * (by - qy) + b2 * (qy - ay) + q2 * (ay - by)) / d
        uy = (a2 * (qx - bx) + b2 * (ax - qx) + q2 * (bx - ax)) / d
        r = np.hypot(ax - ux, ay - uy)
    r = np.where(np.abs(d) < 1e-6, np.nan, r)
    return ux, uy, r


def ransac_circles(
    points: np.ndarray, r_min: float, r_max: float, tries: int = 400, keep: int = 3
) -> list[tuple[float, float, float]]:
    """Circles that many ``points`` lie on all the way round, best first (seeded, repeatable).

    Scored by how many of 36 sectors hold points on the circle, so a ring beats text clutter.
    """
    if len(points) < 12:
        return []
    pts = points[:: max(1, len(points) // 800)].astype(np.float64)
    rng = np.random.default_rng(0)
    cx, cy, r = circles_through(pts[rng.integers(0, len(pts), size=(tries, 3))])
    ok = np.isfinite(r) & (r >= r_min) & (r <= r_max)
    if not ok.any():
        return []
    cx, cy, r = cx[ok], cy[ok], r[ok]
    dx, dy = pts[None, :, 0] - cx[:, None], pts[None, :, 1] - cy[:, None]
    on = np.abs(np.hypot(dx, dy) - r[:, None]) <= np.maximum(1.5, 0.04 * r)[:, None]
    sector = ((np.arctan2(dy, dx) + np.pi) * (36 / (2 * np.pi))).astype(int) % 36
    hits = np.zeros((len(r), 36), bool)
    rows, cols = np.nonzero(on)
    hits[rows, sector[rows, cols]] = True
    score = hits.sum(axis=1) + on.sum(axis=1) / (len(pts) + 1)
    out: list[tuple[float, float, float]] = []
    for i in np.argsort(-score):
        c = (float(cx[i]), float(cy[i]), float(r[i]))
        if all(math.hypot(c[0] - o[0], c[1] - o[1]) > 0.3 * o[2] for o in out):
            sel = pts[on[i]]
            out.append(_least_squares(sel, c) if len(sel) >= 8 else c)
        if len(out) >= keep:
            break
    return out


def _least_squares(points: np.ndarray, start: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y = points[:, 0], points[:, 1]
    sol, *_ = np.linalg.lstsq(np.column_stack([x, y, np.ones_like(x)]), x * x + y * y, rcond=None)
    cx, cy = sol[0] / 2, sol[1] / 2
    r = math.sqrt(max(sol[2] + cx * cx + cy * cy, 0.0))
    if not math.isfinite(r) or abs(r - start[2]) > 0.15 * start[2]:
        return start
    return float(cx), float(cy), r
