"""Submissions in the database: create, find, list with filters, save a report, read it back as decided."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from filingcheck.models import FieldName, FieldValue, Report, Source, Status, verdict_of
from filingcheck.store.tables import (
    FieldReading,
    FindingRow,
    OcrResult,
    Page,
    ReviewDecision,
    SealRow,
    Submission,
    SubmissionStatus,
    UploadedFile,
    User,
    utcnow,
)

MAX_LIMIT = 200


def new_id() -> str:
    """128 random bits, URL-safe: a submission id cannot be guessed from another one."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class NewFile:
    """An uploaded original already in the file store."""

    role: str
    name: str
    sha256: str
    size: int
    media_type: str
    pages: int = 0


@dataclass(frozen=True)
class StoredPage:
    """A page's images in the file store (page view and thumbnail)."""

    number: int
    image_sha256: str
    image_width: int
    image_height: int
    thumb_sha256: str


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    verdict: str | None = None
    applicant: str | None = None
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    uploaded_from: dt.date | None = None
    uploaded_to: dt.date | None = None
    owner_id: int | None = None
    limit: int = 50
    offset: int = 0


def create_submission(
    session: Session,
    owner: User,
    application_type: str,
    submitted_on: dt.date | None,
    files: list[NewFile],
) -> Submission:
    row = Submission(
        id=new_id(),
        owner_id=owner.id,
        status=SubmissionStatus.QUEUED.value,
        stage="queued",
        pages_done=0,
        pages_total=sum(f.pages for f in files if f.role == "paper"),
        attempts=0,
        application_type=application_type,
        submitted_on=submitted_on,
        created_at=utcnow(),
    )
    row.files = [
        UploadedFile(
            role=f.role,
            position=i,
            name=f.name,
            sha256=f.sha256,
            size=f.size,
            media_type=f.media_type,
            pages=f.pages,
        )
        for i, f in enumerate(files)
    ]
    session.add(row)
    session.flush()
    return row


def get_submission(session: Session, submission_id: str) -> Submission | None:
    if not submission_id or len(submission_id) > 32:
        return None
    return session.get(Submission, submission_id)


def search(session: Session, filters: Filters) -> tuple[list[Submission], int]:
    """A page of submissions, newest first, and how many match in all."""
    conditions: list[Any] = []
    if filters.status:
        conditions.append(Submission.status == filters.status)
    if filters.verdict:
        conditions.append(Submission.verdict == filters.verdict)
    if filters.applicant:
        needle = filters.applicant.strip().lower()
        conditions.append(func.lower(Submission.applicant).contains(needle, autoescape=True))
    if filters.submitted_from:
        conditions.append(Submission.submitted_on >= filters.submitted_from)
    if filters.submitted_to:
        conditions.append(Submission.submitted_on <= filters.submitted_to)
    if filters.uploaded_from:
        conditions.append(Submission.created_at >= _day_start(filters.uploaded_from))
    if filters.uploaded_to:
        conditions.append(Submission.created_at < _day_start(filters.uploaded_to + dt.timedelta(days=1)))
    if filters.owner_id is not None:
        conditions.append(Submission.owner_id == filters.owner_id)
    total = session.scalar(select(func.count()).select_from(Submission).where(*conditions)) or 0
    limit = max(1, min(filters.limit, MAX_LIMIT))
    rows = session.scalars(
        select(Submission)
        .where(*conditions)
        .order_by(Submission.created_at.desc(), Submission.id)
        .limit(limit)
        .offset(max(0, filters.offset))
    )
    return list(rows), int(total)


def unfinished(session: Session) -> list[Submission]:
    """Queued or running submissions (after a restart they are queued again)."""
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.status.in_([SubmissionStatus.QUEUED, SubmissionStatus.RUNNING]))
            .order_by(Submission.created_at)
        )
    )


