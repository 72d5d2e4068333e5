"""Helpers of the service tests: databases (SQLite and PostgreSQL), services, users, stored reports,
a live server, and the one real pipeline run that the end-to-end and browser tests share."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest

from filingcheck.config import Settings
from filingcheck.models import (
    BBox,
    DiffOp,
    EngineInfo,
    Evidence,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    PageInfo,
    Report,
    Seal,
    SealKind,
    Source,
    Status,
    Submission,
    verdict_of,
)
from filingcheck.models.pages import DocType
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result, process_submission
from filingcheck.service import Services, ServiceSettings, build_services
from filingcheck.store import audit
from filingcheck.store.accounts import create_user, get_user, issue_credential
from filingcheck.store.submissions import NewFile, StoredPage, create_submission, get_submission, save_report

PG_ADMIN_URL = os.environ.get(
    "FILINGCHECK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")
DOSSIER_SEED = 7
DOSSIER_DEFECT = "applicant.matches_licence:address"


# -- databases ------------------------------------------------------------------------------------


def postgres_unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run here, or ``None`` when they can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {exc.__class__.__name__}: {exc}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database ``filingcheck_test_<random>`` on the server, dropped afterwards."""
    import psycopg

    name = f"filingcheck_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_url(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'filingcheck.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with postgres_database() as url:
        yield url


# -- services and users ---------------------------------------------------------------------------


def make_services(url: str, data_dir: Path, pipeline: object | None = None, **service: object) -> Services:
    settings = Settings(data_dir=data_dir, database_url=url)
    return build_services(settings, ServiceSettings(**service), pipeline=pipeline or REAL_PIPELINE)  # type: ignore[arg-type]


