"""Small pages drawn in tests: text lines and bordered label/value tables in a CJK font."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SONG = "/usr/share/fonts/truetype/arphic/uming.ttc"


def page(width: int = 1654, height: int = 2339) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (width, height), "white")
    return img, ImageDraw.Draw(img)


def to_bgr(img: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


def text_page(
    lines: list[str], size: int = 34, top: int = 150, font: str = FONT, spacing: float = 1.6
) -> np.ndarray:
    img, draw = page()
    f = ImageFont.truetype(font, size)
    for i, line in enumerate(lines):
        draw.text((150, top + i * int(size * spacing)), line, font=f, fill="black")
    return to_bgr(img)


def form_page(title: str, rows: list[tuple[str, str]], size: int = 36) -> np.ndarray:
    """A bordered two-column table (label | value) under a title, like an application form."""
    img, draw = page()
    draw.text((560, 150), title, font=ImageFont.truetype(FONT, 56), fill="black")
    f = ImageFont.truetype(SONG, size)
    y = 300
    for label, value in rows:
        draw.rectangle([150, y, 1500, y + 90], outline="black", width=3)
        draw.line([520, y, 520, y + 90], fill="black", width=3)
        draw.text((175, y + 25), label, font=f, fill="black")
        draw.text((545, y + 25), value, font=f, fill="black")
        y += 90
    return to_bgr(img)
