"""Square name seals (法人章) stamped across a round seal: found by their straight frame sides.

The blob pass sees one ink blob where a name seal overlaps a round seal and fits the round seal
to it; the square's frame is then part of a blob that is already explained. A seal ring has no
straight run as long as half a name seal's side, so, with the found rings wiped out, four
straight thick sides that close a square are the name seal's frame.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from filingcheck.models import SealKind
from filingcheck.ocr.seals.candidates import Candidate, SizeLimits, fill_ellipse
from filingcheck.ocr.seals.scoring import frame_stats
from filingcheck.ocr.seals.settings import SealSettings
from filingcheck.ocr.seals.shapes import Ellipse, ellipse_of_rect, fit_rect

# Name seals are 11–32 mm square; the search turns the patch in steps this wide (degrees).
_SIDE_MM = (11.0, 32.0)
_ANGLE_STEP = 3.0


def find_overlapping_squares(
    mask: np.ndarray, found: list[Candidate], limits: SizeLimits, settings: SealSettings
) -> list[Candidate]:
    """Square frames that overlap a found round or oval seal and poke out of it."""
    rings = [c for c in found if c.kind in (SealKind.ROUND, SealKind.OVAL)]
    if not rings:
        return []
    s_min = max(_SIDE_MM[0] * limits.px_per_mm, 0.8 * limits.min_d, 8.0)
    s_max = _SIDE_MM[1] * limits.px_per_mm
    rest = mask.copy()
    for c in found:
        fill_ellipse(rest, c.ellipse, 1.08, 0)
    ringless = mask.copy()
    for c in rings:
        _wipe_ring(ringless, c.ellipse)
    h, w = mask.shape
    out: list[Candidate] = []
    for c in rings:
        x0, y0, x1, y1 = c.ellipse.extent()
        bx0, by0 = max(0, int(x0 - s_max)), max(0, int(y0 - s_max))
        bx1, by1 = min(w, math.ceil(x1 + s_max)), min(h, math.ceil(y1 + s_max))
        # Nothing left beside the ring: no name seal pokes out of it (the usual, cheap case).
        if cv2.countNonZero(rest[by0:by1, bx0:bx1]) < s_min:
            continue
        # The frame holds some of the leftover ink: search only where it can reach.
        ys, xs = np.nonzero(rest[by0:by1, bx0:bx1])
        bx0, bx1 = max(bx0, bx0 + int(xs.min() - s_max)), min(bx1, bx0 + math.ceil(xs.max() + s_max))
        by0, by1 = max(by0, by0 + int(ys.min() - s_max)), min(by1, by0 + math.ceil(ys.max() + s_max))
        patch = ringless[by0:by1, bx0:bx1]
        # Half resolution where a side stays a few pixels thick: the turn search costs a quarter.
        f = 2 if limits.px_per_mm >= 3.0 else 1
        if f > 1:
            patch = cv2.resize(
                patch, (patch.shape[1] // f, patch.shape[0] // f), interpolation=cv2.INTER_AREA
            )
            patch = cv2.threshold(patch, 64, 255, cv2.THRESH_BINARY)[1]
        frames = _squares_in(patch, s_min / f, s_max / f)
        shift = np.array([bx0, by0], np.float64)
        judged = [_judge(mask, corners * f + shift, c.ellipse, settings) for corners in frames]
        best = max((j for j in judged if j is not None), key=lambda j: j.confidence, default=None)
        if best is not None and not any(_overlap(best, k) for k in out):
            out.append(best)
    return out


def _wipe_ring(mask: np.ndarray, ell: Ellipse) -> None:
    """Blank the band 0.84–1.10 of the outline, where the ring (and its bleed) lies."""
    mid, half = 0.97, 0.13
    thick = max(2, round(2 * half * ell.mean_radius))
    cv2.ellipse(
        mask,
        (round(ell.cx), round(ell.cy)),
        (max(1, round(ell.a * mid)), max(1, round(ell.b * mid))),
        ell.angle,
        0,
        360,
        0,
        thick,
    )


def _squares_in(patch: np.ndarray, s_min: float, s_max: float, keep: int = 4) -> list[np.ndarray]:
    """Corners (patch pixels) of the square frames of straight sides that fit best, best first."""
    ph, pw = patch.shape
    side = math.ceil(math.hypot(ph, pw))
    length = max(5, round(0.45 * s_min))
    bridge = max(3, round(0.06 * s_min))
    # Bridge the pores and the strokes of text under the ink that break a side, then keep runs.
    h_close = cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1))
    v_close = cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge))
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    frames: list[tuple[float, np.ndarray]] = []
    for angle in np.arange(-45.0, 45.0, _ANGLE_STEP):
        fwd = cv2.getRotationMatrix2D((pw / 2, ph / 2), float(angle), 1.0)
        fwd[0, 2] += (side - pw) / 2
        fwd[1, 2] += (side - ph) / 2
        turned = cv2.warpAffine(patch, fwd, (side, side), flags=cv2.INTER_NEAREST, borderValue=0)
        horiz = (
            cv2.morphologyEx(cv2.morphologyEx(turned, cv2.MORPH_CLOSE, h_close), cv2.MORPH_OPEN, h_kernel) > 0
        )
        if not horiz.any():
            continue
        vert = (
            cv2.morphologyEx(cv2.morphologyEx(turned, cv2.MORPH_CLOSE, v_close), cv2.MORPH_OPEN, v_kernel) > 0
        )
        if not vert.any():
            continue
        found = _frame(turned > 0, horiz, vert, s_min, s_max)
        if found is None:
            continue
        back = cv2.invertAffineTransform(fwd)
        frames.append((found[0], np.column_stack([found[1], np.ones(4)]) @ back.T))
    frames.sort(key=lambda f: -f[0])
    return [corners for _, corners in frames[:keep]]


def _lines(profile: np.ndarray, min_count: float, max_thick: float) -> list[tuple[float, int, int]]:
    """Peaks of a row (or column) profile of straight runs: (centre, first, last), in order.

    A side is the peak; strokes of characters beside it add lower shoulders, so a line spans
    the rows holding at least half its peak.
    """
    prof = profile.astype(np.float64)
    out: list[tuple[float, int, int]] = []
    for _ in range(8):
        k = int(np.argmax(prof))
        peak = prof[k]
        if peak < min_count:
            break
        a = b = k
        while a > 0 and prof[a - 1] >= 0.5 * peak:
            a -= 1
        while b < len(prof) - 1 and prof[b + 1] >= 0.5 * peak:
            b += 1
        if b - a + 1 <= max_thick:
            weights = profile[a : b + 1].astype(np.float64)
            out.append((float((np.arange(a, b + 1) * weights).sum() / max(weights.sum(), 1.0)), a, b))
        prof[max(0, a - 2) : b + 3] = 0
    return sorted(out)


def _frame(
    ink: np.ndarray, horiz: np.ndarray, vert: np.ndarray, s_min: float, s_max: float
) -> tuple[float, np.ndarray] | None:
    """The square on lines of straight runs whose sides the ink covers best: (score, corners).

    Straight runs only propose where sides may be; a side crossed by the wiped ring or by text
    under the seal is broken into short runs, so its coverage is read on the ink itself.
    """
    length = 0.35 * s_min
    max_thick = max(3.0, 0.14 * s_max)
    rows = _lines(horiz.sum(axis=1), length, max_thick)
    cols = _lines(vert.sum(axis=0), length, max_thick)
    if len(rows) < 2 or len(cols) < 2:
        return None
    best: tuple[float, np.ndarray] | None = None
    for i, top in enumerate(rows):
        for bottom in rows[i + 1 :]:
            s = bottom[0] - top[0]
            if not s_min <= s <= s_max:
                continue
            for j, left in enumerate(cols):
                for right in cols[j + 1 :]:
                    if abs((right[0] - left[0]) - s) > 0.12 * s:
                        continue
                    cover = _cover(ink, top, bottom, left, right)
                    # Every side mostly there (the wiped ring cuts a piece out of some).
                    if min(cover) < 0.6 or sum(cover) / 4 < 0.75:
                        continue
                    # Sides are thinnest when the patch is turned square to them.
                    thick = top[2] - top[1] + bottom[2] - bottom[1] + left[2] - left[1] + right[2] - right[1]
                    score = sum(cover) - thick / s
                    if best is None or score > best[0]:
                        x0, x1 = left[1], right[2] + 1
                        y0, y1 = top[1], bottom[2] + 1
                        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)
                        best = (score, corners)
    return best


def _cover(
    ink: np.ndarray,
    top: tuple[float, int, int],
    bottom: tuple[float, int, int],
    left: tuple[float, int, int],
    right: tuple[float, int, int],
) -> tuple[float, float, float, float]:
    """Share of each side's length that holds ink within the side's line (one pixel either way)."""
    x0, x1 = round(left[0]), round(right[0])
    y0, y1 = round(top[0]), round(bottom[0])

    def along(band: np.ndarray, axis: int) -> float:
        hits = np.asarray(band.any(axis=axis))
        return float(hits.mean()) if hits.size else 0.0

    return (
        along(ink[max(0, top[1] - 1) : top[2] + 2, x0:x1], 0),
        along(ink[max(0, bottom[1] - 1) : bottom[2] + 2, x0:x1], 0),
        along(ink[y0:y1, max(0, left[1] - 1) : left[2] + 2], 1),
        along(ink[y0:y1, max(0, right[1] - 1) : right[2] + 2], 1),
    )


def _judge(mask: np.ndarray, corners: np.ndarray, ring: Ellipse, settings: SealSettings) -> Candidate | None:
    """A square candidate if the frame is closed on the full mask and pokes out of the ring."""
    rect = fit_rect(corners)
    fs = frame_stats(mask, rect)
    if min(fs.sides) < 0.8 or not 0.12 <= fs.inner_fill <= 0.85:
        return None
    # A frame wholly inside a round seal is no name seal stamped beside it.
    t = np.linspace(0, 1, 16, endpoint=False)[:, None]
    edge_pts = np.vstack([corners[k] + t * (corners[(k + 1) % 4] - corners[k]) for k in range(4)])
    rad = math.radians(ring.angle)
    dx, dy = edge_pts[:, 0] - ring.cx, edge_pts[:, 1] - ring.cy
    u = dx * math.cos(rad) + dy * math.sin(rad)
    v = -dx * math.sin(rad) + dy * math.cos(rad)
    outside = float((np.hypot(u / ring.a, v / ring.b) > 1.05).mean())
    if outside < 0.2:
        return None
    conf = 0.5 + 0.3 * min(1.0, (min(fs.sides) - 0.8) / 0.15) + 0.2 * min(1.0, outside / 0.5)
    if conf < settings.min_confidence:
        return None
    return Candidate(SealKind.SQUARE, ellipse_of_rect(rect), 1.0, None, min(conf, 1.0))


def _overlap(a: Candidate, b: Candidate) -> bool:
    ea, eb = a.ellipse, b.ellipse
    return math.hypot(ea.cx - eb.cx, ea.cy - eb.cy) < 0.5 * max(ea.mean_radius, eb.mean_radius)
