"""Operations for admins: the effective settings (no secrets) and the whole audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from filingcheck import __version__
from filingcheck.api.deps import Admin, ServicesDep, SessionDep
from filingcheck.api.routes.users import ERRORS
from filingcheck.api.schemas import AuditOut
from filingcheck.store import audit
from filingcheck.store.db import safe_url

router = APIRouter(tags=["admin"])


@router.get("/settings", responses=ERRORS)
def settings(_: Admin, services: ServicesDep) -> dict[str, object]:
    """The settings in force (from `FILINGCHECK_*`), with the database password masked."""
    core = services.settings.model_dump(mode="json")
    core["database_url"] = safe_url(services.settings.resolved_database_url)
    core.pop("broker_url", None)
    return {"version": __version__, "core": core, "service": services.service.model_dump(mode="json")}


@router.get("/audit", responses=ERRORS)
def audit_log(
    _: Admin,
    session: SessionDep,
    submission_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,  # beyond a database integer: 422, not 500
) -> list[AuditOut]:
    """The audit log, newest first."""
    events = audit.events(session, submission_id=submission_id, limit=limit, offset=offset)
    return [AuditOut.of(e) for e in events]
