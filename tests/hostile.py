"""Broken and hostile input files, built by code (no binary blobs in the repository).

Each builder returns the file's bytes. ``CASES`` lists every hostile case with the file name it is
saved under and what a loader must do with it: load cleanly or refuse with a stable input error code.
Builders are deterministic (fixed seeds) so a failure can be reproduced byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

# -- PDFs written by hand: full control over every object ------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose objects are numbered 1.. in order, with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def blank_pdf(pages: int = 1, width: float = 595, height: float = 842) -> bytes:
    """``pages`` empty pages of ``width`` × ``height`` points."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    box = b"[0 0 %g %g]" % (width, height)
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox %s >>" % box for _ in range(pages)]
    return raw_pdf(objects)


def text_pdf() -> bytes:
    """One A4 page with a line of text (a valid, typed PDF; the seed of the PDF fuzzers)."""
    content = b"BT /F1 24 Tf 72 720 Td (filingcheck hostile corpus) Tj ET"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            stream(b"", content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def scan_pdf(px_w: int = 200, px_h: int = 283, data: bytes | None = None) -> bytes:
    """One A4 page that is one grey image of ``px_w`` × ``px_h`` pixels drawn over the whole page.

    ``data`` defaults to a full, valid image; give less to declare a size the data does not fill.
    """
    if data is None:
        data = zlib.compress(bytes(random.Random(7).randrange(200, 256) for _ in range(px_w * px_h)))
    image = stream(
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode" % (px_w, px_h),
        data,
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            image,
        ]
    )


def fpdf_pdf(user_password: str | None = None, owner_password: str = "owner") -> bytes:
    """A one-page PDF from fpdf2, optionally encrypted (an empty user password opens without one)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2025, 3, 1, tzinfo=dt.UTC))  # the same bytes every run
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="hostile corpus")
    if user_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(pdf.output())


def truncated_pdf() -> bytes:
    data = fpdf_pdf()
    return data[: len(data) // 3]


def corrupt_pdf() -> bytes:
    return b"%PDF-1.7\n" + random.Random(1).randbytes(4000)


def header_only_pdf() -> bytes:
    return b"%PDF-"


def zero_page_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def lying_count_pdf() -> bytes:
    """A page tree that claims a million pages and holds one."""
    return blank_pdf(1).replace(b"/Count 1 ", b"/Count 1000000 ")


def missing_pages_pdf() -> bytes:
    """A page tree that claims three pages and holds one."""
    return blank_pdf(1).replace(b"/Count 1 ", b"/Count 3 ")


def many_pages_pdf(pages: int = 2000) -> bytes:
    """Tiny blank pages (1 × 1 inch), so rendering is cheap and only the count matters."""
    return blank_pdf(pages, 72, 72)


def javascript_pdf() -> bytes:
    """A page with an OpenAction JavaScript, a page-open action and an embedded file."""
    attachment = stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 not really a program")
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R "
            b"/Names << /JavaScript << /Names [(run) 4 0 R] >> "
            b"/EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 4 0 R >> >>",
            b"<< /S /JavaScript /JS (app.alert('hostile'); this.exportDataObject({cName: 'x.exe'});) >>",
            attachment,
            b"<< /Type /Filespec /F (x.exe) /EF << /F 5 0 R >> >>",
        ]
    )


def huge_page_pdf() -> bytes:
    """One 20,000 × 20,000 pt page (7 m square: billions of pixels at 200 DPI)."""
    return blank_pdf(1, 20000, 20000)


def image_bomb_pdf() -> bytes:
    """A normal A4 page whose one image declares 2,000 × 2,000,000 pixels (4 GB once decoded)."""
    return scan_pdf(2000, 2_000_000, zlib.compress(b"\xff" * 4096))


def crop_outside_pdf() -> bytes:
    """A page whose crop box lies outside its media box (found by fuzzing: pdfium cannot draw it)."""
    return blank_pdf(1).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842] /CropBox [0 0 -5 -5]")


def zip_as_pdf() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("paper.pdf", fpdf_pdf())
    return out.getvalue()


def html_as_png() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script><img src=x onerror=alert(2)></body></html>"


# -- images ---------------------------------------------------------------------------------------


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, depth: int = 8, colour: int = 0) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` with only a few rows of data behind it."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    rows = zlib.compress(b"\x00" * min(width + 1, 1 << 16) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def png_bomb() -> bytes:
    """100,000 × 100,000 pixels declared (10 gigapixels)."""
    return png_declaring(100_000, 100_000)


def png_just_over_limit() -> bytes:
    """Over the default 60 Mpx limit but under twice Pillow's default limit (its own bomb check
    only warns there)."""
    return png_declaring(10_000, 7_000)


def tiff_declaring(width: int, height: int, frames: int = 1) -> bytes:
    """An uncompressed 8-bit grey TIFF whose IFDs declare ``width`` × ``height`` over one tiny strip."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    strip = b"\x80" * 64
    for index in range(frames):
        ifd_at = len(out)
        entries = [
            (256, 4, width),
            (257, 4, height),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, 0),  # strip offset, patched below
            (277, 3, 1),
            (278, 4, height),
            (279, 4, len(strip)),
        ]
        size = 2 + 12 * len(entries) + 4
        strip_at = ifd_at + size
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            value = strip_at if tag == 273 else value
            packed = struct.pack("<H", value) + b"\x00\x00" if kind == 3 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, 1) + packed
        next_ifd = strip_at + len(strip) if index + 1 < frames else 0
        out += struct.pack("<I", next_ifd) + strip
    return bytes(out)


