"""Taking a submission in: check and store the originals, commit, then queue it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from filingcheck.models import ApplicationType
from filingcheck.service.uploads import Upload, UploadError, UploadLimits, store_uploads
from filingcheck.store import audit
from filingcheck.store.files import FileStore
from filingcheck.store.submissions import create_submission
from filingcheck.store.tables import Submission, SubmissionStatus, User


def parse_application_type(value: str | None) -> ApplicationType:
    if not value:
        return ApplicationType.DOMESTIC_NEW
    try:
        return ApplicationType(value.strip())
    except ValueError:
        known = ", ".join(t.value for t in ApplicationType)
        raise UploadError(422, "bad_application_type", f"application_type must be one of: {known}") from None


def parse_date(value: str | None) -> dt.date | None:
    if not value or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UploadError(422, "bad_date", f"submitted_on {value!r} is not a date YYYY-MM-DD") from None


def take_in(
    session: Session,
    files: FileStore,
    owner: User,
    uploads: list[Upload],
    application_type: str | None,
    submitted_on: str | None,
    *,
    max_bytes: int,
    max_files: int,
    limits: UploadLimits | None = None,
) -> Submission:
    """Store the originals and the submission row (the caller commits, then queues it)."""
    kind = parse_application_type(application_type)
    day = parse_date(submitted_on)
    if not any(u.role == "paper" for u in uploads):
        raise UploadError(422, "no_paper", "the paper version is missing: send one or more files as `paper`")
    if sum(u.role == "electronic" for u in uploads) > 1:
        raise UploadError(422, "too_many_files", "send at most one electronic version")
    if len(uploads) > max_files:
        raise UploadError(422, "too_many_files", f"{len(uploads)} files, the limit is {max_files}")
    stored = store_uploads(uploads, files, max_bytes, limits)
    row = create_submission(session, owner, kind.value, day, stored)
    audit.record(
        session,
        "submission.created",
        owner,
        submission_id=row.id,
        application_type=kind.value,
        submitted_on=day.isoformat() if day else None,
        files=[{"role": f.role, "name": f.name, "sha256": f.sha256, "size": f.size} for f in stored],
    )
    return row


def retry(session: Session, row: Submission, user: User) -> None:
    """Queue a failed submission again (its originals are still in the file store)."""
    if row.status != SubmissionStatus.FAILED:
        raise UploadError(409, "not_failed", f"the submission is {row.status}; only a failed one is retried")
    previous = {"code": row.error_code, "message": row.error_message}
    row.status = SubmissionStatus.QUEUED.value
    row.stage = "queued"
    row.pages_done = 0
    row.finished_at = None
    audit.record(session, "submission.retried", user, submission_id=row.id, previous_error=previous)
