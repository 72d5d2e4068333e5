"""Login throttling: failures per account and per client address over a window, kept in the database
so every service process sees them; 429 with ``Retry-After`` and ``too_many_attempts``; a good
password forgives the account; every refusal is in the audit log."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from filingcheck.api import create_app
from filingcheck.service import Services
from filingcheck.store import logins
from filingcheck.store.logins import LoginAttempt, LoginLimits
from filingcheck.store.tables import AuditEvent, utcnow
from tests.servicekit import BACKENDS, add_user, database_url, make_services

PASSWORD = "a long password"
LIMITS = {"login_failures_per_account": 3, "login_failures_per_address": 8, "login_window_minutes": 10}


@pytest.fixture(params=BACKENDS)
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    with database_url(request.param, tmp_path) as url:
        services = make_services(url, tmp_path / "data", **LIMITS)
        services.db.migrate()
        yield services
        services.db.dispose()


def _login(client: TestClient, name: str, password: str) -> tuple[int, str, dict[str, str]]:
    response = client.post("/login", data={"name": name, "password": password}, follow_redirects=False)
    return response.status_code, response.text, dict(response.headers)


def _actions(services: Services, action: str) -> list[AuditEvent]:
    with services.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_account_is_throttled_after_its_failures_and_a_good_password_forgives(services: Services) -> None:
    add_user(services, "wang", "reviewer", PASSWORD)
    with TestClient(create_app(services)) as client:
        for _ in range(2):
            assert _login(client, "wang", "wrong")[0] == 401
        assert _login(client, "wang", PASSWORD)[0] == 303  # resets the account's count
        for _ in range(3):
            assert _login(client, "wang", "wrong")[0] == 401
        status, text, headers = _login(client, "wang", PASSWORD)  # right, but too late
        assert status == 429 and "too_many_attempts" in text
        retry = int(headers["retry-after"])
        assert 0 < retry <= 10 * 60
        assert "set-cookie" not in headers
        # Another account from the same address is not locked by wang's failures.
        add_user(services, "li", "clerk", PASSWORD)
        assert _login(client, "li", PASSWORD)[0] == 303
    throttled = _actions(services, "user.login_throttled")
    assert [(e.detail["name"], e.detail["scope"]) for e in throttled] == [("wang", "account")]
    assert len(_actions(services, "user.login_failed")) == 5
    assert all(e.detail["address"] == "testclient" for e in _actions(services, "user.login_failed"))


def test_an_address_guessing_many_accounts_is_throttled(services: Services) -> None:
    add_user(services, "zhao", "clerk", PASSWORD)
    with TestClient(create_app(services)) as client:
        for n in range(8):  # one guess each at eight names: no account reaches its limit
            assert _login(client, f"user{n}", "guess")[0] == 401
        status, text, headers = _login(client, "zhao", PASSWORD)
        assert status == 429 and "too_many_attempts" in text and int(headers["retry-after"]) > 0
    assert _actions(services, "user.login_throttled")[0].detail["scope"] == "address"
    with services.db.session() as session:
        assert logins.failures(session, address="testclient") == 8  # a refusal adds no failure


def test_failures_leave_the_window(services: Services) -> None:
    limits = LoginLimits(window=dt.timedelta(minutes=10), per_account=2, per_address=100)
    with services.db.session() as session:
        old = utcnow() - dt.timedelta(minutes=11)
        session.add_all([LoginAttempt(at=old, account="sun", address="10.0.0.1") for _ in range(5)])
    with services.db.session() as session:
        first = logins.begin(session, "sun", "10.0.0.1", limits)
        assert isinstance(first, logins.Attempt)
        assert logins.failures(session, account="sun") == 1  # the expired rows are gone
        assert isinstance(logins.begin(session, "sun", "10.0.0.1", limits), logins.Attempt)
        third = logins.begin(session, "sun", "10.0.0.1", limits)
        assert isinstance(third, logins.Throttled) and third.scope == "account"
        assert 9 * 60 < third.retry_after <= 10 * 60


def test_concurrent_attempts_never_get_past_the_limit(services: Services) -> None:
    """Twenty attempts at once on one account, each with its own connection (as separate
    processes would have): no more than the limit get to check a password. (Each counts every
    other attempt it can see, so in a burst even fewer may get through: strict, not fair.)"""
    limits = LoginLimits(window=dt.timedelta(minutes=10), per_account=3, per_address=1000)
    outcomes: list[object] = []
    start = threading.Barrier(20)

    def attempt(n: int) -> None:
        with services.db.sessions() as session:
            start.wait(timeout=30)
            outcomes.append(logins.begin(session, "zhou", f"10.0.0.{n}", limits))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == 20
    let_through = [o for o in outcomes if isinstance(o, logins.Attempt)]
    assert len(let_through) <= 3
    with services.db.session() as session:
        assert logins.failures(session, account="zhou") == len(let_through)


def test_the_count_is_shared_with_another_service_process(tmp_path: Path) -> None:
    """Failures made through a separate ``filingcheck serve`` process lock the account here too."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    services = make_services(url, tmp_path / "data", **LIMITS)
    services.db.migrate()
    add_user(services, "qian", "reviewer", PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "FILINGCHECK_DATA_DIR": str(tmp_path / "data"),
        "FILINGCHECK_DATABASE_URL": url,
        **{f"FILINGCHECK_{k.upper()}": str(v) for k, v in LIMITS.items()},
    }
    env.pop("FILINGCHECK_BROKER_URL", None)
    command = [str(Path(sys.executable).with_name("filingcheck")), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        form = urllib.parse.urlencode({"name": "qian", "password": "wrong"}).encode()
        codes = []
        for _ in range(4):
            try:
                urllib.request.urlopen(f"{base}/login", data=form, timeout=30)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
        assert codes == [401, 401, 401, 429]
    finally:
        server.terminate()
        server.wait(timeout=60)
    with TestClient(create_app(services)) as client:
        status, text, _ = _login(client, "qian", PASSWORD)
    assert status == 429 and "too_many_attempts" in text


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.3)


def test_limits_are_settings_with_safe_bounds() -> None:
    from pydantic import ValidationError

    from filingcheck.service.settings import ServiceSettings

    defaults = ServiceSettings()
    assert defaults.login_failures_per_account == 5 and defaults.login_window_minutes == 15
    assert defaults.login_failures_per_address > defaults.login_failures_per_account
    with pytest.raises(ValidationError):
        ServiceSettings(login_failures_per_account=0)


def test_migration_0003_matches_the_model_and_goes_both_ways(services: Services) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from filingcheck.store.db import alembic_config

    config = alembic_config(services.db.url)
    command.check(config)  # the table as migrated is the table the code uses
    command.downgrade(config, "0002")
    assert "login_attempts" not in inspect(services.db.engine).get_table_names()
    command.upgrade(config, "head")
    assert "login_attempts" in inspect(services.db.engine).get_table_names()
