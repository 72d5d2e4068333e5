"""Scans load from PDF, multi-page TIFF, PNG and JPEG; unreadable files get a clear error code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from filingcheck.models import InputError
from filingcheck.ocr import load_pages, page_size_mm


def _a4(dpi: int) -> Image.Image:
    w, h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    arr = np.full((h, w, 3), 255, np.uint8)
    arr[50:80, 50:200] = (200, 20, 20)
    return Image.fromarray(arr)


def test_image_pdf_is_taken_pixel_for_pixel(tmp_path: Path) -> None:
    pages = [_a4(200), _a4(200)]
    pages[0].save(tmp_path / "scan.pdf", save_all=True, append_images=pages[1:], resolution=200)
    loaded = load_pages(tmp_path / "scan.pdf", first_page=5)
    assert [p.page for p in loaded] == [5, 6]
    assert loaded[0].image.shape[:2] == (pages[0].height, pages[0].width)
    assert loaded[0].dpi == pytest.approx(200, abs=0.5)
    w_mm, h_mm = page_size_mm(loaded[0])
    assert abs(w_mm - 210) < 1 and abs(h_mm - 297) < 1
    b, _g, r = loaded[0].image[60, 100]
    assert r > 150 and b < 80


def test_multipage_tiff_png_jpeg(tmp_path: Path) -> None:
    frames = [_a4(100), _a4(100), _a4(100)]
    frames[0].save(
        tmp_path / "scan.tif", save_all=True, append_images=frames[1:], dpi=(100, 100), compression="tiff_lzw"
    )
    assert len(load_pages(tmp_path / "scan.tif")) == 3
    frames[0].save(tmp_path / "one.png", dpi=(300, 300))
    assert load_pages(tmp_path / "one.png")[0].dpi == pytest.approx(300, abs=1)
    frames[0].convert("L").save(tmp_path / "grey.jpg", quality=80)
    grey = load_pages(tmp_path / "grey.jpg")[0]
    assert grey.image.ndim == 3 and not grey.dpi_known


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"%PDF-1.4\ngarbage", "unreadable_pdf"),
        (b"<html>not an image</html>", "unsupported_file"),
    ],
)
def test_unreadable_files_get_a_code(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_pages(path)
    assert err.value.code == code
