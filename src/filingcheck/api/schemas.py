"""What the API accepts and answers: input and output models kept apart from the database tables."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from filingcheck.models import Finding, Report, Status
from filingcheck.store.accounts import NAME_PATTERN
from filingcheck.store.tables import (
    AuditEvent,
    ReviewDecision,
    Role,
    Submission,
    SubmissionStatus,
    UploadedFile,
    User,
)


def _iso_date_only(value: object) -> object:
    """Pydantic would read ``0.0`` or ``1700000000`` as a Unix time; a filter date is YYYY-MM-DD."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


class SubmissionCreated(BaseModel):
    id: str = Field(description="random, not guessable; use it in every later call")
    status: SubmissionStatus
    url: str


class ProgressOut(BaseModel):
    stage: str | None = Field(description="load, ocr, images, done; or queued/interrupted")
    pages_done: int
    pages_total: int


class ProblemOut(BaseModel):
    code: str
    message: str | None


class FileOut(BaseModel):
    role: str
    name: str
    sha256: str
    size: int
    media_type: str
    pages: int

    @classmethod
    def of(cls, f: UploadedFile) -> FileOut:
        return cls(
            role=f.role, name=f.name, sha256=f.sha256, size=f.size, media_type=f.media_type, pages=f.pages
        )


class SubmissionSummary(BaseModel):
    id: str
    status: SubmissionStatus
    progress: ProgressOut
    application_type: str
    submitted_on: dt.date | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    owner: str
    verdict: str | None = Field(description="after reviewers' decisions; the machine's until then")
    machine_verdict: str | None
    applicant: str | None
    product: str | None
    error: ProblemOut | None = Field(description="why processing failed (status failed)")

    @classmethod
    def of(cls, row: Submission) -> SubmissionSummary:
        return cls.model_validate(_summary(row))


class DecisionOut(BaseModel):
    id: int
    finding_id: str
    rule: str
    decision: str
    machine_status: Status
    status: Status
    reason: str
    user: str
    created_at: dt.datetime
    pipeline_version: str | None
    verdict_before: str | None
    verdict_after: str | None

    @classmethod
    def of(cls, d: ReviewDecision) -> DecisionOut:
        return cls(
            id=d.id,
            finding_id=d.finding_id,
            rule=d.rule,
            decision=d.decision,
            machine_status=Status(d.machine_status),
            status=Status(d.status),
            reason=d.reason,
            user=d.user.name,
            created_at=d.created_at,
            pipeline_version=d.pipeline_version,
            verdict_before=d.verdict_before,
            verdict_after=d.verdict_after,
        )


class SubmissionOut(SubmissionSummary):
    files: list[FileOut]
    report: Report | None = Field(
        description="once done: the CLI's report (same schema), findings at their current status"
    )
    decisions: list[DecisionOut]


class SubmissionList(BaseModel):
    items: list[SubmissionSummary]
    total: int
    limit: int
    offset: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "override"] = Field(
        description="confirm: the machine was right (an uncertain finding becomes fail); "
        "override: it was wrong (fail/uncertain become pass, pass becomes fail)"
    )
    status: Status | None = Field(
        default=None,
        description="with override: the outcome instead of the default (pass, fail, not_applicable)",
    )
    reason: str = Field(
        min_length=1, max_length=2000, pattern=r"\S", description="why (not blank); kept in the audit log"
    )


class DecisionResult(BaseModel):
    decision: DecisionOut
    finding: Finding
    verdict: str | None


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The pattern the store enforces, stated here so the schema promises only what is accepted.
    name: str = Field(min_length=1, max_length=100, pattern=NAME_PATTERN.pattern)
    role: Role
    password: str | None = Field(default=None, min_length=8, max_length=200)


class UserOut(BaseModel):
    name: str
    role: Role
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(name=user.name, role=Role(user.role), active=user.active, created_at=user.created_at)


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    active: bool | None = None
    role: Role | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)


class TokenOut(BaseModel):
    user: str
    token: str = Field(description="shown once; only its hash is stored")


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str | None
    action: str
    submission_id: str | None
    finding_id: str | None
    rule: str | None
    pipeline_version: str | None
    reason: str | None
    detail: dict[str, object]

    @classmethod
    def of(cls, e: AuditEvent) -> AuditOut:
        return cls(
            id=e.id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            submission_id=e.submission_id,
            finding_id=e.finding_id,
            rule=e.rule,
            pipeline_version=e.pipeline_version,
            reason=e.reason,
            detail=e.detail or {},
        )


class MeOut(BaseModel):
    name: str
    role: Role


def _summary(row: Submission) -> dict[str, object]:
    error = ProblemOut(code=row.error_code, message=row.error_message) if row.error_code else None
    return {
        "id": row.id,
        "status": SubmissionStatus(row.status),
        "progress": ProgressOut(stage=row.stage, pages_done=row.pages_done, pages_total=row.pages_total),
        "application_type": row.application_type,
        "submitted_on": row.submitted_on,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "owner": row.owner.name,
        "verdict": row.verdict,
        "machine_verdict": row.machine_verdict,
        "applicant": row.applicant,
        "product": row.product,
        "error": error,
    }


def submission_out(row: Submission, report: Report | None, decisions: list[ReviewDecision]) -> SubmissionOut:
    return SubmissionOut.model_validate(
        {
            **_summary(row),
            "files": [FileOut.of(f) for f in row.files],
            "report": report,
            "decisions": [DecisionOut.of(d) for d in decisions],
        }
    )
