"""Uploads checked before they are stored: kind by magic bytes, size, and PDFs that open at all.

The checks are cheap and thread-safe (pdfminer, Pillow): pdfium, which renders pages in the
background runner, must not be called from a request thread at the same time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

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


class UploadError(Exception):
    """A rejected upload: HTTP ``status`` and a stable ``code`` (the README's input error codes)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Upload:
    """One file as received: its name as sent and a readable, seekable stream."""

    role: str
    name: str
    stream: BinaryIO


def store_uploads(uploads: list[Upload], files: FileStore, max_bytes: int) -> list[NewFile]:
    """Check every upload, then store them all; nothing is stored when one is refused."""
    checked = [_check(u, max_bytes) for u in uploads]
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
    base = base.strip().lstrip(".")[:200]
    return base or f"{role}.bin"


def _check(upload: Upload, max_bytes: int) -> tuple[str, int, int]:
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
    pages = _pdf_pages(stream, name) if kind[0] == "pdf" else _image_pages(stream, name)
    stream.seek(0)
    return kind[1], size, pages


def _pdf_pages(stream: BinaryIO, name: str) -> int:
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
    return pages


def _mentions_encrypt(stream: BinaryIO) -> bool:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(max(0, size - 65536))
    tail = stream.read()
    stream.seek(0)
    return b"/Encrypt" in tail


def _image_pages(stream: BinaryIO, name: str) -> int:
    from PIL import Image

    try:
        with Image.open(stream) as image:
            frames = int(getattr(image, "n_frames", 1))
            image.verify()
    except Image.DecompressionBombError:
        raise UploadError(422, "page_too_large", f"{name}: the image is over the pixel limit") from None
    except Exception as exc:
        raise UploadError(
            422, "unreadable_image", f"{name}: not a readable image ({exc.__class__.__name__})"
        ) from None
    return frames
