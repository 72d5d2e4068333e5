"""What the pipeline is told: its frozen settings, the reading mode and the inputs of one submission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from filingcheck.crosscheck import CheckSettings
from filingcheck.models import Submission
from filingcheck.ocr import OcrSettings, PrepareSettings, RasterSettings
from filingcheck.ocr.seals import SealSettings

# (stage, done, total): called as pages and stages advance.
Progress = Callable[[str, int, int], None]


class Mode(StrEnum):
    """``targeted`` reads in full only the pages rules need (intake); ``full`` reads every page."""

    TARGETED = "targeted"
    FULL = "full"


@dataclass(frozen=True)
class PipelineSettings:
    engine: str = "rapidocr"
    second_engine: str | None = "tesseract"
    ocr: OcrSettings = field(default_factory=OcrSettings)
    raster: RasterSettings = field(default_factory=RasterSettings)
    prepare: PrepareSettings = field(default_factory=PrepareSettings)
    seals: SealSettings = field(default_factory=SealSettings)
    checks: CheckSettings = field(default_factory=CheckSettings)
    # Pages OCRed in parallel worker processes (1: in this process).
    workers: int = 1
    mode: Mode = Mode.TARGETED
    # Page readings are cached here (None: no cache).
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Inputs:
    """What was handed in: paper scan files in order, the electronic version, the metadata."""

    paper: list[Path]
    electronic: Path | None = None
    submission: Submission = field(default_factory=Submission)
