"""Helpers of the fault tests and the load benchmark: PRIVATE Redis and PostgreSQL servers that a
test may stop and restart (the machine's shared ones are never touched), and a real deployment on
them: `filingcheck serve` and `filingcheck worker` processes, a clerk, and a census of the database.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image
from sqlalchemy import func, select

from filingcheck.store.accounts import create_user, issue_credential
from filingcheck.store.db import Database
from filingcheck.store.tables import AuditEvent, FindingRow, OcrResult, Page, Submission, UploadedFile
from tests.drawing import form_page, text_page

FILINGCHECK = str(Path(sys.executable).with_name("filingcheck"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(what: str, check: Callable[[], bool], timeout: float, logs: Callable[[], str] = str) -> float:
    """Poll ``check`` until it holds; returns the seconds it took (raises with ``logs()`` on timeout)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except AssertionError as exc:  # a process that died: no point in waiting
            raise AssertionError(f"{what}: {exc}\n{logs()}") from None
        except Exception:  # a server that is down is what some checks wait out
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs()}")


def dossier_pdf(pages: int, label: str) -> bytes:
    """An application form (``label`` in its last row) and text pages: every page differs from
    another dossier's, so the OCR cache serves no page across dossiers (a few seconds each here)."""
    drawn = [
        form_page(
            "保健食品注册申请表",
            [("产品名称", "同禾牌褪黑素片"), ("申请人名称", "郑州春灵健康科技股份有限公司"), ("备注", label)],
        ),
        text_page(["产品配方", "褪黑素 3g", "微晶纤维素 97g", label]),
        text_page(["生产工艺", "混合、压片、包装", label]),
    ][:pages]
    images = [Image.fromarray(a[:, :, ::-1]).resize((827, 1170)) for a in drawn]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=100)
    return buf.getvalue()


# -- private servers ------------------------------------------------------------------------------


class RedisServer:
    """A throw-away `redis-server` on a free loopback port, without persistence (a restart loses
    every message, as the default Debian Redis without AOF would)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def unavailable() -> str | None:
        return None if shutil.which("redis-server") else "redis-server is not installed"

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.root), "--logfile", str(self.root / "redis.log"),
        ]  # fmt: skip
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("the private Redis", self.ping, 15)

    def ping(self) -> bool:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()

    def stop(self) -> None:
        """Gone at once, queued messages and all (SIGKILL: no save, no goodbye to clients)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


class PostgresServer:
    """A private PostgreSQL cluster (`initdb` in a temporary folder, run as the ``postgres`` user
    when we are root) on a free loopback port; tests stop and start it at will."""

    def __init__(self) -> None:
        # Its own folder under the system's temporary folder: pytest's and mkdtemp's folders are
        # private to root, and the server (run as ``postgres``) must reach its data and socket.
        self.root = Path(tempfile.mkdtemp(prefix="filingcheck-pg-"))
        self.data = self.root / "pgdata"
        self.port = free_port()
        self.proc_user = "postgres" if os.geteuid() == 0 else None

    @staticmethod
    def unavailable() -> str | None:
        for tool in ("initdb", "pg_ctl"):
            if not shutil.which(tool):
                return f"{tool} is not on PATH (the PostgreSQL server binaries)"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "running as root without runuser: initdb refuses to run as root"
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no postgres user to run initdb as"
        return None

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", self.proc_user, "--"] if self.proc_user else []
        done = subprocess.run([*prefix, *command], capture_output=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def init(self) -> None:
        if self.proc_user:
            shutil.chown(self.root, self.proc_user)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        # fsync off is safe here: an immediate stop kills processes, not the OS, whose page cache
        # keeps every WAL write. synchronous_commit must stay on: off, a commit is answered before
        # its WAL is written, and an immediate stop loses the last ones (an upload answered 202
        # vanished that way, which looked like a lost submission).
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "pg.log"), "-w", "start"
        )

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: every connection is cut at once, as when the database host dies."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def close(self) -> None:
        """Stop the server if it runs and remove its folder."""
        try:
            if self.running():
                self.stop("fast")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"filingcheck_{secrets.token_hex(4)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


# -- a deployment: serve + workers ----------------------------------------------------------------


@dataclass
class Row:
    """One submission as the database holds it, with what was stored for it."""

    id: str
    status: str
    error_code: str | None
    attempts: int
    files: int
    pages: int
    ocr_results: int
    findings: int
    report_pages: int | None
    report_findings: int | None
    processed_events: int


