"""The reviewer's web page: login, the submission list, upload, one submission with its findings.

Server-rendered; the little JavaScript (selection, keyboard, progress) lives in static files, so
a strict Content-Security-Policy holds. Forms post here with the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from filingcheck.api.deps import SESSION_COOKIE, ServicesDep, SessionDep, can_read
from filingcheck.api.web.templating import templates
from filingcheck.api.web.view import build_review
from filingcheck.models import ApplicationType, Status, Verdict
from filingcheck.reporting import labels
from filingcheck.service.intake import parse_date, retry, take_in
from filingcheck.service.review import Decision, ReviewError, decide
from filingcheck.service.settings import ServiceSettings
from filingcheck.service.uploads import Upload, UploadError
from filingcheck.store import audit, logins
from filingcheck.store.accounts import (
    authenticate,
    csrf_token,
    get_user,
    issue_credential,
    revoke,
    verify_password,
)
from filingcheck.store.submissions import (
    Filters,
    decided_report,
    decisions_of,
    finding_row,
    finding_rows,
    get_submission,
    pages_of,
    search,
)
from filingcheck.store.tables import CredentialKind, Role, Submission, SubmissionStatus, User

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
THROTTLED = "too_many_attempts"


class LoginRequiredError(Exception):
    def __init__(self, path: str) -> None:
        self.path = path


class Caller:
    """The signed-in user of a web request and the CSRF token its forms carry."""

    def __init__(self, user: User, csrf: str) -> None:
        self.user = user
        self.csrf = csrf

    def check(self, sent: str) -> None:
        if not hmac.compare_digest(sent or "", self.csrf):
            raise ReviewError(403, "csrf_failed", "the form is out of date; reload the page and try again")


def web_caller(request: Request, session: Session) -> Caller:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    user = authenticate(session, cookie, CredentialKind.SESSION) if cookie else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target)
    session.commit()
    return Caller(user, csrf_token(cookie))


def _page(request: Request, template: str, status_code: int = 200, /, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template, {"labels": labels, **context}, status_code=status_code
    )


def _forbidden(request: Request, caller: Caller, message: str) -> HTMLResponse:
    return _page(request, "message.html.j2", 403, me=caller, title="不允许 Forbidden", message=message)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/review", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/review") -> HTMLResponse:
    return _page(request, "login.html.j2", next=_local(next), error=None, name="")


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/review",
) -> Response:
    """A password, or one of the user's API tokens, signs in for ``session_hours``.

    Failed attempts are throttled per account and per client address (``FILINGCHECK_LOGIN_*``)
    before the password is even checked: 429 with ``Retry-After`` and the code ``too_many_attempts``.
    """
    address = request.client.host if request.client else "unknown"
    attempt = logins.begin(session, name, address, login_limits(services.service))
    if isinstance(attempt, logins.Throttled):
        audit.record(
            session, "user.login_throttled", name=name.strip()[:100], address=address, scope=attempt.scope
        )
        session.commit()
        minutes = max(1, round(attempt.retry_after / 60))
        error = (
            f"{THROTTLED}: 登录失败次数过多，请 {minutes} 分钟后再试 "
            f"Too many failed logins; try again in {minutes} min"
        )
        page = _page(request, "login.html.j2", 429, next=_local(next), error=error, name=name)
        page.headers["Retry-After"] = str(attempt.retry_after)
        return page
    user = get_user(session, name.strip())
    ok = (
        user is not None
        and user.active
        and (
            verify_password(user.password_hash, password)
            or authenticate(session, password, CredentialKind.API_TOKEN) is user
        )
    )
    if not ok or user is None:
        audit.record(session, "user.login_failed", name=name.strip()[:100], address=address)
        session.commit()
        error = "用户名或密码不对 Unknown user or wrong password/token"
        return _page(request, "login.html.j2", 401, next=_local(next), error=error, name=name)
    logins.succeeded(session, attempt)
    secret = issue_credential(
        session,
        user,
        CredentialKind.SESSION,
        label="web",
        ttl=dt.timedelta(hours=services.service.session_hours),
    )
    audit.record(session, "user.login", user)
    session.commit()
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=services.service.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=services.service.cookie_secure,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: Annotated[str, Form()] = "") -> Response:
    caller = web_caller(request, session)
    caller.check(csrf)
    revoke(session, request.cookies.get(SESSION_COOKIE, ""))
    audit.record(session, "user.logout", caller.user)
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/review")
def submission_list(
    request: Request,
    session: SessionDep,
    status: str = "",
    verdict: str = "",
    applicant: Annotated[str, Query(max_length=200)] = "",
    submitted_from: str = "",
    submitted_to: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    caller = web_caller(request, session)
    error = None
    try:
        day_from, day_to = parse_date(submitted_from), parse_date(submitted_to)
    except UploadError as exc:
        error, day_from, day_to = exc.message, None, None
    filters = Filters(
        status=status if status in set(SubmissionStatus) else None,
        verdict=verdict if verdict in set(Verdict) else None,
        applicant=applicant or None,
        submitted_from=day_from,
        submitted_to=day_to,
        owner_id=caller.user.id if caller.user.role == Role.CLERK else None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    rows, total = search(session, filters)
    query = {
        "status": status,
        "verdict": verdict,
        "applicant": applicant,
        "submitted_from": submitted_from,
        "submitted_to": submitted_to,
    }
    keep = {k: v for k, v in query.items() if v}
    return _page(
        request,
        "list.html.j2",
        me=caller,
        rows=rows,
        total=total,
        offset=offset,
        page_size=PAGE_SIZE,
        query=query,
        error=error,
        prev_url=f"/review?{urlencode({**keep, 'offset': max(0, offset - PAGE_SIZE)})}" if offset else None,
        next_url=f"/review?{urlencode({**keep, 'offset': offset + PAGE_SIZE})}"
        if offset + PAGE_SIZE < total
        else None,
        statuses=list(SubmissionStatus),
        verdicts=list(Verdict),
    )


@router.get("/review/upload")
def upload_form(request: Request, session: SessionDep) -> HTMLResponse:
    caller = web_caller(request, session)
    if caller.user.role != Role.CLERK:
        return _forbidden(request, caller, "只有受理窗口 (clerk) 可以上传 Only clerks upload dossiers.")
    return _page(request, "upload.html.j2", me=caller, error=None, types=list(ApplicationType))


@router.post("/review/upload")
def upload(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    paper: Annotated[list[UploadFile] | None, File()] = None,
    electronic: Annotated[UploadFile | None, File()] = None,
    application_type: Annotated[str, Form()] = "domestic_new",
    submitted_on: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    caller = web_caller(request, session)
    if caller.user.role != Role.CLERK:
        return _forbidden(request, caller, "只有受理窗口 (clerk) 可以上传 Only clerks upload dossiers.")
    try:
        caller.check(csrf)
        uploads = [Upload("paper", f.filename or "paper", f.file) for f in paper or [] if f.filename]
        if electronic is not None and electronic.filename:
            uploads.append(Upload("electronic", electronic.filename, electronic.file))
        row = take_in(
            session,
            services.files,
            caller.user,
            uploads,
            application_type,
            submitted_on,
            max_bytes=services.service.max_upload_bytes,
            max_files=services.service.max_files,
            limits=services.upload_limits,
        )
    except (UploadError, ReviewError) as exc:
        session.rollback()
        return _page(
            request,
            "upload.html.j2",
            exc.status,
            me=caller,
            error=f"{exc.code}: {exc.message}",
            types=list(ApplicationType),
        )
    session.commit()
    services.runner.submit(row.id)
    return RedirectResponse(f"/review/submissions/{row.id}", status_code=303)


@router.get("/review/submissions/{submission_id}")
def submission_page(
    request: Request,
    submission_id: str,
    session: SessionDep,
    finding: str | None = None,
    page: int | None = None,
) -> HTMLResponse:
    caller = web_caller(request, session)
    row = _readable(session, caller, submission_id)
    if row is None:
        return _not_found(request, caller, submission_id)
    return _review_page(request, session, caller, row, finding, page)


@router.post("/review/submissions/{submission_id}/retry")
def retry_page(
    request: Request,
    submission_id: str,
    session: SessionDep,
    services: ServicesDep,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    caller = web_caller(request, session)
    row = _readable(session, caller, submission_id)
    if row is None:
        return _not_found(request, caller, submission_id)
    try:
        caller.check(csrf)
        retry(session, row, caller.user)
    except (UploadError, ReviewError) as exc:
        return _review_page(
            request, session, caller, row, None, None, f"{exc.code}: {exc.message}", exc.status
        )
    session.commit()
    services.runner.submit(row.id)
    return RedirectResponse(f"/review/submissions/{row.id}", status_code=303)


@router.post("/review/submissions/{submission_id}/findings/{finding_id}/decision")
def decision_form(
    request: Request,
    submission_id: str,
    finding_id: str,
    session: SessionDep,
    decision: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    caller = web_caller(request, session)
    row = _readable(session, caller, submission_id)
    if row is None:
        return _not_found(request, caller, submission_id)
    if caller.user.role != Role.REVIEWER:
        return _forbidden(request, caller, "只有审核人员 (reviewer) 可以作出决定 Only reviewers decide.")
    target = finding_row(session, row.id, finding_id)
    try:
        caller.check(csrf)
        if target is None:
            raise ReviewError(404, "not_found", f"no finding {finding_id!r}")
        if decision not in set(Decision):
            raise ReviewError(422, "bad_decision", "choose confirm or override")
        requested = Status(status) if status in set(Status) else None
        decide(session, row, target, caller.user, Decision(decision), reason, requested)
    except ReviewError as exc:
        session.rollback()
        return _review_page(
            request, session, caller, row, finding_id, None, f"{exc.code}: {exc.message}", exc.status
        )
    session.commit()
    return RedirectResponse(
        f"/review/submissions/{row.id}?finding={quote(finding_id)}#f-{quote(finding_id)}", status_code=303
    )


def _review_page(
    request: Request,
    session: Session,
    caller: Caller,
    row: Submission,
    finding: str | None,
    page: int | None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, object] = {"me": caller, "row": row, "error": error}
    if row.status != SubmissionStatus.DONE:
        return _page(request, "progress.html.j2", status_code, **context)
    rows = finding_rows(session, row.id)
    report = decided_report(row, rows)
    assert report is not None
    view = build_review(
        row.id,
        report,
        row.machine_verdict,
        pages_of(session, row.id),
        decisions_of(session, row.id),
        {r.finding_id: r.machine_status for r in rows},
        finding,
        page,
    )
    can_decide = caller.user.role == Role.REVIEWER
    return _page(request, "submission.html.j2", status_code, v=view, can_decide=can_decide, **context)


def _not_found(request: Request, caller: Caller, what: str) -> HTMLResponse:
    """A submission that does not exist and one the caller may not read look the same."""
    return _page(request, "message.html.j2", 404, me=caller, title="找不到 Not found", message=what)


def _readable(session: Session, caller: Caller, submission_id: str) -> Submission | None:
    row = get_submission(session, submission_id)
    return row if row is not None and can_read(caller.user, row) else None


def login_limits(settings: ServiceSettings) -> logins.LoginLimits:
    return logins.LoginLimits(
        window=dt.timedelta(minutes=settings.login_window_minutes),
        per_account=settings.login_failures_per_account,
        per_address=settings.login_failures_per_address,
    )


def _local(target: str) -> str:
    """Only paths on this site are followed after login (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target
