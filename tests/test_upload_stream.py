"""A chunked upload without Content-Length is held to the request limit while it streams: 413
``too_large`` once it passes the limit, the rest is never read, nothing is stored, and what was
stored before is intact. Through the ASGI app and through a live uvicorn server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from filingcheck.api import create_app
from filingcheck.models import InputError
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from filingcheck.service import Services
from tests.servicekit import add_user, bearer, insert_done, live_server, make_services, page_png

BOUNDARY = "filingcheck-test-boundary"
CHUNK = 64 * 1024
LIMIT = 2 * 1024 * 1024  # FILINGCHECK_MAX_UPLOAD_MB=1: a request holds twice that
PATHS = ("/api/v1/submissions", "/review/upload")


def _no_pipeline(inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
    raise InputError("stub_stop", "these tests read nothing")


class Stream:
    """A multipart body with one PNG ``paper`` file of ``size`` bytes, sent in 64 KiB chunks;
    counts what was taken from it."""

    def __init__(self, size: int) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="paper"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        self.parts = [head, page_png(1)]
        self.parts += [b"\0" * CHUNK] * ((size - len(self.parts[1])) // CHUNK)
        self.parts.append(f"\r\n--{BOUNDARY}--\r\n".encode())
        self.total = sum(len(p) for p in self.parts)
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            self.sent += len(part)
            yield part

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self:
            yield part


@pytest.fixture()
def services(tmp_path: Path) -> Iterator[Services]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    services = make_services(url, tmp_path / "data", _no_pipeline, max_upload_mb=1)
    services.db.migrate()
    yield services
    services.stop()


def _stored(services: Services) -> set[Path]:
    root = services.files.root
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _headers(token: str) -> dict[str, str]:
    return {**bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def _post(services: Services, path: str, token: str, body: Stream) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://filingcheck.test") as client:
        request = client.build_request("POST", path, headers=_headers(token), content=body.__aiter__())
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        return await client.send(request)


@pytest.mark.parametrize("path", PATHS)
def test_a_chunked_upload_over_the_limit_is_cut_off(services: Services, path: str) -> None:
    token = add_user(services, "clerk", "clerk")
    kept = insert_done(services, "clerk")
    before = _stored(services)
    body = Stream(8 * LIMIT)
    response = asyncio.run(_post(services, path, token, body))
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "too_large"
    assert body.sent < LIMIT + 2 * CHUNK < body.total  # the rest was never read
    assert _stored(services) == before
    with TestClient(create_app(services)) as client:
        listed = client.get("/api/v1/submissions", headers=bearer(token)).json()
        assert [s["id"] for s in listed["items"]] == [kept]  # nothing new, nothing lost
        image = client.get(f"/api/v1/submissions/{kept}/pages/1.png", headers=bearer(token))
        assert image.status_code == 200


def test_a_chunked_upload_under_the_limit_is_taken(services: Services) -> None:
    token = add_user(services, "clerk", "clerk")
    body = Stream(LIMIT // 4)
    response = asyncio.run(_post(services, "/api/v1/submissions", token, body))
    assert response.status_code == 202, response.text  # a PNG with padding after its end
    assert body.sent == body.total
    stored = [p.parent.name + p.name for p in _stored(services)]
    assert len(stored) == 1 and services.files.get(stored[0]).startswith(page_png(1))


def test_a_declared_length_over_the_limit_is_refused_before_reading(services: Services) -> None:
    token = add_user(services, "clerk", "clerk")
    body = Stream(LIMIT // 4)
    with TestClient(create_app(services)) as client:
        response = client.post(
            "/api/v1/submissions",
            headers={**_headers(token), "Content-Length": str(LIMIT + 1)},
            content=b"".join(body),
        )
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_a_live_server_cuts_off_a_chunked_upload(services: Services) -> None:
    token = add_user(services, "clerk", "clerk")
    kept = insert_done(services, "clerk")
    before = _stored(services)
    body = Stream(16 * LIMIT)
    with live_server(create_app(services)) as base, httpx.Client(base_url=base, timeout=60) as client:
        response = client.post("/api/v1/submissions", headers=_headers(token), content=iter(body))
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "too_large"
        assert body.sent < body.total
        assert client.get(f"/api/v1/submissions/{kept}", headers=bearer(token)).json()["status"] == "done"
    assert _stored(services) == before
