"""Scanner and photocopier wear on a drawn page, with the map that moves seal boxes along."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np


class ScanLevel(StrEnum):
    """How worn the scan looks: a clean export, an office scanner, a tired photocopy."""

    CLEAN = "clean"
    MILD = "mild"
    HARD = "hard"


@dataclass(frozen=True)
class ScanParams:
    paper: tuple[float, float]  # paper brightness range (255 = white)
    black: tuple[float, float]  # how dark the toner comes out
    shading: float  # depth of the uneven illumination
    noise: float  # sigma of sensor noise, grey levels
    blur: tuple[float, float]  # sigma of optical blur, pixels at 200 DPI
    skew: float  # largest skew, degrees
    quality: int  # JPEG quality of the PDF images
    speckles: int  # dust specks per page


PARAMS = {
    ScanLevel.CLEAN: ScanParams((255, 255), (0, 0), 0.0, 0.0, (0.0, 0.0), 0.0, 92, 0),
    ScanLevel.MILD: ScanParams((244, 252), (18, 34), 0.05, 3.0, (0.4, 0.75), 1.0, 85, 0),
    ScanLevel.HARD: ScanParams((226, 242), (35, 60), 0.12, 7.0, (0.8, 1.2), 2.0, 60, 160),
}


@dataclass
class ScannedPage:
    """The final pixels (uint8, RGB or grey) and where each seal's ink ended up."""

    image: np.ndarray
    skew: float
    rotation: int
    boxes: list[list[int] | None]


def scan(
    page: np.ndarray,
    level: ScanLevel,
    rng: np.random.Generator,
    hulls: list[np.ndarray | None],
    dpi: int,
    grey: bool = False,
    rotation: int = 0,
) -> ScannedPage:
    """Wear ``page`` (uint8 RGB) and move the seal ink ``hulls`` with it.

    ``rotation`` is the clockwise turn that will make the result upright again (0, 90, 180, 270).
    Works in uint8 with look-up tables where it can: a page must take well under half a second.
    """
    p = PARAMS[level]
    h, w = page.shape[:2]
    img = page
    if p.paper[0] < 255:
        paper, black = rng.uniform(*p.paper), rng.uniform(*p.black)
        warm = (1.0, rng.uniform(0.985, 1.0), rng.uniform(0.95, 0.99))
        ramp = np.arange(256, dtype=np.float32) / 255.0
        lut = np.stack([black + ramp * (paper - black) * k for k in warm], axis=1)
        img = cv2.LUT(img, np.clip(lut, 0, 255).astype(np.uint8).reshape(256, 1, 3))
    if p.shading > 0:
        coarse = rng.uniform(1.0 - p.shading, 1.0, size=(3, 3)).astype(np.float32)
        field = cv2.resize(coarse * 255.0, (w, h), interpolation=cv2.INTER_CUBIC)
        field = np.clip(field, 0, 255).astype(np.uint8)
        img = cv2.multiply(img, cv2.merge([field, field, field]), scale=1.0 / 255.0)
    skew = 0.0
    matrix: np.ndarray = np.eye(2, 3, dtype=np.float64)
    if p.skew > 0:
        skew = round(float(rng.uniform(-p.skew, p.skew)), 2)
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        lid = round(float(rng.uniform(245, 255)))
        img = cv2.warpAffine(
            img,
            matrix,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(lid, lid, lid),
        )
    scale = dpi / 200.0
    if p.blur[1] > 0:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(*p.blur) * scale)
    if grey:
        # A photocopier pushes contrast: greys go darker, paper goes whiter.
        lum = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        curve = np.clip((np.arange(256, dtype=np.float32) - 30.0) * 1.18, 0, 255).astype(np.uint8)
        img = cv2.LUT(lum, curve)[..., None]
    if p.noise > 0:
        img = _noise(img, rng, p.noise)
    if p.speckles:
        _speckle(img, rng, p.speckles, scale)
    out = img[..., 0] if img.shape[2] == 1 else img
    boxes = [_box(hull, matrix, w, h, rotation) if hull is not None else None for hull in hulls]
    if rotation:
        out = np.ascontiguousarray(np.rot90(out, k=rotation // 90))
    return ScannedPage(out, skew, rotation, boxes)


def _noise(img: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Sensor noise; half a page of it is drawn and mirrored, which the eye cannot tell."""
    h, w = img.shape[:2]
    half = (rng.standard_normal(((h + 1) // 2, w), dtype=np.float32) * sigma).astype(np.int16)
    noise = np.concatenate([half, half[::-1, ::-1]])[:h]
    out = img.astype(np.int16)
    out += noise[..., None]
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)


def _speckle(img: np.ndarray, rng: np.random.Generator, count: int, scale: float) -> None:
    h, w = img.shape[:2]
    n = int(rng.integers(count // 2, count + 1))
    for x, y, r, dark in zip(
        rng.integers(0, w, n),
        rng.integers(0, h, n),
        rng.uniform(0.6, 2.2, n) * scale,
        rng.random(n) < 0.85,
        strict=True,
    ):
        value = int(rng.uniform(20, 90)) if dark else 255
        cv2.circle(img, (int(x), int(y)), max(1, round(r)), (value,) * img.shape[2], -1, cv2.LINE_AA)
    if rng.random() < 0.5:
        x = int(rng.integers(0, w))
        band = img[:, x : x + max(1, round(2 * scale))]
        band[:] = (band * float(rng.uniform(0.8, 0.92))).astype(np.uint8)


def _box(hull: np.ndarray, matrix: np.ndarray, w: int, h: int, rotation: int) -> list[int] | None:
    """The ink box after the skew and the quarter turns, clipped to the page."""
    pts = hull @ matrix[:, :2].T + matrix[:, 2]
    for _ in range(rotation // 90):
        # np.rot90 turns counter-clockwise: (x, y) on a w-wide page goes to (y, w - x).
        pts = np.stack([pts[:, 1], w - pts[:, 0]], axis=1)
        w, h = h, w
    x0, y0 = np.floor(pts.min(axis=0) - 0.5)
    x1, y1 = np.ceil(pts.max(axis=0) + 0.5)
    box = [max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))]
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return None
    return box
