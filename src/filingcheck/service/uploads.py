"""Uploads checked before they are stored: kind by magic bytes, size, PDFs that open at all, and the
page and pixel limits, read from headers and page dictionaries before anything is decoded.

The checks are cheap (pdfminer, Pillow; pdfium, which renders pages in the background runner,
is not called here) but they parse the applicant's bytes, so each file is checked in a child
process with a memory cap and a time limit (``isolation``): a parser that crashes, hangs or
balloons refuses that file, the service goes on. The loaders in ``filingcheck.ocr.raster``
check the same limits again when the pages are drawn.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import Any, BinaryIO

from filingcheck.store.files import FileStore
from filingcheck.store.submissions import NewFile

KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
    (b"II*\x00", "tiff", "image/tiff"),
    (b"MM\x00*", "tiff", "image/tiff"),
)
ACCEPTED = "PDF, TIFF, JPEG or PNG"
# Form XObjects may nest; deeper than this is not a scan we can read anyway.
MAX_XOBJECT_DEPTH = 4
# File systems allow 255 bytes a name, and the original is written under its name for processing.
MAX_NAME_BYTES = 200


class UploadError(Exception):
    """A rejected upload: HTTP ``status`` and a stable ``code`` (the README's input error codes)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    """Page and pixel limits (``FILINGCHECK_MAX_PAGES``, ``FILINGCHECK_MAX_PAGE_PIXELS``, the render DPI)."""

    max_pages: int = 2000
    max_pixels: int = 60_000_000
    render_dpi: float = 200.0
    # The child that checks one file (FILINGCHECK_UPLOAD_CHECK_MEMORY_MB, _SECONDS).
    check_memory_mb: int = 1024
    check_seconds: float = 60.0


@dataclass(frozen=True)
class Upload:
    """One file as received: its name as sent and a readable, seekable stream."""

    role: str
    name: str
    stream: BinaryIO


def store_uploads(
    uploads: list[Upload], files: FileStore, max_bytes: int, limits: UploadLimits | None = None
) -> list[NewFile]:
    """Check every upload, then store them all; nothing is stored when one is refused."""
    checked = [_check_isolated(u, max_bytes, limits or UploadLimits()) for u in uploads]
    stored = []
    for upload, (media_type, size, pages) in zip(uploads, checked, strict=True):
        upload.stream.seek(0)
        digest = files.put_stream(upload.stream)
        stored.append(
            NewFile(upload.role, safe_name(upload.name, upload.role), digest, size, media_type, pages)
        )
    return stored


def safe_name(name: str, role: str) -> str:
    """The file's own name without folders or control characters (it names the file in the report)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = _clip(base.strip().lstrip("."), MAX_NAME_BYTES)
    return base or f"{role}.bin"


def _clip(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes, keeping a short extension (it tells the file's kind)."""
    if len(name.encode()) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot and stem and len(ext.encode()) <= 16 else ""
    stem = name[: len(name) - len(suffix)]
    room = limit - len(suffix.encode())
    return stem.encode()[:room].decode("utf-8", "ignore").rstrip() + suffix


def _check_isolated(upload: Upload, max_bytes: int, limits: UploadLimits) -> tuple[str, int, int]:
    """``_check`` on a copy of the upload, in a capped child process."""
    from filingcheck.service.isolation import Caps, ChildFailedError, run_capped

    name = safe_name(upload.name, upload.role)
    caps = Caps(memory_bytes=limits.check_memory_mb * 2**20, seconds=limits.check_seconds)
    with tempfile.NamedTemporaryFile(prefix="filingcheck-check-") as copy:
        upload.stream.seek(0)
        shutil.copyfileobj(upload.stream, copy)
        copy.flush()
        upload.stream.seek(0)
        try:
            outcome, value = run_capped(
                check_file, (copy.name, upload.role, upload.name, max_bytes, limits), caps
            )
        except ChildFailedError as exc:
            if exc.reason == "crashed":
                raise UploadError(
                    422, "unreadable_file", f"{name}: the file broke its reader ({exc.detail})"
                ) from None
            raise UploadError(
                422, "too_complex", f"{name}: checking it went over the {exc.reason} limit of one file"
            ) from None
    if outcome == "refused":
        raise UploadError(*value)
    media_type, size, pages = value
    return media_type, size, pages


def check_file(
    path: str, role: str, name: str, max_bytes: int, limits: UploadLimits
) -> tuple[str, tuple[Any, ...]]:
    """In the child: ``("ok", (media type, size, pages))`` or ``("refused", (status, code, message))``."""
    with open(path, "rb") as stream:
        try:
            return "ok", _check(Upload(role, name, stream), max_bytes, limits)
        except UploadError as exc:
            return "refused", (exc.status, exc.code, exc.message)


def _check(upload: Upload, max_bytes: int, limits: UploadLimits) -> tuple[str, int, int]:
    stream, name = upload.stream, safe_name(upload.name, upload.role)
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadError(422, "empty_file", f"{name}: the file is empty")
    if size > max_bytes:
        raise UploadError(
            413, "too_large", f"{name}: {size / 2**20:.1f} MB, the limit is {max_bytes / 2**20:.0f} MB"
        )
    head = stream.read(16)
    stream.seek(0)
    kind = next(((k, media) for magic, k, media in KINDS if head.startswith(magic)), None)
    if kind is None:
        raise UploadError(415, "unsupported_file", f"{name}: not a {ACCEPTED} file")
    if upload.role == "electronic" and kind[0] != "pdf":
        raise UploadError(415, "unsupported_file", f"{name}: the electronic version must be a PDF")
    pages = _pdf_pages(stream, name, limits) if kind[0] == "pdf" else _image_pages(stream, name, limits)
    stream.seek(0)
    return kind[1], size, pages


def _pdf_pages(stream: BinaryIO, name: str, limits: UploadLimits) -> int:
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(stream))
    except PDFPasswordIncorrect:
        raise UploadError(
            422, "encrypted_pdf", f"{name}: the PDF is encrypted (it needs a password)"
        ) from None
    except Exception as exc:
        if _mentions_encrypt(stream):
            raise UploadError(422, "encrypted_pdf", f"{name}: the PDF is encrypted") from None
        raise UploadError(
            422, "unreadable_pdf", f"{name}: not a readable PDF ({exc.__class__.__name__})"
        ) from None
    try:
        count = resolve1(document.catalog["Pages"]).get("Count")
        pages = int(resolve1(count))
    except Exception:
        try:
            pages = sum(1 for _ in PDFPage.create_pages(document))
        except Exception as exc:
            raise UploadError(
                422, "unreadable_pdf", f"{name}: its pages cannot be read ({exc.__class__.__name__})"
            ) from None
    if pages <= 0:
        raise UploadError(422, "empty_pdf", f"{name}: the PDF has no pages")
    _check_count(pages, name, limits)
    _check_pdf_pages(document, pages, name, limits)
    return pages


