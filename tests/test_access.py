"""Who may do what, endpoint by endpoint: every role (and the owner against another clerk) on every
route of the API, odd credentials, and ids and page numbers that do not exist or do not fit.

The answer is always a JSON error with a stable code, never a 500, and a submission that is not
yours is 404 like one that does not exist (no probing for ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from filingcheck.api import create_app
from filingcheck.api.deps import SESSION_COOKIE
from filingcheck.models import InputError
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from filingcheck.service import Services
from filingcheck.store.accounts import get_user, hash_token, set_password
from filingcheck.store.tables import Credential, CredentialKind, utcnow
from filingcheck.store.tables import Submission as SubmissionRow
from tests.servicekit import add_user, bearer, insert_done, make_services, page_png

CALLERS = ("owner", "other", "reviewer", "admin")


def _no_pipeline(inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
    raise InputError("stub_stop", "these tests read nothing")


class Access:
    def __init__(self, client: TestClient, services: Services) -> None:
        self.client = client
        self.tokens = {
            "owner": add_user(services, "owner", "clerk"),
            "other": add_user(services, "other", "clerk"),
            "reviewer": add_user(services, "reviewer", "reviewer"),
            "admin": add_user(services, "admin", "admin"),
        }
        self.services = services

    def call(self, method: str, path: str, caller: str | None, **kw: object) -> tuple[int, dict]:  # type: ignore[type-arg]
        headers = bearer(self.tokens[caller]) if caller else {}
        response = self.client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
        body = (
            response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        )
        return response.status_code, body


@pytest.fixture(scope="module")
def access(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Access]:
    folder = tmp_path_factory.mktemp("access")
    services = make_services(f"sqlite:///{folder / 'db.sqlite'}", folder / "data", _no_pipeline)
    with TestClient(create_app(services)) as client:
        yield Access(client, services)


@pytest.fixture(scope="module")
def done(access: Access) -> str:
    return insert_done(access.services, "owner")


UPLOAD = {"files": [("paper", ("scan.png", page_png(1), "image/png"))]}
DECISION = {"json": {"decision": "confirm", "reason": "checked on the original"}}
# (method, path, extra request arguments, {caller: status})
MATRIX: list[tuple[str, str, dict, dict[str, int]]] = [  # type: ignore[type-arg]
    ("GET", "/api/v1/me", {}, dict.fromkeys(CALLERS, 200)),
    ("GET", "/api/v1/submissions", {}, dict.fromkeys(CALLERS, 200)),
    ("POST", "/api/v1/submissions", UPLOAD, {"owner": 202, "other": 202, "reviewer": 403, "admin": 403}),
    ("GET", "/api/v1/submissions/{id}", {}, {"owner": 200, "other": 404, "reviewer": 200, "admin": 200}),
    (
        "GET",
        "/api/v1/submissions/{id}/report",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/report?machine=true",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/notice.txt",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/notice.pdf",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/pages/1.png",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/decisions",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "GET",
        "/api/v1/submissions/{id}/audit",
        {},
        {"owner": 200, "other": 404, "reviewer": 200, "admin": 200},
    ),
    (
        "POST",
        "/api/v1/submissions/{id}/retry",
        {},
        {"owner": 409, "other": 404, "reviewer": 409, "admin": 409},
    ),
    (
        "POST",
        "/api/v1/submissions/{id}/findings/f-address/decision",
        DECISION,
        {"owner": 403, "other": 404, "reviewer": 200, "admin": 403},
    ),
    ("GET", "/api/v1/users", {}, {"owner": 403, "other": 403, "reviewer": 403, "admin": 200}),
    (
        "POST",
        "/api/v1/users",
        {"json": {"name": "made-{caller}", "role": "clerk"}},
        {"owner": 403, "other": 403, "reviewer": 403, "admin": 201},
    ),
    (
        "PATCH",
        "/api/v1/users/other",
        {"json": {"active": True}},
        {"owner": 403, "other": 403, "reviewer": 403, "admin": 200},
    ),
    ("GET", "/api/v1/settings", {}, {"owner": 403, "other": 403, "reviewer": 403, "admin": 200}),
    ("GET", "/api/v1/audit", {}, {"owner": 403, "other": 403, "reviewer": 403, "admin": 200}),
    ("GET", "/api/v1/batches", {}, {"owner": 403, "other": 403, "reviewer": 200, "admin": 200}),
    # {id} is a submission's, not a run's: past the role check, no such run.
    ("GET", "/api/v1/batches/{id}", {}, {"owner": 403, "other": 403, "reviewer": 404, "admin": 404}),
]
ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}


@pytest.mark.parametrize(
    ("method", "path", "extra", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
@pytest.mark.parametrize("caller", [*CALLERS, None])
def test_access_matrix(
    access: Access,
    done: str,
    method: str,
    path: str,
    extra: dict,  # type: ignore[type-arg]
    expected: dict[str, int],
    caller: str | None,
) -> None:
    kw = dict(extra)
    if "json" in kw and isinstance(kw["json"].get("name"), str):
        kw["json"] = {**kw["json"], "name": kw["json"]["name"].format(caller=caller)}
    status, body = access.call(method, path.format(id=done), caller, **kw)
    want = expected[caller] if caller else 401
    assert status == want, body
    if want in ERROR_CODES:
        assert body["error"] == ERROR_CODES[want], body
    assert "Traceback" not in str(body)


def test_a_clerk_lists_only_their_own(access: Access, done: str) -> None:
    _, own = access.call("GET", "/api/v1/submissions?limit=200", "owner")
    _, theirs = access.call("GET", "/api/v1/submissions?limit=200", "other")
    assert done in {s["id"] for s in own["items"]}
    assert done not in {s["id"] for s in theirs["items"]}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "bearer {token}x",
        "Basic {token}",
        "Token {token}",
        "Bearer {token} {token}",
        "Bearer " + "A" * 10_000,
        "Bearer fct_' OR '1'='1",
    ],
)
def test_odd_credentials_get_401(access: Access, header: str) -> None:
    value = header.format(token=access.tokens["admin"])
    response = access.client.get("/api/v1/users", headers={"Authorization": value})
    assert response.status_code == 401, response.text
    assert response.json()["error"] in ("not_authenticated", "bad_token")


def test_a_token_in_the_query_string_is_not_a_credential(access: Access) -> None:
    response = access.client.get(f"/api/v1/users?token={access.tokens['admin']}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/submissions/nope",
        "/api/v1/submissions/" + "a" * 5000,
        "/api/v1/submissions/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/submissions/%00",
        "/api/v1/submissions/{id}/pages/0.png",
        "/api/v1/submissions/{id}/pages/-1.png",
        "/api/v1/submissions/{id}/pages/99.png",
        "/api/v1/submissions/{id}/pages/99999999999999999999999999.png",
        "/api/v1/submissions/{id}/pages/1.png?size=huge",
        "/api/v1/submissions/{id}/pages/one.png",
        "/api/v1/submissions/{id}/report?machine=maybe",
        "/api/v1/submissions?limit=999999999999999999999",
        "/api/v1/submissions?offset=-5",
        "/api/v1/submissions?offset=99999999999999999999999",
        "/api/v1/submissions?status=%00",
        "/api/v1/submissions?submitted_from=2025-13-45",
        "/api/v1/submissions?uploaded_to=0.0",  # found by schemathesis: read as a Unix time
        "/api/v1/submissions?submitted_from=1700000000",
    ],
)
def test_odd_ids_and_numbers_are_4xx_not_500(access: Access, done: str, path: str) -> None:
    status, body = access.call("GET", path.format(id=done), "reviewer")
    assert 400 <= status < 500, body
    assert body.get("error"), body


def test_a_finding_of_another_submission_cannot_be_decided_through_yours(access: Access, done: str) -> None:
    mine = insert_done(access.services, "other")
    status, body = access.call(
        "POST", f"/api/v1/submissions/{mine}/findings/no-such-finding/decision", "reviewer", **DECISION
    )
    assert status == 404, body


def test_a_deactivated_user_is_locked_out_at_once(access: Access, tmp_path: Path) -> None:
    token = add_user(access.services, "leaver", "clerk")
    assert access.client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    status, _ = access.call("PATCH", "/api/v1/users/leaver", "admin", json={"active": False})
    assert status == 200
    response = access.client.post("/api/v1/submissions", headers=bearer(token), **UPLOAD)  # type: ignore[arg-type]
    assert response.status_code == 401


# -- sessions, stored secrets and page images through the web session ------------------------------

PASSWORD = "a long password"


def _web_login(access: Access, name: str) -> TestClient:
    """A browser of its own, signed in as ``name`` (given a password first)."""
    with access.services.db.session() as session:
        user = get_user(session, name)
        assert user is not None
        if user.password_hash is None:
            set_password(user, PASSWORD)
    browser = TestClient(access.client.app)
    response = browser.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return browser


def _session_row(access: Access, browser: TestClient) -> Credential:
    raw = browser.cookies[SESSION_COOKIE]
    with access.services.db.session() as session:
        row = session.scalar(select(Credential).where(Credential.token_hash == hash_token(raw)))
        assert row is not None and row.kind == CredentialKind.SESSION
        return row


def test_a_web_session_past_its_lifetime_is_refused(access: Access, done: str) -> None:
    browser = _web_login(access, "owner")
    row = _session_row(access, browser)
    hours = access.services.service.session_hours
    assert row.expires_at is not None
    assert abs((row.expires_at - row.created_at) - dt.timedelta(hours=hours)) < dt.timedelta(seconds=5)
    image = f"/api/v1/submissions/{done}/pages/1.png"
    assert browser.get("/review", follow_redirects=False).status_code == 200
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.get(image).status_code == 200
    with access.services.db.session() as session:  # the lifetime has passed
        session.get(Credential, row.id).expires_at = utcnow() - dt.timedelta(seconds=1)  # type: ignore[union-attr]
    page = browser.get("/review", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert browser.get("/api/v1/me").json()["error"] == "not_authenticated"
    assert browser.get(image).status_code == 401
    assert browser.get(f"/review/submissions/{done}", follow_redirects=False).status_code == 303


def test_the_session_cookie_lives_no_longer_than_the_session(access: Access) -> None:
    browser = TestClient(access.client.app)
    _web_login(access, "reviewer")  # gives the password
    response = browser.post("/login", data={"name": "reviewer", "password": PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert f"Max-Age={access.services.service.session_hours * 3600}" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_a_logged_out_session_is_refused(access: Access) -> None:
    import re

    browser = _web_login(access, "admin")
    page = browser.get("/review")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    raw = browser.cookies[SESSION_COOKIE]
    assert browser.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    stale = TestClient(access.client.app, cookies={SESSION_COOKIE: raw})
    assert stale.get("/review", follow_redirects=False).status_code == 303
    assert stale.get("/api/v1/me").status_code == 401


def test_tokens_and_sessions_are_stored_only_as_hashes(access: Access) -> None:
    browser = _web_login(access, "other")
    secrets_given = [access.tokens["other"], browser.cookies[SESSION_COOKIE]]
    with access.services.db.session() as session:
        user = get_user(session, "other")
        assert user is not None
        query = text("SELECT * FROM credentials WHERE user_id = :id")
        rows = [dict(r._mapping) for r in session.execute(query, {"id": user.id})]
    assert {r["token_hash"] for r in rows} >= {hash_token(s) for s in secrets_given}
    assert all(len(r["token_hash"]) == 64 for r in rows)
    stored = " ".join(str(v) for r in rows for v in r.values())
    for raw in secrets_given:
        assert raw not in stored
    # Nor anywhere in the database's files (the SQLite file and its write-ahead log).
    url = access.services.db.url
    files = list(Path(url.removeprefix("sqlite:///")).parent.glob("db.sqlite*"))
    assert files
    blob = b"".join(f.read_bytes() for f in files)
    for raw in secrets_given:
        assert raw.encode() not in blob
        assert hash_token(raw).encode() in blob  # the search looks where the hashes are


@pytest.mark.parametrize(("caller", "status"), [("owner", 200), ("other", 404), ("reviewer", 200)])
def test_page_images_through_the_web_session_only_for_those_allowed(
    access: Access, done: str, caller: str, status: int
) -> None:
    browser = _web_login(access, caller)
    for size in ("page", "thumb"):
        response = browser.get(f"/api/v1/submissions/{done}/pages/1.png?size={size}")
        assert response.status_code == status, response.text
        if status == 200:
            assert response.headers["content-type"] == "image/png"
            assert response.headers["cache-control"].startswith("private")
    anonymous = TestClient(access.client.app).get(f"/api/v1/submissions/{done}/pages/1.png")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/static/../files",
        "/static/..%2F..%2Ffilingcheck.db",
        "/static/%2e%2e/%2e%2e/data/filingcheck.db",
        "/files/{sha}",
        "/data/files/{sha}",
        "/api/v1/files/{sha}",
        "/static/{sha}",
    ],
)
def test_stored_files_are_not_reachable_by_path(access: Access, done: str, path: str) -> None:
    """Originals and page images are only served by the routes that check the reader."""
    with access.services.db.session() as session:
        sha = session.get(SubmissionRow, done).files[0].sha256  # type: ignore[union-attr]
    response = access.client.get(path.format(sha=sha), headers=bearer(access.tokens["admin"]))
    assert response.status_code == 404, response.text
