"""Turning uploaded files (PDF, multi-page TIFF, JPEG, PNG) into page images as scanned."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from filingcheck.models import InputError, PageFacts, PageImage
from filingcheck.ocr.text_layer import open_text_layers, text_layer_lines

PDF_MAGIC = b"%PDF-"
# What Pillow's parsers and decoders raise on damaged data: not only OSError (tests/test_fuzz.py).
DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    ZeroDivisionError,
    IndexError,
    KeyError,
    TypeError,
)
IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
DEFAULT_DPI = 200.0
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class RasterSettings:
    """Limits for untrusted files and the resolution for pages that are not plain images."""

    render_dpi: float = 200.0
    max_pages: int = 2000
    max_pixels: int = 60_000_000


def load_pages(path: Path, first_page: int = 1, settings: RasterSettings | None = None) -> list[PageImage]:
    """All pages of one file, numbered from ``first_page``; raises ``InputError`` when unreadable."""
    return list(iter_pages(path, first_page, settings or RasterSettings()))


def iter_pages(
    path: Path, first_page: int, settings: RasterSettings, only: int | None = None
) -> Iterator[PageImage]:
    """The pages of one file in order; ``only`` (1-based) decodes that page alone, so asking for
    page n of a thick scan costs one page, not n."""
    if not path.is_file():
        raise InputError("file_not_found", f"{path.name}: no such file")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise InputError("empty_file", f"{path.name}: the file is empty")
    if head.startswith(PDF_MAGIC):
        yield from _pdf_pages(path, first_page, settings, only)
    else:
        yield from _image_pages(path, first_page, settings, only)


def count_pages(path: Path) -> int:
    """Number of pages without rasterising (for progress); 0 when the file cannot be opened,
    since the loader then reports the problem with its error code."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
        if head.startswith(PDF_MAGIC):
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(str(path))
            try:
                return len(doc)
            finally:
                doc.close()
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    except Exception:
        return 0


def _pdf_pages(
    path: Path, first_page: int, settings: RasterSettings, only: int | None
) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        # pdfium's error code is process-wide state and may be left over from an earlier file,
        # so the kind of failure is asked of pdfminer instead.
        code = _pdf_failure(path)
        if code == "encrypted_pdf":
            raise InputError(code, f"{path.name}: the PDF is encrypted") from exc
        if code == "empty_pdf":
            raise InputError(code, f"{path.name}: the PDF has no pages") from exc
        raise InputError(code, f"{path.name}: not a readable PDF") from exc
    layers = None
    try:
        if len(doc) == 0:
            raise InputError("empty_pdf", f"{path.name}: the PDF has no pages")
        if len(doc) > settings.max_pages:
            raise InputError(
                "too_many_pages", f"{path.name}: {len(doc)} pages, the limit is {settings.max_pages}"
            )
        for index in _indexes(len(doc), only):
            try:
                page = doc[index]
            except pdfium.PdfiumError as exc:  # the page tree counts pages it does not hold
                raise InputError("unreadable_pdf", f"{path.name}: page {index + 1} cannot be read") from exc
            try:
                _check_images(page, settings, f"{path.name} page {index + 1}")
                scan = _single_scan_image(page)
                dpi = scan[0] if scan else settings.render_dpi
                width_in, height_in = page.get_width() / 72.0, page.get_height() / 72.0
                if width_in * height_in * dpi * dpi > settings.max_pixels:
                    raise InputError(
                        "page_too_large",
                        f"{path.name} page {index + 1}: {width_in * 25.4:.0f}×{height_in * 25.4:.0f} mm "
                        f"at {dpi:.0f} DPI is over the pixel limit",
                    )
                bgr = _extract_scan(scan[1]) if scan else None
                if bgr is None:
                    bgr = _render(page, dpi)
                text_layer = None
                if scan is None:
                    try:
                        layers = layers or open_text_layers(path)
                        text_layer = text_layer_lines(layers, index, dpi)
                    except Exception:  # a broken text layer is only a missing one: the page is OCRed
                        text_layer = None
                yield PageImage(
                    page=first_page + index,
                    image=bgr,
                    dpi=dpi,
                    source=path.name,
                    file_page=index + 1,
                    text_layer=text_layer,
                )
            except (pdfium.PdfiumError, ValueError) as exc:  # ValueError: a crop box outside the page
                raise InputError("unreadable_pdf", f"{path.name} page {index + 1}: cannot be drawn") from exc
            finally:
                page.close()
    finally:
        doc.close()
        if layers is not None:
            with contextlib.suppress(Exception):  # closing walks the damaged page tree again
                layers.close()


