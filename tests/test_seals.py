"""Seal detection, straddle joining, ink suppression and seal text, on real scans and drawn pages."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from filingcheck.models import BBox, PageEdge, PageImage, Seal, SealInk, SealKind
from filingcheck.ocr.seals import (
    SealSettings,
    detect_seals,
    join_straddle_seals,
    read_seal_text,
    suppress_seal_ink,
)

REALDATA = Path("/work/shared/realdata")
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DPI = 200
PX_MM = DPI / 25.4
A4 = (round(210 * PX_MM), round(297 * PX_MM))  # 1654 × 2339
RED = (40, 30, 215)  # BGR
BODY = "保健食品注册申请材料项目目录产品名称申请人地址法定代表人试制单位检验机构配方辅料生产工艺质量标准"

needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason="shared realdata not mounted")


# ---------------------------------------------------------------- drawing pages and seals


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def text_page(seed: int = 0, size: tuple[int, int] = A4) -> np.ndarray:
    """A white page of 12 pt black Chinese text lines (BGR)."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = _font(round(12 / 72 * DPI))
    y = round(25 * PX_MM)
    while y < size[1] - round(25 * PX_MM):
        n = int(rng.integers(18, 36))
        line = "".join(BODY[i] for i in rng.integers(0, len(BODY), n))
        draw.text((round(25 * PX_MM), y), line, fill="black", font=font)
        y += round(0.55 * font.size * 2.2)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def _glyph(ch: str, size: int, angle: float) -> Image.Image:
    """One character as an alpha mask, turned ``angle`` degrees counter-clockwise."""
    tile = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(tile).text((size, size), ch, fill=255, font=_font(size), anchor="mm")
    return tile.rotate(angle, resample=Image.Resampling.BICUBIC)


def _paste(layer: Image.Image, glyph: Image.Image, x: float, y: float) -> None:
    layer.paste(255, (round(x - glyph.width / 2), round(y - glyph.height / 2)), glyph)


def seal_layer(
    size: tuple[int, int],
    centre: tuple[float, float],
    a: float,
    b: float | None = None,
    title: str = "广州健康生物科技有限公司",
    centre_text: str = "合同专用章",
    number: str = "",
) -> Image.Image:
    """Ink mask (L) of a round (``b`` None) or oval seal: ring, star, title arc, centre text."""
    b = a if b is None else b
    layer = Image.new("L", size, 0)
    draw = ImageDraw.Draw(layer)
    cx, cy = centre
    ring = max(3, round(0.03 * (a + b)))
    draw.ellipse((cx - a, cy - b, cx + a, cy + b), outline=255, width=ring)
    star_r = 0.26 * min(a, b)
    pts = []
    for i in range(10):
        r = star_r if i % 2 == 0 else star_r * 0.4
        t = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(t), cy - 0.05 * b + r * math.sin(t)))
    draw.polygon(pts, fill=255)
    char = round(0.22 * min(a, b))
    span = min(250.0, 21.0 * len(title))
    for i, ch in enumerate(title):
        phi = math.radians(270 - span / 2 + span * (i + 0.5) / len(title))
        # Outward normal of the ellipse sets the character's up direction.
        nx, ny = math.cos(phi) / a, math.sin(phi) / b
        up = math.degrees(math.atan2(-ny, nx))
        x, y = cx + 0.76 * a * math.cos(phi), cy + 0.76 * b * math.sin(phi)
        _paste(layer, _glyph(ch, char, up - 90), x, y)
    if centre_text:
        font = _font(round(0.17 * min(a, b)))
        draw.text((cx, cy + 0.45 * b), centre_text, fill=255, font=font, anchor="mm")
    if number:
        small = round(0.1 * min(a, b))
        nspan = 7.0 * len(number)
        for i, ch in enumerate(number):
            phi = math.radians(90 + nspan / 2 - nspan * (i + 0.5) / len(number))
            x, y = cx + 0.84 * a * math.cos(phi), cy + 0.84 * b * math.sin(phi)
            _paste(layer, _glyph(ch, small, 90 - math.degrees(phi)), x, y)
    return layer


def square_layer(size: tuple[int, int], centre: tuple[float, float], half: float, name: str = "张伟之印") -> Image.Image:
    layer = Image.new("L", size, 0)
    draw = ImageDraw.Draw(layer)
    cx, cy = centre
    draw.rectangle((cx - half, cy - half, cx + half, cy + half), outline=255, width=max(3, round(0.1 * half)))
    char = round(0.8 * half)
    # Read right column top-down, then left column (traditional order).
    spots = [(0.45, -0.45), (0.45, 0.45), (-0.45, -0.45), (-0.45, 0.45)]
    for ch, (dx, dy) in zip(name, spots, strict=False):
        draw.text((cx + dx * half, cy + dy * half), ch, fill=255, font=_font(char), anchor="mm")
    return layer


def stamp(page: np.ndarray, layer: Image.Image, colour: tuple[int, int, int] = RED, strength: float = 0.9) -> np.ndarray:
    """Multiply the seal ink onto the page, as ink on paper does (black text stays black)."""
    m = np.asarray(layer, dtype=np.float32)[..., None] / 255.0 * strength
    ink = page.astype(np.float32) * (np.asarray(colour, np.float32) / 255.0)
    return (page * (1 - m) + ink * m).clip(0, 255).astype(np.uint8)


def ink_box(layer: Image.Image) -> BBox:
    ys, xs = np.nonzero(np.asarray(layer) > 64)
    return BBox.of(xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)


def page_of(image: np.ndarray, number: int = 1, dpi: float = DPI, known: bool = True) -> PageImage:
    return PageImage(page=number, image=image, dpi=dpi, source="test", dpi_known=known)
