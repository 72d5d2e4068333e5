"""The celery side: the app configured from ``FILINGCHECK_*``, engines built once per worker process,
and the tasks that process (and re-check) one stored submission.

Results go to the database, never only to a result backend. Every task is idempotent: it claims
its submission (or batch item) in the database with its own task id, so a copy delivered again
after its worker died takes the work over, and any other copy, or a re-run of finished work, does
nothing. Messages are acknowledged only when a task ends (``acks_late``), and a task whose worker
process was killed goes back to the queue (``task_reject_on_worker_lost``).

One task per submission: its pages are read one after another in the worker process, so
``--concurrency`` is the number of submissions (and pages) read at once. The OCR cache makes a
re-delivered submission skip every page its dead worker had read already.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init, worker_process_shutdown
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from filingcheck.config import Settings
from filingcheck.ocr import build_engine
from filingcheck.service.processing import Processor
from filingcheck.service.reprocess import Reprocessor
from filingcheck.service.settings import ServiceSettings
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore

log = logging.getLogger(__name__)
QUEUE = "filingcheck"
PROCESS = "filingcheck.process"
REPROCESS = "filingcheck.reprocess"


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

    @property
    def soft_limit(self) -> int:
        return self.task_soft_time_limit or max(5, self.task_time_limit - 60)

    @property
    def visibility(self) -> int:
        return self.visibility_timeout or self.task_time_limit + 300


def celery_config(settings: Settings, worker: WorkerSettings) -> dict[str, Any]:
    return {
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
    return WorkerState(db, processor, Reprocessor(processor))


def state() -> WorkerState:
    if "state" not in _STATE:  # the solo pool and eager runs fire no worker_process_init
        _STATE["state"] = build_state()
    return _STATE["state"]


@worker_process_init.connect  # type: ignore[untyped-decorator]
def _init_worker_process(**_: Any) -> None:
    _STATE["state"] = build_state()
    log.info("filingcheck worker process ready")


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]
def _shutdown_worker_process(**_: Any) -> None:
    built = _STATE.pop("state", None)
    if built is not None:
        built.db.dispose()


@app.task(name=PROCESS, bind=True)  # type: ignore[untyped-decorator]
def process_task(self: Task, submission_id: str) -> None:
    """Process one stored submission (a no-op unless it is queued or this very task had it)."""
    state().processor.run(submission_id, token=self.request.id)


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
        self.celery.send_task(PROCESS, args=[submission_id], queue=self.queue)

    def submit_reprocess(self, batch_id: str, submission_id: str) -> None:
        self.celery.send_task(REPROCESS, args=[batch_id, submission_id], queue=self.queue)

    def shutdown(self) -> None:
        return None
