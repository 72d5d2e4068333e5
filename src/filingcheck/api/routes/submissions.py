"""Submissions: upload (202, processed in the background), status and report, list with filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from filingcheck.api.deps import (
    ReadableSubmission,
    Reader,
    ServicesDep,
    SessionDep,
    Uploader,
)
from filingcheck.api.errors import ApiError, ErrorOut
from filingcheck.api.schemas import (
    AuditOut,
    IsoDate,
    SubmissionCreated,
    SubmissionList,
    SubmissionOut,
    SubmissionSummary,
    submission_out,
)
from filingcheck.models import ApplicationType, Report, Verdict
from filingcheck.service.intake import retry, take_in
from filingcheck.service.uploads import Upload
from filingcheck.store import audit
from filingcheck.store.submissions import (
    Filters,
    decided_report,
    decisions_of,
    finding_rows,
    machine_report,
    search,
)
from filingcheck.store.tables import Role, SubmissionStatus

router = APIRouter(prefix="/submissions", tags=["submissions"])
TYPES = ", ".join(t.value for t in ApplicationType)
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "no or unknown API token"},
    403: {"model": ErrorOut, "description": "the role does not allow this"},
    404: {"model": ErrorOut, "description": "no such submission (or not yours)"},
}
UPLOAD_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    413: {
        "model": ErrorOut,
        "description": "`too_large`: a file is over FILINGCHECK_MAX_UPLOAD_MB, or the request over "
        "twice that (by Content-Length, or counted as a chunked body streams in)",
    },
    415: {"model": ErrorOut, "description": "`unsupported_file`: not a PDF, TIFF, JPEG or PNG"},
    422: {
        "model": ErrorOut,
        "description": "`empty_file`, `unreadable_pdf`, `encrypted_pdf`, `empty_pdf`, `unreadable_image`, "
        "`too_many_pages`, `page_too_large`, `unreadable_file` (the file broke its reader), `too_complex` "
        "(checking it went over the memory or time cap), `no_paper`, `bad_application_type`, `bad_date`, "
        "`too_many_files`, `invalid_request`",
    },
}


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=UPLOAD_ERRORS)
def create_submission(
    user: Uploader,
    session: SessionDep,
    services: ServicesDep,
    paper: Annotated[
        list[UploadFile] | None, File(description="required: the scanned paper version, one or more files")
    ] = None,
    electronic: Annotated[UploadFile | None, File(description="the electronic version (PDF)")] = None,
    application_type: Annotated[str | None, Form(description=f"one of: {TYPES}")] = "domestic_new",
    submitted_on: Annotated[str | None, Form(description="the submission date, YYYY-MM-DD")] = None,
) -> SubmissionCreated:
    """Store the originals, then check the dossier in the background; poll `GET /submissions/{id}`.

    The files are checked first (kind by content, size, PDFs that open) and stored before this
    answers, so nothing accepted is lost even if processing fails later.
    """
    uploads = [Upload("paper", f.filename or f"paper-{i + 1}", f.file) for i, f in enumerate(paper or [])]
    if electronic is not None and electronic.filename:
        uploads.append(Upload("electronic", electronic.filename, electronic.file))
    row = take_in(
        session,
        services.files,
        user,
        uploads,
        application_type,
        submitted_on,
        max_bytes=services.service.max_upload_bytes,
        max_files=services.service.max_files,
        limits=services.upload_limits,
    )
    session.commit()
    services.runner.submit(row.id)
    return SubmissionCreated(id=row.id, status=SubmissionStatus.QUEUED, url=f"/api/v1/submissions/{row.id}")


@router.get("", responses=ERRORS)
def list_submissions(
    user: Reader,
    session: SessionDep,
    status: SubmissionStatus | None = None,
    verdict: Verdict | None = None,
    applicant: Annotated[
        str | None, Query(max_length=200, description="part of the applicant's name")
    ] = None,
    submitted_from: IsoDate | None = None,
    submitted_to: IsoDate | None = None,
    uploaded_from: IsoDate | None = None,
    uploaded_to: IsoDate | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,  # beyond a database integer: 422, not 500
) -> SubmissionList:
    """Newest first. Clerks see their own submissions; reviewers and admins see all."""
    filters = Filters(
        status=status.value if status else None,
        verdict=verdict.value if verdict else None,
        applicant=applicant,
        submitted_from=submitted_from,
        submitted_to=submitted_to,
        uploaded_from=uploaded_from,
        uploaded_to=uploaded_to,
        owner_id=user.id if user.role == Role.CLERK else None,
        limit=limit,
        offset=offset,
    )
    rows, total = search(session, filters)
    return SubmissionList(
        items=[SubmissionSummary.of(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get("/{submission_id}", responses=ERRORS)
def get_submission(row: ReadableSubmission, session: SessionDep) -> SubmissionOut:
    """Status and progress; once `done`, the report (findings at their current status) and decisions."""
    report = (
        decided_report(row, finding_rows(session, row.id)) if row.status == SubmissionStatus.DONE else None
    )
    return submission_out(row, report, decisions_of(session, row.id))


@router.get("/{submission_id}/report", responses=ERRORS)
def get_report(
    row: ReadableSubmission,
    session: SessionDep,
    machine: Annotated[bool, Query(description="the machine's report, before any decision")] = False,
) -> Report:
    """The report alone, in the CLI's JSON schema."""
    report = machine_report(row) if machine else decided_report(row, finding_rows(session, row.id))
    if report is None:
        raise ApiError(409, "not_ready", f"the submission is {row.status}; no report yet")
    return report


@router.post("/{submission_id}/retry", status_code=status.HTTP_202_ACCEPTED, responses=ERRORS)
def retry_submission(
    row: ReadableSubmission, user: Reader, session: SessionDep, services: ServicesDep
) -> SubmissionSummary:
    """Process a failed submission again from its stored originals (its owner, a reviewer or an admin)."""
    retry(session, row, user)
    session.commit()
    services.runner.submit(row.id)
    return SubmissionSummary.of(row)


@router.get("/{submission_id}/audit", responses=ERRORS)
def submission_audit(row: ReadableSubmission, session: SessionDep) -> list[AuditOut]:
    """Everything that happened to this submission, newest first."""
    return [AuditOut.of(e) for e in audit.events(session, submission_id=row.id, limit=1000)]
