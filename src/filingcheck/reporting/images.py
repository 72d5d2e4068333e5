"""Page geometry and JPEG embedding: the report draws boxes in scan pixels and lets SVG turn pages."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import cv2
import numpy as np

from filingcheck.models import BBox

PAGE_MAX_WIDTH = 1000
THUMB_MAX_WIDTH = 560
# 10 pages of 180 kB stay under 3 MB of HTML after base64 (which adds a third); the byte budget
# scales with the area of the requested width.
PAGE_MAX_BYTES = 180_000
PAGE_STEPS = ((1.0, 72), (1.0, 58), (1.0, 46), (0.85, 42), (0.7, 38))
CROP_MAX_WIDTH = 900
CROP_MAX_HEIGHT = 600
CROP_QUALITY = 85


@dataclass(frozen=True)
class Frame:
    """One page's pixel frame as the report's boxes use it (as scanned) and its turn upright."""

    width: int
    height: int
    rotation: int = 0

    @classmethod
    def of(cls, width: int, height: int, rotation: int) -> Frame:
        # Only quarter turns exist on paper; anything else is snapped rather than drawn askew.
        return cls(width=width, height=height, rotation=(round(rotation / 90) % 4) * 90)

    @property
    def upright_size(self) -> tuple[int, int]:
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height

    @property
    def transform(self) -> str:
        """SVG transform from scan pixels to the upright page (clockwise ``rotation``)."""
        w, h = self.width, self.height
        return {
            0: "",
            90: f"matrix(0 1 -1 0 {h} 0)",
            180: f"matrix(-1 0 0 -1 {w} {h})",
            270: f"matrix(0 -1 1 0 0 {w})",
        }[self.rotation]

    def upright_box(self, box: BBox) -> tuple[int, int, int, int]:
        """``box`` on the upright page as ``(x, y, width, height)``."""
        w, h = self.width, self.height
        x0, y0, x1, y1 = box.as_list()
        if self.rotation == 90:
            x0, y0, x1, y1 = h - y1, x0, h - y0, x1
        elif self.rotation == 180:
            x0, y0, x1, y1 = w - x1, h - y1, w - x0, h - y0
        elif self.rotation == 270:
            x0, y0, x1, y1 = y0, w - x1, y1, w - x0
        return x0, y0, x1 - x0, y1 - y0


def page_jpeg(image: np.ndarray, *, colour: bool = True, max_width: int = PAGE_MAX_WIDTH) -> str:
    """A page as a ``data:`` URI at most ``max_width`` wide, within its byte budget.

    Noisy scans compress badly, so quality and then width step down until the page fits; grey
    scans are kept one channel.
    """
    image = _as_uint8(image)
    if not colour and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    budget = PAGE_MAX_BYTES * (max_width / PAGE_MAX_WIDTH) ** 2
    encoded = b""
    for share, quality in PAGE_STEPS:
        width = round(max_width * share)
        encoded = _encode(_fit(image, width, width * 2), quality)
        if len(encoded) <= budget:
            break
    return _data_uri(encoded)


def crop_jpeg(image: np.ndarray, region: BBox, frame: Frame) -> str | None:
    """The full-resolution pixels of ``region`` (in ``frame`` pixels); ``None`` when empty."""
    scale_x = image.shape[1] / frame.width if frame.width else 1.0
    scale_y = image.shape[0] / frame.height if frame.height else 1.0
    x0, x1 = int(region.x0 * scale_x), int(np.ceil(region.x1 * scale_x))
    y0, y1 = int(region.y0 * scale_y), int(np.ceil(region.y1 * scale_y))
    pixels = image[y0:y1, x0:x1]
    if pixels.size == 0:
        return None
    return _data_uri(_encode(_fit(_as_uint8(pixels), CROP_MAX_WIDTH, CROP_MAX_HEIGHT), CROP_QUALITY))


def _encode(image: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf.tobytes())


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _fit(image: np.ndarray, max_width: int, max_height: int) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(1.0, max_width / w, max_height / h)
    if scale >= 1.0:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _as_uint8(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image
