"""The report: the stable, versioned JSON document the CLI writes and the API serves."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from filingcheck.models.errors import ProcessingError
from filingcheck.models.fields import FieldValue
from filingcheck.models.findings import Finding, Status
from filingcheck.models.ocr import EngineInfo
from filingcheck.models.pages import PageInfo
from filingcheck.models.seals import Seal, StraddleSeal
from filingcheck.models.submission import Submission

SCHEMA_VERSION = "1.0"


class Verdict(StrEnum):
    ACCEPT = "accept"
    RETURN_FOR_CORRECTION = "return_for_correction"
    NEEDS_REVIEW = "needs_review"


def verdict_of(findings: list[Finding]) -> Verdict:
    """RULES.md: accept when every applicable rule passes, return on any fail, else review."""
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses:
        return Verdict.RETURN_FOR_CORRECTION
    if Status.UNCERTAIN in statuses:
        return Verdict.NEEDS_REVIEW
    if Status.PASS not in statuses:
        return Verdict.NEEDS_REVIEW
    return Verdict.ACCEPT


class InputFile(BaseModel):
    role: str
    name: str
    sha256: str
    pages: int


class Report(BaseModel):
    """One submission's check: verdict, pages, fields, seals, findings and errors."""

    schema_version: str = SCHEMA_VERSION
    filingcheck_version: str
    generated_at: dt.datetime
    submission: Submission
    inputs: list[InputFile] = Field(default_factory=list)
    verdict: Verdict
    pages: list[PageInfo] = Field(default_factory=list)
    fields: dict[str, list[FieldValue]] = Field(default_factory=dict)
    seals: list[Seal] = Field(default_factory=list)
    straddle_seals: list[StraddleSeal] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[ProcessingError] = Field(default_factory=list)
    engines: list[EngineInfo] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
