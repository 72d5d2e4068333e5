"""Page pictures for the report: each page and crop is embedded once and drawn by reference.

A page image is stored once as an SVG ``<image>`` in scan pixel coordinates and every view of
it (finding evidence, gallery thumbnail) is a ``<use>`` of that image under the same boxes, so
showing a page ten times costs its bytes once. Pages only seen in the gallery are embedded
smaller, which keeps a 300-page dossier's report openable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from filingcheck.models import BBox, PageInfo
from filingcheck.reporting.images import PAGE_MAX_WIDTH, THUMB_MAX_WIDTH, Frame, crop_jpeg, page_jpeg

CROP_MARGIN_SHARE = 0.4
CROP_MARGIN_MIN = 12
CROP_MARGIN_MAX = 60
# The crop is shown so a text line's characters stand about this many CSS pixels tall.
CROP_TEXT_PX = 40
CROP_MIN_PX = 140
CROP_MAX_PX = 640


@dataclass(frozen=True)
class Embedded:
    """One embedded JPEG placed at ``x, y`` with ``width × height`` in scan pixels."""

    id: str
    href: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Rect:
    """A box in scan pixels, styled by ``css``."""

    box: BBox
    css: str
    title: str = ""
    kind: str = "rect"


@dataclass(frozen=True)
class Ellipse:
    """An ellipse in scan pixels (a round or oval seal), ``angle`` in degrees."""

    cx: float
    cy: float
    rx: float
    ry: float
    angle: float
    css: str
    title: str = ""
    kind: str = "ellipse"


Shape = Rect | Ellipse


@dataclass(frozen=True)
class Shot:
    """A view of one page, or of a region of it, with shapes drawn over it.

    ``view_box`` is ``(x, y, width, height)`` on the upright page; the image and the shapes are
    in scan pixels and turned upright by ``frame.transform``.
    """

    page: int
    frame: Frame
    image_id: str | None
    view_box: tuple[int, int, int, int]
    shapes: list[Shape] = field(default_factory=list)
    display_width: int = 0

    @property
    def display_height(self) -> int:
        _, _, w, h = self.view_box
        return round(self.display_width * h / w) if w else 0


class ImageBank:
    """Embeds page and crop images on first use and hands out their ids."""

    def __init__(self, pages: list[PageInfo], images: Mapping[int, np.ndarray]) -> None:
        self._infos = {p.page: p for p in pages}
        self._images = dict(images)
        self._crops: dict[tuple[int, ...], str] = {}
        self._detailed: dict[int, bool] = {}
        self._embedded: dict[str, Embedded] = {}

    @property
    def embedded(self) -> list[Embedded]:
        return list(self._embedded.values())

    @property
    def page_numbers(self) -> list[int]:
        return sorted(set(self._infos) | set(self._images))

    def info(self, page: int) -> PageInfo | None:
        return self._infos.get(page)

    def frame(self, page: int) -> Frame | None:
        """The page's frame: the report's page size where known (boxes live there), else the image's."""
        info = self._infos.get(page)
        if info is not None and info.width > 0 and info.height > 0:
            return Frame.of(info.width, info.height, info.rotation)
        image = self._images.get(page)
        if image is None:
            return None
        return Frame.of(int(image.shape[1]), int(image.shape[0]), info.rotation if info else 0)

    def page_shot(
        self, page: int, shapes: list[Shape], display_width: int, *, detailed: bool = True
    ) -> Shot | None:
        """The whole page upright; ``detailed`` pages are embedded large enough to read boxes on."""
        frame = self.frame(page)
        if frame is None:
            return None
        w, h = frame.upright_size
        image_id = self._page_image(page, frame, detailed)
        return Shot(page, frame, image_id, (0, 0, w, h), shapes, display_width)

    def crop_shot(self, page: int, box: BBox, shapes: list[Shape]) -> Shot | None:
        """A zoomed crop of ``box`` with a margin, from the full-resolution scan."""
        frame = self.frame(page)
        image = self._images.get(page)
        if frame is None or image is None:
            return None
        margin = CROP_MARGIN_SHARE * min(box.width, box.height)
        region = box.expand(round(_clamp(margin, CROP_MARGIN_MIN, CROP_MARGIN_MAX)))
        region = region.clip(frame.width, frame.height)
        if region.width <= 0 or region.height <= 0:
            return None
        key = (page, *region.as_list())
        image_id = self._crops.get(key)
        if image_id is None:
            href = crop_jpeg(image, region, frame)
            if href is None:
                return None
            image_id = f"crop-{len(self._crops) + 1}"
            self._crops[key] = image_id
            self._embedded[image_id] = Embedded(
                image_id, href, region.x0, region.y0, region.width, region.height
            )
        view_box = frame.upright_box(region)
        _, _, box_w, box_h = frame.upright_box(box)
        # A one-line box is scaled by its height; a block (seal, paragraph) as if it held 4 lines.
        line_h = box_h if box_w >= 2 * box_h else box_h / 4
        zoom = min(2.0, CROP_TEXT_PX / max(line_h, 1))
        width = round(_clamp(view_box[2] * zoom, CROP_MIN_PX, CROP_MAX_PX))
        return Shot(page, frame, image_id, view_box, shapes, width)

    def _page_image(self, page: int, frame: Frame, detailed: bool) -> str | None:
        image = self._images.get(page)
        if image is None:
            return None
        image_id = f"page-img-{page}"
        if image_id in self._embedded and (self._detailed.get(page, False) or not detailed):
            return image_id
        info = self._infos.get(page)
        width = PAGE_MAX_WIDTH if detailed else THUMB_MAX_WIDTH
        href = page_jpeg(image, colour=info.colour if info else True, max_width=width)
        # Re-embedding under the same id upgrades a thumbnail in place; every <use> follows it.
        self._embedded[image_id] = Embedded(image_id, href, 0, 0, frame.width, frame.height)
        self._detailed[page] = detailed
        return image_id


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
