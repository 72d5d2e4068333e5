"""The database tables (SQLAlchemy 2): submissions and what was read from them, reviews, users, audit.

The machine's report is kept whole (``submissions.report``) and also split into rows (pages,
OCR results, seals, fields, findings) so that lists and filters are plain SQL. A reviewer's
decision never edits the machine's finding: it is a row of its own, and the finding's current
``status`` is the latest decision's (or the machine's when nobody decided).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations can name what they alter on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SHA256 = String(64)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC, aware on the way out on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give the time zone (UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Role(StrEnum):
    """What a user may do: clerks upload and read their own, reviewers read all and decide."""

    CLERK = "clerk"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class SubmissionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CredentialKind(StrEnum):
    API_TOKEN = "api_token"
    SESSION = "session"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Credential(Base):
    """An API token or a web session; only the sha256 of the secret is kept."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(SHA256, unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str | None] = mapped_column(String(32))
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    application_type: Mapped[str] = mapped_column(String(40))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    machine_verdict: Mapped[str | None] = mapped_column(String(32))
    verdict: Mapped[str | None] = mapped_column(String(32), index=True)
    applicant: Mapped[str | None] = mapped_column(String(300), index=True)
    product: Mapped[str | None] = mapped_column(String(300))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    pipeline_version: Mapped[str | None] = mapped_column(String(40))
    # Who runs it now: a queue task's id, so that the same task delivered again after its worker
    # died takes it over, and any other copy leaves it alone.
    claim_token: Mapped[str | None] = mapped_column(String(64))
    # The machine's report exactly as the pipeline made it (the CLI's JSON schema).
    report: Mapped[dict[str, Any] | None]

    owner: Mapped[User] = relationship(lazy="joined")
    files: Mapped[list[UploadedFile]] = relationship(
        order_by="UploadedFile.position", cascade="all, delete-orphan", lazy="selectin"
    )


class UploadedFile(Base):
    """One uploaded original; its bytes are in the file store under ``sha256``."""

    __tablename__ = "uploaded_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(SHA256)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)


class Page(Base):
    """A page as scanned (pixel size of the report's boxes) and its stored images."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(255))
    file_page: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[float] = mapped_column(Float)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew: Mapped[float] = mapped_column(Float, default=0.0)
    colour: Mapped[bool] = mapped_column(Boolean, default=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    image_sha256: Mapped[str | None] = mapped_column(SHA256)
    image_width: Mapped[int | None] = mapped_column(Integer)
    image_height: Mapped[int | None] = mapped_column(Integer)
    thumb_sha256: Mapped[str | None] = mapped_column(SHA256)


class OcrResult(Base):
    """What reading one page concluded: engine, text source, page class, and its errors."""

    __tablename__ = "ocr_results"
    __table_args__ = (UniqueConstraint("submission_id", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str | None] = mapped_column(String(64))
    engine_version: Mapped[str | None] = mapped_column(String(64))
    text_source: Mapped[str] = mapped_column(String(16))
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_type_confidence: Mapped[float] = mapped_column(Float)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    # The recognised lines, when the pipeline hands them out (it does not yet).
    lines: Mapped[list[Any] | None]


class SealRow(Base):
    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    bbox: Mapped[list[Any]]
    text: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    straddle_group: Mapped[int | None] = mapped_column(Integer)


class FieldReading(Base):
    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(String(40))
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None]
    confidence: Mapped[float] = mapped_column(Float)


class FindingRow(Base):
    """A machine finding; ``status`` is the current one, ``machine_status`` what the rule said."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("submission_id", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    finding_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    clause: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    machine_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    pages: Mapped[list[Any]] = mapped_column(default=list)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReviewDecision(Base):
    """A reviewer's word on one finding; kept forever, the latest one counts."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    machine_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(64))
    pipeline_version: Mapped[str | None] = mapped_column(String(40))
    verdict_before: Mapped[str | None] = mapped_column(String(32))
    verdict_after: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """Who did what, when and why. Append-only; names are copied so the record outlives renames."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[str | None] = mapped_column(String(32), index=True)
    finding_id: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str | None] = mapped_column(String(64))
    pipeline_version: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BatchStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BatchRun(Base):
    """One ``filingcheck batch reprocess``: which submissions, how, and when."""

    __tablename__ = "batch_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    # ``rules`` (extraction and checks from the OCR cache) or ``full`` (read the pages again).
    stage: Mapped[str] = mapped_column(String(16))
    selection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[int] = mapped_column(Integer, default=0)


class BatchItem(Base):
    """One submission in a batch run, with the verdict before and after: the idempotency key of
    the work is (batch, submission), and (stage, engine, pipeline version) say what was run."""

    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batch_runs.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=BatchStatus.PENDING.value)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    verdict_before: Mapped[str | None] = mapped_column(String(32))
    verdict_after: Mapped[str | None] = mapped_column(String(32))
    pipeline_version_before: Mapped[str | None] = mapped_column(String(40))
    pipeline_version_after: Mapped[str | None] = mapped_column(String(40))
    engine: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
