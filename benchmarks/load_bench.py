"""Load benchmark: concurrent uploads and readers against a real deployment while OCR runs.

Starts a private Redis, a private PostgreSQL cluster (its own database), `filingcheck serve` and
``--workers`` `filingcheck worker` processes (one pool process each), all on loopback. Then
``--uploads`` clerks upload one generated dossier each (``filingcheck.samples``, distinct seeds, so
the OCR cache serves nothing) at the same moment, while ``--readers`` reviewers poll submission
status and the list until every upload is done or ``--timeout`` passes, then ``--idle`` seconds
more with the workers idle (the same reads without OCR beside them). Reports requests, errors,
lost and duplicated submissions (counted in the database), p50/p95/p99 of the reads, and the time
to drain. Exit 1 when anything was lost, duplicated, failed or refused, or the p95 target is missed.

.venv/bin/python benchmarks/load_bench.py --uploads 4 --readers 4 --pages 3
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from tests.faultkit import Deployment, PostgresServer, RedisServer, wait_until

from filingcheck.samples import generate_dossier
from filingcheck.store.accounts import create_user, issue_credential


@dataclass(frozen=True)
class Dossier:
    paper: bytes
    electronic: bytes
    form: dict[str, str]


@dataclass
class Tally:
    """Every request's kind, seconds and status code (0: no answer), shared by the threads."""

    samples: list[tuple[str, float, int]] = field(default_factory=list)
    # "" while uploads and OCR run; "idle-" once the queue has drained (the same reads, no OCR).
    phase: str = ""
    errors: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int, detail: str = "") -> None:
        with self.lock:
            kind = f"{self.phase}{kind}" if kind != "upload" else kind
            self.samples.append((kind, seconds, status))
            if status == 0 or status >= 400:
                self.errors.append(f"{kind} {status} {detail[:200]}")