def tiff_bomb() -> bytes:
    return tiff_declaring(100_000, 100_000)


def tiff_second_page_bomb() -> bytes:
    """A harmless first page, then a page that declares 10 gigapixels."""
    small = tiff_declaring(8, 8, 1)
    big = tiff_declaring(100_000, 100_000, 1)
    # Chain the second file's IFD after the first: offsets in it are shifted by len(small).
    shift = len(small)
    ifd = bytearray(big[8:])
    count = struct.unpack_from("<H", ifd, 0)[0]
    for i in range(count):
        tag = struct.unpack_from("<H", ifd, 2 + 12 * i)[0]
        if tag == 273:
            at = 2 + 12 * i + 8
            struct.pack_into("<I", ifd, at, struct.unpack_from("<I", ifd, at)[0] + shift - 8)
    first = bytearray(small)
    next_at = 8 + 2 + 12 * struct.unpack_from("<H", first, 8)[0]
    struct.pack_into("<I", first, next_at, shift)
    return bytes(first) + bytes(ifd)


def tiff_ifd_loop() -> bytes:
    """Two pages whose IFDs point at each other (a naive page count never ends)."""
    data = bytearray(tiff_declaring(8, 8, 2))
    count = struct.unpack_from("<H", data, 8)[0]
    first_next = 8 + 2 + 12 * count
    second_ifd = struct.unpack_from("<I", data, first_next)[0]
    second_next = second_ifd + 2 + 12 * count
    struct.pack_into("<I", data, second_next, 8)
    return bytes(data)


def many_frames_tiff(frames: int = 30) -> bytes:
    return tiff_declaring(8, 8, frames)


def _pattern(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """An RGB test card: left half black, right half white, a red top-left corner (for orientation)."""
    im = Image.new("RGB", size, (255, 255, 255))
    im.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))
    im.paste((255, 0, 0), (0, 0, 8, 8))
    return im


