"""One router per resource, all under /api/v1."""

from fastapi import APIRouter

from filingcheck.api.errors import ErrorOut
from filingcheck.api.routes import admin, batches, decisions, health, notice, pages, submissions, users

# A body the framework cannot parse at all (broken JSON bytes, malformed multipart) is 400
# `bad_request` on any operation, before the route's own checks.
BAD_REQUEST: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "`bad_request`: the body cannot be parsed"}
}
api_router = APIRouter(prefix="/api/v1", responses=BAD_REQUEST)
for module in (health, submissions, pages, notice, decisions, users, admin, batches):
    api_router.include_router(module.router)

__all__ = ["api_router"]
