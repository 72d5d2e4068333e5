"""The celery side: the app configured from ``FILINGCHECK_*``, engines built once per worker process,
and the tasks that process (and re-check) one stored submission.

Results go to the database, never only to a result backend. Every task is idempotent: it claims
its submission (or batch item) in the database with its own task id, so a copy delivered again
after its worker died takes the work over, and any other copy, or a re-run of finished work, does
nothing. Messages are acknowledged only when a task ends (``acks_late``), and a task whose worker
process was killed goes back to the queue (``task_reject_on_worker_lost``).

A submission is a chord: ``filingcheck.process`` claims it and fans out one
``filingcheck.read_page`` per paper page, which reads the page into the OCR cache (reading, and
seals with their text); when all have ended, ``filingcheck.assemble`` takes the claim over and
runs extraction and checks from the cache, and stores the results. A page task delivered again
finds its page cached; one that keeps killing its worker gives up after ``MAX_TAKEOVERS`` tries
and leaves the page to the assembling task. Without a result backend (needed to join a chord;
Redis brokers get one by default) or with ``FILINGCHECK_PAGE_TASKS=false``, the process task reads
the pages itself, one after another.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery, Task, chord
from celery.signals import worker_process_init, worker_process_shutdown
from kombu.exceptions import OperationalError as KombuOperationalError
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import InterfaceError, OperationalError

from filingcheck.config import Settings
from filingcheck.logsafe import mask_celery_logs
from filingcheck.ocr import build_engine
from filingcheck.service.processing import MAX_TAKEOVERS, Processor
from filingcheck.service.reprocess import Reprocessor
from filingcheck.service.settings import ServiceSettings
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore

log = logging.getLogger(__name__)
mask_celery_logs()  # identity and phone numbers never reach the worker's log
QUEUE = "filingcheck"
PROCESS = "filingcheck.process"
REPROCESS = "filingcheck.reprocess"
READ_PAGE = "filingcheck.read_page"
ASSEMBLE = "filingcheck.assemble"
# Page task results only count the chord's parts; nobody reads them later.
RESULT_EXPIRES = 24 * 3600


class WorkerSettings(BaseSettings):
    """Queue settings (prefix ``FILINGCHECK_``); defaults suit dossiers of a few hundred pages."""

    model_config = SettingsConfigDict(env_prefix="FILINGCHECK_", frozen=True, extra="ignore")

    # Several installations (or test runs) can share one broker, each on a queue of its own.
    queue: str = Field(default=QUEUE, min_length=1, max_length=100)
    task_time_limit: int = Field(default=3600, ge=10)
    task_soft_time_limit: int | None = Field(default=None, ge=5)
    worker_max_tasks_per_child: int = Field(default=50, ge=1)
    worker_max_memory_per_child_mb: int = Field(default=3072, ge=128)
    # Redis gives an unacknowledged message to another worker after this long. It must exceed the
    # hard time limit, or a long task still running would be handed out a second time.
    visibility_timeout: int | None = Field(default=None, ge=5)
    unacked_restore_interval: int = Field(default=10, ge=1)
    # Joins the page tasks of a chord; by default the broker itself when it is Redis.
    result_backend: str | None = None
    # One task per page (a chord); false: one task reads all pages of its submission.
    page_tasks: bool = True
    # Pool processes run at least at this CPU niceness (0: as started): OCR is batch work, and on a machine
    # shared with `serve` the clerks' and reviewers' requests must not wait behind it.
    worker_nice: int = Field(default=10, ge=0, le=19)

    @property
    def soft_limit(self) -> int:
        return self.task_soft_time_limit or max(5, self.task_time_limit - 60)

    @property
    def visibility(self) -> int:
        return self.visibility_timeout or self.task_time_limit + 300

    def backend(self, broker_url: str | None) -> str | None:
        if self.result_backend:
            return self.result_backend
        redis = broker_url is not None and broker_url.startswith(("redis://", "rediss://"))
        return broker_url if redis else None


def celery_config(settings: Settings, worker: WorkerSettings) -> dict[str, Any]:
    backend = worker.backend(settings.broker_url)
    return {
        "result_backend": backend,
        "result_expires": RESULT_EXPIRES,
        # Read by the process task: fan pages out only where a chord can be joined.
        "filingcheck_page_tasks": bool(backend and worker.page_tasks),
        "broker_url": settings.broker_url or "memory://",
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {
            "visibility_timeout": worker.visibility,
            "unacked_restore_interval": worker.unacked_restore_interval,
            "unacked_restore_throttle": 1,
        },
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_time_limit": worker.task_time_limit,
        "task_soft_time_limit": worker.soft_limit,
        "task_default_queue": worker.queue,
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_prefetch_multiplier": 1,
        "worker_max_tasks_per_child": worker.worker_max_tasks_per_child,
        "worker_max_memory_per_child": worker.worker_max_memory_per_child_mb * 1024,  # KiB
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
    }


def make_app(settings: Settings | None = None, worker: WorkerSettings | None = None) -> Celery:
    celery = Celery("filingcheck")
    celery.conf.update(celery_config(settings or Settings(), worker or WorkerSettings()))
    return celery


app = make_app()


@dataclass
class WorkerState:
    db: Database
    processor: Processor
    reprocessor: Reprocessor
    # Delivery counts of page tasks (a page that kills its worker must not come back for ever).
    attempts_dir: Path


_STATE: dict[str, WorkerState] = {}


def build_state() -> WorkerState:
    """Database, file store and engines of this worker process (after the fork: connections
    and ONNX sessions must not be shared between processes)."""
    settings = Settings()
    # The worker pool is the parallelism: each worker process reads its pages itself.
    settings = settings.model_copy(update={"workers": 1})
    pipeline = settings.pipeline()
    build_engine(pipeline.engine, pipeline.ocr)
    if pipeline.second_engine:
        build_engine(pipeline.second_engine, pipeline.ocr)
    db = Database(settings.resolved_database_url)
    files = FileStore(settings.data_dir / "files")
    processor = Processor(db, files, settings, ServiceSettings())
    return WorkerState(db, processor, Reprocessor(processor), settings.data_dir / "cache" / "tasks")


def state() -> WorkerState:
    if "state" not in _STATE:  # the solo pool and eager runs fire no worker_process_init
        _STATE["state"] = build_state()
    return _STATE["state"]


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _init_worker_process(**_: Any) -> None:
    nice = WorkerSettings().worker_nice
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        # A level, not a step: a worker started niced already is not pushed further down.
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    _STATE["state"] = build_state()
    log.info("filingcheck worker process ready")


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]
def _shutdown_worker_process(**_: Any) -> None:
    built = _STATE.pop("state", None)
    if built is not None:
        built.db.dispose()


# The database went away under a task (a restart, a failover): the task is sent again later with
# the same id, so it takes its own claim over; acked as failed, the submission would stay running.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_WHILE_DATABASE_DOWN: dict[str, Any] = {
    "autoretry_for": DATABASE_DOWN,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": False,
    "max_retries": 20,
}


@app.task(  # type: ignore[untyped-decorator]
    name=PROCESS,
    bind=True,
    **RETRY_WHILE_DATABASE_DOWN,
)
def process_task(self: Task, submission_id: str) -> None:
    """Claim one stored submission and fan its pages out (or read them here); a no-op unless it
    is queued or this very task had it."""
    processor = state().processor
    if not processor.claim(submission_id, token=self.request.id):
        return
    pages = processor.page_numbers(submission_id) if self.app.conf.get("filingcheck_page_tasks") else []
    if len(pages) < 2 or processor.settings.pipeline().cache_dir is None:
        processor.process_claimed(submission_id)
        return
    header = [read_page_task.si(submission_id, n) for n in pages]
    chord(header)(assemble_task.si(submission_id, self.request.id))


@app.task(name=READ_PAGE, bind=True, ignore_result=False)  # type: ignore[untyped-decorator]
def read_page_task(self: Task, submission_id: str, page: int) -> int:
    """Read one page into the OCR cache. Never raises: a chord with a failed part would never
    assemble, and the assembling task reads any page missing from the cache itself."""
    current = state()
    attempt = _count_attempt(current.attempts_dir, str(self.request.id))
    if attempt > MAX_TAKEOVERS:
        log.warning("page %d of %s stopped its worker %d times: left to the assembly", page, submission_id,
                    attempt - 1)  # fmt: skip
    else:
        try:
            current.processor.cache_page(submission_id, page)
        except Exception:
            log.exception("reading page %d of %s into the cache failed", page, submission_id)
    # Only a delivery that dies before this line counts again.
    (current.attempts_dir / str(self.request.id)).unlink(missing_ok=True)
    return page


@app.task(  # type: ignore[untyped-decorator]
    name=ASSEMBLE,
    bind=True,
    **RETRY_WHILE_DATABASE_DOWN,
)
def assemble_task(self: Task, submission_id: str, token: str) -> None:
    """Extraction and checks of a submission whose pages are in the cache; results to the database."""
    processor = state().processor
    if processor.hand_over(submission_id, token, str(self.request.id)):
        processor.process_claimed(submission_id)


def _count_attempt(folder: Path, task_id: str) -> int:
    """This delivery's number (1 the first time). The count lives beside the OCR cache, which
    every worker shares, so a redelivery to another worker sees it too."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / task_id
    try:
        attempt = int(path.read_text() or 0) + 1
    except (OSError, ValueError):
        attempt = 1
    path.write_text(str(attempt))
    return attempt


