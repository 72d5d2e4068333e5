"""Processing one stored submission: the originals out of the file store, the pipeline, the results in.

Whatever happens, the uploaded originals stay where they are: a failed run ends in status
``failed`` with a stable error code, an interrupted one (the service stopping) goes back to
``queued`` and runs again at the next start.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import and_, case, or_, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from filingcheck.config import Settings
from filingcheck.models import ApplicationType, InputError, Report
from filingcheck.models import Submission as SubmissionMeta
from filingcheck.pipeline import (
    Inputs,
    PipelineSettings,
    Progress,
    Result,
    cache_paper_page,
    page_sources,
    process_submission,
)
from filingcheck.service.settings import ServiceSettings
from filingcheck.store import audit
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore, is_disk_full
from filingcheck.store.submissions import StoredPage, get_submission, save_report
from filingcheck.store.tables import Submission, SubmissionStatus, utcnow

log = logging.getLogger(__name__)
Pipeline = Callable[[Inputs, PipelineSettings, Progress], Result]
# Progress is written at most this often (seconds), and always at a stage's last page.
PROGRESS_EVERY = 0.5
# A queue task whose worker died this many times on the same submission gives up on it: a page
# that kills its process (memory, a crashing library) must not be delivered again for ever.
MAX_TAKEOVERS = 3


class StoppingError(Exception):
    """The service is stopping: leave the submission queued for the next start."""


class Processor:
    """Runs the pipeline on a stored submission and stores what it found; one per service process."""

    def __init__(
        self,
        db: Database,
        files: FileStore,
        settings: Settings,
        service: ServiceSettings,
        pipeline: Pipeline = process_submission,
    ) -> None:
        self.db = db
        self.files = files
        self.settings = settings
        self.service = service
        self.pipeline = pipeline
        self.stopping = threading.Event()

    def run(self, submission_id: str, token: str | None = None) -> None:
        """Process one submission if it is still queued (a second call is a no-op).

        ``token`` names the queue task: the same task delivered again (its worker died while
        running it) takes the submission over; any other copy finds it claimed and does nothing.
        """
        if self.claim(submission_id, token):
            self.process_claimed(submission_id)

    def claim(self, submission_id: str, token: str | None = None) -> bool:
        """Take a queued submission for ``token`` (or take it back for the same task delivered
        again); a task that came back once too often fails it as ``worker_lost``."""
        if self._claim(submission_id, token):
            return True
        if token is not None:
            self._give_up_if_lost(submission_id, token)
        return False

    def hand_over(self, submission_id: str, token: str, successor: str) -> bool:
        """Pass the claim of task ``token`` to task ``successor`` (the one that assembles the pages
        the first one fanned out); ``successor`` delivered again takes it over like ``claim``.

        The hand-over itself is not an attempt: a run without failures ends with ``attempts`` 1.
        """
        running = Submission.status == SubmissionStatus.RUNNING
        with self.db.session() as session:
            passed = session.execute(
                update(Submission)
                .where(Submission.id == submission_id, running, Submission.claim_token == token)
                .values(claim_token=successor)
            )
            if passed.rowcount == 1:  # type: ignore[attr-defined]
                return True
            again = session.execute(
                update(Submission)
                .where(
                    Submission.id == submission_id,
                    running,
                    Submission.claim_token == successor,
                    Submission.attempts < MAX_TAKEOVERS,
                )
                .values(attempts=Submission.attempts + 1)
            )
            if again.rowcount == 1:  # type: ignore[attr-defined]
                return True
        self._give_up_if_lost(submission_id, successor)
        return False

    def process_claimed(self, submission_id: str) -> None:
        """The pipeline on a submission this process has claimed, and its results stored."""
        try:
            report, pages = self.compute(submission_id)
            with self.db.session() as session:
                row = _row(session, submission_id)
                save_report(session, row, report, pages)
                audit.record(
                    session,
                    "submission.processed",
                    submission_id=submission_id,
                    pipeline_version=report.filingcheck_version,
                    verdict=report.verdict.value,
                    engines=[e.model_dump() for e in report.engines],
                    timings=report.timings,
                    errors=len(report.errors),
                )
        except StoppingError:
            self._finish(submission_id, SubmissionStatus.QUEUED, "interrupted", None, "the service stopped")
        except InputError as exc:
            self._finish(submission_id, SubmissionStatus.FAILED, exc.code, exc.code, exc.message)
        except (OperationalError, InterfaceError):
            # The database went away, not the dossier: the submission stays running under this
            # claim, and the task (retried with the same id) or a restart takes it up again.
            raise
        except Exception as exc:  # the edge: recorded as data, the traceback only in the log
            code, message = failure(exc)
            if code == "internal_error":
                log.exception("processing %s failed", submission_id)
            else:
                log.error("processing %s stopped: %s", submission_id, message)
            self._finish(submission_id, SubmissionStatus.FAILED, code, code, message)

    def paper_paths(self, submission_id: str) -> list[Path]:
        """The paper files of a submission where the file store keeps them (read in place: the
        loaders go by content, and a page's cache key by its pixels, not by a file name)."""
        with self.db.session() as session:
            row = _row(session, submission_id)
            return [self.files.path_of(f.sha256) for f in row.files if f.role != "electronic"]

    def page_numbers(self, submission_id: str) -> list[int]:
        """The paper pages of a submission, counted from the files' headers."""
        return sorted(page_sources(self.paper_paths(submission_id)))

    def cache_page(self, submission_id: str, number: int) -> bool:
        """Read page ``number`` of a running submission into the OCR cache and count it as done;
        False (nothing read) when the submission is no longer running or has no such page."""
        with self.db.session() as session:
            row = get_submission(session, submission_id)
            if row is None or row.status != SubmissionStatus.RUNNING:
                return False
        settings = self.settings.pipeline()
        if settings.cache_dir is None:
            return False
        if not cache_paper_page(self.paper_paths(submission_id), number, settings):
            return False
        with self.db.session() as session:
            # Capped at the total: a page task delivered twice must not count its page twice.
            done = case(
                (Submission.pages_done < Submission.pages_total, Submission.pages_done + 1),
                else_=Submission.pages_done,
            )
            session.execute(
                update(Submission)
                .where(Submission.id == submission_id, Submission.status == SubmissionStatus.RUNNING)
                .values(stage="ocr", pages_done=done)
            )
        return True

    def _claim(self, submission_id: str, token: str | None = None) -> bool:
        claimable = Submission.status == SubmissionStatus.QUEUED
        if token is not None:
            claimable = or_(
                claimable,
                and_(
                    Submission.status == SubmissionStatus.RUNNING,
                    Submission.claim_token == token,
                    Submission.attempts < MAX_TAKEOVERS,
                ),
            )
        with self.db.session() as session:
            claimed = session.execute(
                update(Submission)
                .where(Submission.id == submission_id, claimable)
                .values(
                    status=SubmissionStatus.RUNNING,
                    claim_token=token,
                    stage="load",
                    pages_done=0,
                    started_at=utcnow(),
                    finished_at=None,
                    error_code=None,
                    error_message=None,
                    attempts=Submission.attempts + 1,
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return False
            audit.record(session, "submission.started", submission_id=submission_id)
        return True

    def _give_up_if_lost(self, submission_id: str, token: str) -> None:
        with self.db.session() as session:
            row = get_submission(session, submission_id)
            lost = row is not None and row.status == SubmissionStatus.RUNNING and row.claim_token == token
        if lost:
            message = f"the worker processing it stopped {MAX_TAKEOVERS} times; the uploaded files are kept"
            self._finish(submission_id, SubmissionStatus.FAILED, "worker_lost", "worker_lost", message)

    def compute(
        self,
        submission_id: str,
        progress: Progress | None = None,
        settings: PipelineSettings | None = None,
        known_pages: dict[int, StoredPage] | None = None,
    ) -> tuple[Report, dict[int, StoredPage]]:
        """The pipeline on the stored originals; page images are stored unless ``known_pages``
        already holds every page (a re-check of the same scan)."""
        with self.db.session() as session:
            row = _row(session, submission_id)
            meta = SubmissionMeta(
                application_type=ApplicationType(row.application_type), submitted_on=row.submitted_on
            )
            files = [(f.role, f.name, f.sha256) for f in row.files]
            total = row.pages_total
        progress = progress or self._progress(submission_id)
        progress("load", 0, total)
        with tempfile.TemporaryDirectory(prefix="filingcheck-") as tmp:
            paper: list[Path] = []
            electronic: Path | None = None
            for index, (role, name, digest) in enumerate(files):
                # One folder per file keeps the names as uploaded (they name pages in the report).
                path = Path(tmp) / f"{index:03d}" / name
                path.parent.mkdir()
                path.write_bytes(self.files.get(digest))
                if role == "electronic":
                    electronic = path
                else:
                    paper.append(path)
            inputs = Inputs(paper=paper, electronic=electronic, submission=meta)
            result = self.pipeline(inputs, settings or self.settings.pipeline(), progress)
            numbers = {p.page for p in result.report.pages}
            if known_pages and numbers <= set(known_pages):
                pages = {n: known_pages[n] for n in numbers}
            else:
                pages = self._store_images(result, progress)
        return result.report, pages

    def _store_images(self, result: Result, progress: Progress) -> dict[int, StoredPage]:
        stored: dict[int, StoredPage] = {}
        numbers = [p.page for p in result.report.pages]
        for done, number in enumerate(numbers, start=1):
            image = result.page_images[number]
            page = _scaled(image, self.service.page_image_width)
            thumb = _scaled(image, self.service.thumb_width)
            stored[number] = StoredPage(
                number=number,
                image_sha256=self.files.put(_png(page)),
                image_width=page.shape[1],
                image_height=page.shape[0],
                thumb_sha256=self.files.put(_png(thumb)),
            )
            progress("images", done, len(numbers))
        return stored

    def _progress(self, submission_id: str) -> Progress:
        last_at, last_stage = 0.0, ""

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last_at, last_stage
            if self.stopping.is_set():
                raise StoppingError
            now = time.monotonic()
            if stage == last_stage and done < total and now - last_at < PROGRESS_EVERY:
                return
            last_at, last_stage = now, stage
            with self.db.session() as session:
                session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id)
                    .values(stage=stage, pages_done=done, pages_total=max(total, done))
                )

        return report

    def _finish(
        self, submission_id: str, status: SubmissionStatus, stage: str, code: str | None, message: str
    ) -> None:
        with self.db.session() as session:
            row = _row(session, submission_id)
            row.status = status.value
            row.stage = stage
            row.error_code = code
            row.error_message = message
            row.finished_at = utcnow() if status == SubmissionStatus.FAILED else None
            action = "submission.failed" if status == SubmissionStatus.FAILED else "submission.interrupted"
            audit.record(session, action, submission_id=submission_id, code=code, message=message)


def failure(exc: Exception) -> tuple[str, str]:
    """The error code and message a run that raised ``exc`` ends with (the originals stay)."""
    if is_disk_full(exc):
        # Page images (or the temporary copies of the originals) found no room: retry when freed.
        return "storage_full", "the disk is full; the uploaded files are kept, retry once space is freed"
    return "internal_error", f"processing failed ({exc.__class__.__name__}); the uploaded files are kept"


def _row(session: Session, submission_id: str) -> Submission:
    row = get_submission(session, submission_id)
    if row is None:
        raise LookupError(f"submission {submission_id} is gone")
    return row


def _scaled(image: np.ndarray, width: int) -> np.ndarray:
    if image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    h, w = image.shape[:2]
    if w <= width:
        return image
    size = (width, max(1, round(h * width / w)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(buf.tobytes())
