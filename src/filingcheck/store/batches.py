"""Batch runs in the database: pick submissions, record each one's verdict before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from filingcheck.store.submissions import new_id
from filingcheck.store.tables import BatchItem, BatchRun, BatchStatus, Submission, SubmissionStatus, utcnow

# ``--where KEY=VALUE`` keys and the column each one filters (applicant: contains, case-blind).
WHERE_KEYS = (
    "status",
    "verdict",
    "machine_verdict",
    "applicant",
    "application_type",
    "id",
    "pipeline_version",
)


class SelectionError(ValueError):
    """A ``--where`` clause that names no known column."""


@dataclass(frozen=True)
class Selection:
    since: dt.date | None = None
    where: tuple[tuple[str, str], ...] = ()
    # Only finished submissions by default: a queued or running one is the runner's business.
    statuses: tuple[str, ...] = (SubmissionStatus.DONE.value, SubmissionStatus.FAILED.value)

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "where": [f"{k}={v}" for k, v in self.where],
            "statuses": list(self.statuses),
        }


def parse_where(clauses: list[str]) -> tuple[tuple[str, str], ...]:
    parsed = []
    for clause in clauses:
        key, sep, value = clause.partition("=")
        key = key.strip()
        if not sep or key not in WHERE_KEYS:
            raise SelectionError(f"--where {clause!r}: use KEY=VALUE with KEY one of {', '.join(WHERE_KEYS)}")
        parsed.append((key, value.strip()))
    return tuple(parsed)


def select_submissions(session: Session, selection: Selection) -> list[Submission]:
    conditions: list[Any] = [Submission.status.in_(selection.statuses)]
    if selection.since:
        start = dt.datetime.combine(selection.since, dt.time.min, tzinfo=dt.UTC)
        conditions.append(Submission.created_at >= start)
    for key, value in selection.where:
        if key == "applicant":
            conditions.append(func.lower(Submission.applicant).contains(value.lower(), autoescape=True))
        elif key == "status":
            conditions[0] = Submission.status == value
        else:
            conditions.append(getattr(Submission, key) == value)
    query = select(Submission).where(*conditions).order_by(Submission.created_at, Submission.id)
    return list(session.scalars(query))


def create_batch(session: Session, selection: Selection, stage: str) -> BatchRun:
    """A batch run with one pending item per selected submission and its current verdict."""
    rows = select_submissions(session, selection)
    batch = BatchRun(id=new_id(), stage=stage, selection=selection.as_json(), total=len(rows))
    session.add(batch)
    session.flush()
    for row in rows:
        session.add(
            BatchItem(
                batch_id=batch.id,
                submission_id=row.id,
                status=BatchStatus.PENDING.value,
                attempts=0,
                pages_done=0,
                pages_total=row.pages_total,
                verdict_before=row.machine_verdict,
                pipeline_version_before=row.pipeline_version,
            )
        )
    session.flush()
    return batch


def claim_item(
    session: Session, batch_id: str, submission_id: str, token: str | None, max_takeovers: int = 3
) -> bool:
    """Take a pending item (or, for the same task delivered again, a running one) for this run."""
    claimable: Any = BatchItem.status == BatchStatus.PENDING
    if token is not None:
        claimable = or_(
            claimable,
            and_(
                BatchItem.status == BatchStatus.RUNNING,
                BatchItem.claim_token == token,
                BatchItem.attempts < max_takeovers,
            ),
        )
    result = session.execute(
        update(BatchItem)
        .where(BatchItem.batch_id == batch_id, BatchItem.submission_id == submission_id, claimable)
        .values(
            status=BatchStatus.RUNNING.value,
            claim_token=token,
            attempts=BatchItem.attempts + 1,
            pages_done=0,
            started_at=utcnow(),
        )
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def get_item(session: Session, batch_id: str, submission_id: str) -> BatchItem | None:
    return session.scalar(
        select(BatchItem).where(BatchItem.batch_id == batch_id, BatchItem.submission_id == submission_id)
    )


def items_of(session: Session, batch_id: str) -> list[BatchItem]:
    return list(
        session.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id).order_by(BatchItem.id))
    )


def changed_items(session: Session, batch_id: str) -> list[tuple[BatchItem, Submission]]:
    """Items whose verdict changed (a failed re-run counts as changed: it has no verdict)."""
    rows = session.execute(
        select(BatchItem, Submission)
        .join(Submission, Submission.id == BatchItem.submission_id)
        .where(BatchItem.batch_id == batch_id, BatchItem.status.in_([BatchStatus.DONE, BatchStatus.FAILED]))
        .order_by(BatchItem.id)
    )
    return [(item, sub) for item, sub in rows if item.verdict_after != item.verdict_before]


def finish_batch_if_done(session: Session, batch_id: str) -> bool:
    open_items = session.scalar(
        select(func.count())
        .select_from(BatchItem)
        .where(
            BatchItem.batch_id == batch_id, BatchItem.status.in_([BatchStatus.PENDING, BatchStatus.RUNNING])
        )
    )
    if open_items:
        return False
    batch = session.get(BatchRun, batch_id)
    if batch is not None and batch.finished_at is None:
        batch.finished_at = utcnow()
    return True


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch run stands: its items by status, pages, and how many verdicts changed."""

    batch: BatchRun
    counts: dict[str, int]
    pages_done: int
    pages_total: int
    changed: int

    @property
    def finished(self) -> int:
        return self.counts.get(BatchStatus.DONE, 0) + self.counts.get(BatchStatus.FAILED, 0)

    def per_minute(self, now: dt.datetime | None = None) -> float | None:
        """Items finished per minute since the run was created (None before the first one)."""
        end = self.batch.finished_at or now or utcnow()
        minutes = (end - self.batch.created_at).total_seconds() / 60
        return round(self.finished / minutes, 2) if self.finished and minutes > 0 else None


