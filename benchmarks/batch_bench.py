"""Queue benchmark: pages per minute with 1 and 2 celery workers (one task per page), the time
to re-check the stored submissions with ``--rules-only`` (from the OCR cache), on the workers and
in-process, peak memory per worker process, and (``--rules-n``) the rules-only re-check of many
stored submissions: one dossier is read, then stored again N-1 times with its report (cheap: no
OCR), and all N are re-checked.

Needs Redis (FILINGCHECK_TEST_REDIS_URL, default redis://127.0.0.1:6379/0).

.venv/bin/python benchmarks/batch_bench.py --n 4 --pages 3 --workers 1,2
.venv/bin/python benchmarks/batch_bench.py --workers '' --rules-n 1000 --rules-workers 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from tests.workerkit import Site, pool_children, redis_unavailable, small_pdf

from filingcheck.batch import run_batch
from filingcheck.models import Report
from filingcheck.service.processing import Processor
from filingcheck.service.settings import ServiceSettings
from filingcheck.store.submissions import NewFile, StoredPage, create_submission, get_submission, pages_of
from filingcheck.store.submissions import save_report as store_report
from filingcheck.tasks import CeleryRunner, WorkerSettings, make_app


def run_one(count: int, args: argparse.Namespace, quiet: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        site = Site(Path(tmp))
        try:
            ids = [site.add_submission(small_pdf(args.pages, f"批次 {count}-{i}")) for i in range(args.n)]
            if args.max_tasks_per_child:
                site.env["FILINGCHECK_WORKER_MAX_TASKS_PER_CHILD"] = str(args.max_tasks_per_child)
            site.start_worker(concurrency=count)
            runner = CeleryRunner(make_app(site.settings, WorkerSettings(queue=site.queue)))
            # The clock starts once the worker is up (its processes build the engines first).
            site.wait("the worker", lambda: " ready." in site.logs(), 120)
            time.sleep(3)
            started = time.monotonic()
            with MemorySampler(site, ids) as memory:
                for submission_id in ids:
                    runner.submit(submission_id)
                site.wait(
                    "all submissions",
                    lambda: all(site.row(i).status in ("done", "failed") for i in ids),
                    args.timeout,
                )
            seconds = time.monotonic() - started
            pages = args.n * args.pages
            rate = pages / seconds * 60
            print(f"{count} worker(s): {pages} pages in {seconds:.1f} s = {rate:.1f} pages/min")
            print(f"  memory: {memory.summary(pages)}")
            os.environ["FILINGCHECK_QUEUE"] = site.queue
            settings = site.settings
            started = time.monotonic()
            run_batch(quiet, None, True, [], settings=settings, timeout=args.timeout)
            on_workers = time.monotonic() - started
            started = time.monotonic()
            run_batch(quiet, None, True, [], local=True, settings=settings)
            local = time.monotonic() - started
            print(
                f"  rules-only re-check of {args.n} submissions: {on_workers:.1f} s on the workers, "
                f"{local:.1f} s in-process (engine start included)"
            )
            print(f"  peak memory per worker process: {peak_memory(site)}")
        finally:
            os.environ.pop("FILINGCHECK_QUEUE", None)
            site.stop_workers()
            site.db.dispose()
            site.forget_queue()


def peak_memory(site: Site) -> str:
    """VmHWM of each pool process of the running workers (MiB)."""
    peaks = [f"{kib / 1024:.0f}" for kib in pool_memory(site, "VmHWM").values()]
    return ", ".join(peaks) + " MiB" if peaks else "n/a"


def pool_memory(site: Site, field: str = "VmRSS") -> dict[int, int]:
    """``field`` of /proc/<pid>/status (KiB) of each live pool process of the running workers."""
    found = {}
    for worker in site.workers:
        for child in pool_children(worker.pid):
            try:
                status = Path(f"/proc/{child}/status").read_text()
            except OSError:
                continue
            kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith(field)), None)
            if kib is not None:  # a process on its way out has no memory lines any more
                found[child] = kib
    return found


class MemorySampler:
    """Resident memory of every pool process against the pages done so far, sampled every second
    while a run goes: growth shows as a rising line after the first hundred pages."""

    def __init__(self, site: Site, ids: list[str]) -> None:
        self.site, self.ids = site, ids
        self.samples: list[tuple[int, dict[int, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            done = sum(_pages_done(self.site.row(i)) for i in self.ids)
            self.samples.append((done, pool_memory(self.site)))

    def summary(self, total_pages: int) -> str:
        """Peak RSS per process (MiB) over each quarter of the run, by pages done."""
        quarters = [max(1, total_pages * q // 4) for q in (1, 2, 3, 4)]
        parts, low = [], -1
        for high in quarters:
            window = [m for done, m in self.samples if low < done <= high]
            peak: dict[int, int] = {}
            for sample in window:
                for pid, kib in sample.items():
                    peak[pid] = max(peak.get(pid, 0), kib)
            shown = "/".join(f"{kib / 1024:.0f}" for _, kib in sorted(peak.items())) or "–"
            parts.append(f"pages {low + 1}–{high}: {shown}")
            low = high
        return "; ".join(parts) + " MiB (RSS per pool process)"


def _pages_done(row: Any) -> int:
    """Pages read of one submission (its count restarts at 0 while its pages are assembled)."""
    total = row.pages_total or 0
    return total if row.status in ("done", "failed") else min(row.pages_done or 0, total)


def store_many(site: Site, n: int, pages: int) -> None:
    """One dossier read for real (warms the OCR cache), then stored N-1 more times with its report,
    page images and originals (the same scan: every re-check reads all its pages from the cache)."""
    pdf = small_pdf(pages, "规则复核")
    first = site.add_submission(pdf)
    processor = Processor(site.db, site.files, site.settings, ServiceSettings())
    processor.run(first)
    with site.db.session() as session:
        row = get_submission(session, first)
        assert row is not None and row.status == "done", row and (row.status, row.error_message)
        report = Report.model_validate(row.report)
        images = {
            p.number: StoredPage(p.number, p.image_sha256 or "", p.image_width or 0, p.image_height or 0,
                                 p.thumb_sha256 or "")
            for p in pages_of(session, first)
        }  # fmt: skip
        owner = row.owner
        digest = row.files[0].sha256
    for start in range(1, n, 100):
        with site.db.session() as session:
            for _ in range(start, min(n, start + 100)):
                copy = create_submission(
                    session,
                    session.merge(owner),
                    "domestic_new",
                    None,
                    [NewFile("paper", "paper.pdf", digest, len(pdf), "application/pdf", pages)],
                )
                store_report(session, copy, report, images)


def rules_many(args: argparse.Namespace, quiet: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="batch-bench-rules-") as tmp:
        site = Site(Path(tmp))
        try:
            started = time.monotonic()
            store_many(site, args.rules_n, args.pages)
            took = time.monotonic() - started
            print(f"stored {args.rules_n} submissions ({args.pages} pages each) in {took:.1f} s")
            started, cpu = time.monotonic(), time.process_time()
            outcome = run_batch(quiet, None, True, [], local=True, settings=site.settings)
            local, cpu = time.monotonic() - started, time.process_time() - cpu
            print(
                f"rules-only re-check of {outcome.done} submissions in-process: {local:.1f} s "
                f"({cpu:.1f} s of CPU; {outcome.failed} failed, {len(outcome.changed)} changed)"
            )
            if args.rules_workers:
                site.start_worker(concurrency=args.rules_workers)
                site.wait("the worker", lambda: " ready." in site.logs(), 120)
                time.sleep(3)
                os.environ["FILINGCHECK_QUEUE"] = site.queue
                started = time.monotonic()
                outcome = run_batch(quiet, None, True, [], settings=site.settings, timeout=args.timeout)
                print(
                    f"rules-only re-check of {outcome.done} submissions on {args.rules_workers} worker "
                    f"process(es): {time.monotonic() - started:.1f} s ({outcome.failed} failed)"
                )
                print(f"  peak memory per worker process: {peak_memory(site)}")
        finally:
            os.environ.pop("FILINGCHECK_QUEUE", None)
            site.stop_workers()
            site.db.dispose()
            site.forget_queue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4, help="submissions per run")
    parser.add_argument("--pages", type=int, default=2, choices=(1, 2, 3))
    parser.add_argument("--workers", default="1,2", help="worker process counts to try")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument(
        "--max-tasks-per-child", type=int, default=0, help="worker recycling (0: the default setting)"
    )
    parser.add_argument("--rules-n", type=int, default=0, help="stored submissions to re-check rules-only")
    parser.add_argument("--rules-workers", type=int, default=0, help="also re-check them on N processes")
    args = parser.parse_args()
    reason = redis_unavailable()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    quiet = Console(file=open(os.devnull, "w"))  # noqa: SIM115
    for count in (int(c) for c in args.workers.split(",") if c.strip()):
        run_one(count, args, quiet)
    if args.rules_n:
        rules_many(args, quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