@app.task(name=REPROCESS, bind=True)  # type: ignore[untyped-decorator]
def reprocess_task(self: Task, batch_id: str, submission_id: str) -> None:
    """Re-check one submission of a batch run (a no-op once its item is done)."""
    state().reprocessor.run(batch_id, submission_id, token=self.request.id)


class CeleryRunner:
    """The service's runner when a broker is configured: submissions go to the queue."""

    # Running submissions belong to the workers: a service restart must not queue them again.
    owns_running = False

    def __init__(self, celery: Celery | None = None) -> None:
        self.celery = celery or app
        self.queue = str(self.celery.conf.task_default_queue)

    def submit(self, submission_id: str) -> None:
        try:
            # No result to wait for: without ignore_result a result backend on a Redis that is
            # down holds the request for ~20 s and then raises (RuntimeError, not a kombu error).
            self.celery.send_task(PROCESS, args=[submission_id], queue=self.queue, ignore_result=True)
        except KombuOperationalError as exc:
            # The submission is committed as queued: an error here would make the client upload it
            # twice. `serve` sends every queued submission again at its next start.
            log.warning("queue unavailable, %s stays queued until the next start: %s", submission_id, exc)

    def submit_reprocess(self, batch_id: str, submission_id: str) -> None:
        # No result to wait for (see ``submit``): the item's outcome is in the database.
        self.celery.send_task(REPROCESS, args=[batch_id, submission_id], queue=self.queue, ignore_result=True)

    def shutdown(self) -> None:
        return None
