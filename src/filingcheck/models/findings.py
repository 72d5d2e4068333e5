"""Findings: a rule's verdict on one requirement, with the evidence a reviewer needs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from filingcheck.models.fields import Source
from filingcheck.models.geometry import BBox
from filingcheck.models.pages import DocType


class Status(StrEnum):
    """Statuses as in RULES.md; ``uncertain`` means a person must look."""

    PASS = "pass"
    FAIL = "fail"
    UNCERTAIN = "uncertain"
    NOT_APPLICABLE = "not_applicable"


class EvidenceRole(StrEnum):
    EXPECTED = "expected"
    FOUND = "found"
    CONTEXT = "context"


class Evidence(BaseModel):
    """A place on a page that supports a finding (box on the scanned page image)."""

    model_config = ConfigDict(frozen=True)

    page: int | None
    bbox: BBox | None
    role: EvidenceRole
    source: Source
    document: DocType | None = None
    text: str | None = None
    highlight: list[BBox] = Field(default_factory=list)


class DiffKind(StrEnum):
    EQUAL = "equal"
    REPLACE = "replace"
    INSERT = "insert"
    DELETE = "delete"


class DiffOp(BaseModel):
    """One span of an aligned character diff between expected and found."""

    model_config = ConfigDict(frozen=True)

    op: DiffKind
    expected: str
    found: str


class Finding(BaseModel):
    """The outcome of one rule on one requirement (one field, one page, one document)."""

    model_config = ConfigDict(frozen=True)

    id: str = ""
    rule: str
    clause: str
    status: Status
    field: str | None = None
    expected: str | None = None
    found: str | None = None
    pages: list[int] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    message: str
    score: float | None = None
    diff: list[DiffOp] = Field(default_factory=list)
