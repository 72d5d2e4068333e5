"""Identity-card and phone numbers are masked in every log line, through the log set-ups the service,
the worker and the CLI really use; credit codes and acceptance numbers stay readable."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filingcheck import logsafe
from filingcheck.api import create_app
from filingcheck.logsafe import id_check_ok, mask
from filingcheck.models import uscc
from tests.servicekit import add_user, bearer, make_services, page_png, wait_for

REPO = Path(__file__).resolve().parents[1]


def _identity(first17: str) -> str:
    weights, check = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), "10X98765432"
    return first17 + check[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


ID_X = _identity("11010519491231002")  # ends in X
ID_DIGIT = _identity("44030619850715123")
ID_OLD = "110105491231002"
MOBILE = "13812345678"
# An 18-digit credit code that even carries a date where an identity number has the birthday:
# only the check characters tell it apart.
ALL_DIGIT_USCC = "110105198001010000"
LETTER_USCC = "91410100MA44XXXX1X"
ACCEPTANCE = "国食健申G20250123"
SECRETS = (ID_X, ID_DIGIT, ID_OLD, MOBILE, "6543-2100", "8765 4321")


def test_the_numbers_used_here_are_what_they_claim() -> None:
    assert id_check_ok(ID_X) and ID_X.endswith("X") and id_check_ok(ID_DIGIT)
    assert uscc.is_valid(ALL_DIGIT_USCC) and not id_check_ok(ALL_DIGIT_USCC)
    assert not uscc.is_valid(ID_X) and not uscc.is_valid(ID_DIGIT)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"身份证号 {ID_X}。", "身份证号 110************02X。"),
        (f"id={ID_DIGIT}", "id=440*************" + ID_DIGIT[-2:]),
        (f"旧证 {ID_OLD}", "旧证 110**********02"),
        (f"身份证号码：{ID_X.lower()}", "身份证号码：110************02x"),
        (f"联系电话{MOBILE}，", "联系电话138******78，"),
        ("手机 138-1234-5678", "手机 138-****-**78"),
        ("mobile +86 138 1234 5678", "mobile +86 1** **** **78"),
        ("电话 0371-65432100", "电话 037*-******00"),
        ("电话 (010) 87654321", "电话 (010) ******21"),
        ("电话（021）8765 4321", "电话（021）**** **21"),
        ("全角 １３８１２３４５６７８", "全角 １３８******７８"),
    ],
)
def test_identity_and_phone_numbers_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        f"统一社会信用代码 {LETTER_USCC}",
        f"统一社会信用代码 {ALL_DIGIT_USCC}",
        f"受理编号 {ACCEPTANCE}",
        "sha256 3f2a9c11010519491231002X44aa0c",  # digits inside a longer token
        "submission 6f1c2b0d9a8e4f7b; pages 1-300; 2025-03-01 09:15:02; 200 DPI; 12345 bytes",
        "GET /api/v1/submissions?limit=50&offset=100 HTTP/1.1",
    ],
)
def test_codes_and_ordinary_numbers_stay(text: str) -> None:
    assert mask(text) == text


def test_an_identity_number_that_fails_both_checks_is_still_masked() -> None:
    misread = ID_DIGIT[:-1] + str((int(ID_DIGIT[-1]) + 1) % 10)  # an OCR slip in the last digit
    assert not id_check_ok(misread) and not uscc.is_valid(misread)
    assert misread not in mask(f"id {misread}")


def _leaks(text: str) -> list[str]:
    return [s for s in (ID_X, ID_DIGIT, ID_OLD, MOBILE) if s in text]


def test_the_cli_setup_masks_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filingcheck import cli

    monkeypatch.setattr(sys, "argv", ["filingcheck", "version"])
    with pytest.raises(SystemExit):
        cli.main()  # the CLI's own entry point sets logging up, then runs the command
    caplog.set_level(logging.INFO)
    log = logging.getLogger("filingcheck.pipeline")
    log.warning("legal representative %s, phone %s", ID_X, MOBILE)
    log.info(f"old id {ID_OLD} on page 3")
    try:
        raise ValueError(f"cannot parse {ID_DIGIT}")
    except ValueError:
        log.exception("field extraction failed")
    assert len(caplog.records) == 3
    assert not _leaks(caplog.text), caplog.text
    assert "110************02X" in caplog.text and "138******78" in caplog.text
    assert "ValueError: cannot parse 440***" in caplog.text  # the traceback is there, masked


def test_the_cli_logs_to_stderr_masked_when_nothing_else_set_logging_up(tmp_path: Path) -> None:
    script = (
        "import logging, sys\n"
        "from filingcheck import cli\n"
        "sys.argv = ['filingcheck', 'version']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        f"logging.getLogger('filingcheck.store').error('contact %s / %s', '{MOBILE}', '{ID_X}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert "ERROR filingcheck.store: contact 138******78 / 110************02X" in done.stderr
    assert not _leaks(done.stderr + done.stdout)


def test_the_worker_setup_masks_what_celery_logs() -> None:
    """celery's own logging set-up (as ``worker_main`` runs it), with the tasks module loaded."""
    script = (
        "import logging\n"
        "from filingcheck.tasks import app\n"
        "app.log.setup(loglevel='INFO', redirect_stdouts=False, colorize=False)\n"
        f"logging.getLogger('celery.worker').warning('task for %s', '{ID_DIGIT}')\n"
        f"logging.getLogger('filingcheck.service.processing').error('phone {MOBILE}')\n"
    )
    env = {**os.environ, "FILINGCHECK_BROKER_URL": "memory://"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "task for 440*************" + ID_DIGIT[-2:] in done.stderr and "phone 138******78" in done.stderr
    assert not _leaks(done.stderr + done.stdout)


class _Leaky:
    """A pipeline step that fails with personal data in its message (the traceback is logged)."""

    def __call__(self, *_: object) -> object:
        raise RuntimeError(f"applicant contact {MOBILE}, legal representative {ID_X}")


def test_the_service_masks_a_logged_traceback(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    services = make_services(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "data", _Leaky())
    with TestClient(create_app(services)) as client:  # the app's start-up installs the mask
        token = add_user(services, "clerk", "clerk")
        files = [("paper", ("scan.png", page_png(1), "image/png"))]
        created = client.post("/api/v1/submissions", headers=bearer(token), files=files).json()
        assert wait_for(client, created["id"], token, timeout=60)["status"] == "failed"
    records = [r for r in caplog.records if r.name.startswith("filingcheck")]
    assert any("processing" in r.getMessage() for r in records), caplog.text
    assert "RuntimeError: applicant contact 138******78, legal representative 110***" in caplog.text
    assert not _leaks(caplog.text), caplog.text


def test_filingcheck_serve_masks_its_access_log(tmp_path: Path) -> None:
    """The real ``filingcheck serve``: uvicorn's access log shows the path and query string."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FILINGCHECK_DATA_DIR": str(tmp_path / "data")}
    env.pop("FILINGCHECK_DATABASE_URL", None)
    env.pop("FILINGCHECK_BROKER_URL", None)
    command = [str(Path(sys.executable).with_name("filingcheck")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    query = urllib.parse.quote(f"张三 {MOBILE} {ID_X}")
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/submissions?applicant={query}")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
    finally:
        server.terminate()
        out, err = server.communicate(timeout=60)
    logged = out + err  # uvicorn's access log goes to stdout, everything else to stderr
    assert "/api/v1/submissions?applicant=" in logged, logged
    assert not _leaks(urllib.parse.unquote(logged) + logged), logged
    assert "Running upgrade" not in logged  # the migrations' chatter stays out of the service log


def test_install_is_idempotent() -> None:
    handler = logging.StreamHandler()
    logger = logging.getLogger("filingcheck.test_install")
    logger.addHandler(handler)
    try:
        logsafe.install(["filingcheck.test_install"])
        logsafe.install(["filingcheck.test_install"])
        assert sum(isinstance(f, logsafe.MaskFilter) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)
