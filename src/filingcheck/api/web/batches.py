"""The reviewer page's list of batch runs and of the submissions whose verdict a run changed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from filingcheck.api.deps import SessionDep
from filingcheck.api.web.routes import web_caller
from filingcheck.api.web.templating import templates
from filingcheck.reporting import labels
from filingcheck.store.batches import batch_progress, changed_page, list_batches
from filingcheck.store.tables import Role

router = APIRouter(include_in_schema=False)
RUNS_SHOWN = 20
PAGE_SIZE = 100


@router.get("/review/batches")
def batch_runs(
    request: Request,
    session: SessionDep,
    batch: Annotated[str, Query(max_length=64)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    """Recent runs with their progress; the chosen run's (or the latest's) changed verdicts."""
    caller = web_caller(request, session)
    if caller.user.role not in (Role.REVIEWER, Role.ADMIN):
        context = {"me": caller, "title": "不允许 Forbidden", "message": "批量复核仅限审查员 Reviewers only"}
        return templates.TemplateResponse(
            request, "message.html.j2", {"labels": labels, **context}, status_code=403
        )
    runs, total = list_batches(session, RUNS_SHOWN)
    selected = batch_progress(session, batch) if batch else (runs[0] if runs else None)
    changed = changed_page(session, selected.batch.id, PAGE_SIZE + 1, offset) if selected else []
    context = {
        "me": caller,
        "runs": runs,
        "total": total,
        "selected": selected,
        "changed": changed[:PAGE_SIZE],
        "unknown": bool(batch) and selected is None,
        "prev_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "next_offset": offset + PAGE_SIZE if len(changed) > PAGE_SIZE else None,
    }
    return templates.TemplateResponse(request, "batches.html.j2", {"labels": labels, **context})
