"""Re-checking a stored submission for a batch run: the pipeline again, the verdict before and after.

The submission keeps its previous report until the new one is saved, in one transaction with the
batch item: a run cut off halfway leaves both as they were, and the next delivery starts again
(the OCR cache keeps every page already read, so nothing is read twice).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from filingcheck.models import InputError
from filingcheck.pipeline import Progress
from filingcheck.service.processing import MAX_TAKEOVERS, PROGRESS_EVERY, Processor, StoppingError, failure
from filingcheck.store import audit
from filingcheck.store.batches import claim_item, finish_batch_if_done, get_item
from filingcheck.store.submissions import StoredPage, get_submission, pages_of, save_report
from filingcheck.store.tables import BatchRun, BatchStatus, utcnow

log = logging.getLogger(__name__)
RULES = "rules"
FULL = "full"
PageProgress = Callable[[int, int], None]


class Reprocessor:
    """Runs one batch item; the same (batch, submission) run twice does the work once."""

    def __init__(self, processor: Processor) -> None:
        self.processor = processor
        self.db = processor.db

    def run(
        self, batch_id: str, submission_id: str, token: str | None = None, on_page: PageProgress | None = None
    ) -> bool:
        """Re-check the submission unless this item is done or claimed by another task; True if it ran."""
        with self.db.session() as session:
            claimed = claim_item(session, batch_id, submission_id, token, MAX_TAKEOVERS)
            item = None if claimed or token is None else get_item(session, batch_id, submission_id)
            lost = item is not None and item.status == BatchStatus.RUNNING and item.claim_token == token
        if not claimed:
            if lost:  # the same task came back once too often: its worker keeps dying on this one
                self._fail(
                    batch_id, submission_id, "worker_lost", f"the worker stopped {MAX_TAKEOVERS} times"
                )
            return False
        with self.db.session() as session:
            batch = session.get(BatchRun, batch_id)
            stage = batch.stage if batch is not None else FULL
            known = {
                p.number: StoredPage(
                    p.number, p.image_sha256, p.image_width or 0, p.image_height or 0, p.thumb_sha256
                )
                for p in pages_of(session, submission_id)
                if p.image_sha256 and p.thumb_sha256
            }
        settings = self.processor.settings.pipeline()
        if stage == RULES and settings.cache_dir is None:
            self._fail(
                batch_id,
                submission_id,
                "no_ocr_cache",
                "rules-only needs the OCR cache (FILINGCHECK_OCR_CACHE)",
            )
            return True
        if stage == RULES:
            # Every reading comes from the cache: worker processes would only cost their start-up.
            settings = replace(settings, workers=1)
        try:
            # Rules only: the same scan as before, so its stored page images stand.
            report, pages = self.processor.compute(
                submission_id,
                self._progress(batch_id, submission_id, on_page),
                settings,
                known if stage == RULES else None,
            )
        except StoppingError:
            with self.db.session() as session:
                item = get_item(session, batch_id, submission_id)
                if item is not None:
                    item.status = BatchStatus.PENDING.value
            raise
        except InputError as exc:
            self._fail(batch_id, submission_id, exc.code, exc.message)
            return True
        except Exception as exc:  # recorded as data; the previous report stays in place
            code, message = failure(exc)
            if code == "internal_error":
                log.exception("re-checking %s in batch %s failed", submission_id, batch_id)
                message = f"{exc.__class__.__name__}: {exc}"
            self._fail(batch_id, submission_id, code, message)
            return True
        with self.db.session() as session:
            row = get_submission(session, submission_id)
            item = get_item(session, batch_id, submission_id)
            if row is None or item is None:
                return True
            save_report(session, row, report, pages)
            item.status = BatchStatus.DONE.value
            item.verdict_after = report.verdict.value
            item.pipeline_version_after = report.filingcheck_version
            item.engine = " ".join(f"{e.name}-{e.version}" for e in report.engines[:1])[:64]
            item.pages_done = item.pages_total = len(report.pages)
            item.error_code = item.error_message = None
            item.finished_at = utcnow()
            audit.record(
                session,
                "submission.reprocessed",
                submission_id=submission_id,
                pipeline_version=report.filingcheck_version,
                batch_id=batch_id,
                stage=stage,
                verdict_before=item.verdict_before,
                verdict_after=item.verdict_after,
                timings=report.timings,
            )
            session.flush()
            finish_batch_if_done(session, batch_id)
        return True

    def _progress(self, batch_id: str, submission_id: str, on_page: PageProgress | None) -> Progress:
        last_at = 0.0

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last_at
            if self.processor.stopping.is_set():
                raise StoppingError
            if stage != "ocr":
                return
            if on_page is not None:
                on_page(done, total)
            now = time.monotonic()
            if done < total and now - last_at < PROGRESS_EVERY:
                return
            last_at = now
            with self.db.session() as session:
                item = get_item(session, batch_id, submission_id)
                if item is not None:
                    item.pages_done, item.pages_total = done, max(total, done)

        return report

    def _fail(self, batch_id: str, submission_id: str, code: str, message: str) -> None:
        with self.db.session() as session:
            item = get_item(session, batch_id, submission_id)
            if item is None:
                return
            item.status = BatchStatus.FAILED.value
            item.error_code = code
            item.error_message = message[:2000]
            item.verdict_after = None
            item.finished_at = utcnow()
            audit.record(
                session,
                "submission.reprocess_failed",
                submission_id=submission_id,
                batch_id=batch_id,
                code=code,
            )
            session.flush()
            finish_batch_if_done(session, batch_id)