class Deployment:
    """A data dir, a database and a queue of its own; `serve` and workers are real processes."""

    def __init__(self, root: Path, database_url: str, broker_url: str | None, **env: str) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FILINGCHECK_DATA_DIR": str(self.data_dir),
            "FILINGCHECK_DATABASE_URL": database_url,
            "FILINGCHECK_QUEUE": f"filingcheck-faults-{secrets.token_hex(4)}",
            "FILINGCHECK_TASK_TIME_LIMIT": "300",
            "FILINGCHECK_SECOND_ENGINE": "",
            "FILINGCHECK_OCR_THREADS": "1",
            "FILINGCHECK_WORKERS": "1",
            **env,
        }
        if broker_url:
            self.env["FILINGCHECK_BROKER_URL"] = broker_url
        else:
            self.env.pop("FILINGCHECK_BROKER_URL", None)
        self.db = Database(database_url)
        self.db.migrate()
        self.service: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.worker_logs: list[Path] = []
        self._logs = 0

    def _spawn(self, name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        self._logs += 1
        path = self.root / f"{self._logs:02d}-{name}.log"
        with path.open("wb") as log:
            proc = subprocess.Popen(
                [FILINGCHECK, *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return proc, path

    def start_service(self, timeout: float = 90) -> float:
        """`filingcheck serve` on a free port; returns the seconds until /api/v1/health answered."""
        proc, _ = self._spawn("serve", "serve", "--port", str(self.port))
        self.service = proc

        def up() -> bool:
            assert proc.poll() is None, "serve exited"
            return httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200

        return wait_until("the service", up, timeout, self.logs)

    def start(self, workers: int = 1) -> float:
        """The service and ``workers`` workers (one pool process each), started side by side;
        returns the seconds until all of them answered."""
        began = time.monotonic()
        for _ in range(workers):
            self.start_worker(wait_ready=False)
        self.start_service()
        for log in self.worker_logs[-workers:]:
            wait_until("a worker", lambda log=log: _ready(log), 120, self.logs)
        return time.monotonic() - began

    def stop_service(self) -> None:
        if self.service is not None:
            _stop(self.service)
            self.service = None

    def start_worker(self, concurrency: int = 1, wait_ready: bool = True) -> subprocess.Popen[bytes]:
        proc, log = self._spawn(f"worker{len(self.workers)}", "worker", "--concurrency", str(concurrency))
        self.workers.append(proc)
        self.worker_logs.append(log)
        if wait_ready:
            wait_until("the worker", lambda: _ready(log), 120, self.logs)
        return proc

    def kill_worker(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the worker and its pool processes: no warm shutdown, no ack, no goodbye."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def close(self) -> None:
        for proc in self.workers:
            _stop(proc)
        self.stop_service()
        self.db.dispose()

    def logs(self, tail: int = 2500) -> str:
        parts = [
            f"--- {p.name} ---\n{p.read_text(errors='replace')[-tail:]}"
            for p in sorted(self.root.glob("*.log"))
        ]
        return "\n".join(parts)

    # -- the API, as a clerk ----------------------------------------------------------------------

    def clerk(self) -> str:
        """A new clerk's API token."""
        with self.db.session() as session:
            user = create_user(session, f"clerk{secrets.token_hex(3)}", "clerk", None)
            return issue_credential(session, user)

    def client(self, token: str, timeout: float = 30) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    # -- what the database holds ------------------------------------------------------------------

    def census(self) -> dict[str, Row]:
        with self.db.session() as session:
            rows = session.scalars(select(Submission)).all()
            return {r.id: self._row(session, r) for r in rows}

    @staticmethod
    def _row(session: object, row: Submission) -> Row:
        def count(table: type, **where: str) -> int:
            query = select(func.count()).select_from(table).where(table.submission_id == row.id)  # type: ignore[attr-defined]
            for key, value in where.items():
                query = query.where(getattr(table, key) == value)
            return int(session.scalar(query) or 0)  # type: ignore[attr-defined]

        report = row.report or None
        return Row(
            id=row.id,
            status=row.status,
            error_code=row.error_code,
            attempts=row.attempts,
            files=count(UploadedFile),
            pages=count(Page),
            ocr_results=count(OcrResult),
            findings=count(FindingRow),
            report_pages=len(report["pages"]) if report else None,
            report_findings=len(report["findings"]) if report else None,
            processed_events=count(AuditEvent, action="submission.processed"),
        )

    def statuses(self) -> dict[str, str]:
        with self.db.session() as session:
            return {sid: status for sid, status in session.execute(select(Submission.id, Submission.status))}


def assert_complete(census: dict[str, Row], accepted: list[str], pages: int) -> None:
    """Every accepted upload is stored once, done once, with its pages and findings stored once."""
    assert sorted(census) == sorted(accepted), ("lost or extra submissions", sorted(census), sorted(accepted))
    assert len(set(accepted)) == len(accepted), "an id was answered twice"
    for row in census.values():
        assert row.status == "done", row
        assert row.files == 1, row
        assert row.report_pages == pages and row.pages == pages and row.ocr_results == pages, row
        assert row.findings == row.report_findings and row.findings > 0, row
        assert row.processed_events == 1, row


def _ready(log: Path) -> bool:
    return " ready." in log.read_text(errors="replace")


def _stop(proc: subprocess.Popen[bytes], grace: float = 20) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