def first_pages(pdf: bytes, pages: int) -> bytes:
    """The first ``pages`` pages of ``pdf`` (a small dossier out of the generator's smallest)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(pdf)
    if pages >= len(source):
        return pdf
    out = pdfium.PdfDocument.new()
    out.import_pages(source, list(range(pages)))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def make_dossiers(folder: Path, count: int, pages: int, seed: int) -> list[Dossier]:
    dossiers = []
    for i in range(count):
        out = folder / f"dossier-{i}"
        generate_dossier(out, seed + i, dpi=150, scan="mild")
        form = json.loads((out / "submission.json").read_text(encoding="utf-8"))
        dossiers.append(
            Dossier(
                paper=first_pages((out / "paper.pdf").read_bytes(), pages),
                electronic=(out / "electronic.pdf").read_bytes(),
                form={k: str(v) for k, v in form.items() if v is not None},
            )
        )
    return dossiers


def upload(dep: Deployment, token: str, dossier: Dossier, start: threading.Event, tally: Tally) -> None:
    with dep.client(token, timeout=120) as client:
        start.wait()
        began = time.perf_counter()
        try:
            response = client.post(
                "/api/v1/submissions",
                files={
                    "paper": ("paper.pdf", dossier.paper, "application/pdf"),
                    "electronic": ("electronic.pdf", dossier.electronic, "application/pdf"),
                },
                data=dossier.form,
            )
        except httpx.HTTPError as exc:
            tally.add("upload", time.perf_counter() - began, 0, repr(exc))
            return
        tally.add("upload", time.perf_counter() - began, response.status_code, response.text)
        if response.status_code == 202:
            with tally.lock:
                tally.accepted.append(str(response.json()["id"]))


def warm_up(dep: Deployment, token: str) -> None:
    """One refused upload first: the service's first upload check starts its checking processes,
    which is a start-up cost, not a cost of each upload."""
    with dep.client(token, timeout=120) as client:
        files = {"paper": ("broken.pdf", b"%PDF-1.4\n% not a PDF body\n", "application/pdf")}
        response = client.post("/api/v1/submissions", files=files)
    assert response.status_code == 422, response.text


def read(dep: Deployment, token: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    """Poll like a reviewer's page: a submission's status mostly, the list every fifth time."""
    rng = random.Random(seed)
    with dep.client(token, timeout=30) as client:
        n = 0
        while not stop.is_set():
            n += 1
            with tally.lock:
                known = list(tally.accepted)
            kind, url = (
                ("status", f"/api/v1/submissions/{rng.choice(known)}")
                if known and n % 5
                else ("list", "/api/v1/submissions?limit=20")
            )
            began = time.perf_counter()
            try:
                response = client.get(url)
                tally.add(kind, time.perf_counter() - began, response.status_code, response.text)
            except httpx.HTTPError as exc:
                tally.add(kind, time.perf_counter() - began, 0, repr(exc))
            stop.wait(0.05)


def percentiles(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {"n": 0}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive") if len(seconds) > 1 else seconds * 99
    return {
        "n": len(seconds),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


def run(args: argparse.Namespace, root: Path) -> dict[str, object]:
    started = time.monotonic()
    dossiers = make_dossiers(root / "dossiers", args.uploads, args.pages, args.seed)
    print(f"generated {len(dossiers)} dossiers of {args.pages} pages in {time.monotonic() - started:.1f} s")
    redis = RedisServer(root / "redis")
    postgres = PostgresServer()
    redis.start()
    postgres.init()
    postgres.start()
    dep = Deployment(root / "dep", postgres.create_database(), redis.url)
    try:
        dep.start_service()
        for _ in range(args.workers):
            dep.start_worker(concurrency=1)
        with dep.db.session() as session:
            reviewer = issue_credential(session, create_user(session, "reviewer-load", "reviewer", None))
        clerks = [dep.clerk() for _ in dossiers]
        warm_up(dep, clerks[0])
        tally, go, stop = Tally(), threading.Event(), threading.Event()
        readers = [
            threading.Thread(target=read, args=(dep, reviewer, stop, tally, i), daemon=True)
            for i in range(args.readers)
        ]
        uploaders = [
            threading.Thread(target=upload, args=(dep, clerks[i], d, go, tally), daemon=True)
            for i, d in enumerate(dossiers)
        ]
        for thread in [*readers, *uploaders]:
            thread.start()
        began = time.monotonic()
        go.set()
        for thread in uploaders:
            thread.join(timeout=args.timeout)
        uploaded = time.monotonic() - began

        def drained() -> bool:
            statuses = dep.statuses()
            return all(statuses.get(i) in ("done", "failed") for i in tally.accepted)

        timed_out = False
        try:
            wait_until("the queue to drain", drained, max(1.0, args.timeout - uploaded))
        except AssertionError:
            timed_out = True
        drain = time.monotonic() - began
        with tally.lock:
            tally.phase = "idle-"
        time.sleep(args.idle)
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
        return summarize(args, dep, tally, uploaded, drain, timed_out)
    finally:
        dep.close()
        postgres.close()
        redis.stop()


def summarize(
    args: argparse.Namespace, dep: Deployment, tally: Tally, uploaded: float, drain: float, timed_out: bool
) -> dict[str, object]:
    census = dep.census()
    accepted = tally.accepted
    lost = sorted(set(accepted) - set(census))
    duplicated = sorted(set(census) - set(accepted)) + sorted({i for i in accepted if accepted.count(i) > 1})
    inconsistent = [
        r.id
        for r in census.values()
        if r.status == "done"
        and not (r.pages == r.report_pages and r.findings == r.report_findings and r.processed_events == 1)
    ]
    kinds = ("status", "list", "upload", "idle-status", "idle-list")
    by_kind = {k: [s for kind, s, _ in tally.samples if kind == k] for k in kinds}
    pages_done = sum(r.pages for r in census.values())
    return {
        "uploads": args.uploads,
        "readers": args.readers,
        "workers": args.workers,
        "pages_per_dossier": args.pages,
        "requests": len(tally.samples),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "uploads_accepted": len(accepted),
        "done": sum(r.status == "done" for r in census.values()),
        "failed": sum(r.status == "failed" for r in census.values()),
        "lost": lost,
        "duplicated": duplicated,
        "inconsistent": inconsistent,
        "pages_stored": pages_done,
        "upload_seconds": round(uploaded, 1),
        "drain_seconds": round(drain, 1),
        "drain_timed_out": timed_out,
        "pages_per_minute": round(pages_done / drain * 60, 1) if drain else None,
        "status_reads": percentiles(by_kind["status"]),
        "list_reads": percentiles(by_kind["list"]),
        "upload_latency": percentiles(by_kind["upload"]),
        "idle_seconds": args.idle,
        "idle_status_reads": percentiles(by_kind["idle-status"]),
        "idle_list_reads": percentiles(by_kind["idle-list"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=4, help="concurrent uploads (one dossier each)")
    parser.add_argument("--readers", type=int, default=4, help="concurrent readers polling status and list")
    parser.add_argument("--workers", type=int, default=2, help="`filingcheck worker` processes")
    parser.add_argument("--pages", type=int, default=3, help="paper pages kept of each generated dossier")
    parser.add_argument("--seed", type=int, default=4100)
    parser.add_argument("--timeout", type=float, default=600, help="bound on the whole run after start")
    parser.add_argument("--idle", type=float, default=10, help="seconds of reads after the drain (no OCR)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    for reason in (RedisServer.unavailable(), PostgresServer.unavailable()):
        if reason:
            print(reason, file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        figures = run(args, Path(tmp))
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    status = figures["status_reads"]
    ok = (
        not figures["errors"]
        and not figures["lost"]
        and not figures["duplicated"]
        and not figures["inconsistent"]
        and not figures["drain_timed_out"]
        and figures["failed"] == 0
    )
    p95 = status.get("p95_ms") if isinstance(status, dict) else None
    met = isinstance(p95, float) and p95 < 100
    print(f"\nintegrity (no error, nothing lost, duplicated or failed): {'PASS' if ok else 'FAIL'}")
    print(f"status read p95 while OCR runs: {p95} ms, target < 100 ms {'met' if met else 'MISSED'}")
    return 0 if ok and met else 1


if __name__ == "__main__":
    sys.exit(main())
