"""Item cover sheets (封页): product and applicant names, and the item name at the top right."""

from __future__ import annotations

from typing import TypeVar

from filingcheck.extract.evidence import field_from_pieces
from filingcheck.extract.form import PRODUCT_SUFFIX, labelled_fields
from filingcheck.extract.labels import COVER_LABELS
from filingcheck.extract.layout import Piece, match_label
from filingcheck.extract.numbering import split_numbered
from filingcheck.models import DocType, FieldName, FieldValue, OcrLine, PageOcr
from filingcheck.models.normalize import normalise
from filingcheck.models.organisations import ORGANISATION_NAME

T = TypeVar("T")
# Where the notice puts the item name: the top right of the sheet.
TOP_SHARE = 0.2
RIGHT_SHARE = 0.45
# Sheet titles that name the dossier, not the item.
TITLES = ("申报资料", "注册申报资料", "保健食品注册申报资料")


def cover_sheet_fields(ocr: PageOcr) -> list[FieldValue]:
    """Product and applicant names (labelled or by their suffixes) and the item name at top right."""
    values = labelled_fields(ocr, DocType.COVER_SHEET, COVER_LABELS)
    have = {v.name for v in values}
    corner = _top_right(ocr)
    for line in ocr.lines:
        if line in corner or match_label(line, COVER_LABELS) is not None:
            continue
        text = line.text.strip()
        if FieldName.APPLICANT_NAME not in have and ORGANISATION_NAME.search(text):
            name = FieldName.APPLICANT_NAME
        elif FieldName.PRODUCT_NAME not in have and PRODUCT_SUFFIX.search(text):
            name = FieldName.PRODUCT_NAME
        else:
            continue
        value = field_from_pieces(name, [Piece(line, 0, len(line.text))], ocr, DocType.COVER_SHEET)
        if value is not None:
            values.append(value)
            have.add(name)
    item = item_name(ocr, corner)
    if item is not None:
        values.append(item)
    return values


def _top_right(ocr: PageOcr) -> list[OcrLine]:
    return [
        ln
        for ln in ocr.lines
        if ln.bbox.y1 < TOP_SHARE * ocr.height
        and ln.bbox.x1 > (1 - RIGHT_SHARE) * ocr.width
        and ln.bbox.x0 > RIGHT_SHARE * ocr.width * 0.5
        and normalise(ln.text) not in TITLES
    ]


def item_name(ocr: PageOcr, corner: list[OcrLine]) -> FieldValue | None:
    """The item name, joined over the lines it wraps onto; ``item`` is its number when printed."""
    if not corner:
        return None
    corner = sorted(corner, key=lambda ln: ln.bbox.y0)
    block = [corner[0]]
    for line in corner[1:]:
        if line.bbox.y0 - block[-1].bbox.y1 > 1.2 * block[-1].bbox.height:
            break
        block.append(line)
    head = split_numbered(block[0].text)
    pieces = [Piece(line, 0, len(line.text)) for line in block]
    value = field_from_pieces(FieldName.ITEM_NAME, pieces, ocr, DocType.COVER_SHEET)
    if value is None:
        return None
    if head is None:
        return value
    name = head.name + "".join(normalise(ln.text) for ln in block[1:])
    return value.model_copy(
        update={
            "value": name,
            "item": head.number,
            "char_confidences": _tail(value.char_confidences, len(name)),
            "char_under_seal": _tail(value.char_under_seal, len(name)),
            "char_boxes": _tail(value.char_boxes, len(name)),
        }
    )


def _tail(items: list[T] | None, n: int) -> list[T] | None:
    """The per-character evidence of the name without its number (the number comes first)."""
    if items is None or len(items) < n:
        return None
    return items[len(items) - n :]
