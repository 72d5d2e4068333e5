"""Turning value pieces on a page into a ``FieldValue`` with its boxes and per-character evidence."""

from __future__ import annotations

from collections.abc import Sequence

from filingcheck.extract.layout import Piece, value_end
from filingcheck.models import BBox, DocType, FieldName, FieldValue, PageOcr, Source
from filingcheck.models.normalize import normalise_with_map


def field_from_pieces(
    name: FieldName,
    pieces: Sequence[Piece],
    ocr: PageOcr,
    document: DocType,
    *,
    value: str | None = None,
    confidence_cap: float = 1.0,
    note: str | None = None,
) -> FieldValue | None:
    """A paper reading built from OCR pieces; boxes are mapped back to the scanned page."""
    if pieces:
        last = pieces[-1]
        pieces = [*pieces[:-1], Piece(last.line, last.start, value_end(last.line.text, last.start, last.end))]
    raw = "".join(p.text for p in pieces)
    if not raw.strip():
        return None
    confidences: list[float] = []
    under_seal: list[bool] = []
    boxes: list[BBox | None] = []
    for piece in pieces:
        line_conf = piece.line.char_confidences()
        has_boxes = len(piece.line.chars) == len(piece.line.text)
        for i in range(piece.start, piece.end):
            confidences.append(line_conf[i])
            under_seal.append(piece.line.under_seal)
            boxes.append(ocr.to_scan(piece.line.chars[i].bbox) if has_boxes else None)
    norm = normalise_with_map(raw)
    char_conf = [confidences[i] for i in norm.index]
    char_seal = [under_seal[i] for i in norm.index]
    char_boxes = [boxes[i] for i in norm.index]
    line_boxes = [ocr.to_scan(_piece_box(p)) for p in pieces]
    final = norm.text if value is None else value
    return FieldValue(
        name=name,
        value=final,
        raw=raw,
        source=Source.PAPER,
        document=document,
        page=ocr.page,
        bbox=BBox.union_of(line_boxes),
        confidence=round(min([*char_conf, 1.0]) * confidence_cap, 4) if char_conf else 0.0,
        char_confidences=char_conf if value is None else None,
        char_under_seal=char_seal if value is None else None,
        char_boxes=[b for b in char_boxes if b is not None] if value is None and all(char_boxes) else None,
        note=note,
    )


def _piece_box(piece: Piece) -> BBox:
    line = piece.line
    if len(line.chars) == len(line.text) and piece.end > piece.start:
        return BBox.union_of(c.bbox for c in line.chars[piece.start : piece.end])
    return line.bbox
