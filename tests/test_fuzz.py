"""Fuzzing the parsers of untrusted bytes: random mutations of small valid files through the paper
loader, the electronic-PDF reader and the report reader. Only the documented errors may escape:
``InputError`` from the loaders, ``ValueError`` from ``load_report``.

Bounded for the suite (``FUZZ_EXAMPLES`` per target, the same examples every run); for a longer,
random run: ``FILINGCHECK_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingcheck.extract import read_electronic
from filingcheck.models import InputError
from filingcheck.ocr.raster import RasterSettings, load_pages
from filingcheck.reporting import write_json
from filingcheck.reporting.jsonio import load_report
from tests import hostile
from tests.servicekit import hand_report

LONG_RUN = "FILINGCHECK_FUZZ_EXAMPLES" in os.environ
FUZZ_EXAMPLES = int(os.environ.get("FILINGCHECK_FUZZ_EXAMPLES", "60"))
# Small enough that a mutated size field cannot make one example slow, large enough for any seed.
LIMITS = RasterSettings(render_dpi=72, max_pages=20, max_pixels=4_000_000)
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=timedelta(seconds=10),
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutations(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few byte edits, biased towards the header where the sizes and offsets are."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        head = min(len(data) - 1, 96)
        at = draw(st.one_of(st.integers(0, head), st.integers(0, len(data) - 1)))
        op = draw(st.sampled_from(["set", "insert", "delete", "truncate", "repeat", "digit"]))
        if op == "set":
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 32))]
        elif op == "truncate":
            del data[at:]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 8))
        else:  # numbers in a PDF are text: turn a digit into another, or make it long
            digits = [i for i, c in enumerate(data) if 48 <= c <= 57]
            if digits:
                i = draw(st.sampled_from(digits))
                data[i : i + 1] = draw(st.sampled_from([b"0", b"9", b"-1", b"99999999", b"1e9", b"3.5"]))
    return bytes(data)


def _expect_only(call: Callable[[], object], allowed: type[BaseException]) -> None:
    with contextlib.suppress(allowed):
        call()


def _at(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


SEEDS = {
    "text.pdf": hostile.text_pdf(),
    "scan.pdf": hostile.scan_pdf(40, 57),
    "fpdf.pdf": hostile.fpdf_pdf(),
    "card.png": hostile.small_png(),
    "g4.tif": hostile.tiff_pages("group4", 2),
    "lzw.tif": hostile.tiff_pages("tiff_lzw", 2),
    "jpeg.tif": hostile.tiff_pages("jpeg", 1),
    "exif.jpg": hostile.exif_rotated_jpeg(),
}


@pytest.mark.parametrize("name", SEEDS)
def test_paper_loader_raises_only_input_errors(name: str) -> None:
    @FUZZ
    @given(data=mutations(SEEDS[name]))
    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = _at(folder, name, data)
            _expect_only(lambda: load_pages(path, settings=LIMITS), InputError)

    run()


@FUZZ
@given(
    width=st.integers(0, 2**32 - 1),
    height=st.integers(0, 2**32 - 1),
    depth=st.sampled_from([1, 2, 4, 8, 16, 3, 0, 255]),
    colour=st.sampled_from([0, 2, 3, 4, 6, 1, 7]),
)
def test_png_headers_of_any_size_are_refused_before_decoding(
    width: int, height: int, depth: int, colour: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _at(folder, "declared.png", hostile.png_declaring(width, height, depth, colour))
        try:
            pages = load_pages(path, settings=LIMITS)
        except InputError as exc:
            if width * height > LIMITS.max_pixels:
                assert exc.code in ("page_too_large", "unreadable_image", "unsupported_file"), exc.code
        else:
            assert pages[0].width * pages[0].height <= LIMITS.max_pixels


@FUZZ
@given(width=st.integers(0, 2**32 - 1), height=st.integers(0, 2**32 - 1), frames=st.integers(1, 25))
def test_tiff_headers_of_any_size_are_refused_before_decoding(width: int, height: int, frames: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _at(folder, "declared.tif", hostile.tiff_declaring(width, height, frames))
        try:
            pages = load_pages(path, settings=LIMITS)
        except InputError:
            pass
        else:
            assert len(pages) == frames <= LIMITS.max_pages
            assert all(p.width * p.height <= LIMITS.max_pixels for p in pages)


ELECTRONIC_SEEDS = {"text.pdf": hostile.text_pdf(), "fpdf.pdf": hostile.fpdf_pdf()}


@pytest.mark.parametrize("name", ELECTRONIC_SEEDS)
def test_electronic_reader_raises_only_input_errors(name: str) -> None:
    @FUZZ
    @given(data=mutations(ELECTRONIC_SEEDS[name]))
    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = _at(folder, name, data)
            _expect_only(lambda: read_electronic(path), InputError)

    run()


REPORT_JSON: bytes = b""


def _report_json() -> bytes:
    global REPORT_JSON
    if not REPORT_JSON:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.json"
            write_json(hand_report(), path)
            REPORT_JSON = path.read_bytes()
    return REPORT_JSON


def test_report_reader_raises_only_value_errors_on_mutated_bytes() -> None:
    @FUZZ
    @given(data=mutations(_report_json()))
    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            _expect_only(lambda: load_report(_at(folder, "report.json", data)), ValueError)

    run()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    key=st.sampled_from(["pages", "findings", "fields", "seals", "errors", "verdict", "inputs"]),
    value=JSON_VALUES,
)
def test_report_reader_raises_only_value_errors_on_odd_values(key: str, value: object) -> None:
    document = json.loads(_report_json())
    document[key] = value
    with tempfile.TemporaryDirectory() as folder:
        path = _at(folder, "report.json", json.dumps(document).encode())
        _expect_only(lambda: load_report(path), ValueError)


def test_report_reader_refuses_deep_nesting() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for text in (
            "[" * 100_000 + "]" * 100_000,
            '{"schema_version": "1.0", "pages": ' + "[" * 5000 + "]" * 5000 + "}",
        ):
            with pytest.raises(ValueError, match="nested too deeply"):
                load_report(_at(folder, "deep.json", text.encode()))


@pytest.mark.parametrize(
    "box", [[0, 0, 1e999, 5], [0, 0, "a", 5], [0, 0, None, 5], [float("nan"), 0, 1, 1], [0, 0]]
)
def test_report_reader_refuses_odd_boxes(box: list[object]) -> None:
    document = json.loads(_report_json())
    document["seals"][0]["bbox"] = box
    with tempfile.TemporaryDirectory() as folder:
        path = _at(folder, "report.json", json.dumps(document).encode())
        with pytest.raises(ValueError, match="invalid filingcheck report"):
            load_report(path)
