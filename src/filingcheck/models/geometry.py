"""Boxes and page transforms.

Every box in filingcheck is in integer pixels with a top-left origin: ``[x0, y0, x1, y1]``,
``x1 >= x0`` and ``y1 >= y0``. Unless a type says otherwise, boxes are on the page image *as
scanned* (before any rotation or deskew the pipeline applies), so a reviewer can find them on
the original file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, model_serializer, model_validator


def _pixel(value: Any) -> Any:
    """A float rounded to a pixel; anything else is left to the int field to accept or refuse
    (``round`` would raise TypeError or OverflowError, which pydantic does not turn into a
    validation error, on a string or an infinity read from a file)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a box coordinate must be a finite number, got {value}")
        return round(value)
    return value


class BBox(BaseModel):
    """An axis-aligned box in pixels; refuses inverted or negative boxes when built."""

    model_config = ConfigDict(frozen=True)

    x0: int
    y0: int
    x1: int
    y1: int

    @model_validator(mode="before")
    @classmethod
    def _from_sequence(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) != 4:
                raise ValueError(f"a box needs 4 numbers, got {len(data)}")
            data = dict(zip(("x0", "y0", "x1", "y1"), (_pixel(v) for v in data), strict=True))
        return data

    @model_validator(mode="after")
    def _check_order(self) -> BBox:
        if self.x1 < self.x0 or self.y1 < self.y0:
            raise ValueError(f"inverted box {self.as_list()}")
        if self.x0 < 0 or self.y0 < 0:
            raise ValueError(f"box outside the page {self.as_list()}")
        return self

    @model_serializer
    def _to_list(self) -> list[int]:
        return self.as_list()

    @classmethod
    def of(cls, x0: float, y0: float, x1: float, y1: float) -> BBox:
        """Build from floats, clamping negatives to the page edge and rounding outward."""
        return cls(
            x0=max(0, math.floor(x0)),
            y0=max(0, math.floor(y0)),
            x1=max(0, math.ceil(x1)),
            y1=max(0, math.ceil(y1)),
        )

    @classmethod
    def around(cls, points: Iterable[Sequence[float]]) -> BBox:
        """The smallest box holding every point (e.g. the corners of a rotated quadrilateral)."""
        xs, ys = zip(*((p[0], p[1]) for p in points), strict=True)
        return cls.of(min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def union_of(cls, boxes: Iterable[BBox]) -> BBox:
        items = list(boxes)
        if not items:
            raise ValueError("union of no boxes")
        return cls(
            x0=min(b.x0 for b in items),
            y0=min(b.y0 for b in items),
            x1=max(b.x1 for b in items),
            y1=max(b.y1 for b in items),
        )

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def corners(self) -> list[tuple[float, float]]:
        return [(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]

    def intersection_area(self, other: BBox) -> int:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(0, w) * max(0, h)

    def iou(self, other: BBox) -> float:
        inter = self.intersection_area(other)
        union = self.area + other.area - inter
        return inter / union if union else 0.0

    def overlap_ratio(self, other: BBox) -> float:
        """Share of this box covered by ``other``."""
        return self.intersection_area(other) / self.area if self.area else 0.0

    def contains_point(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def expand(self, margin: int) -> BBox:
        return BBox.of(self.x0 - margin, self.y0 - margin, self.x1 + margin, self.y1 + margin)

    def clip(self, width: int, height: int) -> BBox:
        return BBox(
            x0=min(self.x0, width),
            y0=min(self.y0, height),
            x1=min(self.x1, width),
            y1=min(self.y1, height),
        )

    def shifted(self, dx: int = 0, dy: int = 0) -> BBox:
        return BBox(x0=self.x0 + dx, y0=self.y0 + dy, x1=self.x1 + dx, y1=self.y1 + dy)

    def scaled(self, factor: float) -> BBox:
        return BBox.of(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)


class Affine(BaseModel):
    """A 2×3 affine map ``(x, y) -> (a·x + b·y + c, d·x + e·y + f)``.

    The pipeline keeps, per page, the map from the scanned image to the upright image that OCR
    read, so boxes found upright can be reported on the scan.
    """

    model_config = ConfigDict(frozen=True)

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    e: float = 1.0
    f: float = 0.0

    @classmethod
    def identity(cls) -> Affine:
        return cls()

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[float]]) -> Affine:
        (a, b, c), (d, e, f) = rows[0][:3], rows[1][:3]
        return cls(a=a, b=b, c=c, d=d, e=e, f=f)

    def rows(self) -> list[list[float]]:
        return [[self.a, self.b, self.c], [self.d, self.e, self.f]]

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return (self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f)

    def then(self, other: Affine) -> Affine:
        """This map followed by ``other``."""
        return Affine(
            a=other.a * self.a + other.b * self.d,
            b=other.a * self.b + other.b * self.e,
            c=other.a * self.c + other.b * self.f + other.c,
            d=other.d * self.a + other.e * self.d,
            e=other.d * self.b + other.e * self.e,
            f=other.d * self.c + other.e * self.f + other.f,
        )

    def inverse(self) -> Affine:
        det = self.a * self.e - self.b * self.d
        if abs(det) < 1e-12:
            raise ValueError("affine map is not invertible")
        a, b, d, e = self.e / det, -self.b / det, -self.d / det, self.a / det
        return Affine(a=a, b=b, c=-(a * self.c + b * self.f), d=d, e=e, f=-(d * self.c + e * self.f))

    def map_box(self, box: BBox) -> BBox:
        return BBox.around(self.apply(x, y) for x, y in box.corners())
