"""Users and their API tokens (admins only); `/me` tells any caller who they are."""

from __future__ import annotations

from fastapi import APIRouter, status

from filingcheck.api.deps import Admin, CurrentUser, SessionDep
from filingcheck.api.errors import ApiError, ErrorOut
from filingcheck.api.schemas import MeOut, TokenOut, UserIn, UserOut, UserPatch
from filingcheck.store import audit
from filingcheck.store.accounts import create_user, get_user, issue_credential, list_users, set_password
from filingcheck.store.tables import CredentialKind, Role, User

router = APIRouter(tags=["users"])
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "no or unknown API token"},
    403: {"model": ErrorOut, "description": "admins only"},
}
NOT_FOUND: dict[str, object] = {"model": ErrorOut, "description": "`user_not_found`"}


@router.get("/me", responses={401: ERRORS[401]})
def me(user: CurrentUser) -> MeOut:
    return MeOut(name=user.name, role=Role(user.role))


@router.get("/users", responses=ERRORS)
def users(_: Admin, session: SessionDep) -> list[UserOut]:
    return [UserOut.of(u) for u in list_users(session)]


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "`user_exists`"}},
)
def add_user(body: UserIn, admin: Admin, session: SessionDep) -> TokenOut:
    """Create a user and its first API token (shown once)."""
    user = create_user(session, body.name, body.role, body.password)
    token = issue_credential(session, user, CredentialKind.API_TOKEN, label="created by admin")
    audit.record(session, "user.created", admin, user=user.name, role=user.role)
    session.commit()
    return TokenOut(user=user.name, token=token)


@router.patch("/users/{name}", responses={**ERRORS, 404: NOT_FOUND})
def change_user(name: str, body: UserPatch, admin: Admin, session: SessionDep) -> UserOut:
    """Deactivate or reactivate a user (their tokens stop working), change the role or password."""
    user = _user(session, name)
    changes: dict[str, object] = {}
    if body.active is not None:
        user.active = body.active
        changes["active"] = body.active
    if body.role is not None:
        user.role = body.role.value
        changes["role"] = body.role.value
    if body.password is not None:
        set_password(user, body.password)
        changes["password"] = "changed"
    audit.record(session, "user.changed", admin, user=user.name, changes=changes)
    session.commit()
    return UserOut.of(user)


@router.post(
    "/users/{name}/tokens",
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 404: NOT_FOUND},
)
def new_token(name: str, admin: Admin, session: SessionDep) -> TokenOut:
    """A further API token for a user (shown once)."""
    user = _user(session, name)
    token = issue_credential(session, user, CredentialKind.API_TOKEN, label=f"issued by {admin.name}")
    audit.record(session, "token.created", admin, user=user.name)
    session.commit()
    return TokenOut(user=user.name, token=token)


def _user(session: SessionDep, name: str) -> User:
    user = get_user(session, name)
    if user is None:
        raise ApiError(404, "user_not_found", f"no user {name!r}")
    return user
