"""Pages: the raster a stage works on and the facts the report keeps about each page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np
from pydantic import BaseModel, ConfigDict

from filingcheck.models.geometry import Affine
from filingcheck.models.ocr import OcrLine


class DocType(StrEnum):
    """Kinds of page in a dossier; values are stable and used in reports and rule settings."""

    TABLE_OF_CONTENTS = "table_of_contents"
    APPLICATION_FORM = "application_form"
    COVER_SHEET = "cover_sheet"
    BUSINESS_LICENCE = "business_licence"
    INSTITUTION_CERTIFICATE = "institution_certificate"
    IDENTITY_CARD = "identity_card"
    FORMULA = "formula"
    TEST_REPORT = "test_report"
    TEST_APPLICATION_FORM = "test_application_form"
    ACCEPTANCE_NOTICE = "acceptance_notice"
    PRODUCTION_PROCESS = "production_process"
    QUALITY_STANDARD = "quality_standard"
    LABEL_INSTRUCTIONS = "label_instructions"
    PATENT_GUARANTEE = "patent_guarantee"
    TRADEMARK_CERTIFICATE = "trademark_certificate"
    JOINT_RECOMMENDATION = "joint_recommendation"
    WITHDRAWAL_NOTICE = "withdrawal_notice"
    APPROVAL_CERTIFICATE = "approval_certificate"
    OTHER_TEXT = "other_text"


class TextSource(StrEnum):
    """Where a page's text came from."""

    OCR = "ocr"
    TEXT_LAYER = "text_layer"


@dataclass(frozen=True, eq=False)
class PageImage:
    """One rasterised page as scanned: BGR pixels plus where they came from.

    ``page`` is 1-based across the whole paper dossier; ``file_page`` is 1-based inside
    ``source``. ``dpi`` is the scan resolution (from the PDF page size or the image header).
    """

    page: int
    image: np.ndarray
    dpi: float
    source: str
    file_page: int = 1
    dpi_known: bool = True
    # Lines of a born-digital page's text layer, in this image's pixels (None: OCR the page).
    text_layer: list[OcrLine] | None = None

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @cached_property
    def digest(self) -> str:
        """sha256 of the pixels and their shape, computed once: the page's name in the reading cache."""
        digest = hashlib.sha256(str(self.image.shape).encode())
        digest.update(np.ascontiguousarray(self.image).data)
        return digest.hexdigest()


class PageFacts(BaseModel):
    """What a scanned page is without its pixels: its digest, size, resolution and colour.

    Kept in the reading cache by file and page, so a re-check of the same scan (new rules) takes
    every page from the cache without decoding a single image.
    """

    digest: str
    width: int
    height: int
    dpi: float
    dpi_known: bool = True
    colour: bool = False


@dataclass(frozen=True, eq=False)
class UprightPage:
    """A page turned upright and deskewed for OCR, with the map back to the scan."""

    scan: PageImage
    image: np.ndarray
    rotation: int
    skew: float
    to_upright: Affine
    rotation_confidence: float = 1.0
    notes: list[str] = field(default_factory=list)

    @property
    def page(self) -> int:
        return self.scan.page


class PageInfo(BaseModel):
    """What the report says about one page of the paper dossier.

    ``rotation`` is the clockwise turn in degrees (0, 90, 180, 270) that makes the scanned
    image upright; ``skew`` the further small correction in degrees. ``text_height_px`` is the
    median em size (pitch of Chinese characters) of the page's text in scan pixels, ``None``
    where too little Chinese text was read to tell.
    """

    model_config = ConfigDict(frozen=True)

    page: int
    source: str
    file_page: int
    width: int
    height: int
    dpi: float
    width_mm: float
    height_mm: float
    rotation: int = 0
    skew: float = 0.0
    colour: bool = True
    doc_type: DocType = DocType.OTHER_TEXT
    doc_type_confidence: float = 0.0
    text_source: TextSource = TextSource.OCR
    # False where targeted mode read only the title zone (a prose page no rule reads word for word).
    full_text: bool = True
    text_height_px: float | None = None
    # False where the file gave no resolution and ``dpi`` is a default (sizes in mm are guesses).
    dpi_known: bool = True
