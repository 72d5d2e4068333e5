"""Seal impressions drawn as ink masks, so their boxes stay exact through stamping and scanning."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from filingcheck.samples.canvas import font

# Ink colours seen on real paperwork: fresh red, red-orange, pinkish, a worn pad.
INKS: tuple[tuple[float, float, float], ...] = ((218, 36, 48), (230, 72, 44), (232, 92, 122), (222, 112, 110))
_SS = 2  # supersampling factor of the ring and star


@dataclass
class SealArt:
    """An ink mask (0..1) with the seal centre at (``cx``, ``cy``) inside it."""

    alpha: np.ndarray
    cx: float
    cy: float


def _glyph(ch: str, face: str, height: int, width: int, bold: float = 0.02) -> Image.Image:
    """A glyph squeezed into ``width`` × ``height`` pixels, white on black, strokes thickened."""
    px = max(6, height)
    fnt = font(face, px)
    stroke = max(0, round(px * bold))
    left, top, right, bottom = fnt.getbbox(ch, anchor="ls", stroke_width=stroke)
    img = Image.new("L", (max(1, round(right - left)), max(1, round(bottom - top))), 0)
    ImageDraw.Draw(img).text(
        (-left, -top), ch, font=fnt, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255
    )
    return img.resize((max(1, width), max(1, height)), Image.Resampling.BILINEAR)


def _paste(canvas: np.ndarray, glyph: Image.Image, x: float, y: float, cw_degrees: float) -> None:
    """Paste a glyph centred at (x, y), turned clockwise, keeping the darker of both."""
    g = np.asarray(glyph.rotate(-cw_degrees, resample=Image.Resampling.BICUBIC, expand=True))
    h, w = g.shape
    x0, y0 = round(x - w / 2), round(y - h / 2)
    ys, xs = slice(max(0, y0), min(canvas.shape[0], y0 + h)), slice(max(0, x0), min(canvas.shape[1], x0 + w))
    sub = g[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    np.maximum(canvas[ys, xs], sub, out=canvas[ys, xs])


def _star(canvas: np.ndarray, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = math.pi * i / 5
        pts.append((cx + rad * math.sin(a), cy - rad * math.cos(a)))
    poly = np.array([[round(x * _SS * 16), round(y * _SS * 16)] for x, y in pts], np.int32)
    _fill_hi(canvas, lambda hi: cv2.fillPoly(hi, [poly], 255, cv2.LINE_AA, 4))


def _fill_hi(canvas: np.ndarray, paint: object) -> None:
    hi = np.zeros((canvas.shape[0] * _SS, canvas.shape[1] * _SS), np.uint8)
    paint(hi)  # type: ignore[operator]
    lo = cv2.resize(hi, (canvas.shape[1], canvas.shape[0]), interpolation=cv2.INTER_AREA)
    np.maximum(canvas, lo, out=canvas)


def _ring(canvas: np.ndarray, cx: float, cy: float, ax: float, ay: float, width: float) -> None:
    centre = (round(cx * _SS * 16), round(cy * _SS * 16))
    axes = (round((ax - width / 2) * _SS * 16), round((ay - width / 2) * _SS * 16))
    thick = max(1, round(width * _SS))
    _fill_hi(canvas, lambda hi: cv2.ellipse(hi, centre, axes, 0, 0, 360, 255, thick, cv2.LINE_AA, 4))


def _arc_text(
    canvas: np.ndarray,
    text: str,
    cx: float,
    cy: float,
    ax: float,
    ay: float,
    span: float,
    face: str,
    height: float,
    bottom: bool = False,
) -> None:
    """Characters evenly spaced along an elliptical arc, turned to face outwards (inwards at the bottom)."""
    n = len(text)
    if n == 0:
        return
    # Equal arc length between characters, also on an ellipse: tabulate length against angle.
    ts = np.radians(np.linspace(-span / 2, span / 2, 721))
    seg = np.hypot(np.diff(ax * np.sin(ts)), np.diff(ay * np.cos(ts)))
    length = np.concatenate([[0.0], np.cumsum(seg)])
    marks = np.linspace(0, length[-1], n) if n > 1 else np.array([length[-1] / 2])
    angles = np.interp(marks, length, ts)
    pitch = length[-1] / max(1, n - 1)
    width = min(height * 0.8, pitch * 0.88) if n > 1 else height * 0.8
    for ch, t0 in zip(text, angles, strict=True):
        t = math.pi - t0 if bottom else t0
        x, y = cx + ax * math.sin(t), cy - ay * math.cos(t)
        normal = math.degrees(math.atan2(ay * math.sin(t), ax * math.cos(t)))
        turn = normal - 180 if bottom else normal
        _paste(canvas, _glyph(ch, face, round(height), round(width)), x, y, turn)


def _line_text(
    canvas: np.ndarray, text: str, cx: float, cy: float, max_w: float, face: str, height: float
) -> None:
    if not text:
        return
    width = min(height * 0.9, max_w / len(text))
    for i, ch in enumerate(text):
        x = cx - width * len(text) / 2 + width * (i + 0.5)
        _paste(canvas, _glyph(ch, face, round(height), round(width * 0.92)), x, cy, 0.0)


def round_seal(
    text: str,
    dpi: float,
    rng: np.random.Generator,
    diameter_mm: float = 42.0,
    centre_text: str = "",
    number: str = "",
    face: str = "hei",
    ellipse: tuple[float, float] | None = None,
) -> SealArt:
    """A round (or, with ``ellipse`` in mm, oval) company seal: ring, star, arc text."""
    w_mm, h_mm = ellipse or (diameter_mm, diameter_mm)
    ax, ay = w_mm / 2 * dpi / 25.4, h_mm / 2 * dpi / 25.4
    r = min(ax, ay)
    pad = 6
    size = (round(2 * ay) + 2 * pad, round(2 * ax) + 2 * pad)
    canvas = np.zeros(size, np.uint8)
    cx, cy = size[1] / 2, size[0] / 2
    ring_w = r * rng.uniform(0.045, 0.065)
    _ring(canvas, cx, cy, ax, ay, ring_w)
    if rng.random() < 0.12:
        _ring(canvas, cx, cy, ax - ring_w * 1.9, ay - ring_w * 1.9, ring_w * 0.3)
        ring_w *= 1.7
    oval = ellipse is not None
    char_h = r * (rng.uniform(0.23, 0.3) if not oval else rng.uniform(0.26, 0.31))
    gap = r * 0.05
    span = min(255.0, max(140.0, 19.0 * len(text))) if not oval else min(172.0, max(110.0, 12.0 * len(text)))
    _arc_text(
        canvas,
        text,
        cx,
        cy,
        ax - ring_w - gap - char_h / 2,
        ay - ring_w - gap - char_h / 2,
        span,
        face,
        char_h,
    )
    star_r = r * (0.3 if not oval else 0.2)
    star_y = cy if not oval else cy - ay * 0.05
    if not oval or rng.random() < 0.5:
        _star(canvas, cx, star_y, star_r)
    if centre_text:
        _line_text(canvas, centre_text, cx, cy + r * (0.55 if not oval else 0.42), r * 1.15, face, r * 0.17)
    if number:
        nh = r * 0.1
        _arc_text(
            canvas,
            number,
            cx,
            cy,
            ax - ring_w - gap - nh / 2,
            ay - ring_w - gap - nh / 2,
            min(110.0, 7.0 * len(number)),
            "hei",
            nh,
            bottom=True,
        )
    return SealArt(canvas.astype(np.float32) / 255.0, cx, cy)


def square_seal(
    text: str, dpi: float, rng: np.random.Generator, side_mm: float = 20.0, face: str = "kai"
) -> SealArt:
    """A square name seal (法人章): four characters in two columns, read right column first."""
    side = side_mm * dpi / 25.4
    pad = 4
    n = round(side) + 2 * pad
    canvas = np.zeros((n, n), np.uint8)
    bw = max(2, round(side * rng.uniform(0.05, 0.08)))
    cv2.rectangle(canvas, (pad, pad), (pad + round(side), pad + round(side)), 255, bw)
    cell = (side - 2 * bw) / 2
    chars = (text + "印")[:4] if len(text) < 4 else text[:4]
    spots = ((1, 0), (1, 1), (0, 0), (0, 1))
    for ch, (col, row) in zip(chars, spots, strict=False):
        x = pad + bw + cell * (col + 0.5)
        y = pad + bw + cell * (row + 0.5)
        _paste(canvas, _glyph(ch, face, round(cell * 0.9), round(cell * 0.9)), x, y, 0.0)
    return SealArt(canvas.astype(np.float32) / 255.0, n / 2, n / 2)


def rotate(art: SealArt, degrees: float) -> SealArt:
    """Turn the impression counter-clockwise about its centre, growing the mask to fit."""
    h, w = art.alpha.shape
    side = math.ceil(math.hypot(h, w)) + 2
    m = cv2.getRotationMatrix2D((art.cx, art.cy), degrees, 1.0)
    m[0, 2] += side / 2 - art.cx
    m[1, 2] += side / 2 - art.cy
    out = cv2.warpAffine(art.alpha, m, (side, side), flags=cv2.INTER_LINEAR, borderValue=0)
    return SealArt(out, side / 2, side / 2)


def ink_texture(art: SealArt, rng: np.random.Generator, strength: float = 1.0) -> SealArt:
    """Uneven pressure, a blotchy pad, pores in the ink and a slight bleed, as on real stamps."""
    a = art.alpha
    h, w = a.shape
    a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.5, 0.8))
    coarse = rng.uniform(0.6, 1.3, size=(5, 5)).astype(np.float32)
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = ((xx - w / 2) * math.cos(angle) + (yy - h / 2) * math.sin(angle)) / max(h, w)
    field = field * (1.0 - rng.uniform(0.0, 0.45) * (ramp + 0.5))
    blotch = cv2.GaussianBlur(rng.random((h, w), dtype=np.float32), (0, 0), 2.5)
    blotch = (blotch - blotch.mean()) / (blotch.std() + 1e-6)
    gaps = np.clip((blotch + rng.uniform(2.0, 2.8)) * 1.2, 0.25, 1.0)
    grain = rng.random((h, w), dtype=np.float32)
    pores = np.where(grain < rng.uniform(0.01, 0.06), 0.3, 1.0).astype(np.float32)
    a = a * np.clip(field, 0.3, 1.0) * gaps * pores * strength
    return SealArt(np.clip(a, 0.0, 1.0).astype(np.float32), art.cx, art.cy)


def ink_colour(rng: np.random.Generator) -> tuple[float, float, float]:
    base = INKS[rng.choice(len(INKS), p=(0.5, 0.2, 0.15, 0.15))]
    jitter = rng.uniform(-8, 8, size=3)
    return (
        float(np.clip(base[0] + jitter[0], 180, 245)),
        float(np.clip(base[1] + jitter[1], 15, 130)),
        float(np.clip(base[2] + jitter[2], 20, 150)),
    )


def stamp(
    page: np.ndarray, art: SealArt, x: float, y: float, colour: tuple[float, float, float]
) -> np.ndarray | None:
    """Multiply the ink onto ``page`` (uint8 RGB) with the seal centre at pixel (x, y).

    Returns the ink pixel centres that landed on the page (N×2, x then y), or None.
    """
    h, w = art.alpha.shape
    x0, y0 = round(x - art.cx), round(y - art.cy)
    ph, pw = page.shape[:2]
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(pw, x0 + w), min(ph, y0 + h)
    if sx1 <= sx0 or sy1 <= sy0:
        return None
    a = art.alpha[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0]
    tint = 1.0 - np.asarray(colour, np.float32) / 255.0
    region = page[sy0:sy1, sx0:sx1]
    region[:] = np.rint(region * (1.0 - a[..., None] * tint)).astype(page.dtype)
    ys, xs = np.nonzero(a > 0.3)
    if len(xs) == 0:
        return None
    pts = np.stack([xs + sx0 + 0.5, ys + sy0 + 0.5], axis=1).astype(np.float32)
    hull = cv2.convexHull(pts)
    return np.asarray(hull, np.float32).reshape(-1, 2)
