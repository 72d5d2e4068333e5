"""Background runners: where processing happens, behind one small interface so a queue can replace it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

log = logging.getLogger(__name__)
Job = Callable[[str], None]


class Runner(Protocol):
    """Takes submission ids and processes them some time later, never in the caller's thread."""

    def submit(self, submission_id: str) -> None: ...

    def shutdown(self) -> None: ...


class ThreadRunner:
    """One background thread inside the service process (the default of ``filingcheck serve``).

    One job at a time: the pipeline already spreads a job's pages over worker processes, and
    pdfium, which renders PDF pages, must not be used by two threads at once. The event loop is
    never blocked: requests only put ids in the queue.
    """

    # A submission left running when this process stops was ours: queue it again at the next start.
    owns_running = True

    def __init__(self, job: Job, on_shutdown: Callable[[], None] | None = None) -> None:
        self._job = job
        self._on_shutdown = on_shutdown
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="filingcheck-runner")

    def submit(self, submission_id: str) -> None:
        self._pool.submit(self._run, submission_id)

    def shutdown(self) -> None:
        """Cancel what has not started (it stays queued in the database) and stop the running job."""
        if self._on_shutdown is not None:
            self._on_shutdown()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, submission_id: str) -> None:
        try:
            self._job(submission_id)
        except Exception:  # a job records its own failure; this is the last line of defence
            log.exception("background job for %s failed", submission_id)
