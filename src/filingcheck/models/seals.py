"""Seal impressions found on pages, and straddle seals joined across pages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.geometry import BBox


class SealKind(StrEnum):
    ROUND = "round"
    OVAL = "oval"
    SQUARE = "square"
    STRADDLE_SLICE = "straddle_slice"


class PageEdge(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    TOP = "top"
    BOTTOM = "bottom"


class SealInk(StrEnum):
    """How the seal came out on the scan: red on a colour scan, grey on a photocopy."""

    RED = "red"
    GREY = "grey"


class Seal(BaseModel):
    """One seal impression on one page; ``bbox`` and ``centre`` are on the scanned image.

    ``axes`` are the half-axes of the fitted ellipse (equal for a round seal; half the sides
    for a square one); ``angle`` is the ellipse's rotation in degrees, clockwise on the image
    (y down). ``ring_visible`` is the share of the outline inside the page (1.0 for a
    whole seal, about 0.5 for half a straddle seal).
    """

    model_config = ConfigDict(frozen=True)

    page: int
    bbox: BBox
    kind: SealKind
    centre: tuple[float, float]
    axes: tuple[float, float]
    angle: float = 0.0
    ring_visible: float = Field(default=1.0, ge=0.0, le=1.0)
    edge: PageEdge | None = None
    ink: SealInk = SealInk.RED
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    text: str | None = None
    # What the recogniser read freely, where ``text`` was held to a list of real names (an office).
    text_read: str | None = None
    centre_text: str | None = None
    security_number: str | None = None
    text_confidence: float | None = None
    straddle_group: int | None = None


class StraddleSeal(BaseModel):
    """Slices at the same edge of consecutive pages joined into one 骑缝章."""

    model_config = ConfigDict(frozen=True)

    group: int
    edge: PageEdge
    pages: list[int]
    aligned: bool
    confidence: float = Field(ge=0.0, le=1.0)
