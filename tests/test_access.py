"""Who may do what, endpoint by endpoint: every role (and the owner against another clerk) on every
route of the API, odd credentials, and ids and page numbers that do not exist or do not fit.

The answer is always a JSON error with a stable code, never a 500, and a submission that is not
yours is 404 like one that does not exist (no probing for ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filingcheck.api import create_app
from filingcheck.models import InputError
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from filingcheck.service import Services
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
