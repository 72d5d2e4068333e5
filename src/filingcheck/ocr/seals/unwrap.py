"""Polar unwrapping of seal ink: curved text along the ring becomes a straight, upright strip."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.ocr.seals.shapes import Ellipse


@dataclass(frozen=True)
class Band:
    """A ring-shaped band of the seal, as shares of its outline (0 centre, 1 outer edge)."""

    inner: float
    outer: float


def unwrap(
    ink: np.ndarray,
    ell: Ellipse,
    band: Band,
    start_deg: float,
    end_deg: float,
    height: int = 48,
    width: int | None = None,
    tops_out: bool = True,
) -> np.ndarray:
    """Sample the band from ``start_deg`` to ``end_deg`` into a ``height``-row strip.

    Angles are the ellipse's parameter in degrees, clockwise on the image (y down) from the
    ``a`` axis; the strip's columns follow them in order. With ``tops_out`` the first row is the
    outer edge (text whose tops face the ring, read clockwise); otherwise the inner edge (text
    along the lower arc, read left to right with ``start_deg`` > ``end_deg``).
    Without ``width`` the strip keeps the text's proportions at the band's middle.
    """
    span = math.radians(end_deg - start_deg)
    if width is None:
        mid = (band.inner + band.outer) / 2 * ell.mean_radius
        depth = max((band.outer - band.inner) * ell.mean_radius, 1.0)
        width = max(8, round(abs(span) * mid * height / depth))
    t = math.radians(start_deg) + span * (np.arange(width) + 0.5) / width
    s = (
        np.linspace(band.outer, band.inner, height)
        if tops_out
        else np.linspace(band.inner, band.outer, height)
    )
    xs, ys = ell.points(t, s)
    map_x = np.ascontiguousarray(xs.T, dtype=np.float32)
    map_y = np.ascontiguousarray(ys.T, dtype=np.float32)
    return cv2.remap(
        ink, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def radial_profile(
    ink: np.ndarray, ell: Ellipse, lo: float = 0.3, hi: float = 1.1
) -> tuple[np.ndarray, np.ndarray]:
    """Share of ink (dark pixels) on each scaled outline from ``lo`` to ``hi``."""
    scales = np.round(np.arange(lo, hi + 1e-9, 0.01), 3)
    t = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    xs, ys = ell.points(t, scales)
    h, w = ink.shape[:2]
    xi, yi = np.rint(xs).astype(int), np.rint(ys).astype(int)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    dark = np.zeros(xs.shape, bool)
    dark[inside] = ink[yi[inside], xi[inside]] < 128
    return scales, dark.sum(axis=0) / np.maximum(inside.sum(axis=0), 1)


def ring_inner_edge(ink: np.ndarray, ell: Ellipse) -> float:
    """Where the ring's ink ends going inward, as a share of the outline (about 0.9)."""
    scales, prof = radial_profile(ink, ell, 0.6, 1.08)
    ring = scales >= 0.8
    k = int(np.argmax(np.where(ring, prof, -1)))
    peak = prof[k]
    while k > 0 and prof[k - 1] >= 0.5 * peak:
        k -= 1
    # Some seals have a thin second ring just inside the first: the text is inside that one.
    for j in range(k - 1, max(k - 13, 0), -1):
        if prof[j] >= 0.6:
            while j > 0 and prof[j - 1] >= 0.3:
                j -= 1
            return float(scales[j])
    return float(scales[k])


def title_columns(strip: np.ndarray) -> list[tuple[int, int]]:
    """Column spans of title characters in a strip unwrapped with tops out, left to right.

    Title characters stand just inside the ring and are tall: they ink both the strip's upper
    third and its middle. Digits on the lower arc are short (upper third only); a line of
    centre text cut by the band at the bottom of the seal sits low (no upper third).
    """
    height = strip.shape[0]
    ink = _ink_rows(strip)
    upper = ink[round(0.06 * height) : round(0.35 * height)].sum(axis=0)
    middle = ink[round(0.5 * height) : round(0.72 * height)].sum(axis=0)
    # A column of a character may miss a zone (gaps between strokes): look one stroke aside.
    near = np.ones(max(3, height // 8), np.float32)
    upper_near = np.convolve(upper.astype(np.float32), near, mode="same") > 0
    middle_near = np.convolve(middle.astype(np.float32), near, mode="same") > 0
    return _runs(upper_near & middle_near)


def tall_marks(strip: np.ndarray) -> list[tuple[int, int]]:
    """Column spans of single marks reaching from the upper third past the middle.

    Stricter than ``title_columns``: digits with other ink below them do not count, so the
    gap they sit in shows; faint characters broken into strokes may be missed.
    """
    height = strip.shape[0]
    ink = _ink_rows(strip)
    # Join the strokes of one character (faint seals break them apart), not separate lines.
    joined = cv2.morphologyEx(
        ink.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((max(3, height // 10), 3), np.uint8)
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    cols = np.zeros(strip.shape[1], bool)
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if y <= 0.35 * height and y + h >= 0.5 * height and h >= 0.45 * height:
            cols[x : x + w] = True
    return _runs(cols)


def _ink_rows(strip: np.ndarray) -> np.ndarray:
    ink = strip < 160
    # Rows inked nearly all along are ring lines, not characters.
    ink[ink.mean(axis=1) > 0.6] = False
    return ink


def _runs(cols: np.ndarray) -> list[tuple[int, int]]:
    idx = np.flatnonzero(cols)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def merge_runs(runs: list[tuple[int, int]], gap: float) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def pad_strip(strip: np.ndarray, share: float = 0.12) -> np.ndarray:
    """White margins above, below and at the ends, as recognisers expect around a line."""
    m = max(2, round(strip.shape[0] * share))
    return cv2.copyMakeBorder(strip, m, m, 2 * m, 2 * m, cv2.BORDER_CONSTANT, value=255)
