"""Shared fixtures: real engines built once per test session, paths to shared evaluation data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REALDATA = SHARED / "realdata"


@pytest.fixture(scope="session")
def rapid():
    from filingcheck.ocr.engines import build_engine

    return build_engine("rapidocr")


@pytest.fixture(scope="session")
def tesseract():
    from filingcheck.ocr.engines import build_engine

    return build_engine("tesseract")


def needs_realdata() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not REALDATA.is_dir(), reason="shared/realdata is not beside the checkout")
