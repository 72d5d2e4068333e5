"""``filingcheck batch reprocess``: pick stored submissions, check them again (here or on the
workers), show progress, and list the verdicts that changed against the previous run."""

from __future__ import annotations

import csv
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from filingcheck.config import Settings
from filingcheck.service.processing import Processor
from filingcheck.service.reprocess import FULL, RULES, Reprocessor
from filingcheck.service.settings import ServiceSettings
from filingcheck.store.batches import Selection, changed_items, create_batch, items_of, parse_where
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore
from filingcheck.store.tables import BatchStatus

POLL = 0.5
CSV_COLUMNS = (
    "submission_id",
    "applicant",
    "product",
    "verdict_before",
    "verdict_after",
    "pipeline_version_before",
    "pipeline_version_after",
    "error_code",
)


class RateColumn(ProgressColumn):
    """Items per minute, from rich's own speed estimate."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "")
        return Text(f"{speed * 60:.1f} {unit}/min" if speed else f"– {unit}/min", style="cyan")


@dataclass
class BatchOutcome:
    batch_id: str
    total: int
    done: int = 0
    failed: int = 0
    timed_out: bool = False
    changed: list[dict[str, str | None]] = field(default_factory=list)

    def write_csv(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(self.changed)


def run_batch(
    console: Console,
    since: dt.date | None,
    rules_only: bool,
    where: list[str],
    *,
    local: bool = False,
    timeout: float | None = None,
    settings: Settings | None = None,
) -> BatchOutcome:
    settings = settings or Settings()
    selection = Selection(since=since, where=parse_where(where))
    db = Database(settings.resolved_database_url)
    db.migrate()
    try:
        with db.session() as session:
            batch = create_batch(session, selection, RULES if rules_only else FULL)
            jobs = [(i.submission_id, i.pages_total) for i in items_of(session, batch.id)]
        how = "on the workers" if settings.broker_url and not local else "in this process"
        mode = "rules only, from the OCR cache" if rules_only else "read again where the cache lacks a page"
        console.print(f"batch {batch.id}: {len(jobs)} submission(s), {mode}, {how}")
        outcome = BatchOutcome(batch.id, len(jobs))
        with _progress(console) as progress:
            subs = progress.add_task("submissions", total=len(jobs), unit="subs")
            pages = progress.add_task("pages", total=sum(p for _, p in jobs) or None, unit="pages")
            if settings.broker_url and not local:
                outcome.timed_out = not _on_workers(
                    db, settings, batch.id, jobs, progress, subs, pages, timeout
                )
            else:
                _in_process(db, settings, batch.id, jobs, progress, subs, pages)
        _collect(db, outcome)
    finally:
        db.dispose()
    _print(console, outcome)
    return outcome


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<11}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


def _in_process(
    db: Database,
    settings: Settings,
    batch_id: str,
    jobs: list[tuple[str, int]],
    progress: Progress,
    subs: TaskID,
    pages: TaskID,
) -> None:
    files = FileStore(settings.data_dir / "files")
    reprocessor = Reprocessor(Processor(db, files, settings, ServiceSettings()))
    counted = {"before": 0, "seen": 0}

    def on_page(done: int, total: int) -> None:
        counted["seen"] = done
        progress.update(pages, completed=counted["before"] + done)

    for submission_id, _ in jobs:
        counted["seen"] = 0
        reprocessor.run(batch_id, submission_id, on_page=on_page)
        counted["before"] += counted["seen"]
        progress.update(pages, completed=counted["before"])
        progress.advance(subs)


def _on_workers(
    db: Database,
    settings: Settings,
    batch_id: str,
    jobs: list[tuple[str, int]],
    progress: Progress,
    subs: TaskID,
    pages: TaskID,
    timeout: float | None,
) -> bool:
    """Queue one task per submission and follow the batch items until all are done; False on timeout."""
    from filingcheck.tasks import CeleryRunner, make_app

    runner = CeleryRunner(make_app(settings))
    for submission_id, _ in jobs:
        runner.submit_reprocess(batch_id, submission_id)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with db.session() as session:
            items = items_of(session, batch_id)
        finished = sum(i.status in (BatchStatus.DONE, BatchStatus.FAILED) for i in items)
        progress.update(subs, completed=finished)
        progress.update(pages, completed=sum(i.pages_done for i in items))
        if finished == len(items):
            return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(POLL)


def _collect(db: Database, outcome: BatchOutcome) -> None:
    with db.session() as session:
        items = items_of(session, outcome.batch_id)
        outcome.done = sum(i.status == BatchStatus.DONE for i in items)
        outcome.failed = sum(i.status == BatchStatus.FAILED for i in items)
        outcome.changed = [
            {
                "submission_id": item.submission_id,
                "applicant": sub.applicant,
                "product": sub.product,
                "verdict_before": item.verdict_before,
                "verdict_after": item.verdict_after,
                "pipeline_version_before": item.pipeline_version_before,
                "pipeline_version_after": item.pipeline_version_after,
                "error_code": item.error_code,
            }
            for item, sub in changed_items(session, outcome.batch_id)
        ]


def _print(console: Console, outcome: BatchOutcome) -> None:
    unfinished = outcome.total - outcome.done - outcome.failed
    console.print(
        f"batch {outcome.batch_id}: {outcome.done} re-checked, {outcome.failed} failed, "
        f"{unfinished} unfinished, {len(outcome.changed)} verdict(s) changed"
    )
    if not outcome.changed:
        return
    table = Table(title="verdicts that changed")
    for column in ("submission", "applicant", "before", "after", "error"):
        table.add_column(column)
    for row in outcome.changed:
        table.add_row(
            row["submission_id"],
            row["applicant"] or "",
            row["verdict_before"] or "–",
            row["verdict_after"] or "–",
            row["error_code"] or "",
        )
    console.print(table)


def run_resume(console: Console, grace: float = 60.0, settings: Settings | None = None) -> int:
    """Send again what the broker lost (see ``filingcheck.resume``); the number of things sent."""
    from filingcheck.resume import ResumeUnavailableError, live_work, resume
    from filingcheck.tasks import CeleryRunner, make_app

    settings = settings or Settings()
    if not settings.broker_url:
        raise ResumeUnavailableError(
            "set FILINGCHECK_BROKER_URL: without a broker, `serve` queues unfinished work at its start"
        )
    runner = CeleryRunner(make_app(settings))
    db = Database(settings.resolved_database_url)
    db.migrate()
    try:
        live = live_work(runner.celery, runner.queue)
        done = resume(db, runner, live, grace)
    finally:
        db.dispose()
    console.print(
        f"still on their way: {done.live_submissions} submission(s), {done.live_items} batch item(s); "
        f"sent again: {len(done.submissions)} submission(s), {len(done.items)} batch item(s)"
    )
    for submission_id in done.submissions:
        console.print(f"  submission {submission_id}")
    for batch_id, submission_id in done.items:
        console.print(f"  batch {batch_id} submission {submission_id}")
    return len(done.submissions) + len(done.items)
