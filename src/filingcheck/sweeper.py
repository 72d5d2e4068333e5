"""The queue sweeper of ``filingcheck serve``: every few minutes, queued work that no queue holds
is sent again, so a submission whose message a broker lost (a Redis restart without persistence)
does not wait for the next start or for someone to run ``filingcheck batch resume``.

Only queued submissions and pending batch items are swept: sending them twice is harmless (the
first task to claim one in the database does it, any other does nothing). Running work whose
worker vanished is left to ``batch resume``, which an operator runs knowing the workers are gone.
"""

from __future__ import annotations

import logging
import threading

from filingcheck.resume import Resumed, ResumeUnavailableError, live_work, resume
from filingcheck.store.db import Database
from filingcheck.tasks import CeleryRunner

log = logging.getLogger(__name__)


class QueueSweeper:
    """A daemon thread that calls ``sweep`` every ``interval`` seconds until ``stop``."""

    def __init__(self, db: Database, runner: CeleryRunner, interval: float) -> None:
        self.db = db
        self.runner = runner
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="filingcheck-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def sweep(self) -> Resumed:
        """One pass: what was sent again. Queued work younger than one interval is spared."""
        live = live_work(self.runner.celery, self.runner.queue)
        found = resume(self.db, self.runner, live, grace=self.interval, queued_only=True)
        if found.submissions or found.items:
            log.warning(
                "sent again %d queued submission(s) and %d batch item(s) that no queue held",
                len(found.submissions),
                len(found.items),
            )
        return found

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.sweep()
            except ResumeUnavailableError as exc:
                log.info("queue sweeper off: %s", exc)
                return
            except Exception as exc:  # the broker or the database is down: try again next time
                log.warning("queue sweep failed (%s): %s", exc.__class__.__name__, exc)
