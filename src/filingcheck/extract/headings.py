"""A page's own heading (产品研发报告, 配方依据 …): it names the item a page belongs to where no cover
sheet does."""

from __future__ import annotations

import statistics

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.layout import Piece
from filingcheck.models import DocType, FieldName, FieldValue, PageOcr
from filingcheck.models.normalize import normalise

HEADING_ZONE = 0.25
MAX_CHARS = 30
# A heading is set larger than the page's text: by this factor over the median line height.
LARGER = 1.15
NOTE = "page heading"


def page_heading(ocr: PageOcr, document: DocType) -> list[FieldValue]:
    """The largest short line in the top of the page, if it is set larger than the text."""
    if len(ocr.lines) < 2:
        return []
    median = statistics.median(ln.bbox.height for ln in ocr.lines)
    top = [
        ln
        for ln in ocr.lines
        if ln.bbox.y1 <= HEADING_ZONE * ocr.height
        and 2 <= len(normalise(ln.text)) <= MAX_CHARS
        and ln.bbox.height >= LARGER * median
    ]
    if not top:
        return []
    line = max(top, key=lambda ln: ln.bbox.height)
    value = field_from_pieces(FieldName.ITEM_NAME, [Piece(line, 0, len(line.text))], ocr, document, note=NOTE)
    return [value] if value is not None else []
