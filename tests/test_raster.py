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


def test_one_page_of_a_thick_file_is_decoded_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Page n of a scan is decoded by itself (a page task on page 300 must not decode 300 pages)."""
    from filingcheck.ocr import load_page, raster

    def pages() -> list[Image.Image]:  # fresh images per file: saving a PDF leaves state on them
        return [Image.fromarray(np.full((580, 410, 3), 240 - 40 * i, np.uint8)) for i in range(4)]

    pdf, tiff = tmp_path / "scan.pdf", tmp_path / "scan.tif"
    first, *rest = pages()
    first.save(pdf, save_all=True, append_images=rest, resolution=50)
    first, *rest = pages()
    first.save(tiff, save_all=True, append_images=rest, dpi=(50, 50), compression="tiff_lzw")
    decoded = []
    to_bgr = raster._to_bgr
    monkeypatch.setattr(raster, "_to_bgr", lambda im: decoded.append(1) or to_bgr(im))
    for path in (pdf, tiff):
        decoded.clear()
        page = load_page(path, 3, 7)
        assert (page.file_page, page.page, len(decoded)) == (3, 7, 1)
        assert int(page.image.mean()) == int(load_pages(path)[2].image.mean())
        with pytest.raises(InputError) as missing:
            load_page(path, 5, 5)
        assert missing.value.code == "page_not_found"