def add_user(services: Services, name: str, role: str, password: str | None = None) -> str:
    """A user (created when missing) and a fresh API token of theirs."""
    with services.db.session() as session:
        user = get_user(session, name) or create_user(session, name, role, password)
        return issue_credential(session, user)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(client: object, submission_id: str, token: str, timeout: float = 900) -> dict:
    """Poll until the submission is done or failed; returns its JSON and records the progress seen."""
    seen: list[tuple[str, str | None, int, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/submissions/{submission_id}", headers=bearer(token)).json()  # type: ignore[attr-defined]
        p = body["progress"]
        seen.append((body["status"], p["stage"], p["pages_done"], p["pages_total"]))
        if body["status"] in ("done", "failed"):
            body["_seen"] = seen
            return body
        time.sleep(0.2)
    raise AssertionError(f"submission {submission_id} did not finish in {timeout} s: {seen[-3:]}")


# -- a report built by hand, stored without running the pipeline ---------------------------------

PAGE_W, PAGE_H = 800, 1131


def hand_report(applicant: str = "郑州春灵健康科技股份有限公司", submitted_on: str = "2025-03-01") -> Report:
    """Two pages; one fail (with diff and highlight boxes), one uncertain, one pass, one n/a."""
    fail = Finding(
        id="f-address",
        rule="applicant.matches_licence",
        clause="一(三)",
        status=Status.FAIL,
        field="applicant_address",
        expected="桂花路91号",
        found="桂花路89号",
        pages=[1, 2],
        evidence=[
            Evidence(
                page=2,
                bbox=BBox(x0=100, y0=200, x1=500, y1=240),
                role=EvidenceRole.EXPECTED,
                source=Source.PAPER,
                document=DocType.BUSINESS_LICENCE,
                text="桂花路91号",
                highlight=[BBox(x0=300, y0=200, x1=340, y1=240)],
            ),
            Evidence(
                page=1,
                bbox=BBox(x0=120, y0=300, x1=520, y1=340),
                role=EvidenceRole.FOUND,
                source=Source.PAPER,
                document=DocType.APPLICATION_FORM,
                text="桂花路89号",
                highlight=[BBox(x0=320, y0=300, x1=360, y1=340)],
            ),
        ],
        message="applicant address on the form and 住所 on the licence differ",
        diff=[
            DiffOp(op="equal", expected="桂花路", found="桂花路"),
            DiffOp(op="replace", expected="91", found="89"),
            DiffOp(op="equal", expected="号", found="号"),
        ],
    )
    uncertain = Finding(
        id="f-product",
        rule="consistency.electronic",
        clause="一(六)",
        status=Status.UNCERTAIN,
        field="product_name",
        expected="同禾牌褪黑素片",
        found="同禾牌褪黑索片",
        pages=[1],
        evidence=[
            Evidence(
                page=1,
                bbox=BBox(x0=120, y0=100, x1=400, y1=140),
                role=EvidenceRole.FOUND,
                source=Source.PAPER,
                text="同禾牌褪黑索片",
            ),
            Evidence(
                page=1, bbox=None, role=EvidenceRole.EXPECTED, source=Source.ELECTRONIC, text="同禾牌褪黑素片"
            ),
        ],
        message="product name differs from the electronic version (possibly OCR noise)",
    )
    passed = Finding(
        id="f-seal",
        rule="seal.every_page",
        clause="一(四)",
        status=Status.PASS,
        pages=[1, 2],
        message="sealed",
    )
    not_applicable = Finding(
        id="f-term",
        rule="licence.term_valid",
        clause="derived",
        status=Status.NOT_APPLICABLE,
        message="no licence term",
    )
    findings = [fail, uncertain, passed, not_applicable]
    pages = [
        PageInfo(
            page=n,
            source="paper.png",
            file_page=n,
            width=PAGE_W,
            height=PAGE_H,
            dpi=96.0,
            width_mm=211.7,
            height_mm=299.2,
            doc_type=DocType.APPLICATION_FORM if n == 1 else DocType.BUSINESS_LICENCE,
        )
        for n in (1, 2)
    ]
    return Report(
        filingcheck_version="0.1.0",
        generated_at=dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC),
        submission=Submission(submitted_on=dt.date.fromisoformat(submitted_on)),
        verdict=verdict_of(findings),
        pages=pages,
        fields={
            FieldName.APPLICANT_NAME.value: [
                FieldValue(
                    name=FieldName.APPLICANT_NAME,
                    value=applicant,
                    raw=applicant,
                    source=Source.PAPER,
                    document=DocType.APPLICATION_FORM,
                    page=1,
                    bbox=BBox(x0=120, y0=250, x1=500, y1=290),
                    confidence=0.99,
                )
            ]
        },
        seals=[
            Seal(
                page=1,
                bbox=BBox(x0=500, y0=800, x1=700, y1=1000),
                kind=SealKind.ROUND,
                centre=(600.0, 900.0),
                axes=(100.0, 100.0),
                confidence=0.9,
                text=applicant,
            )
        ],
        findings=findings,
        engines=[EngineInfo(name="handmade", version="1")],
    )


def page_png(number: int, width: int = PAGE_W, height: int = PAGE_H) -> bytes:
    image = np.full((height, width, 3), 250, np.uint8)
    cv2.putText(image, f"page {number}", (60, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 20, 20), 3)
    cv2.rectangle(image, (100, 200), (500, 240), (40, 40, 40), 2)
    ok, buf = cv2.imencode(".png", image)
    assert ok
    return bytes(buf.tobytes())


def insert_done(services: Services, owner: str, report: Report | None = None) -> str:
    """A submission of ``owner`` that is already processed: originals, page images and report stored."""
    report = report or hand_report()
    original = page_png(0) + secrets.token_bytes(8)
    with services.db.session() as session:
        user = get_user(session, owner)
        assert user is not None, owner
        digest = services.files.put(original)
        row = create_submission(
            session,
            user,
            report.submission.application_type.value,
            report.submission.submitted_on,
            [NewFile("paper", "paper.png", digest, len(original), "image/png", len(report.pages))],
        )
        audit.record(session, "submission.created", user, submission_id=row.id)
        images = {}
        for info in report.pages:
            png = page_png(info.page, info.width, info.height)
            sha = services.files.put(png)
            images[info.page] = StoredPage(info.page, sha, info.width, info.height, sha)
        save_report(session, row, report, images)
        return row.id


def status_of(services: Services, submission_id: str) -> str:
    with services.db.session() as session:
        row = get_submission(session, submission_id)
        assert row is not None
        return row.status


# -- the one real pipeline run --------------------------------------------------------------------


class MemoPipeline:
    """The real ``process_submission``, run once per distinct input: the same dossier uploaded
    again (another database backend, the browser test) gets the first run's result, pages and
    all, with its progress replayed. Nothing here is a stand-in for the pipeline's work."""

    def __init__(self) -> None:
        self.real_runs = 0
        self._results: dict[str, tuple[Report, dict[int, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def __call__(self, inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
        key = self._key(inputs)
        with self._lock:
            if key not in self._results:
                result = process_submission(inputs, settings, progress)
                images = {n: result.page_images[n] for n in result.page_images}
                self.real_runs += 1
                self._results[key] = (result.report, images)
        report, images = self._results[key]
        for done in range(1, len(report.pages) + 1):
            progress("ocr", done, len(report.pages))
        return Result(report=report, page_images=images)

    @staticmethod
    def _key(inputs: Inputs) -> str:
        digest = hashlib.sha256(inputs.submission.model_dump_json().encode())
        for path in [*inputs.paper, *([inputs.electronic] if inputs.electronic else [])]:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()


REAL_PIPELINE = MemoPipeline()
_DOSSIERS: dict[str, Path] = {}


def generated_dossier(root: Path) -> Path:
    """The sample dossier of the service tests (seed 7, applicant address differs from the licence)."""
    if "main" not in _DOSSIERS:
        from filingcheck.samples import generate_dossier

        folder = root / "dossier"
        generate_dossier(folder, DOSSIER_SEED, defects=[DOSSIER_DEFECT], dpi=200, scan="mild")
        _DOSSIERS["main"] = folder
    return _DOSSIERS["main"]


# -- a live HTTP server (for the browser) ---------------------------------------------------------


@contextmanager
def live_server(app: object) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