def list_batches(session: Session, limit: int = 50, offset: int = 0) -> tuple[list[BatchProgress], int]:
    """Batch runs, newest first, with their progress; and how many runs there are."""
    total = int(session.scalar(select(func.count()).select_from(BatchRun)) or 0)
    runs = list(
        session.scalars(
            select(BatchRun).order_by(BatchRun.created_at.desc(), BatchRun.id).limit(limit).offset(offset)
        )
    )
    return _progress_of(session, runs), total


def batch_progress(session: Session, batch_id: str) -> BatchProgress | None:
    batch = session.get(BatchRun, batch_id)
    return _progress_of(session, [batch])[0] if batch is not None else None


def changed_page(
    session: Session, batch_id: str, limit: int = 200, offset: int = 0
) -> list[tuple[BatchItem, Submission]]:
    """One page of the items whose verdict changed, in item order (see ``changed_items``)."""
    rows = session.execute(
        select(BatchItem, Submission)
        .join(Submission, Submission.id == BatchItem.submission_id)
        .where(BatchItem.batch_id == batch_id, _changed())
        .order_by(BatchItem.id)
        .limit(limit)
        .offset(offset)
    )
    return [(item, sub) for item, sub in rows]


def _changed() -> Any:
    finished = BatchItem.status.in_([BatchStatus.DONE, BatchStatus.FAILED])
    return and_(finished, BatchItem.verdict_after.is_distinct_from(BatchItem.verdict_before))


def _progress_of(session: Session, runs: list[BatchRun]) -> list[BatchProgress]:
    """Counted in two grouped queries for all runs at once, not one query per run."""
    ids = [r.id for r in runs]
    counts: dict[str, dict[str, int]] = {i: {} for i in ids}
    pages: dict[str, tuple[int, int]] = {}
    changed: dict[str, int] = {}
    if ids:
        grouped = session.execute(
            select(
                BatchItem.batch_id,
                BatchItem.status,
                func.count(),
                func.coalesce(func.sum(BatchItem.pages_done), 0),
                func.coalesce(func.sum(BatchItem.pages_total), 0),
            )
            .where(BatchItem.batch_id.in_(ids))
            .group_by(BatchItem.batch_id, BatchItem.status)
        )
        for batch_id, status, n, done, total in grouped:
            counts[batch_id][status] = int(n)
            before = pages.get(batch_id, (0, 0))
            pages[batch_id] = (before[0] + int(done), before[1] + int(total))
        changed = dict(
            session.execute(
                select(BatchItem.batch_id, func.count())
                .where(BatchItem.batch_id.in_(ids), _changed())
                .group_by(BatchItem.batch_id)
            ).all()
        )
    return [
        BatchProgress(
            batch=run,
            counts={s.value: counts[run.id].get(s.value, 0) for s in BatchStatus},
            pages_done=pages.get(run.id, (0, 0))[0],
            pages_total=pages.get(run.id, (0, 0))[1],
            changed=int(changed.get(run.id, 0)),
        )
        for run in runs
    ]
