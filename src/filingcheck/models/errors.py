"""Problems that did not stop a run: kept as data with a stable code (partial success)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Stage(StrEnum):
    LOAD = "load"
    PREPROCESS = "preprocess"
    OCR = "ocr"
    SEALS = "seals"
    CLASSIFY = "classify"
    EXTRACT = "extract"
    ELECTRONIC = "electronic"
    CHECKS = "checks"
    REPORT = "report"


class ProcessingError(BaseModel):
    """One problem on one page or stage; ``code`` is stable and documented in the README."""

    model_config = ConfigDict(frozen=True)

    code: str
    stage: Stage
    message: str
    page: int | None = None
    source: str | None = None


class InputError(Exception):
    """A file that cannot be read at all (the caller turns it into an exit code or HTTP 4xx)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
