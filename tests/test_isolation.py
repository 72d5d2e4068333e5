"""Upload checks run in a capped child: a crash, a hang or a memory balloon in the parser costs the
child, and the service answers with a stable code; normal files pass through unchanged."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from filingcheck.service.isolation import Caps, ChildFailedError, run_capped
from filingcheck.service.uploads import Upload, UploadError, UploadLimits, check_file, store_uploads
from filingcheck.store.files import FileStore
from tests import isolation_targets as targets
from tests.servicekit import page_png

SMALL = Caps(memory_bytes=256 << 20, seconds=30)


def test_an_answer_comes_back() -> None:
    assert run_capped(targets.answer, (21,), SMALL) == 42


def test_a_crash_is_contained() -> None:
    with pytest.raises(ChildFailedError) as caught:
        run_capped(targets.segfault, (), SMALL)
    assert caught.value.reason == "crashed" and "-11" in caught.value.detail


def test_a_memory_balloon_hits_the_cap() -> None:
    with pytest.raises(ChildFailedError) as caught:
        run_capped(targets.balloon, (2048,), SMALL)  # 2 GiB asked, 256 MiB allowed
    assert caught.value.reason == "memory"
    assert run_capped(targets.balloon, (64,), SMALL) == 64  # within the cap it works


def test_a_hang_is_cut_off_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(ChildFailedError) as caught:
        run_capped(targets.hang, (120,), Caps(memory_bytes=SMALL.memory_bytes, seconds=1))
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 30


def test_an_unexpected_exception_is_a_crash_not_a_hang() -> None:
    with pytest.raises(ChildFailedError) as caught:
        run_capped(targets.raise_error, (), SMALL)
    assert caught.value.reason == "crashed" and "a parser bug" in caught.value.detail


def test_the_upload_check_runs_capped_and_refuses_with_stable_codes(tmp_path: Path) -> None:
    files = FileStore(tmp_path / "files")
    good = Upload("paper", "scan.png", io.BytesIO(page_png(1)))
    stored = store_uploads([good], files, max_bytes=1 << 20)
    assert stored[0].media_type == "image/png" and files.get(stored[0].sha256) == page_png(1)
    html = Upload("paper", "scan.png", io.BytesIO(b"<html><script>alert(1)</script></html>"))
    with pytest.raises(UploadError) as caught:
        store_uploads([html], files, max_bytes=1 << 20)
    assert (caught.value.status, caught.value.code) == (415, "unsupported_file")


def test_a_file_whose_check_times_out_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    from tests import hostile

    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(hostile.many_pages_pdf(2000))
    limits = UploadLimits(max_pages=5000, check_seconds=0.01)
    files = FileStore(tmp_path / "files")
    with pdf.open("rb") as stream, pytest.raises(UploadError) as caught:
        store_uploads([Upload("paper", "many.pdf", stream)], files, max_bytes=1 << 30, limits=limits)
    assert (caught.value.status, caught.value.code) == (422, "too_complex")
    assert not files.root.exists() or not any(files.root.rglob("*"))
    # The same file with time to spare is checked to the end.
    assert check_file(str(pdf), "paper", "many.pdf", 1 << 30, UploadLimits(max_pages=5000))[0] == "ok"


def test_filingcheck_serve_checks_uploads_in_capped_children(tmp_path: Path) -> None:
    """The real service process (its main module is the console script, which each child loads):
    accepted and refused uploads come back right, and the service answers afterwards."""
    import os
    import socket
    import subprocess
    import sys

    import httpx

    from tests import hostile

    binary = str(Path(sys.executable).with_name("filingcheck"))
    # An in-memory broker with no worker: uploads are queued, never processed (no OCR here).
    env = {
        **os.environ,
        "FILINGCHECK_DATA_DIR": str(tmp_path / "data"),
        "FILINGCHECK_BROKER_URL": "memory://",
    }
    env.pop("FILINGCHECK_DATABASE_URL", None)
    added = subprocess.run(
        [binary, "users", "add", "clerk", "--role", "clerk"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{base}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.3)
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            for _ in range(3):
                started = time.monotonic()
                good = client.post(
                    "/api/v1/submissions", files={"paper": ("scan.png", page_png(1), "image/png")}
                )
                assert good.status_code == 202, good.text
                print(f"upload answered in {time.monotonic() - started:.2f} s")
            bad = client.post(
                "/api/v1/submissions", files={"paper": ("scan.png", hostile.png_bomb(), "image/png")}
            )
            assert bad.status_code == 422 and bad.json()["error"] == "page_too_large", bad.text
            assert client.get(f"/api/v1/submissions/{good.json()['id']}").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
