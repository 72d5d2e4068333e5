"""The HTTP API on SQLite and PostgreSQL: roles and tokens, upload checks with stable error codes,
status and report, filters, page images with ETags, decisions and the audit log.

Submissions here are stored with a hand-built report (no OCR); `test_api_e2e.py` runs the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from filingcheck.api import create_app
from filingcheck.models import InputError, Report
from filingcheck.service import Services
from tests.servicekit import (
    BACKENDS,
    add_user,
    bearer,
    database_url,
    hand_report,
    insert_done,
    make_services,
    page_png,
    wait_for,
)

PDF = b"%PDF-1.4\n"


class Api:
    """A client on one backend, with a clerk, a second clerk, a reviewer and an admin."""

    def __init__(self, client: TestClient, services: Services) -> None:
        self.client = client
        self.services = services
        self.clerk = add_user(services, "clerk", "clerk")
        self.other = add_user(services, "other", "clerk")
        self.reviewer = add_user(services, "reviewer", "reviewer")
        self.admin = add_user(services, "admin", "admin")

    def get(self, path: str, token: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=bearer(token) if token else {}, **kw)  # type: ignore[arg-type]

    def post(self, path: str, token: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.post(path, headers=bearer(token) if token else {}, **kw)  # type: ignore[arg-type]

    def upload(self, files: list[tuple[str, tuple[str, bytes, str]]], token: str | None = None, **data: str):  # type: ignore[no-untyped-def]
        return self.post("/api/v1/submissions", token or self.clerk, files=files, data=data)


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(f"api-{request.param}")
    with database_url(request.param, folder) as url:
        services = make_services(url, folder / "data", max_upload_mb=1)
        with TestClient(create_app(services)) as client:
            yield Api(client, services)


@pytest.fixture(scope="module")
def done(api: Api) -> str:
    return insert_done(api.services, "clerk")


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    return bytes(pdf.output())


def _valid_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


# -- who may do what ------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/submissions"),
    ("post", "/api/v1/submissions"),
    ("get", "/api/v1/submissions/{id}"),
    ("get", "/api/v1/submissions/{id}/report"),
    ("get", "/api/v1/submissions/{id}/pages/1.png"),
    ("post", "/api/v1/submissions/{id}/findings/f-address/decision"),
    ("get", "/api/v1/submissions/{id}/decisions"),
    ("get", "/api/v1/submissions/{id}/audit"),
    ("post", "/api/v1/submissions/{id}/retry"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/settings"),
    ("get", "/api/v1/audit"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_requests_get_401(api: Api, done: str, method: str, path: str) -> None:
    response = getattr(api.client, method)(path.format(id=done))
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_gets_401_and_health_is_open(api: Api) -> None:
    response = api.get("/api/v1/submissions", "fct_not-a-token")
    assert response.status_code == 401 and response.json()["error"] == "bad_token"
    assert api.get("/api/v1/health").json()["status"] == "ok"
    assert api.get("/api/v1/me", api.reviewer).json() == {"name": "reviewer", "role": "reviewer"}


def test_clerk_cannot_decide(api: Api, done: str) -> None:
    response = api.post(
        f"/api/v1/submissions/{done}/findings/f-address/decision",
        api.clerk,
        json={"decision": "override", "reason": "I think it is fine"},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    body = api.get(f"/api/v1/submissions/{done}", api.clerk).json()
    assert body["verdict"] == "return_for_correction" and body["decisions"] == []


def test_clerk_reads_own_reviewer_reads_all(api: Api, done: str) -> None:
    assert api.get(f"/api/v1/submissions/{done}", api.clerk).status_code == 200
    hidden = api.get(f"/api/v1/submissions/{done}", api.other)
    assert hidden.status_code == 404 and hidden.json()["error"] == "not_found"
    assert api.get(f"/api/v1/submissions/{done}/pages/1.png", api.other).status_code == 404
    assert done not in {s["id"] for s in api.get("/api/v1/submissions", api.other).json()["items"]}
    assert done in {s["id"] for s in api.get("/api/v1/submissions", api.reviewer).json()["items"]}
    assert api.get(f"/api/v1/submissions/{done}", api.admin).status_code == 200


def test_only_clerks_upload_and_only_admins_manage_users(api: Api) -> None:
    files = [("paper", ("scan.png", page_png(1), "image/png"))]
    assert api.upload(files, api.reviewer).status_code == 403
    assert api.get("/api/v1/users", api.reviewer).status_code == 403
    assert api.get("/api/v1/settings", api.clerk).status_code == 403
    created = api.post("/api/v1/users", api.admin, json={"name": "newbie", "role": "reviewer"})
    assert created.status_code == 201
    token = created.json()["token"]
    assert api.get("/api/v1/me", token).json() == {"name": "newbie", "role": "reviewer"}
    assert api.post("/api/v1/users", api.admin, json={"name": "newbie", "role": "clerk"}).json()["error"] == (
        "user_exists"
    )
    off = api.client.patch("/api/v1/users/newbie", headers=bearer(api.admin), json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert api.get("/api/v1/me", token).status_code == 401
    settings = api.get("/api/v1/settings", api.admin).json()
    assert settings["service"]["max_upload_mb"] == 1
    if "postgresql" in settings["core"]["database_url"]:
        assert "@" in settings["core"]["database_url"]


def test_submission_ids_are_random(api: Api) -> None:
    ids = [insert_done(api.services, "clerk") for _ in range(3)]
    assert len(set(ids)) == 3
    assert all(len(i) == 22 and i.replace("-", "").replace("_", "").isalnum() for i in ids)


# -- uploads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "data", "status", "code"),
    [
        (
            [("paper", ("a.docx", b"PK\x03\x04 word", "application/octet-stream"))],
            {},
            415,
            "unsupported_file",
        ),
        ([("paper", ("empty.pdf", b"", "application/pdf"))], {}, 422, "empty_file"),
        ([("paper", ("big.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf"))], {}, 413, "too_large"),
        (
            [("paper", ("broken.pdf", PDF + b"garbage, no objects", "application/pdf"))],
            {},
            422,
            "unreadable_pdf",
        ),
        ([("paper", ("locked.pdf", b"ENCRYPTED", "application/pdf"))], {}, 422, "encrypted_pdf"),
        ([("paper", ("bad.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"))], {}, 422, "unreadable_image"),
        ([("electronic", ("e.pdf", b"VALID", "application/pdf"))], {}, 422, "no_paper"),
        (
            [("paper", ("s.png", b"PAGE", "image/png")), ("electronic", ("e.png", b"PAGE", "image/png"))],
            {},
            415,
            "unsupported_file",
        ),
        (
            [("paper", ("s.png", b"PAGE", "image/png"))],
            {"application_type": "pet_food"},
            422,
            "bad_application_type",
        ),
        ([("paper", ("s.png", b"PAGE", "image/png"))], {"submitted_on": "31/12/2025"}, 422, "bad_date"),
    ],
)
def test_bad_uploads_get_stable_codes(
    api: Api, files: list[tuple[str, tuple[str, bytes, str]]], data: dict[str, str], status: int, code: str
) -> None:
    stand_ins = {b"ENCRYPTED": _encrypted_pdf(), b"VALID": _valid_pdf(), b"PAGE": page_png(1)}
    files = [
        (field, (name, stand_ins.get(content, content), media)) for field, (name, content, media) in files
    ]
    before = _stored_files(api)
    response = api.upload(files, **data)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["message"] and "Traceback" not in response.text
    assert _stored_files(api) == before  # nothing refused is stored


def test_request_over_the_limit_is_refused_before_reading(api: Api) -> None:
    response = api.client.post(
        "/api/v1/submissions",
        headers={**bearer(api.clerk), "Content-Length": str(10 * 1024 * 1024)},
        content=b"",
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_same_upload_twice_is_stored_once(tmp_path: Path) -> None:
    class Failing:
        def __call__(self, *_: object) -> object:
            raise InputError("unreadable_image", "page 1: cannot decode")

    with database_url("sqlite", tmp_path) as url:
        services = make_services(url, tmp_path / "data", pipeline=Failing())
        with TestClient(create_app(services)) as client:
            api = Api(client, services)
            files = [("paper", ("scan.png", page_png(7), "image/png"))]
            first = api.upload(files).json()["id"]
            second = api.upload(files).json()["id"]
            assert first != second
            assert len(_stored_files(api)) == 1
            # A failed run keeps the original and says why.
            body = wait_for(client, first, api.clerk)
            assert body["status"] == "failed"
            assert body["error"] == {"code": "unreadable_image", "message": "page 1: cannot decode"}
            assert body["report"] is None
            assert len(_stored_files(api)) == 1
            sha = body["files"][0]["sha256"]
            assert services.files.get(sha) == page_png(7)
            actions = [e["action"] for e in api.get(f"/api/v1/submissions/{first}/audit", api.clerk).json()]
            assert actions[0] == "submission.failed" and "submission.created" in actions


def test_internal_error_in_processing_is_data_not_a_traceback(tmp_path: Path) -> None:
    class Crashing:
        def __call__(self, *_: object) -> object:
            raise RuntimeError("boom at /secret/path")

    with database_url("sqlite", tmp_path) as url:
        services = make_services(url, tmp_path / "data", pipeline=Crashing())
        with TestClient(create_app(services)) as client:
            api = Api(client, services)
            sid = api.upload([("paper", ("scan.png", page_png(3), "image/png"))]).json()["id"]
            body = wait_for(client, sid, api.clerk)
            assert body["status"] == "failed" and body["error"]["code"] == "internal_error"
            assert "/secret/path" not in body["error"]["message"]
            retried = api.post(f"/api/v1/submissions/{sid}/retry", api.clerk)
            assert retried.status_code == 202
            assert wait_for(client, sid, api.clerk)["status"] == "failed"
            assert api.post(f"/api/v1/submissions/{sid}/retry", api.other).status_code == 404


# -- status, report, filters, pages ---------------------------------------------------------------


def test_done_submission_has_the_report_in_the_cli_schema(api: Api, done: str) -> None:
    body = api.get(f"/api/v1/submissions/{done}", api.reviewer).json()
    assert body["status"] == "done"
    assert body["progress"] == {"stage": "done", "pages_done": 2, "pages_total": 2}
    report = Report.model_validate(body["report"])
    assert report == hand_report()
    assert api.get(f"/api/v1/submissions/{done}/report", api.reviewer).json() == body["report"]
    assert body["applicant"] == "郑州春灵健康科技股份有限公司"


def test_list_filters(api: Api) -> None:
    add_user(api.services, "filterclerk", "clerk")
    a = insert_done(
        api.services, "filterclerk", hand_report(applicant="甲乙保健品有限公司", submitted_on="2024-02-02")
    )
    b = insert_done(
        api.services, "filterclerk", hand_report(applicant="丙丁生物科技有限公司", submitted_on="2024-09-09")
    )

    def ids(**params: str) -> set[str]:
        response = api.get("/api/v1/submissions", api.reviewer, params={"limit": "200", **params})
        assert response.status_code == 200, response.text
        return {s["id"] for s in response.json()["items"]}

    assert ids(applicant="甲乙") == {a}
    assert ids(applicant="生物", submitted_from="2024-09-01", submitted_to="2024-09-30") == {b}
    assert {a, b} <= ids(status="done", verdict="return_for_correction")
    assert not {a, b} & ids(verdict="accept")
    assert not {a, b} & ids(status="failed")
    bad = api.get("/api/v1/submissions", api.reviewer, params={"verdict": "maybe"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"
    page = api.get("/api/v1/submissions", api.reviewer, params={"limit": "1"}).json()
    assert len(page["items"]) == 1 and page["total"] >= 2


def test_page_images_have_etags(api: Api, done: str) -> None:
    first = api.get(f"/api/v1/submissions/{done}/pages/2.png", api.reviewer)
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert first.content.startswith(b"\x89PNG")
    etag = first.headers["etag"]
    again = api.client.get(
        f"/api/v1/submissions/{done}/pages/2.png", headers={**bearer(api.reviewer), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    thumb = api.get(f"/api/v1/submissions/{done}/pages/1.png", api.reviewer, params={"size": "thumb"})
    assert thumb.status_code == 200
    missing = api.get(f"/api/v1/submissions/{done}/pages/9.png", api.reviewer)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


# -- decisions --------------------------------------------------------------------------------------


def test_reviewer_decisions_recompute_the_verdict_and_land_in_the_audit_log(api: Api) -> None:
    sid = insert_done(api.services, "clerk")
    url = f"/api/v1/submissions/{sid}/findings/{{}}/decision"
    first = api.post(
        url.format("f-address"), api.reviewer, json={"decision": "override", "reason": "licence misread"}
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["finding"]["status"] == "pass" and body["verdict"] == "needs_review"
    assert body["decision"]["machine_status"] == "fail" and body["decision"]["user"] == "reviewer"
    second = api.post(
        url.format("f-product"), api.reviewer, json={"decision": "confirm", "reason": "索 is real"}
    )
    assert (
        second.json()["finding"]["status"] == "fail" and second.json()["verdict"] == "return_for_correction"
    )
    third = api.post(
        url.format("f-product"),
        api.reviewer,
        json={"decision": "override", "status": "pass", "reason": "OCR noise"},
    )
    assert third.json()["verdict"] == "accept"

    state = api.get(f"/api/v1/submissions/{sid}", api.clerk).json()
    assert state["verdict"] == "accept" and state["machine_verdict"] == "return_for_correction"
    assert state["report"]["verdict"] == "accept"
    assert {f["id"]: f["status"] for f in state["report"]["findings"]} == {
        "f-address": "pass",
        "f-product": "pass",
        "f-seal": "pass",
        "f-term": "not_applicable",
    }
    assert len(state["decisions"]) == 3
    machine = api.get(f"/api/v1/submissions/{sid}/report", api.clerk, params={"machine": "true"}).json()
    assert machine["verdict"] == "return_for_correction"

    events = api.get("/api/v1/audit", api.admin, params={"submission_id": sid}).json()
    decided = [e for e in events if e["action"] == "finding.decided"]
    assert len(decided) == 3
    latest = decided[0]
    assert latest["actor"] == "reviewer" and latest["at"]
    assert latest["finding_id"] == "f-product" and latest["rule"] == "consistency.electronic"
    assert latest["reason"] == "OCR noise" and latest["pipeline_version"] == "0.1.0"
    assert latest["detail"]["decision"] == "override" and latest["detail"]["status_after"] == "pass"
    assert latest["detail"]["verdict_before"] == "return_for_correction"
    assert latest["detail"]["verdict_after"] == "accept"


@pytest.mark.parametrize(
    ("finding", "payload", "status", "code"),
    [
        ("f-address", {"decision": "override", "reason": ""}, 422, "invalid_request"),
        ("f-address", {"decision": "maybe", "reason": "x"}, 422, "invalid_request"),
        ("f-address", {"decision": "confirm", "status": "pass", "reason": "x"}, 422, "bad_status"),
        ("f-term", {"decision": "override", "reason": "x"}, 422, "status_required"),
        ("nope", {"decision": "confirm", "reason": "x"}, 404, "not_found"),
    ],
)
def test_bad_decisions(api: Api, done: str, finding: str, payload: dict, status: int, code: str) -> None:
    response = api.post(f"/api/v1/submissions/{done}/findings/{finding}/decision", api.reviewer, json=payload)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


def test_decision_before_the_report_is_a_conflict(tmp_path: Path) -> None:
    import threading

    gate = threading.Event()

    class Slow:
        def __call__(self, *_: object) -> object:
            gate.wait(30)
            raise InputError("unreadable_image", "stop")

    with database_url("sqlite", tmp_path) as url:
        services = make_services(url, tmp_path / "data", pipeline=Slow())
        with TestClient(create_app(services)) as client:
            api = Api(client, services)
            sid = api.upload([("paper", ("scan.png", page_png(5), "image/png"))]).json()["id"]
            response = api.post(
                f"/api/v1/submissions/{sid}/findings/x/decision",
                api.reviewer,
                json={"decision": "confirm", "reason": "x"},
            )
            assert response.status_code == 404  # no findings yet
            state = api.get(f"/api/v1/submissions/{sid}", api.clerk).json()
            assert state["status"] in ("queued", "running") and state["report"] is None
            assert api.get(f"/api/v1/submissions/{sid}/report", api.clerk).json()["error"] == "not_ready"
            gate.set()


def test_cookie_session_needs_the_csrf_header_to_change_things(api: Api, done: str) -> None:
    add_user(api.services, "webreviewer", "reviewer", password="a long password")
    with TestClient(api.client.app) as browser:
        login = browser.post(
            "/login", data={"name": "webreviewer", "password": "a long password"}, follow_redirects=False
        )
        assert login.status_code == 303
        assert browser.get(f"/api/v1/submissions/{done}").status_code == 200
        response = browser.post(
            f"/api/v1/submissions/{done}/findings/f-seal/decision",
            json={"decision": "confirm", "reason": "ok"},
        )
        assert response.status_code == 403 and response.json()["error"] == "csrf_failed"
        wrong = browser.post(
            "/login", data={"name": "webreviewer", "password": "nope"}, follow_redirects=False
        )
        assert wrong.status_code == 401


def test_openapi_documents_the_versioned_api(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/submissions",
        "/api/v1/submissions/{submission_id}",
        "/api/v1/submissions/{submission_id}/pages/{number}.png",
        "/api/v1/submissions/{submission_id}/findings/{finding_id}/decision",
    ):
        assert path in paths
    upload = paths["/api/v1/submissions"]["post"]
    assert {"202", "401", "403", "413", "415", "422"} <= set(upload["responses"])
    assert "/review" not in paths and "/login" not in paths


def _stored_files(api: Api) -> set[Path]:
    root = api.services.files.root
    return (
        {p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")} if root.exists() else set()
    )


def test_web_pages_need_a_login(api: Api) -> None:
    response = api.client.get("/review", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    page = api.client.get("/login")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    assert api.client.get("/static/review.js").status_code == 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_users_add_prints_a_token_the_api_accepts(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from filingcheck.cli import app

    with database_url(backend, tmp_path) as url:
        monkeypatch.setenv("FILINGCHECK_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("FILINGCHECK_DATABASE_URL", url)
        result = CliRunner().invoke(app, ["users", "add", "wang", "--role", "reviewer"])
        assert result.exit_code == 0, result.output
        token = result.output.strip().splitlines()[-1]
        assert token.startswith("fct_") and " " not in token
        refused = CliRunner().invoke(app, ["users", "add", "li", "--role", "boss"])
        assert refused.exit_code == 2
        services = make_services(url, tmp_path / "data")
        with TestClient(create_app(services)) as client:
            assert client.get("/api/v1/me", headers=bearer(token)).json() == {
                "name": "wang",
                "role": "reviewer",
            }
            listed = CliRunner().invoke(app, ["users", "list"])
            assert "wang\treviewer" in listed.output


def test_web_review_page_forms_check_role_and_csrf(api: Api) -> None:
    import re

    sid = insert_done(api.services, "clerk")
    add_user(api.services, "webclerk", "clerk", password="a long password")
    add_user(api.services, "webreviewer2", "reviewer", password="a long password")
    app = api.client.app

    def signed_in(name: str) -> TestClient:
        client = TestClient(app)
        assert client.post("/login", data={"name": name, "password": "a long password"}).status_code == 200
        return client

    reviewer = signed_in("webreviewer2")
    page = reviewer.get(f"/review/submissions/{sid}")
    assert page.status_code == 200 and 'class="decision"' in page.text
    assert "f-address" in page.text and 'rect class="hl' in page.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    url = f"/review/submissions/{sid}/findings/f-address/decision"
    forged = reviewer.post(url, data={"decision": "override", "reason": "x", "csrf": "0" * 64})
    assert forged.status_code == 403 and "csrf_failed" in forged.text
    empty = reviewer.post(url, data={"decision": "override", "reason": " ", "csrf": csrf})
    assert empty.status_code == 422 and "reason_required" in empty.text
    done = reviewer.post(
        url, data={"decision": "override", "reason": "fine", "csrf": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith(
        f"/review/submissions/{sid}?finding="
    )
    assert api.get(f"/api/v1/submissions/{sid}", api.reviewer).json()["verdict"] == "needs_review"

    assert signed_in("webclerk").get(f"/review/submissions/{sid}").status_code == 404  # not theirs
    # The owner sees the page but no decision form, and cannot post one.
    from filingcheck.store.accounts import get_user, set_password

    with api.services.db.session() as session:
        set_password(get_user(session, "clerk"), "a long password")
    owner = signed_in("clerk")
    own = owner.get(f"/review/submissions/{sid}")
    assert own.status_code == 200 and 'class="decision"' not in own.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', own.text).group(1)
    refused = owner.post(url, data={"decision": "confirm", "reason": "mine", "csrf": csrf})
    assert refused.status_code == 403
    assert reviewer.get("/review/upload").status_code == 403  # only clerks upload


def test_no_page_loads_scripts_from_elsewhere(api: Api) -> None:
    """Swagger UI (scripts from a CDN) is not served; the OpenAPI document is, under the same CSP."""
    assert api.client.get("/api/docs").status_code == 404
    spec = api.client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and "script-src 'self'" in spec.headers["content-security-policy"]
    for path in ("/login", "/review"):
        page = api.client.get(path)
        assert "cdn" not in page.text.lower() and "http://" not in page.text.replace("http://testserver", "")
