"""The audit log: one append-only row per thing that happened (who, when, what, why, which versions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from filingcheck.store.tables import AuditEvent, User


def record(
    session: Session,
    action: str,
    actor: User | None = None,
    *,
    submission_id: str | None = None,
    finding_id: str | None = None,
    rule: str | None = None,
    pipeline_version: str | None = None,
    reason: str | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor=actor.name if actor is not None else None,
        submission_id=submission_id,
        finding_id=finding_id,
        rule=rule,
        pipeline_version=pipeline_version,
        reason=reason,
        detail=detail,
    )
    session.add(event)
    return event


def events(
    session: Session, *, submission_id: str | None = None, limit: int = 200, offset: int = 0
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if submission_id is not None:
        query = query.where(AuditEvent.submission_id == submission_id)
    return list(session.scalars(query))
