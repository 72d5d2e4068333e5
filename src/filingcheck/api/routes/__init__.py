"""One router per resource, all under /api/v1."""

from fastapi import APIRouter

from filingcheck.api.routes import admin, decisions, health, pages, submissions, users

api_router = APIRouter(prefix="/api/v1")
for module in (health, submissions, pages, decisions, users, admin):
    api_router.include_router(module.router)

__all__ = ["api_router"]
