"""Dependencies of the routes as ``Annotated`` aliases: services, a database session, the user, roles."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from filingcheck.api.errors import ApiError
from filingcheck.service import Services
from filingcheck.store.accounts import authenticate, csrf_token
from filingcheck.store.submissions import get_submission
from filingcheck.store.tables import CredentialKind, Role, Submission, User

SESSION_COOKIE = "filingcheck_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(auto_error=False, description="an API token from `filingcheck users add`")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One session per request; routes that write commit themselves before answering."""
    with services.db.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def optional_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User | None:
    """The caller by API token (``Authorization: Bearer``) or by the web page's session cookie.

    A cookie-borne request that changes something must carry the session's CSRF token too.
    """
    if credentials is not None:
        user = authenticate(session, credentials.credentials, CredentialKind.API_TOKEN)
        if user is None:
            raise ApiError(401, "bad_token", "the API token is unknown, revoked or expired", _challenge())
        session.commit()
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    user = authenticate(session, cookie, CredentialKind.SESSION)
    if user is None:
        return None
    session.commit()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(cookie)):
            raise ApiError(403, "csrf_failed", f"a request from the web page needs the {CSRF_HEADER} header")
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def current_user(user: OptionalUser) -> User:
    if user is None:
        raise ApiError(
            401, "not_authenticated", "send an API token: Authorization: Bearer TOKEN", _challenge()
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Callable[[User], User]:
    allowed = {r.value for r in roles}

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            names = " or ".join(sorted(allowed))
            raise ApiError(403, "forbidden", f"this needs the role {names}; you are {user.role}")
        return user

    return check


# What each role may do (README "Service"): clerks upload and read their own submissions,
# reviewers read all and decide, admins manage users and settings and may read all.
Uploader = Annotated[User, Depends(require(Role.CLERK))]
Reader = Annotated[User, Depends(require(Role.CLERK, Role.REVIEWER, Role.ADMIN))]
Reviewer = Annotated[User, Depends(require(Role.REVIEWER))]
Admin = Annotated[User, Depends(require(Role.ADMIN))]


def can_read(user: User, row: Submission) -> bool:
    return user.role in (Role.REVIEWER, Role.ADMIN) or row.owner_id == user.id


def readable_submission(submission_id: str, user: Reader, session: SessionDep) -> Submission:
    """The submission if it exists and the caller may see it; 404 alike otherwise (no probing)."""
    row = get_submission(session, submission_id)
    if row is None or not can_read(user, row):
        raise ApiError(404, "not_found", f"no submission {submission_id!r}")
    return row


ReadableSubmission = Annotated[Submission, Depends(readable_submission)]


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": "Bearer"}
