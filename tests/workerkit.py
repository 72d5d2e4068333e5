"""Helpers of the queue tests: a real Redis, real `celery worker` processes, small stored dossiers."""

from __future__ import annotations

import io
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from filingcheck.config import Settings
from filingcheck.store.accounts import create_user
from filingcheck.store.db import Database
from filingcheck.store.files import FileStore
from filingcheck.store.submissions import NewFile, create_submission, get_submission
from tests.drawing import form_page, text_page

REDIS_URL = os.environ.get("FILINGCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# Short enough that a message of a killed worker comes back within a test, longer than a small
# dossier takes on a slow CI machine (a copy handed out twice would be a no-op anyway).
VISIBILITY = 25


def redis_unavailable() -> str | None:
    try:
        import redis
    except ImportError:
        return "the redis client is not installed"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
        return None
    except Exception as exc:
        return f"Redis is unreachable at {REDIS_URL}: {exc.__class__.__name__}: {exc}"


def small_pdf(pages: int = 2, label: str = "") -> bytes:
    """An application form and text pages (a few seconds of OCR each here); ``label`` makes the
    page images differ, so that the OCR cache does not serve one dossier from another's pages."""
    drawn = [
        form_page(
            "保健食品注册申请表",
            [("产品名称", "同禾牌褪黑素片"), ("申请人名称", "郑州春灵健康科技股份有限公司")],
        ),
        text_page(["产品配方", "褪黑素 3g", "微晶纤维素 97g", label]),
        text_page(["生产工艺", "混合、压片、包装"]),
    ][:pages]
    images = [Image.fromarray(a[:, :, ::-1]).resize((827, 1170)) for a in drawn]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=100)
    return buf.getvalue()


class Site:
    """A data dir with a migrated SQLite database and a queue of its own on the shared Redis."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.queue = f"filingcheck-test-{secrets.token_hex(4)}"
        self.env = {
            **os.environ,
            "FILINGCHECK_DATA_DIR": str(root / "data"),
            "FILINGCHECK_DATABASE_URL": f"sqlite:///{root / 'data' / 'filingcheck.db'}",
            "FILINGCHECK_BROKER_URL": REDIS_URL,
            "FILINGCHECK_QUEUE": self.queue,
            "FILINGCHECK_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "FILINGCHECK_UNACKED_RESTORE_INTERVAL": "1",
            "FILINGCHECK_TASK_TIME_LIMIT": "300",
            "FILINGCHECK_SECOND_ENGINE": "",
            "FILINGCHECK_OCR_THREADS": "1",
        }
        self.settings = Settings(
            data_dir=root / "data",
            database_url=self.env["FILINGCHECK_DATABASE_URL"],
            broker_url=REDIS_URL,
            second_engine="",
            workers=1,
        )
        self.db = Database(self.settings.resolved_database_url)
        self.db.migrate()
        self.files = FileStore(self.settings.data_dir / "files")
        self.workers: list[subprocess.Popen[bytes]] = []

    def add_submission(self, pdf: bytes) -> str:
        digest = self.files.put(pdf)
        with self.db.session() as session:
            owner = create_user(session, f"clerk{secrets.token_hex(3)}", "clerk", None)
            row = create_submission(
                session,
                owner,
                "domestic_new",
                None,
                [NewFile("paper", "paper.pdf", digest, len(pdf), "application/pdf", 2)],
            )
            return row.id

    def start_worker(self, concurrency: int = 1) -> subprocess.Popen[bytes]:
        log = (self.root / f"worker-{len(self.workers)}.log").open("wb")
        command = [
            sys.executable, "-m", "celery", "-A", "filingcheck.tasks", "worker", "--pool", "prefork",
            f"--concurrency={concurrency}", "-Q", self.queue, "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        proc = subprocess.Popen(
            command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.workers.append(proc)
        return proc

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def forget_queue(self) -> None:
        """Remove this site's queue and its bindings from the shared Redis."""
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
        keys = [self.queue, *client.scan_iter(f"_kombu.binding*.{self.queue}")]
        client.delete(*keys)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:] for p in sorted(self.root.glob("worker-*.log"))
        )

    def row(self, submission_id: str):  # type: ignore[no-untyped-def]
        with self.db.session() as session:
            return get_submission(session, submission_id)

    def wait(self, what: str, check: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        raise AssertionError(
            f"timed out after {timeout} s waiting for {what}\n--- worker logs ---\n{self.logs()}"
        )


def pool_children(pid: int) -> list[int]:
    """The worker's pool processes (children of the main worker process)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(t) for t in text)
    return found


REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def redis_restart_unavailable() -> str | None:
    """Why this machine's Redis must not be restarted by a test, or ``None``."""
    import shutil

    if os.environ.get("FILINGCHECK_TEST_REDIS_RESTART") != "1":
        return "restarts the shared Redis: set FILINGCHECK_TEST_REDIS_RESTART=1 to run it (in CI)"
    if not REDIS_URL.startswith("redis://127.0.0.1:6379"):
        return f"only the local Redis on 127.0.0.1:6379 is restarted, not {REDIS_URL}"
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        return "redis-server or redis-cli is not installed"
    return redis_unavailable()


def redis_ping() -> bool:
    return subprocess.run(["redis-cli", "ping"], capture_output=True, timeout=5).stdout.strip() == b"PONG"


def ensure_redis(timeout: float = 15) -> None:
    """Start Redis with the CI command unless it answers; wait until it does."""
    deadline = time.monotonic() + timeout
    if not redis_ping():
        subprocess.run(REDIS_START, check=False, capture_output=True, timeout=10)
    while time.monotonic() < deadline:
        if redis_ping():
            return
        time.sleep(0.2)
    raise AssertionError("Redis did not come back")


def restart_redis(down_for: float = 2.0) -> None:
    """Stop Redis without saving (every queued message is lost), wait, start it again."""
    subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True, timeout=10)
    time.sleep(down_for)
    ensure_redis()
