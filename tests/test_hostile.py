"""Broken and hostile files (``tests/hostile.py``) through the loaders, the command line and the API.

Each file either loads cleanly (odd but legitimate formats, with their pixels checked) or is
refused with its stable input error code: never another exception, never a hang, and a bomb is
refused before it is decoded. The loader runs in a child process with a time limit and an
address-space limit (``tests/sandbox.py``), so a bomb that got decoded fails the test, not the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from filingcheck.api import create_app
from filingcheck.cli import app as cli_app
from filingcheck.extract import read_electronic
from filingcheck.models import InputError
from filingcheck.ocr.raster import RasterSettings, load_pages
from filingcheck.pipeline import Inputs, PipelineSettings, Progress, Result
from tests import hostile
from tests.sandbox import load_in_child
from tests.servicekit import add_user, bearer, make_services, page_png, wait_for

REFUSED = [c for c in hostile.CASES if c.expect != hostile.LOADS]
REFUSED_AT_UPLOAD = [c for c in hostile.CASES if c.upload_expect != hostile.LOADS]
ACCEPTED_AT_UPLOAD = [c for c in hostile.CASES if c.upload_expect == hostile.LOADS]


def _write(folder: Path, case: hostile.Case) -> Path:
    path = folder / case.name
    path.write_bytes(case.build())
    return path


# -- the loaders ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda c: c.name)
def test_loader_loads_or_refuses_with_a_stable_code(case: hostile.Case, tmp_path: Path) -> None:
    outcome, detail = load_in_child(_write(tmp_path, case))
    if case.expect == hostile.LOADS:
        assert outcome == "loads", detail
        assert len(detail) == case.pages
    else:
        assert (outcome, detail) == ("refused", case.expect)


def test_page_limit_counts_pdf_pages_and_tiff_frames(tmp_path: Path) -> None:
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(hostile.many_pages_pdf(2000))
    assert load_in_child(pdf, RasterSettings(max_pages=1999)) == ("refused", "too_many_pages")
    tiff = tmp_path / "many.tif"
    tiff.write_bytes(hostile.many_frames_tiff(30))
    assert load_in_child(tiff, RasterSettings(max_pages=29)) == ("refused", "too_many_pages")
    assert load_in_child(tiff, RasterSettings(max_pages=30))[0] == "loads"


def test_two_thousand_tiny_pages_load_within_the_limit(tmp_path: Path) -> None:
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(hostile.many_pages_pdf(2000))
    outcome, shapes = load_in_child(pdf)
    assert outcome == "loads" and len(shapes) == 2000
    assert set(shapes) == {(200, 200, 3)}  # one inch at the render DPI


def test_pixel_limit_is_a_setting(tmp_path: Path) -> None:
    png = tmp_path / "big.png"
    png.write_bytes(hostile.png_declaring(3000, 2000))
    assert load_in_child(png, RasterSettings(max_pixels=5_000_000)) == ("refused", "page_too_large")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(hostile.scan_pdf(200, 283))
    assert load_in_child(scan, RasterSettings(max_pixels=50_000)) == ("refused", "page_too_large")
    assert load_in_child(scan, RasterSettings(max_pixels=60_000)) == ("loads", [(283, 200, 3)])


def _bgr(case: hostile.Case, folder: Path) -> list[np.ndarray]:
    return [p.image for p in load_pages(_write(folder, case))]


def _case(name: str) -> hostile.Case:
    return next(c for c in hostile.CASES if c.name == name)


def _card_ok(bgr: np.ndarray, tolerance: int = 40) -> None:
    """The test card (tests/hostile.py): black left half, white right half, red top-left corner."""
    h, w = bgr.shape[:2]
    assert (h, w) == (48, 64)
    assert bgr[h // 2, w // 4].max() < tolerance
    assert bgr[h // 2, 3 * w // 4].min() > 255 - tolerance


@pytest.mark.parametrize("name", ["g4.tif", "lzw.tif", "jpeg.tif", "one_bit.png", "cmyk.jpg"])
def test_odd_formats_give_the_right_pixels(name: str, tmp_path: Path) -> None:
    pages = _bgr(_case(name), tmp_path)
    for bgr in pages:
        assert bgr.dtype == np.uint8 and bgr.shape[2] == 3
        _card_ok(bgr)
    if name in ("lzw.tif", "jpeg.tif", "cmyk.jpg"):
        b, g, r = (int(v) for v in pages[0][3, 3])
        assert r > 200 and g < 60 and b < 60, (b, g, r)  # the red corner stays red (BGR order)


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    (bgr,) = _bgr(_case("sixteen_bit.png"), tmp_path)
    row = bgr[8, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255
    assert np.all(np.diff(row) >= 0) and abs(row[128] - 128) <= 2


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    (bgr,) = _bgr(_case("exif_rotated.jpg"), tmp_path)
    _card_ok(bgr)
    b, g, r = (int(v) for v in bgr[3, 3])
    assert r > 200 and g < 80 and b < 80, "the red corner is back at the top left"


def test_javascript_and_attachments_are_inert(tmp_path: Path) -> None:
    (bgr,) = _bgr(_case("javascript.pdf"), tmp_path)
    assert bgr.min() > 250  # a blank page: nothing ran, nothing was drawn
    assert not any(p.name == "x.exe" for p in tmp_path.rglob("*"))


# -- the electronic version ----------------------------------------------------------------------

ELECTRONIC = {
    "zero.pdf": "empty_file",
    "header_only.pdf": "unreadable_pdf",
    "truncated.pdf": "unreadable_pdf",
    "corrupt.pdf": "unreadable_pdf",
    "encrypted_user.pdf": "encrypted_pdf",
    "encrypted_owner_only.pdf": hostile.LOADS,
    "zero_pages.pdf": "empty_pdf",
    "lying_count.pdf": hostile.LOADS,  # pdfminer walks the tree and finds the one page there is
    "missing_pages.pdf": hostile.LOADS,
    "javascript.pdf": hostile.LOADS,
    "huge_page.pdf": hostile.LOADS,  # nothing is drawn, so a page's size costs nothing here
    "image_bomb.pdf": hostile.LOADS,  # images are not decoded
    "zip.pdf": "unsupported_file",
    "html.png": "unsupported_file",
    "bomb.png": "unsupported_file",
}


@pytest.mark.parametrize(("name", "expect"), ELECTRONIC.items())
def test_electronic_reader_loads_or_refuses_with_a_stable_code(
    name: str, expect: str, tmp_path: Path
) -> None:
    path = _write(tmp_path, _case(name))
    if expect == hostile.LOADS:
        reading = read_electronic(path)
        assert reading.pages == 1 and not reading.fields
    else:
        with pytest.raises(InputError) as caught:
            read_electronic(path)
        assert caught.value.code == expect


def test_electronic_page_limit(tmp_path: Path) -> None:
    path = tmp_path / "many.pdf"
    path.write_bytes(hostile.many_pages_pdf(30))
    with pytest.raises(InputError, match="30 pages") as caught:
        read_electronic(path, max_pages=29)
    assert caught.value.code == "too_many_pages"
    assert read_electronic(path, max_pages=30).pages == 30


# -- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_cli_exits_4_with_the_code(case: hostile.Case, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["check", "--paper", str(_write(tmp_path, case))])
    assert result.exit_code == 4, result.output
    assert f"{case.expect}:" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- the API --------------------------------------------------------------------------------------


class StubPipeline:
    """Records the paths it is given, loads their pages and stops there (no OCR): these tests are
    about intake, and what the loader refuses becomes the submission's error as in a real run."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, inputs: Inputs, settings: PipelineSettings, progress: Progress) -> Result:
        self.paths.extend(inputs.paper)
        for path in inputs.paper:
            load_pages(path, settings=settings.raster)
        raise InputError("stub_stop", "the test pipeline reads nothing")