def _pdf_failure(path: Path) -> str:
    """The input error code of a PDF that pdfium would not open: encrypted, no pages, or unreadable."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        with path.open("rb") as fh:
            pages = resolve1(PDFDocument(PDFParser(fh)).catalog["Pages"])
            if int(resolve1(pages.get("Count", 0))) == 0 and not resolve1(pages.get("Kids")):
                return "empty_pdf"
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return "encrypted_pdf"
    except Exception:
        pass
    return "unreadable_pdf"


def _check_images(page: object, settings: RasterSettings, where: str) -> None:
    """Refuse a page holding an image over the pixel limit before anything decodes it: an image's
    declared size, not the page's, is what pdfium allocates (a flate stream of a few kB can
    declare gigabytes)."""
    for obj in page.get_objects(max_depth=4):  # type: ignore[attr-defined]
        if obj.type != 3:
            continue
        try:
            px_w, px_h = obj.get_px_size()
        except Exception:
            continue
        if px_w * px_h > settings.max_pixels:
            raise InputError(
                "page_too_large", f"{where}: an image of {px_w}×{px_h} pixels is over the pixel limit"
            )


def _single_scan_image(page: object) -> tuple[float, object] | None:
    """(resolution, image object) of a page that is one upright scanned image, else None.

    Such pages are taken pixel for pixel, so boxes are on the image as scanned.
    """
    images = [obj for obj in page.get_objects(max_depth=1) if obj.type == 3]  # type: ignore[attr-defined]
    if len(images) != 1:
        return None
    obj = images[0]
    try:
        px_w, _px_h = obj.get_px_size()
        left, _bottom, right, _top = obj.get_bounds()
        matrix = obj.get_matrix().get()
    except Exception:
        return None
    width_pt = right - left
    upright = matrix[0] > 0 and matrix[3] > 0 and abs(matrix[1]) < 1e-6 and abs(matrix[2]) < 1e-6
    if not upright or width_pt <= 0 or width_pt < 0.9 * page.get_width():  # type: ignore[attr-defined]
        return None
    return round(px_w / (width_pt / 72.0), 1), obj


def _extract_scan(obj: object) -> np.ndarray | None:
    try:
        bitmap = obj.get_bitmap(render=False)  # type: ignore[attr-defined]
        pil = bitmap.to_pil()
    except Exception:
        return None
    return _to_bgr(pil)


def _render(page: object, dpi: float) -> np.ndarray:
    bitmap = page.render(scale=dpi / 72.0)  # type: ignore[attr-defined]
    return _to_bgr(bitmap.to_pil())


def _image_pages(
    path: Path, first_page: int, settings: RasterSettings, only: int | None
) -> Iterator[PageImage]:
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        im = Image.open(path)
    except UnidentifiedImageError as exc:
        if _has_image_magic(path):
            raise InputError("unreadable_image", f"{path.name}: a damaged image") from exc
        raise InputError("unsupported_file", f"{path.name}: neither a PDF nor a readable image") from exc
    except Image.DecompressionBombError as exc:
        raise InputError("page_too_large", f"{path.name}: the image is over the pixel limit") from exc
    except DECODE_ERRORS as exc:
        raise InputError("unreadable_image", f"{path.name}: {exc}") from exc
    with im:
        try:
            frames = int(getattr(im, "n_frames", 1))
        except DECODE_ERRORS as exc:
            raise InputError("unreadable_image", f"{path.name}: {exc}") from exc
        if frames > settings.max_pages:
            raise InputError(
                "too_many_pages", f"{path.name}: {frames} pages, the limit is {settings.max_pages}"
            )
        for index in _indexes(frames, only):
            try:
                im.seek(index)
                if im.width * im.height > settings.max_pixels:
                    raise InputError("page_too_large", f"{path.name} page {index + 1}: over the pixel limit")
                frame = ImageOps.exif_transpose(im) if index == 0 else im
                dpi_info = frame.info.get("dpi") or im.info.get("dpi")
                dpi_known = bool(dpi_info and float(dpi_info[0]) > 1)
                dpi = float(dpi_info[0]) if dpi_known and dpi_info else DEFAULT_DPI
                bgr = _to_bgr(frame)
            except Image.DecompressionBombError as exc:
                where = f"{path.name} page {index + 1}"
                raise InputError("page_too_large", f"{where}: over the pixel limit") from exc
            except DECODE_ERRORS as exc:
                raise InputError("unreadable_image", f"{path.name} page {index + 1}: {exc}") from exc
            yield PageImage(
                page=first_page + index,
                image=bgr,
                dpi=dpi,
                source=path.name,
                file_page=index + 1,
                dpi_known=dpi_known,
            )


def _indexes(count: int, only: int | None) -> range:
    """0-based indexes of the pages to decode: all of them, or the one asked for if it exists."""
    if only is None:
        return range(count)
    return range(only - 1, only) if 1 <= only <= count else range(0)


def _has_image_magic(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(8).startswith(IMAGE_MAGICS)


def _to_bgr(im: Image.Image) -> np.ndarray:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = arr.max() or 1.0
        grey = (arr / top * 255.0).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    rgb = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def page_size_mm(page: PageImage | PageFacts) -> tuple[float, float]:
    return (page.width / page.dpi * MM_PER_INCH, page.height / page.dpi * MM_PER_INCH)


def load_page(path: Path, file_page: int, number: int, settings: RasterSettings | None = None) -> PageImage:
    """One page of a file again (for page images shown after the run; keeps memory flat)."""
    for page in iter_pages(path, number - file_page + 1, settings or RasterSettings(), only=file_page):
        return page
    raise InputError("page_not_found", f"{path.name} has no page {file_page}")
