"""Settings from the environment (prefix ``FILINGCHECK_``), handed to stages as frozen objects."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from filingcheck.crosscheck import CheckSettings
from filingcheck.ocr import OcrSettings, PrepareSettings, RasterSettings
from filingcheck.ocr.seals import SealSettings
from filingcheck.pipeline import Mode, PipelineSettings
from filingcheck.reporting.notice import NoticeSettings


class Settings(BaseSettings):
    """Everything an operator can set; defaults need no server (SQLite, in-process queue)."""

    model_config = SettingsConfigDict(env_prefix="FILINGCHECK_", frozen=True, extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None
    broker_url: str | None = None
    engine: str = "rapidocr"
    second_engine: str | None = "tesseract"
    ocr_threads: int = Field(default=1, ge=1, le=64)
    workers: int = Field(default_factory=lambda: min(2, os.cpu_count() or 1), ge=1, le=64)
    render_dpi: float = Field(default=200.0, ge=72, le=600)
    max_pages: int = Field(default=2000, ge=1)
    max_page_pixels: int = Field(default=60_000_000, ge=1_000_000)
    mode: Mode = Mode.TARGETED
    ocr_cache: bool = True
    low_confidence: float = Field(default=0.90, ge=0.0, le=1.0)
    report_validity_years: int = Field(default=5, ge=1)
    notice_office: str = NoticeSettings.office
    notice_correction_days: int = Field(default=NoticeSettings.correction_days, ge=1, le=365)
    notice_font: Path | None = None

    def notice(self) -> NoticeSettings:
        """The correction notice's issuer, deadline and font."""
        return NoticeSettings(self.notice_office, self.notice_correction_days, self.notice_font)

    def pipeline(self) -> PipelineSettings:
        return PipelineSettings(
            engine=self.engine,
            second_engine=self.second_engine or None,
            ocr=OcrSettings(threads=self.ocr_threads),
            raster=RasterSettings(
                render_dpi=self.render_dpi, max_pages=self.max_pages, max_pixels=self.max_page_pixels
            ),
            prepare=PrepareSettings(),
            seals=SealSettings(),
            checks=CheckSettings(
                low_confidence=self.low_confidence, report_validity_years=self.report_validity_years
            ),
            workers=self.workers,
            mode=self.mode,
            cache_dir=(self.data_dir / "cache" / "ocr").resolve() if self.ocr_cache else None,
        )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'filingcheck.db').resolve()}"