class Intake:
    def __init__(self, client: TestClient, token: str, data: Path, pipeline: StubPipeline) -> None:
        self.client, self.token, self.data, self.pipeline = client, token, data, pipeline

    def upload(self, name: str, data: bytes) -> Any:
        files = [("paper", (name, data, "application/octet-stream"))]
        return self.client.post("/api/v1/submissions", headers=bearer(self.token), files=files)

    def ids(self) -> set[str]:
        body = self.client.get("/api/v1/submissions?limit=200", headers=bearer(self.token)).json()
        return {item["id"] for item in body["items"]}


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    folder = tmp_path_factory.mktemp("hostile-api")
    pipeline = StubPipeline()
    services = make_services(f"sqlite:///{folder / 'db.sqlite'}", folder / "data", pipeline, max_upload_mb=1)
    with TestClient(create_app(services)) as client:
        yield Intake(client, add_user(services, "clerk", "clerk"), folder / "data", pipeline)


@pytest.fixture(scope="module")
def earlier(intake: Intake) -> str:
    response = intake.upload("earlier.png", page_png(1))
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize("case", REFUSED_AT_UPLOAD, ids=lambda c: c.name)
def test_api_refuses_with_the_code_and_loses_nothing(
    intake: Intake, earlier: str, case: hostile.Case
) -> None:
    before = intake.ids()
    response = intake.upload(case.name, case.build())
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"] == case.upload_expect
    assert intake.ids() == before
    still = intake.client.get(f"/api/v1/submissions/{earlier}", headers=bearer(intake.token))
    assert still.status_code == 200 and still.json()["files"][0]["name"] == "earlier.png"


