"""Reviewers' decisions on findings: confirm or override, with a reason; the verdict follows."""

from __future__ import annotations

from fastapi import APIRouter

from filingcheck.api.deps import ReadableSubmission, Reviewer, SessionDep
from filingcheck.api.errors import ApiError, ErrorOut
from filingcheck.api.routes.submissions import ERRORS
from filingcheck.api.schemas import DecisionIn, DecisionOut, DecisionResult
from filingcheck.service.review import Decision, decide
from filingcheck.store.submissions import decided_report, decisions_of, finding_row, finding_rows

router = APIRouter(prefix="/submissions", tags=["review"])


@router.post(
    "/{submission_id}/findings/{finding_id}/decision",
    responses={
        **ERRORS,
        409: {"model": ErrorOut, "description": "`not_ready`: the submission has no report yet"},
        422: {"model": ErrorOut, "description": "`reason_required`, `bad_status`, `status_required`"},
    },
)
def decide_finding(
    row: ReadableSubmission, finding_id: str, body: DecisionIn, user: Reviewer, session: SessionDep
) -> DecisionResult:
    """Confirm or override one finding (reviewers only). See `DecisionIn` for what each means."""
    finding = finding_row(session, row.id, finding_id)
    if finding is None:
        raise ApiError(404, "not_found", f"submission {row.id} has no finding {finding_id!r}")
    record = decide(session, row, finding, user, Decision(body.decision), body.reason, body.status)
    session.commit()
    report = decided_report(row, finding_rows(session, row.id))
    current = next(f for f in report.findings if f.id == finding_id) if report else None
    if current is None:
        raise ApiError(404, "not_found", f"finding {finding_id!r} is not in the report")
    return DecisionResult(decision=DecisionOut.of(record), finding=current, verdict=row.verdict)


@router.get("/{submission_id}/decisions", responses=ERRORS)
def list_decisions(row: ReadableSubmission, session: SessionDep) -> list[DecisionOut]:
    """Every decision on this submission, oldest first (the latest per finding counts)."""
    return [DecisionOut.of(d) for d in decisions_of(session, row.id)]
