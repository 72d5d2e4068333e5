"""The correction notice (补正材料通知书) of a submission, as text or PDF, from the decided report."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from filingcheck.api.deps import ReadableSubmission, ServicesDep, SessionDep
from filingcheck.api.errors import ApiError, ErrorOut
from filingcheck.api.routes.submissions import ERRORS
from filingcheck.reporting.notice import NoNoticeError, Notice, build_notice, render_text
from filingcheck.reporting.notice_pdf import NoticeFontError, render_pdf
from filingcheck.store.submissions import decided_report, finding_rows

router = APIRouter(prefix="/submissions", tags=["notice"])
NOTICE_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    409: {
        "model": ErrorOut,
        "description": "`not_ready`: no report yet; `no_notice`: nothing failed (accepted, or uncertain "
        "findings still wait for a reviewer)",
    },
}


def _notice(row: ReadableSubmission, session: SessionDep, services: ServicesDep) -> Notice:
    """The notice of the report as decided: a confirmed uncertain finding is a fail by now."""
    report = decided_report(row, finding_rows(session, row.id))
    if report is None:
        raise ApiError(409, "not_ready", f"the submission is {row.status}; no report yet")
    try:
        return build_notice(report, services.settings.notice(), submission_id=row.id)
    except NoNoticeError as exc:
        raise ApiError(409, "no_notice", str(exc)) from None


@router.get(
    "/{submission_id}/notice.txt",
    responses={**NOTICE_ERRORS, 200: {"content": {"text/plain": {}}, "description": "UTF-8 text"}},
    response_class=Response,
)
def notice_text(row: ReadableSubmission, session: SessionDep, services: ServicesDep) -> Response:
    """The correction notice for the applicant as UTF-8 text: the failed requirements with their clauses."""
    text = render_text(_notice(row, session, services))
    return Response(
        text,
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="notice-{row.id}.txt"'},
    )


@router.get(
    "/{submission_id}/notice.pdf",
    responses={**NOTICE_ERRORS, 200: {"content": {"application/pdf": {}}, "description": "A4 PDF"}},
    response_class=Response,
)
def notice_pdf(row: ReadableSubmission, session: SessionDep, services: ServicesDep) -> Response:
    """The correction notice as an A4 PDF with an embedded Chinese font, ready to print."""
    notice = _notice(row, session, services)
    try:
        # A sync route: FastAPI runs it in its thread pool, so the seconds of font loading block no one.
        pdf = render_pdf(notice, services.settings.notice().font)
    except NoticeFontError as exc:
        raise ApiError(500, "notice_font_missing", str(exc)) from None
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="notice-{row.id}.pdf"'},
    )
