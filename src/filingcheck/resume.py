"""``filingcheck batch resume``: send again the work a broker lost (a Redis restart without
persistence empties its queues), and nothing that is still on its way.

Work is live when a message for it waits in the queue, sits unacknowledged (a worker holds it,
or Redis will hand it out again), or a worker reports it active or reserved. Everything else the
database says is unfinished is sent again: queued submissions as they are, running ones (their
task is gone) queued first, pending or running items of unfinished batch runs likewise. Sending
twice is harmless, since every task claims its work in the database; resume only spares the
duplicate work. Peeking at waiting messages needs a Redis broker.
"""

from __future__ import annotations

import ast
import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from sqlalchemy import select, update

from filingcheck.store import audit
from filingcheck.store.db import Database
from filingcheck.store.submissions import unfinished
from filingcheck.store.tables import BatchItem, BatchRun, BatchStatus, Submission, SubmissionStatus, utcnow
from filingcheck.tasks import ASSEMBLE, PROCESS, READ_PAGE, REPROCESS, CeleryRunner

SUBMISSION_TASKS = (PROCESS, READ_PAGE, ASSEMBLE)
PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: queue name + sep + priority


class ResumeUnavailableError(Exception):
    """No broker, or one whose waiting messages cannot be read."""


@dataclass
class LiveWork:
    """What the broker and the workers still hold: submission ids, and (batch, submission) pairs."""

    submissions: set[str] = field(default_factory=set)
    items: set[tuple[str, str]] = field(default_factory=set)

    def add(self, task: str, args: list[Any]) -> None:
        if task in SUBMISSION_TASKS and args:
            self.submissions.add(str(args[0]))
        elif task == REPROCESS and len(args) >= 2:
            self.items.add((str(args[0]), str(args[1])))


@dataclass
class Resumed:
    submissions: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)
    live_submissions: int = 0
    live_items: int = 0


def live_work(celery: Celery, queue: str, inspect_timeout: float = 1.0) -> LiveWork:
    """Messages waiting in ``queue`` or unacknowledged on the Redis broker, and what the workers
    report as active or reserved."""
    url = str(celery.conf.broker_url)
    if not url.startswith(("redis://", "rediss://")):
        raise ResumeUnavailableError(f"resume reads the queue of a Redis broker, not {url.split(':')[0]}")
    import redis

    live = LiveWork()
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    try:
        names = [queue] + [f"{queue}{PRIORITY_SEP}{p}" for p in range(1, 10)]
        for name in names:
            for raw in client.lrange(name, 0, -1):
                _add_message(live, raw)
        for raw in client.hvals("unacked"):
            try:
                _add_message(live, json.dumps(json.loads(raw)[0]).encode())
            except (ValueError, TypeError, IndexError):
                continue
    finally:
        client.close()
    inspector = celery.control.inspect(timeout=inspect_timeout)
    for held in (inspector.active() or {}, inspector.reserved() or {}):
        for requests in held.values():
            for request in requests:
                args = request.get("args") or []
                if isinstance(args, str):
                    args = _literal(args)
                live.add(str(request.get("name", "")), list(args))
    return live


def resume(
    db: Database, runner: CeleryRunner, live: LiveWork, grace: float = 60.0, queued_only: bool = False
) -> Resumed:
    """Send again every unfinished submission and batch item that ``live`` lacks; a running one
    started less than ``grace`` seconds ago is left alone (its first message may be in flight).

    ``queued_only`` leaves running work alone altogether (a worker too busy to answer ``inspect``
    would otherwise see its work queued again): what the unattended sweeper does.
    """
    cutoff = utcnow() - dt.timedelta(seconds=grace)
    done = Resumed(live_submissions=len(live.submissions), live_items=len(live.items))
    with db.session() as session:
        for row in unfinished(session):
            if row.id in live.submissions or (_recent(row.started_at, cutoff)):
                continue
            if queued_only and row.status != SubmissionStatus.QUEUED:
                continue
            if row.status == SubmissionStatus.RUNNING and not _requeue(session, row):
                continue
            audit.record(session, "submission.resumed", submission_id=row.id, status=row.status)
            done.submissions.append(row.id)
        open_items = session.execute(
            select(BatchItem)
            .join(BatchRun, BatchRun.id == BatchItem.batch_id)
            .where(
                BatchRun.finished_at.is_(None),
                BatchItem.status.in_([BatchStatus.PENDING, BatchStatus.RUNNING]),
            )
            .order_by(BatchItem.id)
        ).scalars()
        for item in open_items:
            key = (item.batch_id, item.submission_id)
            if key in live.items or _recent(item.started_at, cutoff):
                continue
            if queued_only and item.status != BatchStatus.PENDING:
                continue
            if item.status == BatchStatus.RUNNING:
                item.status = BatchStatus.PENDING.value
                item.claim_token = None
            done.items.append(key)
    # Sent only once the database says queued/pending, so a worker taking a message at once can claim it.
    for submission_id in done.submissions:
        runner.submit(submission_id)
    for batch_id, submission_id in done.items:
        runner.submit_reprocess(batch_id, submission_id)
    return done


def _requeue(session: Any, row: Submission) -> bool:
    """Running with a task that is gone: queued again, unless its claim moved meanwhile."""
    moved = session.execute(
        update(Submission)
        .where(
            Submission.id == row.id,
            Submission.status == SubmissionStatus.RUNNING,
            Submission.claim_token == row.claim_token,
        )
        .values(status=SubmissionStatus.QUEUED.value, stage="queued", claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount == 1)


def _recent(started_at: dt.datetime | None, cutoff: dt.datetime) -> bool:
    return started_at is not None and started_at > cutoff


def _add_message(live: LiveWork, raw: bytes | str) -> None:
    """One kombu message as the Redis transport stores it: JSON with a base64 body of
    ``[args, kwargs, embed]`` (task protocol 2); anything else is not ours and is skipped."""
    try:
        message = json.loads(raw)
        task = str(message.get("headers", {}).get("task", ""))
        body = message.get("body", "")
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return
    if isinstance(args, list):
        live.add(task, args)


def _literal(text: str) -> list[Any]:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return []
    return list(value) if isinstance(value, list | tuple) else []
