"""OCR results in an engine-neutral form: page → lines → characters, each with box and confidence.

Boxes here are in the *upright* page frame that the engine read (after rotation and deskew);
``PageOcr.to_scan`` maps them back to the scanned image for reporting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.geometry import Affine, BBox
from filingcheck.models.grid import TableGrid
from filingcheck.models.seals import Seal


class OcrChar(BaseModel):
    """One character (or one word for engines that only give words) with its box."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)


class OcrLine(BaseModel):
    """One text line as the engine read it, spaces between CJK characters removed."""

    model_config = ConfigDict(frozen=True)

    text: str
    bbox: BBox
    confidence: float = Field(ge=0.0, le=1.0)
    chars: list[OcrChar] = Field(default_factory=list)
    under_seal: bool = False

    def char_confidences(self) -> list[float]:
        """Per-character confidence aligned with ``text`` (the line's own where unknown)."""
        if len(self.chars) == len(self.text):
            return [c.confidence for c in self.chars]
        return [self.confidence] * len(self.text)


class CharSupport(BaseModel):
    """How strongly a recogniser's frames support one expected character, and what it read there."""

    model_config = ConfigDict(frozen=True)

    char: str
    probability: float = Field(ge=0.0, le=1.0)
    read: str = ""
    # What several impressions of one stamp say together of this place (None: not asked).
    joint: float | None = None


class TextSupport(BaseModel):
    """How well an image supports an expected text (CTC alignment of that text to the frames).

    ``before``/``after``: what the recogniser read outside the aligned text; ``log_ratio``: the
    aligned text's log-probability against the best path over the same frames (0: the same).
    """

    model_config = ConfigDict(frozen=True)

    text: str
    chars: list[CharSupport]
    before: str = ""
    after: str = ""
    log_ratio: float = 0.0

    def weakest(self) -> float:
        return min(c.probability for c in self.chars)


class EngineInfo(BaseModel):
    """Which engine produced a result, so a cached result is never mistaken for another's."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    preprocessing: str = ""


class PageOcr(BaseModel):
    """Everything one engine read on one page."""

    page: int
    engine: EngineInfo
    width: int
    height: int
    lines: list[OcrLine] = Field(default_factory=list)
    to_upright: Affine = Field(default_factory=Affine.identity)
    seconds: float = 0.0
    # Ruled tables on the page (full reads of scans only); empty in readings cached before grids.
    tables: list[TableGrid] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_scan(self, box: BBox) -> BBox:
        """Map a box in this result's upright frame to the scanned image."""
        return self.to_upright.inverse().map_box(box)


class BoxReader(Protocol):
    """A second reader: re-reads one box of one page independently (for disputed values).

    ``bbox`` is in the scanned image's frame. Returns ``None`` where nothing could be read.
    """

    def read_box(self, page: int, bbox: BBox, alphabet: str | None = None) -> OcrLine | None: ...


class SealTextScorer(Protocol):
    """Scores a text against seals' own titles, as the recogniser that read them saw them: do
    these impressions (of one stamp) support reading ``text``? One answer per seal, ``None``
    where a seal's title cannot be scored; characters carry the impressions' ``joint`` view."""

    def impressions_support(self, seals: Sequence[Seal], text: str) -> list[TextSupport | None]: ...


class PageReading(BaseModel):
    """What reading one page produced: the turn applied and the text read. Cacheable, so a
    re-check (new rules, same scan) never OCRs the page again."""

    rotation: int
    skew: float
    rotation_confidence: float = 1.0
    notes: list[str] = Field(default_factory=list)
    ocr: PageOcr
    full: bool = True