def test_api_refuses_an_electronic_version_that_is_not_a_pdf(intake: Intake) -> None:
    files = [
        ("paper", ("paper.png", page_png(1), "image/png")),
        ("electronic", ("electronic.pdf", hostile.zip_as_pdf(), "application/pdf")),
    ]
    response = intake.client.post("/api/v1/submissions", headers=bearer(intake.token), files=files)
    assert response.status_code == 415 and response.json()["error"] == "unsupported_file"


def test_api_refuses_an_oversized_upload(intake: Intake) -> None:
    response = intake.upload("big.png", page_png(1) + b"\0" * (1 << 20))
    assert response.status_code == 413 and response.json()["error"] == "too_large"


@pytest.mark.parametrize("case", ACCEPTED_AT_UPLOAD, ids=lambda c: c.name)
def test_api_accepts_odd_but_legitimate_files(intake: Intake, case: hostile.Case) -> None:
    response = intake.upload(case.name, case.build())
    assert response.status_code == 202, response.text
    body = wait_for(intake.client, response.json()["id"], intake.token, timeout=60)
    # What the upload check cannot see, the loader refuses in processing: failed, with its code.
    want = "stub_stop" if case.expect == hostile.LOADS else case.expect
    assert body["status"] == "failed" and body["error"]["code"] == want, body["error"]


@pytest.mark.parametrize("name", hostile.HOSTILE_NAMES, ids=range(len(hostile.HOSTILE_NAMES)))
def test_api_stores_hostile_names_safely(intake: Intake, name: str) -> None:
    response = intake.upload(name, page_png(2))
    assert response.status_code == 202, response.text
    body = wait_for(intake.client, response.json()["id"], intake.token, timeout=60)
    stored = body["files"][0]["name"]
    assert stored and not {"/", "\\", "\x00", "\r", "\n"} & set(stored)
    assert not stored.startswith(".") and len(stored.encode()) <= 200
    # The original was written under that name for processing, inside the run's own folder.
    assert body["status"] == "failed" and body["error"]["code"] == "stub_stop", body["error"]
    path = intake.pipeline.paths[-1]
    assert path.name == stored and ".." not in path.parts
    # The store holds files named by their sha256 only.
    for item in (intake.data / "files").rglob("*"):
        assert item.resolve().is_relative_to((intake.data / "files").resolve())
        if item.is_file():
            assert len(item.parent.name + item.name) == 64 and item.name.isalnum()
