"""Queue benchmark: pages per minute with 1 and 2 celery workers, and the time to re-check the
stored submissions with ``--rules-only`` (from the OCR cache), on the workers and in-process.

Needs Redis (FILINGCHECK_TEST_REDIS_URL, default redis://127.0.0.1:6379/0).

.venv/bin/python benchmarks/batch_bench.py --n 4 --pages 2 --workers 1,2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from tests.workerkit import Site, redis_unavailable, small_pdf

from filingcheck.batch import run_batch
from filingcheck.tasks import CeleryRunner, WorkerSettings, make_app


def run_one(count: int, args: argparse.Namespace, quiet: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        site = Site(Path(tmp))
        try:
            ids = [site.add_submission(small_pdf(args.pages, f"批次 {count}-{i}")) for i in range(args.n)]
            site.start_worker(concurrency=count)
            runner = CeleryRunner(make_app(site.settings, WorkerSettings(queue=site.queue)))
            # The clock starts once the worker is up (its processes build the engines first).
            site.wait("the worker", lambda: " ready." in site.logs(), 120)
            time.sleep(3)
            started = time.monotonic()
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
    args = parser.parse_args()
    reason = redis_unavailable()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    quiet = Console(file=open(os.devnull, "w"))  # noqa: SIM115
    for count in (int(c) for c in args.workers.split(",")):
        run_one(count, args, quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
