"""Text layers of born-digital PDF pages, read as OCR lines (exact text, no recognition errors).

Only pages that are not one scanned image qualify: a scan's embedded OCR layer comes from an
unknown engine and is not trusted over our own reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from filingcheck.models import BBox, OcrChar, OcrLine
from filingcheck.models.normalize import looks_garbled
from filingcheck.ocr.text import drop_cjk_spaces

MIN_CHARS = 20


def text_layer_lines(pdf: Any, index: int, dpi: float) -> list[OcrLine] | None:
    """Lines of page ``index`` (0-based) of an open pdfplumber document, in pixels at ``dpi``;
    None where the page has no usable text layer."""
    page = pdf.pages[index]
    if int(page.rotation or 0) % 360:
        return None  # pdfplumber's coordinates ignore /Rotate; OCR the rendered page instead
    scale = dpi / 72.0
    lines = []
    for raw in page.extract_text_lines(return_chars=True):
        chars = [
            OcrChar(
                text=c["text"],
                bbox=BBox.of(c["x0"] * scale, c["top"] * scale, c["x1"] * scale, c["bottom"] * scale),
                confidence=1.0,
            )
            for c in raw["chars"]
            if c["text"].strip()
        ]
        text = drop_cjk_spaces(raw["text"])
        if not chars or not text:
            continue
        if "".join(c.text for c in chars) != text:
            chars = []
        box = BBox.of(raw["x0"] * scale, raw["top"] * scale, raw["x1"] * scale, raw["bottom"] * scale)
        lines.append(OcrLine(text=text, bbox=box, confidence=1.0, chars=chars))
    joined = "".join(line.text for line in lines)
    if len(joined) < MIN_CHARS or looks_garbled(joined):
        return None
    return lines


def open_text_layers(path: Path) -> Any:
    import pdfplumber

    return pdfplumber.open(path)
