"""The service's parts, built once per process: database, file store, processor, background runner."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from filingcheck.config import Settings
from filingcheck.service.processing import Pipeline, Processor
from filingcheck.service.runner import Runner, ThreadRunner
from filingcheck.service.settings import ServiceSettings
from filingcheck.service.uploads import UploadLimits
from filingcheck.store import audit
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore
from filingcheck.store.submissions import unfinished
from filingcheck.store.tables import SubmissionStatus

if TYPE_CHECKING:
    from filingcheck.sweeper import QueueSweeper

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    service: ServiceSettings
    db: Database
    files: FileStore
    processor: Processor
    runner: Runner
    # With a broker: sends again queued work whose message the broker lost.
    sweeper: QueueSweeper | None = None

    @property
    def upload_limits(self) -> UploadLimits:
        """The loaders' page and pixel limits, checked on uploads before they are stored."""
        s = self.settings
        return UploadLimits(
            max_pages=s.max_pages,
            max_pixels=s.max_page_pixels,
            render_dpi=s.render_dpi,
            check_memory_mb=self.service.upload_check_memory_mb,
            check_seconds=self.service.upload_check_seconds,
        )

    def start(self) -> None:
        """Migrate the database (unless told not to) and queue again what a stop interrupted."""
        if self.service.auto_migrate:
            self.db.migrate()
        with self.db.session() as session:
            pending = unfinished(session)
            # A queue's workers own what they run; only the in-process runner died with us.
            owns_running = getattr(self.runner, "owns_running", True)
            if not owns_running:
                pending = [row for row in pending if row.status == SubmissionStatus.QUEUED]
            for row in pending:
                if row.status == SubmissionStatus.RUNNING:
                    row.status = SubmissionStatus.QUEUED.value
                    row.stage = "queued"
                    audit.record(session, "submission.requeued", submission_id=row.id)
            ids = [row.id for row in pending]
        for submission_id in ids:
            self.runner.submit(submission_id)
        if ids:
            log.info("queued %d unfinished submission(s) again", len(ids))
        if self.sweeper is not None:
            self.sweeper.start()

    def stop(self) -> None:
        if self.sweeper is not None:
            self.sweeper.stop()
        self.runner.shutdown()
        self.db.dispose()


def build_services(
    settings: Settings | None = None,
    service: ServiceSettings | None = None,
    pipeline: Pipeline | None = None,
) -> Services:
    settings = settings or Settings()
    service = service or ServiceSettings()
    db = Database(settings.resolved_database_url)
    files = FileStore(settings.data_dir / "files")
    processor = Processor(db, files, settings, service, **({"pipeline": pipeline} if pipeline else {}))
    runner: Runner
    sweeper = None
    if settings.broker_url:
        from filingcheck.sweeper import QueueSweeper
        from filingcheck.tasks import CeleryRunner, make_app

        runner = celery_runner = CeleryRunner(make_app(settings))
        if service.sweep_seconds:
            sweeper = QueueSweeper(db, celery_runner, service.sweep_seconds)
    else:
        runner = ThreadRunner(processor.run, on_shutdown=processor.stopping.set)
    return Services(settings, service, db, files, processor, runner, sweeper)


__all__ = ["ServiceSettings", "Services", "build_services"]
