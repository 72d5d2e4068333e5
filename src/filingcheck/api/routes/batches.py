"""Batch runs (``filingcheck batch reprocess``) and their progress, for reviewers and admins:
what is done, how fast, and which submissions' verdicts changed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from filingcheck.api.deps import SessionDep, require
from filingcheck.api.errors import ApiError, ErrorOut
from filingcheck.store.batches import BatchProgress, batch_progress, changed_page, list_batches
from filingcheck.store.tables import BatchItem, Role, Submission, User

router = APIRouter(tags=["batches"])
BatchReader = Annotated[User, Depends(require(Role.REVIEWER, Role.ADMIN))]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "no or unknown API token"},
    403: {"model": ErrorOut, "description": "reviewers and admins only"},
}


class BatchOut(BaseModel):
    id: str
    stage: str = Field(description="`rules` (checks from the OCR cache) or `full` (pages read again)")
    selection: dict[str, object]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    total: int
    counts: dict[str, int] = Field(description="items by status: pending, running, done, failed")
    pages_done: int
    pages_total: int
    changed: int = Field(description="items whose verdict differs from the run before (failed ones count)")
    per_minute: float | None = Field(description="submissions finished per minute since the run began")

    @classmethod
    def of(cls, p: BatchProgress) -> BatchOut:
        b = p.batch
        return cls(
            id=b.id,
            stage=b.stage,
            selection=b.selection,
            created_at=b.created_at,
            finished_at=b.finished_at,
            total=b.total,
            counts=p.counts,
            pages_done=p.pages_done,
            pages_total=p.pages_total,
            changed=p.changed,
            per_minute=p.per_minute(),
        )


class BatchList(BaseModel):
    items: list[BatchOut]
    total: int


class ChangedOut(BaseModel):
    submission_id: str
    applicant: str | None
    product: str | None
    status: str
    verdict_before: str | None
    verdict_after: str | None
    pipeline_version_before: str | None
    pipeline_version_after: str | None
    error_code: str | None

    @classmethod
    def of(cls, item: BatchItem, sub: Submission) -> ChangedOut:
        return cls(
            submission_id=item.submission_id,
            applicant=sub.applicant,
            product=sub.product,
            status=item.status,
            verdict_before=item.verdict_before,
            verdict_after=item.verdict_after,
            pipeline_version_before=item.pipeline_version_before,
            pipeline_version_after=item.pipeline_version_after,
            error_code=item.error_code,
        )


class BatchDetail(BatchOut):
    changed_items: list[ChangedOut] = Field(description="a page of them: `changed_limit`, `changed_offset`")


@router.get("/batches", responses=ERRORS)
def batches(
    _: BatchReader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> BatchList:
    """Batch runs, newest first, each with its progress."""
    runs, total = list_batches(session, limit, offset)
    return BatchList(items=[BatchOut.of(p) for p in runs], total=total)


NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": ErrorOut, "description": "no such run"}}


@router.get("/batches/{batch_id}", responses={**ERRORS, **NOT_FOUND})
def batch(
    batch_id: str,
    _: BatchReader,
    session: SessionDep,
    changed_limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    changed_offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> BatchDetail:
    """One batch run: progress, rate, and the submissions whose verdict changed."""
    progress = batch_progress(session, batch_id)
    if progress is None:
        raise ApiError(404, "not_found", f"no batch run {batch_id!r}")
    changed = changed_page(session, batch_id, changed_limit, changed_offset)
    return BatchDetail(
        **BatchOut.of(progress).model_dump(), changed_items=[ChangedOut.of(i, s) for i, s in changed]
    )