def _save(im: Image.Image | list[Image.Image], fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    frames = im if isinstance(im, list) else [im]
    frames[0].save(out, fmt, save_all=len(frames) > 1, append_images=frames[1:], **options)  # type: ignore[arg-type]
    return out.getvalue()


def tiff_pages(compression: str, pages: int = 3) -> bytes:
    """A multi-page TIFF of the test card: ``group4`` (1-bit), ``tiff_lzw`` or ``jpeg`` (RGB)."""
    card = _pattern()
    mode = "1" if compression == "group4" else "RGB"
    return _save([card.convert(mode)] * pages, "TIFF", compression=compression)


def one_bit_png() -> bytes:
    return _save(_pattern().convert("1"), "PNG")


def sixteen_bit_png() -> bytes:
    """A 16-bit grey gradient from 0 to 65535 across the width."""
    im = Image.new("I;16", (256, 16))
    im.putdata([x * 257 for _ in range(16) for x in range(256)])
    return _save(im, "PNG")


def cmyk_jpeg() -> bytes:
    return _save(_pattern().convert("CMYK"), "JPEG", quality=95)


def exif_rotated_jpeg() -> bytes:
    """The test card stored turned 90° anticlockwise, with EXIF orientation 6 (turn 90° clockwise)."""
    stored = _pattern().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(stored, "JPEG", quality=95, exif=exif)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def small_png() -> bytes:
    return _save(_pattern(), "PNG")


def small_tiff() -> bytes:
    return _save(_pattern(), "TIFF", compression="tiff_lzw")


# -- the catalogue --------------------------------------------------------------------------------

LOADS = "loads"


@dataclass(frozen=True)
class Case:
    """One hostile file: its name when saved, its builder, and the expected outcome.

    ``expect`` is ``"loads"`` or the stable input error code of the loader; ``pages`` the page count
    when it loads.
    """

    name: str
    build: Callable[[], bytes]
    expect: str
    pages: int = 1
    # What the upload check says, when it cannot see the problem without drawing the page (the
    # loader then refuses the file in processing, and the submission fails with ``expect``).
    at_upload: str | None = None

    @property
    def upload_expect(self) -> str:
        return self.at_upload or self.expect


CASES: tuple[Case, ...] = (
    Case("zero.pdf", lambda: b"", "empty_file"),
    Case("zero.png", lambda: b"", "empty_file"),
    Case("header_only.pdf", header_only_pdf, "unreadable_pdf"),
    Case("truncated.pdf", truncated_pdf, "unreadable_pdf"),
    Case("corrupt.pdf", corrupt_pdf, "unreadable_pdf"),
    Case("encrypted_user.pdf", lambda: fpdf_pdf(user_password="secret"), "encrypted_pdf"),
    Case("encrypted_owner_only.pdf", lambda: fpdf_pdf(user_password=""), LOADS),
    Case("zero_pages.pdf", zero_page_pdf, "empty_pdf"),
    Case("lying_count.pdf", lying_count_pdf, "too_many_pages"),
    Case("missing_pages.pdf", missing_pages_pdf, "unreadable_pdf"),
    Case("javascript.pdf", javascript_pdf, LOADS),
    Case("huge_page.pdf", huge_page_pdf, "page_too_large"),
    Case("image_bomb.pdf", image_bomb_pdf, "page_too_large"),
    Case("crop_outside.pdf", crop_outside_pdf, "unreadable_pdf", at_upload=LOADS),
    Case("zip.pdf", zip_as_pdf, "unsupported_file"),
    Case("html.png", html_as_png, "unsupported_file"),
    Case("bomb.png", png_bomb, "page_too_large"),
    Case("just_over.png", png_just_over_limit, "page_too_large"),
    Case("bomb.tif", tiff_bomb, "page_too_large"),
    Case("second_page_bomb.tif", tiff_second_page_bomb, "page_too_large"),
    Case("ifd_loop.tif", tiff_ifd_loop, LOADS, pages=2),
    Case("truncated.png", lambda: truncated(small_png()), "unreadable_image"),
    Case("truncated.jpg", lambda: truncated(exif_rotated_jpeg(), 0.4), "unreadable_image"),
    Case("truncated.tif", lambda: truncated(small_tiff(), 0.3), "unreadable_image"),
    Case("g4.tif", lambda: tiff_pages("group4"), LOADS, pages=3),
    Case("lzw.tif", lambda: tiff_pages("tiff_lzw"), LOADS, pages=3),
    Case("jpeg.tif", lambda: tiff_pages("jpeg"), LOADS, pages=3),
    Case("one_bit.png", one_bit_png, LOADS),
    Case("sixteen_bit.png", sixteen_bit_png, LOADS),
    Case("cmyk.jpg", cmyk_jpeg, LOADS),
    Case("exif_rotated.jpg", exif_rotated_jpeg, LOADS),
)

# Names a client may send for an upload; none may leave the store's folder or break a file system.
HOSTILE_NAMES: tuple[str, ...] = (
    "../../../../etc/passwd",
    "..\\..\\windows\\system32\\config.pdf",
    "/abs/path/paper.pdf",
    "a/b/c.pdf",
    "..",
    ".hidden.pdf",
    "nul\x00byte.pdf",
    "ctrl\r\nX-Injected: 1.pdf",
    "名" * 300 + ".pdf",
    "a" * 300 + ".pdf",
)
