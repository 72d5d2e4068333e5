"""How far a seal is turned, from the line under its star (合同专用章, 检验检测专用章).

Seals are stamped at a slant, so that line is rarely level on the page, and read at a slant it
loses characters. Its characters stand in one straight row across the lower half of the seal,
perpendicular to the seal's up direction: the turn that makes the row level stands it upright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.ocr.seals.shapes import Ellipse

_STEP = 3.0  # degrees between the turns tried


@dataclass(frozen=True)
class _Marks:
    """Connected ink marks inside the seal, relative to its centre, in radii."""

    dx: np.ndarray
    dy: np.ndarray
    half_w: np.ndarray  # half the mark's size across, for gaps along the row
    area: np.ndarray


def centre_line_turn(ink: np.ndarray, ell: Ellipse, edge: float, down: float) -> float | None:
    """Degrees (counter-clockwise on the image) that level the row under the star, or None.

    ``down`` (degrees, clockwise from +x) is where the middle of the gap in the title points;
    the row is looked for across directions within 40° of it, never across the title itself
    (characters along one side of the arc can stand in a row too).
    """
    marks = _marks(ink, ell, edge)
    if len(marks.area) < 3:
        return None
    best: tuple[float, float, np.ndarray] | None = None
    for deg in np.arange(down - 40.0, down + 40.0 + 1e-6, _STEP):
        found = _row(marks, math.radians(deg))
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], float(deg), found[1])
    if best is None:
        return None
    # Down is +y (90°) on an upright seal; a counter-clockwise turn by ``a`` moves angle φ to φ − a.
    return best[1] - 90.0


def _marks(ink: np.ndarray, ell: Ellipse, edge: float) -> _Marks:
    """Components that could be characters of a centre line: not the star, not the title."""
    r = max(ell.mean_radius, 1.0)
    _n, _labels, stats, cents = cv2.connectedComponentsWithStats((ink < 128).astype(np.uint8))
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    dx = (cents[1:, 0] - ell.cx) / r
    dy = (cents[1:, 1] - ell.cy) / r
    dist = np.hypot(dx, dy)
    size = np.maximum(w, h) / r
    # The star holds the centre; title characters sit in the band just inside the ring.
    star = (x <= ell.cx) & (ell.cx <= x + w) & (y <= ell.cy) & (ell.cy <= y + h)
    keep = (size < 0.3) & (area >= 4) & ~star & (dist >= 0.2) & (dist < edge - 0.2)
    idx = np.flatnonzero(keep)
    return _Marks(dx[idx], dy[idx], size[idx] / 2, area[idx].astype(np.float64))


def _row(marks: _Marks, down: float) -> tuple[float, np.ndarray] | None:
    """(score, members) of the best row across ``down`` (radians), or None.

    A row sits 0.25–0.75 radius below the centre, its marks at one depth (within 0.12 radius)
    and side by side (no gap wider than 0.12 radius), centred on the seal's axis. The score is
    its ink, a little less where the depths scatter (the seal turned a few degrees off).
    """
    c, s = math.cos(down), math.sin(down)
    depth = marks.dx * c + marks.dy * s
    across = -marks.dx * s + marks.dy * c
    ok = (depth >= 0.25) & (depth <= 0.75) & (np.abs(across) <= 0.65)
    if ok.sum() < 3:
        return None
    order = np.flatnonzero(ok)
    order = order[np.argsort(depth[order])]
    best: tuple[float, np.ndarray] | None = None
    j = 0
    for i in range(len(order)):
        while depth[order[i]] - depth[order[j]] > 0.12:
            j += 1
        for members in _side_by_side(order[j : i + 1], across, marks.half_w):
            lo = float((across[members] - marks.half_w[members]).min())
            hi = float((across[members] + marks.half_w[members]).max())
            if len(members) < 3 or hi - lo < 0.3 or abs(lo + hi) > 0.3:
                continue
            weight = marks.area[members]
            mean = float((depth[members] * weight).sum() / weight.sum())
            spread = math.sqrt(float((weight * (depth[members] - mean) ** 2).sum() / weight.sum()))
            score = float(weight.sum()) * (1.0 - 2.0 * spread)
            if best is None or score > best[0]:
                best = (score, members)
    return best


def _side_by_side(members: np.ndarray, across: np.ndarray, half_w: np.ndarray) -> list[np.ndarray]:
    """``members`` split where the gap between neighbours across the row exceeds 0.12 radius."""
    if len(members) < 3:
        return []
    members = members[np.argsort(across[members] - half_w[members])]
    lo = across[members] - half_w[members]
    reach = np.maximum.accumulate(across[members] + half_w[members])
    cuts = np.flatnonzero(lo[1:] - reach[:-1] > 0.12) + 1
    return [part for part in np.split(members, cuts) if len(part) >= 3]
