"""A repeated application's statement of reasons (再次申报的理由), found by its heading."""

from __future__ import annotations

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.layout import Piece
from filingcheck.models import DocType, FieldName, FieldValue, PageOcr
from filingcheck.models.normalize import normalise

AGAIN = ("再次申报", "重新申报", "再次申请", "重新申请", "再次提交")
WHY = ("理由", "原因", "说明")
HEADING_SHARE = 0.3


def resubmission_reasons(ocr: PageOcr, document: DocType) -> list[FieldValue]:
    """The heading of a reasons statement in the top of the page, if there is one."""
    for line in sorted(ocr.lines, key=lambda ln: ln.bbox.y0):
        if line.bbox.y1 > HEADING_SHARE * ocr.height:
            break
        text = normalise(line.text)
        if len(text) <= 30 and any(a in text for a in AGAIN) and any(w in text for w in WHY):
            value = field_from_pieces(
                FieldName.RESUBMISSION_REASONS, [Piece(line, 0, len(line.text))], ocr, document
            )
            return [value] if value is not None else []
    return []