def save_report(session: Session, row: Submission, report: Report, pages: dict[int, StoredPage]) -> None:
    """Keep the report whole and as rows; the submission is ``done`` afterwards."""
    for table in (Page, OcrResult, SealRow, FieldReading, FindingRow):
        session.execute(delete(table).where(table.submission_id == row.id))
    engine = report.engines[0] if report.engines else None
    for info in report.pages:
        stored = pages.get(info.page)
        session.add(
            Page(
                submission_id=row.id,
                number=info.page,
                source=info.source,
                file_page=info.file_page,
                width=info.width,
                height=info.height,
                dpi=info.dpi,
                rotation=info.rotation,
                skew=info.skew,
                colour=info.colour,
                doc_type=info.doc_type.value,
                image_sha256=stored.image_sha256 if stored else None,
                image_width=stored.image_width if stored else None,
                image_height=stored.image_height if stored else None,
                thumb_sha256=stored.thumb_sha256 if stored else None,
            )
        )
        session.add(
            OcrResult(
                submission_id=row.id,
                page=info.page,
                engine=engine.name if engine else None,
                engine_version=engine.version if engine else None,
                text_source=info.text_source.value,
                doc_type=info.doc_type.value,
                doc_type_confidence=info.doc_type_confidence,
                errors=[e.model_dump(mode="json") for e in report.errors if e.page == info.page],
                lines=None,
            )
        )
    for seal in report.seals:
        session.add(
            SealRow(
                submission_id=row.id,
                page=seal.page,
                kind=seal.kind.value,
                bbox=seal.bbox.as_list(),
                text=seal.text,
                confidence=seal.confidence,
                straddle_group=seal.straddle_group,
            )
        )
    for name, readings in report.fields.items():
        for value in readings:
            session.add(
                FieldReading(
                    submission_id=row.id,
                    name=name,
                    value=value.value,
                    raw=value.raw,
                    source=value.source.value,
                    document=value.document.value,
                    page=value.page,
                    bbox=value.bbox.as_list() if value.bbox else None,
                    confidence=value.confidence,
                )
            )
    for position, finding in enumerate(report.findings):
        session.add(
            FindingRow(
                submission_id=row.id,
                finding_id=finding.id or f"finding-{position}",
                position=position,
                rule=finding.rule,
                clause=finding.clause,
                field=finding.field,
                machine_status=finding.status.value,
                status=finding.status.value,
                expected=finding.expected,
                found=finding.found,
                message=finding.message,
                pages=list(finding.pages),
            )
        )
    row.report = report.model_dump(mode="json")
    row.machine_verdict = report.verdict.value
    row.verdict = report.verdict.value
    row.applicant = _headline(report.fields.get(FieldName.APPLICANT_NAME, [])) or _headline(
        report.fields.get(FieldName.LICENCE_NAME, [])
    )
    row.product = _headline(report.fields.get(FieldName.PRODUCT_NAME, []))
    row.pipeline_version = report.filingcheck_version
    row.pages_total = len(report.pages)
    row.pages_done = len(report.pages)
    row.status = SubmissionStatus.DONE.value
    row.stage = "done"
    row.error_code = None
    row.error_message = None
    row.finished_at = utcnow()
    session.flush()


def finding_rows(session: Session, submission_id: str) -> list[FindingRow]:
    return list(
        session.scalars(
            select(FindingRow).where(FindingRow.submission_id == submission_id).order_by(FindingRow.position)
        )
    )


def finding_row(session: Session, submission_id: str, finding_id: str) -> FindingRow | None:
    return session.scalar(
        select(FindingRow).where(
            FindingRow.submission_id == submission_id, FindingRow.finding_id == finding_id
        )
    )


def decisions_of(session: Session, submission_id: str) -> list[ReviewDecision]:
    return list(
        session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.submission_id == submission_id)
            .order_by(ReviewDecision.id)
        )
    )


def pages_of(session: Session, submission_id: str) -> list[Page]:
    return list(
        session.scalars(select(Page).where(Page.submission_id == submission_id).order_by(Page.number))
    )


def page_of(session: Session, submission_id: str, number: int) -> Page | None:
    return session.scalar(select(Page).where(Page.submission_id == submission_id, Page.number == number))


def machine_report(row: Submission) -> Report | None:
    return Report.model_validate(row.report) if row.report else None


def decided_report(row: Submission, findings: list[FindingRow]) -> Report | None:
    """The report with every finding's current status and the verdict worked out again.

    Same schema as the CLI's; who decided what and why is in the decisions, not in here.
    """
    report = machine_report(row)
    if report is None:
        return None
    current = {f.finding_id: Status(f.status) for f in findings}
    updated = [
        f.model_copy(update={"status": current[f.id]}) if f.id in current and current[f.id] != f.status else f
        for f in report.findings
    ]
    return report.model_copy(update={"findings": updated, "verdict": verdict_of(updated)})


def _headline(values: list[FieldValue]) -> str | None:
    """As typed in the electronic copy, else the commonest reading."""
    typed = [v.value for v in values if v.source == Source.ELECTRONIC]
    if typed:
        return typed[0][:300]
    counts = Counter(v.value for v in values)
    return counts.most_common(1)[0][0][:300] if counts else None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