def _check_count(pages: int, name: str, limits: UploadLimits) -> None:
    if pages > limits.max_pages:
        raise UploadError(422, "too_many_pages", f"{name}: {pages} pages, the limit is {limits.max_pages}")


def _check_pdf_pages(document: object, declared: int, name: str, limits: UploadLimits) -> None:
    """Walk the page tree (dictionaries only): the pages it holds must be the pages it counts, and no
    page may declare an image, or a size at the render DPI, over the pixel limit."""
    from pdfminer.pdfpage import PDFPage

    held = 0
    try:
        for page in PDFPage.create_pages(document):  # type: ignore[arg-type]
            held += 1
            if held > declared:
                break
            _check_pdf_page(page, f"{name} page {held}", limits)
    except UploadError:
        raise
    except Exception as exc:
        raise UploadError(
            422, "unreadable_pdf", f"{name}: its pages cannot be read ({exc.__class__.__name__})"
        ) from None
    if held != declared:
        raise UploadError(
            422, "unreadable_pdf", f"{name}: its page tree counts {declared} pages but holds {held}"
        )


def _check_pdf_page(page: object, where: str, limits: UploadLimits) -> None:
    images = _pdf_images(getattr(page, "resources", None), MAX_XOBJECT_DEPTH, set())
    for width, height in images:
        if width * height > limits.max_pixels:
            raise UploadError(
                422, "page_too_large", f"{where}: an image of {width}×{height} pixels is over the pixel limit"
            )
    try:
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)  # type: ignore[attr-defined]
    except Exception:
        return  # pdfium falls back to a default size; the loader checks what it draws
    width_in, height_in = abs(x1 - x0) / 72.0, abs(y1 - y0) / 72.0
    # A page that is one scanned image is taken at the image's resolution, any other is drawn.
    dpi = images[0][0] / width_in if len(images) == 1 and width_in > 0 else limits.render_dpi
    if width_in * height_in * dpi * dpi > limits.max_pixels:
        raise UploadError(
            422,
            "page_too_large",
            f"{where}: {width_in * 25.4:.0f}×{height_in * 25.4:.0f} mm at {dpi:.0f} DPI "
            "is over the pixel limit",
        )


def _pdf_images(resources: object, depth: int, seen: set[int]) -> list[tuple[int, int]]:
    """Declared (width, height) of the image XObjects in ``resources`` and in the forms it uses."""
    from pdfminer.pdftypes import PDFStream, resolve1

    resources = resolve1(resources)
    if depth <= 0 or not isinstance(resources, dict):
        return []
    xobjects = resolve1(resources.get("XObject"))
    if not isinstance(xobjects, dict):
        return []
    sizes = []
    for ref in xobjects.values():
        obj = resolve1(ref)
        if not isinstance(obj, PDFStream) or id(obj) in seen:
            continue
        seen.add(id(obj))
        subtype = getattr(resolve1(obj.attrs.get("Subtype")), "name", None)
        if subtype == "Image":
            width, height = resolve1(obj.attrs.get("Width")), resolve1(obj.attrs.get("Height"))
            if isinstance(width, int) and isinstance(height, int):
                sizes.append((abs(width), abs(height)))
        elif subtype == "Form":
            sizes.extend(_pdf_images(obj.attrs.get("Resources"), depth - 1, seen))
    return sizes


def _mentions_encrypt(stream: BinaryIO) -> bool:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(max(0, size - 65536))
    tail = stream.read()
    stream.seek(0)
    return b"/Encrypt" in tail


def _image_pages(stream: BinaryIO, name: str, limits: UploadLimits) -> int:
    from PIL import Image

    try:
        with Image.open(stream) as image:
            image.verify()
        stream.seek(0)
        with Image.open(stream) as image:
            frames = int(getattr(image, "n_frames", 1))
            _check_count(frames, name, limits)
            for index in range(frames):
                image.seek(index)  # reads the frame's header only
                if image.width * image.height > limits.max_pixels:
                    raise UploadError(
                        422,
                        "page_too_large",
                        f"{name} page {index + 1}: {image.width}×{image.height} pixels "
                        "is over the pixel limit",
                    )
    except UploadError:
        raise
    except Image.DecompressionBombError:
        raise UploadError(422, "page_too_large", f"{name}: the image is over the pixel limit") from None
    except Exception as exc:
        raise UploadError(
            422, "unreadable_image", f"{name}: not a readable image ({exc.__class__.__name__})"
        ) from None
    return frames
